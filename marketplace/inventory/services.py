"""Warehouses and stock. Every quantity change locks the Stock row (SELECT ... FOR UPDATE),
writes one StockMovement and checks the low-stock threshold; the database refuses negative stock.

Lock order: stock rows by ascending pk (allocation of several lines in the checkout issue follows it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from marketplace.catalog.models import ProductVariant
from marketplace.inventory.error_codes import StockErrorCode
from marketplace.inventory.models import MovementKind, Stock, StockMovement, Warehouse, WarehouseKind
from marketplace.shops.models import Shop, ShopNotice
from meidu.core.audit.services import audit_record
from meidu.core.cache_versions import STOCK, bump
from meidu.core.errors import DomainError


def warehouse_create(
    shop: Shop,
    *,
    actor,
    name: str,
    kind: str,
    village=None,
    street_address: str = "",
    phone: str = "",
    is_pickup_point: bool = False,
) -> Warehouse:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("A warehouse needs a name"), StockErrorCode.REQUIRED, field="name")
    if kind not in WarehouseKind.values:
        raise DomainError(_("Unknown warehouse kind"), StockErrorCode.INVALID, field="kind")
    with transaction.atomic():
        warehouse = Warehouse.objects.create(
            shop=shop,
            name=name,
            kind=kind,
            village=village,
            street_address=street_address.strip(),
            phone=phone.strip(),
            is_pickup_point=is_pickup_point,
        )
        audit_record("warehouse.created", actor=actor, target=warehouse, data={"shop": shop.pk})
    return warehouse


def _locked_stock(warehouse: Warehouse, variant: ProductVariant) -> Stock:
    if variant.product.shop_id != warehouse.shop_id:
        raise DomainError(
            _("The variant and the warehouse belong to different shops"), StockErrorCode.NOT_FOUND, field="warehouse"
        )
    Stock.objects.get_or_create(warehouse=warehouse, variant=variant)
    return Stock.objects.select_for_update().get(warehouse=warehouse, variant=variant)


def _notify_low_stock(stock: Stock, available_before: int, variant: ProductVariant) -> None:
    available = stock.quantity - stock.quantity_allocated
    if available < stock.low_stock_threshold <= available_before:
        ShopNotice.objects.create(
            shop_id=stock.warehouse.shop_id,
            kind="low_stock",
            message=f"{variant} ({variant.sku}): {available} left in {stock.warehouse.name}",
            data={"variant": variant.pk, "warehouse": stock.warehouse_id, "available": available},
        )


def stock_update(warehouse: Warehouse, variant: ProductVariant, *, actor, quantity: int, note: str = "") -> Stock:
    """Set the on-hand quantity (a stock count); the difference is journalled as an adjustment."""
    if quantity is None or quantity < 0:
        raise DomainError(_("Stock cannot be negative"), StockErrorCode.INVALID, field="quantity")
    with transaction.atomic():
        stock = _locked_stock(warehouse, variant)
        if quantity < stock.quantity_allocated:
            raise DomainError(
                _("%(units)s units are allocated to orders; stock cannot go below that")
                % {"units": stock.quantity_allocated},
                StockErrorCode.INSUFFICIENT_STOCK,
                field="quantity",
            )
        delta = quantity - stock.quantity
        if delta:
            available_before = stock.quantity - stock.quantity_allocated
            kind = (
                MovementKind.RECEIVED if stock.quantity == 0 and not stock.movements.exists() else MovementKind.ADJUSTED
            )
            stock.quantity = quantity
            stock.save(update_fields=["quantity"])
            bump(STOCK)  # cached answers that show stock counts are read afresh after commit
            StockMovement.objects.create(
                stock=stock, kind=kind, quantity_delta=delta, note=note.strip()[:255], actor=actor
            )
            _notify_low_stock(stock, available_before, variant)
    return stock


def stock_receive(warehouse: Warehouse, variant: ProductVariant, *, actor, quantity: int, note: str = "") -> Stock:
    """Goods arrived: add to on-hand stock."""
    if quantity is None or quantity <= 0:
        raise DomainError(_("Receive a positive quantity"), StockErrorCode.INVALID, field="quantity")
    with transaction.atomic():
        stock = _locked_stock(warehouse, variant)
        stock.quantity += quantity
        stock.save(update_fields=["quantity"])
        bump(STOCK)
        StockMovement.objects.create(
            stock=stock, kind=MovementKind.RECEIVED, quantity_delta=quantity, note=note.strip()[:255], actor=actor
        )
    return stock
