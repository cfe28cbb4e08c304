"""Permissions as enums (Saleor style): values are Django "app_label.codename" strings.

Each domain declares its enum here and the codenames in its models' Meta.permissions;
users receive them through role groups (meidu.accounts.roles), apps directly.
"""

from enum import Enum


class BasePermissionEnum(Enum):
    @property
    def codename(self) -> str:
        return self.value.split(".", 1)[1]

    @property
    def app_label(self) -> str:
        return self.value.split(".", 1)[0]


class AccountPermissions(BasePermissionEnum):
    MANAGE_USERS = "accounts.manage_users"
    MANAGE_STAFF = "accounts.manage_staff"


class AppPermission(BasePermissionEnum):
    MANAGE_APPS = "integrations.manage_apps"


class LedgerPermissions(BasePermissionEnum):
    VIEW_LEDGER = "ledger.view_ledger"


class AuditPermissions(BasePermissionEnum):
    VIEW_AUDIT_LOG = "audit.view_audit_log"


PERMISSION_ENUMS = [AccountPermissions, AppPermission, LedgerPermissions, AuditPermissions]


def all_permissions() -> list[BasePermissionEnum]:
    return [perm for enum in PERMISSION_ENUMS for perm in enum]


def permission_by_name(name: str) -> BasePermissionEnum:
    for perm in all_permissions():
        if perm.name == name:
            return perm
    raise KeyError(name)


def permission_by_value(value: str) -> BasePermissionEnum:
    for perm in all_permissions():
        if perm.value == value:
            return perm
    raise KeyError(value)


def permission_for_row(row) -> BasePermissionEnum | None:
    """The enum of a django.contrib.auth Permission row (content type prefetched), or None."""
    try:
        return permission_by_value(f"{row.content_type.app_label}.{row.codename}")
    except KeyError:
        return None


class ChannelPermissions(BasePermissionEnum):
    MANAGE_CHANNELS = "channels.manage_channels"


class ShopPermissions(BasePermissionEnum):
    MANAGE_SHOPS = "shops.manage_shops"


class ProductPermissions(BasePermissionEnum):
    MANAGE_PRODUCTS = "catalog.manage_products"


class OrderPermissions(BasePermissionEnum):
    MANAGE_ORDERS = "orders.manage_orders"
    # a village station's agent places orders for villagers (marketplace.assisted, 网络代购)
    ASSIST_ORDERS = "assisted.assist_orders"


PERMISSION_ENUMS += [ChannelPermissions, ShopPermissions, ProductPermissions, OrderPermissions]


class ExchangePermissions(BasePermissionEnum):
    """Magnesium exchange: operators, the settlement bank (an App), supervised-warehouse staff."""

    MANAGE_EXCHANGE = "exchange_members.manage_exchange"
    CONFIRM_FUNDS = "exchange_members.confirm_funds"
    MANAGE_WAREHOUSE_RECEIPTS = "exchange_warehouses.manage_warehouse_receipts"
    # a bank officer or a bank's App acts for its own bank only (magnesium_exchange.financing)
    BANK_LENDING = "exchange_financing.bank_lending"


PERMISSION_ENUMS += [ExchangePermissions]


class PaymentPermissions(BasePermissionEnum):
    HANDLE_PAYMENTS = "payments.handle_payments"
    COLLECT_CASH_ON_DELIVERY = "payments.collect_cash_on_delivery"


PERMISSION_ENUMS += [PaymentPermissions]


class ReviewPermissions(BasePermissionEnum):
    MANAGE_REVIEWS = "reviews.manage_reviews"


class ComplaintPermissions(BasePermissionEnum):
    MANAGE_COMPLAINTS = "complaints.manage_complaints"


PERMISSION_ENUMS += [ReviewPermissions, ComplaintPermissions]


class LogisticsPermissions(BasePermissionEnum):
    """The hub's dispatcher plans and dispatches the daily village runs (logistics.routing)."""

    PLAN_ROUTES = "routing.plan_routes"
    # the hub's cashier counts drivers' and station agents' cash in and closes their days (logistics.cash)
    RECONCILE_CASH = "cod_cash.reconcile_cash"


PERMISSION_ENUMS += [LogisticsPermissions]


class DistributionPermissions(BasePermissionEnum):
    """Incubator staff over the supply pool and distribution (issue 16): review offers, see attributions."""

    MANAGE_SUPPLY_POOL = "incubator_supply.manage_supply_pool"


PERMISSION_ENUMS += [DistributionPermissions]


class CommissionPermissions(BasePermissionEnum):
    """The incubator's distributor commission: its lawful rules and every distributor's earnings."""

    MANAGE_COMMISSION = "incubator_commission.manage_commission"


PERMISSION_ENUMS += [CommissionPermissions]


class IncubatorPermissions(BasePermissionEnum):
    """The incubator's staff: courses and mentors, the training funnel, the incubator console."""

    MANAGE_TRAINING = "training.manage_training"


PERMISSION_ENUMS += [IncubatorPermissions]


class FarmPermissions(BasePermissionEnum):
    """The farm information service (incubator): village information officers and incubator staff."""

    REPORT_PRICES = "farm_prices.report_prices"
    POST_FOR_VILLAGERS = "farm_posts.post_for_villagers"
    MANAGE_FAIRS = "farm_fairs.manage_fairs"


PERMISSION_ENUMS += [FarmPermissions]
