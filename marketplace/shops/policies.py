"""Who may do what to a shop, now: the one answer for the API (access.py, api.py), the other
apps' services and the seller-centre pages.

Actors: the shop's members (its owner and assistants, signed-in users, never apps), operators and
apps holding the operator permission of the use case. Statuses come from the shop's state machine
(state.TRANSITIONS, state.EDITABLE); shop_transition checks them again under the shop's lock.
"""

from __future__ import annotations

from marketplace.shops.models import Shop, ShopStatus
from marketplace.shops.selectors import shop_is_member, shop_is_owner
from marketplace.shops.state import EDITABLE, TRANSITIONS
from meidu.accounts.models import User
from meidu.core.permissions import BasePermissionEnum, ShopPermissions
from meidu.integrations.services.apps import actor_has_permission


def shop_may_act(actor, shop_id: int, operator_permission: BasePermissionEnum) -> bool:
    """The shop's members, or an operator (user or app) holding ``operator_permission``. What this
    request already read is asked first: a page that found the user's shops (memoised on the user)
    costs no permissions query; otherwise the permission, then the memberships."""
    is_user = isinstance(actor, User)
    if is_user and getattr(actor, "_shop_ids", None) is not None and shop_is_member(actor, shop_id):
        return True
    if actor_has_permission(actor, operator_permission):
        return True
    return is_user and shop_is_member(actor, shop_id)


def shop_may_view(actor, shop: Shop) -> bool:
    """An active shop is public; any other only to its members and operators."""
    return shop.status == ShopStatus.ACTIVE or shop_may_act(actor, shop.pk, ShopPermissions.MANAGE_SHOPS)


def shop_may_add_member(actor, shop: Shop) -> bool:
    """The shop's owner, or an operator holding MANAGE_SHOPS."""
    return shop_is_owner(actor, shop) or actor_has_permission(actor, ShopPermissions.MANAGE_SHOPS)


def shop_may_transition(shop: Shop, action: str) -> bool:
    """Whether the shop's status allows ``action`` (submit, approve, reject, suspend, reinstate, close)."""
    return action in TRANSITIONS and shop.status in TRANSITIONS[action][0]


def shop_catalogue_editable(shop: Shop) -> bool:
    """Members may keep building the catalogue in any status but closed."""
    return shop.status in EDITABLE
