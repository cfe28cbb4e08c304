"""The navigation of every role, in one place: role -> links to pages that exist today.

Add a link here when its page ships; templates and the context processor only read
this table. The GraphQL explorer is a developer's tool: it is linked for operators and for
developers (users who manage integration Apps), and only while GraphiQL is enabled (demo mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from meidu.accounts.roles import Role
from meidu.core.permissions import AppPermission


@dataclass(frozen=True)
class NavLink:
    label: str
    url_name: str
    needs_graphiql: bool = False


HOME = NavLink(_("Home"), "shell:home")
ACCOUNT = NavLink(_("My account"), "shell:account")
BACK_OFFICE = NavLink(_("Back office"), "admin:index")
GRAPHQL = NavLink(_("GraphQL explorer"), "graphql", needs_graphiql=True)
MARKET = NavLink(_("Market"), "shop:catalogue")
OPEN_SHOP = NavLink(_("Open a shop"), "seller:open")
SELLER_CENTRE = NavLink(_("Seller centre"), "seller:dashboard")
CART = NavLink(_("Cart"), "shop:cart")
MY_ORDERS = NavLink(_("My orders"), "shop:orders")
SHOP_ORDERS = NavLink(_("Shop orders"), "seller:orders")
EARNINGS = NavLink(_("Earnings"), "seller:earnings")
DISTRIBUTOR_CENTRE = NavLink(_("Distributor centre"), "distributor:centre")
SUPPLY_OFFERS = NavLink(_("Distribution"), "seller:offers")
PICKUP_COUNTER = NavLink(_("Pickup counter"), "station:counter")
ASSISTED_BUYING = NavLink(_("Order for a villager"), "station:assisted")
RUN_SHEET = NavLink(_("Delivery run"), "station:runs")
MAGNESIA_PRICES = NavLink(_("Magnesia prices"), "exchange:prices")
WAREHOUSE_DESK = NavLink(_("Warehouse desk"), "exchange:warehouse_home")
TERMINAL = NavLink(_("Trader terminal"), "exchange:terminal")
BANK_PORTAL = NavLink(_("Bank portal"), "bank:home")
MY_LOANS = NavLink(_("My loans"), "exchange:terminal_loans")
ESCALATED_COMPLAINTS = NavLink(_("Escalated complaints"), "operator:complaints")
FINANCING_OVERSIGHT = NavLink(_("Pledges and disputes"), "operator:financing")
BILL_RECONCILIATION = NavLink(_("Payment bills"), "operator:bills")
LEARN = NavLink(_("Courses"), "learn:courses")
INCUBATOR_CONSOLE = NavLink(_("Incubator console"), "incubator:console")
VILLAGE_RUNS = NavLink(_("Village runs"), "station:dispatch")
COD_TILL = NavLink(_("Cash on delivery"), "station:cash")
PRODUCE_PICKUP = NavLink(_("Produce pickup"), "station:pickups")
FARM_INFO = NavLink(_("Farm prices"), "farm:board")

MEMBER_LINKS = [HOME, ACCOUNT]

ROLE_NAVIGATION: dict[str | None, list[NavLink]] = {
    Role.OPERATOR: [
        HOME,
        ESCALATED_COMPLAINTS,
        FINANCING_OVERSIGHT,
        BILL_RECONCILIATION,
        INCUBATOR_CONSOLE,
        VILLAGE_RUNS,
        COD_TILL,
        MARKET,
        ACCOUNT,
        BACK_OFFICE,
        GRAPHQL,
    ],
    Role.BANK_OFFICER: [HOME, BANK_PORTAL, MAGNESIA_PRICES, ACCOUNT],
    Role.WAREHOUSE_OPERATOR: [HOME, WAREHOUSE_DESK, MAGNESIA_PRICES, ACCOUNT],
    Role.TRADER: [HOME, TERMINAL, MY_LOANS, MAGNESIA_PRICES, ACCOUNT],
    Role.SUPPLIER: [HOME, SELLER_CENTRE, SUPPLY_OFFERS, SHOP_ORDERS, LEARN, ACCOUNT],
    Role.DISTRIBUTOR: [HOME, DISTRIBUTOR_CENTRE, MARKET, MY_ORDERS, LEARN, ACCOUNT],
    Role.SELLER: [
        HOME,
        SELLER_CENTRE,
        SHOP_ORDERS,
        EARNINGS,
        PICKUP_COUNTER,
        PRODUCE_PICKUP,
        MARKET,
        FARM_INFO,
        CART,
        MY_ORDERS,
        LEARN,
        ACCOUNT,
    ],
    Role.STATION_AGENT: [HOME, PICKUP_COUNTER, ASSISTED_BUYING, FARM_INFO, ACCOUNT],
    Role.DRIVER: [HOME, RUN_SHEET, ACCOUNT],
    Role.BUYER: [HOME, MARKET, FARM_INFO, CART, MY_ORDERS, LEARN, OPEN_SHOP, ACCOUNT],
    None: [HOME, MARKET, FARM_INFO, CART, MY_ORDERS, LEARN, OPEN_SHOP, ACCOUNT],  # signed in without a role yet
}


@dataclass(frozen=True)
class ResolvedLink:
    label: str
    url: str
    current: bool


def is_developer(user) -> bool:
    """Whoever builds integrations (manages Apps) also gets the GraphQL explorer in the navigation."""
    return user.is_superuser or user.has_perm(AppPermission.MANAGE_APPS.value)


def role_links(role: str | None, current_path: str = "", *, user=None) -> list[ResolvedLink]:
    """The links a user of ``role`` sees, with URLs resolved and the current page marked. Whether
    ``user`` is a developer is asked only while GraphiQL is on (it costs a permissions query)."""
    links = list(ROLE_NAVIGATION.get(role, MEMBER_LINKS))
    if settings.GRAPHIQL_ENABLED and GRAPHQL not in links and user is not None and is_developer(user):
        links.append(GRAPHQL)
    resolved = []
    for link in links:
        if link.needs_graphiql and not settings.GRAPHIQL_ENABLED:
            continue
        url = reverse(link.url_name)
        resolved.append(ResolvedLink(link.label, url, current=current_path == url))
    return resolved
