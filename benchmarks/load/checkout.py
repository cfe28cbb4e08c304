"""Checkout mix: signed-in buyers (LOAD_FIXTURE's tokens, one per locust user, round robin) each placing
orders from cart to cash on delivery through the storefront API in four requests: checkoutCreate with one or
two items of one shop and the shipping address in its input (Saleor's checkoutCreate takes shippingAddress,
so a storefront that knows the address sends it there rather than in a second request), that shop's county
delivery, transactionInitialize with cash on delivery, checkoutComplete. One task is one whole order; its
flow time is recorded as the sample "order". A hot set of products (every buyer buys from the same few)
makes the stock rows contended."""

import itertools
import random
import time

from common import FIXTURE, flow, graphql, stagger, wait_time
from documents import (
    CASH_ON_DELIVERY,
    CHECKOUT_COMPLETE,
    CHECKOUT_CREATE,
    CHECKOUT_DELIVERY,
    CHECKOUT_PAY,
)
from locust import FastHttpUser, task

_buyers = itertools.count()


class Buyer(FastHttpUser):
    wait_time = wait_time()

    def on_start(self):
        stagger()
        self.n = next(_buyers)
        self.token = FIXTURE["buyers"][self.n % len(FIXTURE["buyers"])]
        self.rng = random.Random(self.n)
        self.orders = 0

    @task
    def order(self):
        started = time.time()
        shop = self.rng.choice(FIXTURE["shops"])
        variants = self.rng.sample(shop["variants"], min(len(shop["variants"]), self.rng.choice((1, 1, 2))))
        lines = [{"variantId": v, "quantity": self.rng.choice((1, 1, 2))} for v in variants]
        created = graphql(
            self.client,
            "checkoutCreate",
            CHECKOUT_CREATE,
            {"input": {"channel": "rural", "lines": lines, "shippingAddress": FIXTURE["address"]}},
            self.token,
        )
        if not created:
            return flow("order", started, False, "checkoutCreate")
        checkout = created["checkout"]["id"]
        for delivery in created["checkout"]["deliveries"]:
            method = next((m for m in delivery["shippingMethods"] if m["kind"] == "county"), None)
            if method is None:
                return flow("order", started, False, "no county delivery")
            chosen = graphql(
                self.client,
                "checkoutDeliveryMethodUpdate",
                CHECKOUT_DELIVERY,
                {"id": checkout, "m": method["id"], "shop": delivery["shop"]["id"]},
                self.token,
            )
            if not chosen:
                return flow("order", started, False, "checkoutDeliveryMethodUpdate")
        self.orders += 1
        paid = graphql(
            self.client,
            "transactionInitialize (COD)",
            CHECKOUT_PAY,
            {"id": checkout, "gateway": CASH_ON_DELIVERY, "key": f"load-{self.n}-{self.orders}-{started}"},
            self.token,
        )
        if not paid:
            return flow("order", started, False, "transactionInitialize")
        done = graphql(self.client, "checkoutComplete", CHECKOUT_COMPLETE, {"id": checkout}, self.token)
        if not done or not done.get("orders"):
            return flow("order", started, False, "checkoutComplete")
        flow("order", started, True)
