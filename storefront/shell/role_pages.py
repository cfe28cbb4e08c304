"""What each role's home page says: a title and what that role does on the platform."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from meidu.accounts.roles import Role


@dataclass(frozen=True)
class RolePage:
    title: str
    summary: str


ROLE_PAGES: dict[str | None, RolePage] = {
    Role.OPERATOR: RolePage(
        _("Operator desk"),
        _(
            "You run the platform: you manage accounts, staff and roles, "
            "and watch the ledgers and the audit log in the back office."
        ),
    ),
    Role.BANK_OFFICER: RolePage(
        _("Bank portal"),
        _(
            "You verify the electronic warehouse receipts of supervised warehouses, "
            "take them as pledged collateral and finance traders against them."
        ),
    ),
    Role.WAREHOUSE_OPERATOR: RolePage(
        _("Warehouse desk"),
        _(
            "You run a supervised warehouse: you take in magnesia goods, issue electronic "
            "warehouse receipts for them and release the goods when a trade settles."
        ),
    ),
    Role.TRADER: RolePage(
        _("Exchange terminal"),
        _(
            "You trade magnesia products on the spot exchange: you post listings, pick "
            "other members' listings, join auctions and settle delivery versus payment."
        ),
    ),
    Role.SUPPLIER: RolePage(
        _("Supplier centre"),
        _("You and your cooperative supply the goods that distributor microshops resell for a commission."),
    ),
    Role.DISTRIBUTOR: RolePage(
        _("Distributor centre"),
        _(
            "You run a microshop that resells suppliers' goods and earns a commission on "
            "every sale, with training and a produce price board to help you."
        ),
    ),
    Role.SELLER: RolePage(
        _("Seller centre"),
        _(
            "You open a microshop and sell your own produce, such as corn, Nanguo pears "
            "or free-range pork, to buyers in the county and across the country."
        ),
    ),
    Role.STATION_AGENT: RolePage(
        _("Village station"),
        _(
            "You run a village pickup station: you receive the county's delivery runs "
            "and hand parcels to the neighbours who come to collect them."
        ),
    ),
    Role.DRIVER: RolePage(
        _("Delivery runs"),
        _("You drive the county's delivery routes to its towns and villages and confirm each drop-off."),
    ),
    Role.BUYER: RolePage(
        _("My market"),
        _(
            "Shop the county's department stores and village produce online, then have "
            "it delivered, collect it at a village station or pay cash on delivery."
        ),
    ),
}

NO_ROLE_PAGE = RolePage(
    _("Welcome"),
    _("Your account has no role yet. The platform operator can give you one."),
)


def role_page(role: str | None) -> RolePage:
    return ROLE_PAGES.get(role, NO_ROLE_PAGE)
