"""Supervised warehouses: registration with a first seal key, key rotation, staff."""

from __future__ import annotations

import re
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from magnesium_exchange.warehouses.error_codes import ExchangeReceiptErrorCode as Code
from magnesium_exchange.warehouses.models import Warehouse, WarehouseKey, WarehouseStaff
from magnesium_exchange.warehouses.signing import key_generate
from meidu.accounts.roles import Role
from meidu.accounts.services import user_role_add
from meidu.core.audit.services import audit_record
from meidu.core.errors import DomainError
from meidu.core.money import to_decimal


def warehouse_create(
    *,
    code: str,
    name: str,
    address: str,
    keeper_name: str,
    licence_number: str = "",
    supervisor_name: str = "",
    loss_tolerance_percent=Decimal("0.300"),
    actor=None,
) -> Warehouse:
    code = (code or "").strip().upper()
    if not re.fullmatch(r"[A-Z0-9]{2,12}", code):
        raise DomainError(_("A warehouse code is 2-12 upper-case letters or digits"), Code.INVALID, field="code")
    if not (name or "").strip() or not (keeper_name or "").strip():
        raise DomainError(_("A warehouse needs a name and a keeper"), Code.REQUIRED, field="name")
    tolerance = to_decimal(loss_tolerance_percent)
    if not Decimal(0) <= tolerance <= Decimal(5):
        raise DomainError(_("The loss tolerance is 0 to 5 percent"), Code.INVALID, field="lossTolerancePercent")
    if Warehouse.objects.filter(code=code).exists():
        raise DomainError(_("A warehouse with this code exists"), Code.UNIQUE, field="code")
    with transaction.atomic():
        warehouse = Warehouse.objects.create(
            code=code,
            name=name.strip(),
            address=(address or "").strip(),
            keeper_name=keeper_name.strip(),
            licence_number=licence_number.strip(),
            supervisor_name=supervisor_name.strip(),
            loss_tolerance_percent=tolerance,
        )
        _key_create(warehouse)
        audit_record("exchange.warehouse_created", actor=actor, target=warehouse, data={"code": code})
    return warehouse


def _key_create(warehouse: Warehouse) -> WarehouseKey:
    kid, public_key, encrypted = key_generate()
    return WarehouseKey.objects.create(
        warehouse=warehouse, kid=kid, public_key=public_key, private_key_encrypted=encrypted
    )


def warehouse_key_rotate(warehouse: Warehouse, *, actor=None) -> WarehouseKey:
    """A new active seal key; the old one is retired but stays published to verify older events.
    Lock order: the warehouse row, then its keys."""
    with transaction.atomic():
        Warehouse.objects.select_for_update().get(pk=warehouse.pk)
        WarehouseKey.objects.filter(warehouse=warehouse, is_active=True).update(
            is_active=False, retired_at=timezone.now()
        )
        key = _key_create(warehouse)
        audit_record("exchange.warehouse_key_rotated", actor=actor, target=warehouse, data={"kid": key.kid})
    return key


def warehouse_staff_add(warehouse: Warehouse, user, *, actor=None) -> WarehouseStaff:
    with transaction.atomic():
        staff, _created = WarehouseStaff.objects.get_or_create(warehouse=warehouse, user=user)
        user_role_add(user, Role.WAREHOUSE_OPERATOR, actor=actor)
        audit_record("exchange.warehouse_staff_added", actor=actor, target=warehouse, data={"user": user.pk})
    return staff
