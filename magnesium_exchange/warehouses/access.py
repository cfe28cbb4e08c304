"""Who may see or operate a receipt in the API."""

from __future__ import annotations

from django.utils.translation import gettext as _

from magnesium_exchange.members.selectors import trader_for_user
from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Receipt, Warehouse
from magnesium_exchange.warehouses.selectors import is_warehouse_staff, receipt_get_by_number
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.permissions import ExchangePermissions


def can_see_receipt(info, receipt: Receipt) -> bool:
    """The holder's traders, the keeping warehouse's staff, and exchange operators."""
    if has_one_of(requestor(info), [ExchangePermissions.MANAGE_EXCHANGE]):
        return True
    if getattr(info.context, "app", None):
        return False
    user = info.context.user
    trader = trader_for_user(user)
    if trader is not None and trader.member_id == receipt.holder_id:
        return True
    return is_warehouse_staff(user, receipt.warehouse_id)


def require_staff(info, warehouse: Warehouse) -> None:
    """Warehouse operations: the caller holds MANAGE_WAREHOUSE_RECEIPTS (checked by the mutation) and
    works at this warehouse."""
    if getattr(info.context, "app", None) or not is_warehouse_staff(info.context.user, warehouse.pk):
        raise DomainError(_("You do not work at this warehouse"), Code.NOT_WAREHOUSE_STAFF, field="warehouse")


def receipt_for_staff(info, number: str, field: str = "number") -> Receipt:
    receipt = receipt_get_by_number(number)
    if receipt is None:
        raise DomainError(_("Receipt not found"), Code.NOT_FOUND, field=field)
    require_staff(info, receipt.warehouse)
    return receipt


def receipt_for_viewer(info, number: str) -> Receipt | None:
    receipt = receipt_get_by_number(number)
    if receipt is None:
        return None
    if not can_see_receipt(info, receipt):
        raise PermissionDenied(message=_("This receipt is not yours"))
    return receipt
