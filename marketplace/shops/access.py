"""Who may act for a shop in the API: its members, or an operator holding the permission."""

from __future__ import annotations

from django.utils.translation import gettext as _

from marketplace.shops.models import Shop
from marketplace.shops.policies import shop_may_act
from meidu.core.errors import DomainError, PermissionDenied
from meidu.core.graphql.ids import from_global_id_or_error
from meidu.core.graphql.permissions import requestor
from meidu.core.permissions import BasePermissionEnum

SHOP_TYPE = "MarketplaceShop"


def can_act_for_shop(info, shop_id: int, operator_permission: BasePermissionEnum) -> bool:
    return shop_may_act(requestor(info), shop_id, operator_permission)


def require_shop_access(info, shop_id: int, operator_permission: BasePermissionEnum) -> None:
    """Raise PermissionDenied unless the caller works for this shop or holds the operator permission."""
    if not can_act_for_shop(info, shop_id, operator_permission):
        raise shop_access_denied(operator_permission)


def shop_access_denied(operator_permission: BasePermissionEnum) -> PermissionDenied:
    """The API's refusal when a policy says the caller neither works for the shop nor holds the permission."""
    return PermissionDenied(
        [operator_permission], message=f"Only members of this shop or holders of {operator_permission.name} may do this"
    )


def shop_from_global_id(global_id: str, field: str, not_found_code) -> Shop:
    pk = from_global_id_or_error(global_id, SHOP_TYPE, field)
    shop = Shop.objects.filter(pk=pk).first()
    if shop is None:
        raise DomainError(_("Shop not found"), not_found_code, field=field)
    return shop
