"""Which warehouse a desk page is about: one the signed-in user works at (WarehouseStaff) while
holding the warehouse-operator permission. Anyone else gets 403; anonymous visitors log in first."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404

from magnesium_exchange.warehouses.models import Warehouse
from magnesium_exchange.warehouses.selectors import is_warehouse_staff, warehouse_get_by_code, warehouse_list_for_staff
from meidu.core.permissions import ExchangePermissions


def may_operate(user) -> bool:
    return user.has_perm(ExchangePermissions.MANAGE_WAREHOUSE_RECEIPTS.value)


def staff_warehouses(user) -> list[Warehouse]:
    if not may_operate(user):
        return []
    return warehouse_list_for_staff(user)


def with_warehouse(view):
    """The view receives the warehouse named by ``code`` in the URL, if the user works there."""

    @login_required
    @wraps(view)
    def wrapper(request, code, *args, **kwargs):
        warehouse = warehouse_get_by_code(code)
        if warehouse is None:
            raise Http404("No such warehouse")
        if not (may_operate(request.user) and is_warehouse_staff(request.user, warehouse.pk)):
            raise PermissionDenied("You do not work at this warehouse")
        return view(request, warehouse, *args, **kwargs)

    return wrapper
