"""Browsing mix: anonymous shoppers on the storefront pages (home, category, product, search) and on the
storefront GraphQL API (product lists by category, a product, a search), over the demo catalogue
(`meidu seed`) and the bulk products. Slugs, categories and search words come from LOAD_FIXTURE."""

import random

from common import FIXTURE, graphql, page, stagger, wait_time
from documents import PRODUCT, PRODUCTS
from locust import FastHttpUser, task


class Browser(FastHttpUser):
    wait_time = wait_time()

    def on_start(self):
        stagger()
        self.rng = random.Random()

    def _slug(self) -> str:
        return self.rng.choice(FIXTURE["products"])

    @task(2)
    def home(self):
        page(self.client, "page: home", "/")

    @task(2)
    def shop_home(self):
        page(self.client, "page: shop home", "/shop/")

    @task(3)
    def category(self):
        page(self.client, "page: category", f"/shop/c/{self.rng.choice(FIXTURE['categories'])['slug']}/")

    @task(4)
    def product(self):
        page(self.client, "page: product", f"/shop/p/{self._slug()}/")

    @task(2)
    def search(self):
        page(self.client, "page: search", f"/shop/search/?q={self.rng.choice(FIXTURE['words'])}")

    @task(3)
    def api_products(self):
        category = self.rng.choice(FIXTURE["categories"])["id"]
        graphql(
            self.client,
            "api: products(first: 24, category)",
            PRODUCTS,
            {"first": 24, "filter": {"categories": [category]}},
        )

    @task(2)
    def api_product(self):
        graphql(self.client, "api: product(slug)", PRODUCT, {"slug": self._slug()})

    @task(2)
    def api_search(self):
        graphql(
            self.client,
            "api: products(search)",
            PRODUCTS,
            {"first": 24, "filter": {"search": self.rng.choice(FIXTURE["words"])}},
        )
