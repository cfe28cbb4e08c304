"""Reads of the seller centre shaped for its pages: product rows, the stock table, notices, checklist links."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.catalog.selectors import (
    product_list_for_shop,
    product_variant_list_for_shop,
    product_variant_list_in_bulk,
)
from marketplace.inventory.selectors import stock_list_for_shop, warehouse_list_for_shop, warehouse_list_in_bulk
from marketplace.settlement.selectors import commission_rates_of_orders
from marketplace.shops.selectors import shop_notice_list_latest

# Checklist code -> (the seller centre's words for it, where to fix it, the link's words). The labels
# are the storefront's own msgids (the selector's stay English in the back office); unknown codes keep
# the selector's label.
CHECKLIST = {
    "product": (gettext_lazy("At least one product listed"), "seller:product_new", "", gettext_lazy("Add a product")),
    "delivery": (
        gettext_lazy("Delivery or a pickup point"),
        "seller:dashboard",
        "#settings",
        gettext_lazy("Offer delivery, or add a pickup point on the stock page"),
    ),
    "terms": (
        gettext_lazy("Terms accepted"),
        "seller:dashboard",
        "#settings",
        gettext_lazy("Read and accept the terms"),
    ),
}
NOTICE_TITLES = {
    "low_stock": gettext_lazy("Low stock"),
    "shop_approve": gettext_lazy("Your shop is approved and open"),
    "shop_reject": gettext_lazy("Your shop was not approved"),
    "shop_suspend": gettext_lazy("Your shop is suspended"),
    "shop_reinstate": gettext_lazy("Your shop is open again"),
}


@dataclass(frozen=True)
class ChecklistRow:
    label: str
    done: bool
    fix_url: str
    fix_words: str


def checklist_rows(items, shop) -> list[ChecklistRow]:
    """shop_checklist's items with the seller centre's wording and a link to fix each open one."""
    rows = []
    for item in items:
        label, url_name, anchor, words = CHECKLIST.get(item.code, (item.label, "seller:dashboard", "", ""))
        url = f"{reverse(url_name)}?{urlencode({'shop': shop.slug})}{anchor}"
        rows.append(ChecklistRow(str(label), item.done, url, str(words)))
    return rows


def seller_products(shop, channel):
    """The shop's products, newest first, with photos, prices and listing in ``channel`` batched."""
    return product_list_for_shop(shop, channel)


def stock_table(shop) -> tuple[list, list, dict]:
    """(variants, warehouses, {(variant id, warehouse id): Stock}) of the shop, in three queries."""
    variants = product_variant_list_for_shop(shop)
    warehouses = warehouse_list_for_shop(shop)
    stocks = {(stock.variant_id, stock.warehouse_id): stock for stock in stock_list_for_shop(shop)}
    return variants, warehouses, stocks


@dataclass(frozen=True)
class NoticeView:
    title: str
    detail: str
    created_at: object


def latest_notices(shop, limit: int = 5) -> list[NoticeView]:
    """The newest notices in the reader's language; low-stock ones are rebuilt from their data."""
    notices = shop_notice_list_latest(shop, limit)
    variant_ids = {notice.data.get("variant") for notice in notices if notice.kind == "low_stock"}
    warehouse_ids = {notice.data.get("warehouse") for notice in notices if notice.kind == "low_stock"}
    variants = product_variant_list_in_bulk(variant_ids)
    warehouses = warehouse_list_in_bulk(warehouse_ids)
    return [_notice_view(notice, variants, warehouses) for notice in notices]


def _notice_view(notice, variants, warehouses) -> NoticeView:
    title = str(NOTICE_TITLES.get(notice.kind, notice.kind))
    detail = notice.message
    if notice.kind == "low_stock":
        variant = variants.get(notice.data.get("variant"))
        warehouse = warehouses.get(notice.data.get("warehouse"))
        if variant and warehouse:
            detail = _("%(item)s: %(count)s left in %(warehouse)s") % {
                "item": str(variant),
                "count": notice.data.get("available"),
                "warehouse": warehouse.name,
            }
    elif notice.kind.startswith("shop_") and notice.message == notice.kind.removeprefix("shop_"):
        detail = ""  # the service stores the bare action when the operator wrote no note
    return NoticeView(title, detail, notice.created_at)


def commission_text(rates, final: bool) -> str:
    """ "Commission 3%" (or "3%–6%" when the order's goods differ); "expected" until the order is settled."""
    if not rates:
        return ""
    span = f"{rates[0].normalize():f}%" if len(rates) == 1 else f"{rates[0].normalize():f}%–{rates[-1].normalize():f}%"
    if final:
        return _("Commission %(rate)s") % {"rate": span}
    return _("Commission %(rate)s (expected)") % {"rate": span}


def with_commission(orders) -> list:
    """The orders, each with ``commission`` (commission_text) from one batched settlement read."""
    orders = list(orders)
    rates = commission_rates_of_orders(orders)
    for order in orders:
        order.commission = commission_text(*rates.get(order.pk, ([], False)))
    return orders
