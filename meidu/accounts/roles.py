"""Roles are Django groups named by Role values; permissions reach users through them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from meidu.core.permissions import (
    AccountPermissions,
    AppPermission,
    AuditPermissions,
    ChannelPermissions,
    CommissionPermissions,
    ComplaintPermissions,
    DistributionPermissions,
    ExchangePermissions,
    FarmPermissions,
    IncubatorPermissions,
    LedgerPermissions,
    LogisticsPermissions,
    OrderPermissions,
    PaymentPermissions,
    ProductPermissions,
    ReviewPermissions,
    ShopPermissions,
)


class Role(models.TextChoices):
    OPERATOR = "operator", _("Platform operator")
    BANK_OFFICER = "bank_officer", _("Bank officer")
    WAREHOUSE_OPERATOR = "warehouse_operator", _("Warehouse operator")
    TRADER = "trader", _("Trader")
    SUPPLIER = "supplier", _("Supplier")
    DISTRIBUTOR = "distributor", _("Distributor")
    SELLER = "seller", _("Seller")
    STATION_AGENT = "station_agent", _("Station agent")
    DRIVER = "driver", _("Driver")
    BUYER = "buyer", _("Buyer")


# Declaration order above is the priority used to pick a user's home page.
ROLE_PRIORITY = [role.value for role in Role]

ROLE_PERMISSIONS = {
    Role.OPERATOR: [
        AccountPermissions.MANAGE_USERS,
        AccountPermissions.MANAGE_STAFF,
        AppPermission.MANAGE_APPS,
        LedgerPermissions.VIEW_LEDGER,
        AuditPermissions.VIEW_AUDIT_LOG,
        ChannelPermissions.MANAGE_CHANNELS,
        ShopPermissions.MANAGE_SHOPS,
        ProductPermissions.MANAGE_PRODUCTS,
        OrderPermissions.MANAGE_ORDERS,
        OrderPermissions.ASSIST_ORDERS,
        ExchangePermissions.MANAGE_EXCHANGE,
        ExchangePermissions.CONFIRM_FUNDS,
        ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS,
        PaymentPermissions.HANDLE_PAYMENTS,
        PaymentPermissions.COLLECT_CASH_ON_DELIVERY,
        ReviewPermissions.MANAGE_REVIEWS,
        ComplaintPermissions.MANAGE_COMPLAINTS,
        LogisticsPermissions.PLAN_ROUTES,
        LogisticsPermissions.RECONCILE_CASH,
        DistributionPermissions.MANAGE_SUPPLY_POOL,
        CommissionPermissions.MANAGE_COMMISSION,
        IncubatorPermissions.MANAGE_TRAINING,
        FarmPermissions.REPORT_PRICES,
        FarmPermissions.POST_FOR_VILLAGERS,
        FarmPermissions.MANAGE_FAIRS,
    ],
    Role.BANK_OFFICER: [LedgerPermissions.VIEW_LEDGER, ExchangePermissions.BANK_LENDING],
    Role.WAREHOUSE_OPERATOR: [ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS],
    # Village information officers (益农信息社) report market prices and post for villagers; station agents
    # also order for villagers who have no smartphone (assisted buying).
    Role.STATION_AGENT: [
        PaymentPermissions.COLLECT_CASH_ON_DELIVERY,
        FarmPermissions.REPORT_PRICES,
        FarmPermissions.POST_FOR_VILLAGERS,
        OrderPermissions.ASSIST_ORDERS,
    ],
    Role.DRIVER: [PaymentPermissions.COLLECT_CASH_ON_DELIVERY],
    # Sellers hand parcels over at their own counter or door and take the cash there.
    Role.SELLER: [PaymentPermissions.COLLECT_CASH_ON_DELIVERY],
}

# Roles that work in the back office (Django admin access through is_staff).
STAFF_ROLES = {Role.OPERATOR}


def primary_role(role_names) -> str | None:
    names = set(role_names)
    return next((role for role in ROLE_PRIORITY if role in names), None)


def roles_sync(apps=None) -> None:
    """Make one group per role holding exactly the role's permissions (idempotent).

    Called by data migrations (with their historical ``apps``; a permission whose app is
    not migrated yet is skipped, a later migration of that app syncs again) and whenever a
    role group is found missing (tests that flush the database remove groups).
    """
    if apps is None:
        from django.apps import apps as global_apps

        apps = global_apps
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.value)
        wanted = ROLE_PERMISSIONS.get(role, [])
        query = Q(pk__in=[])
        for perm in wanted:
            query |= Q(content_type__app_label=perm.app_label, codename=perm.codename)
        group.permissions.set(Permission.objects.filter(query))
