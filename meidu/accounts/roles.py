"""Roles are Django groups named by Role values; permissions reach users through them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from meidu.core.permissions import AccountPermissions, AppPermission, AuditPermissions, LedgerPermissions


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
    ],
    Role.BANK_OFFICER: [LedgerPermissions.VIEW_LEDGER],
}

# Roles that work in the back office (Django admin access through is_staff).
STAFF_ROLES = {Role.OPERATOR}


def primary_role(role_names) -> str | None:
    names = set(role_names)
    return next((role for role in ROLE_PRIORITY if role in names), None)
