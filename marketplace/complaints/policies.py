"""Who may do what to a complaint, now: the one answer for the API (api/access.py) and the pages
(storefront/seller, storefront/shop, storefront/operator).

Actors: the buyer who filed it (a signed-in user, never an app), the members of the shop it is
about, operators (users or apps) holding MANAGE_COMPLAINTS. Statuses come from the complaint's
state machine (state.TRANSITIONS); the services check them again under the complaint's lock.
"""

from __future__ import annotations

from marketplace.complaints.models import Complaint
from marketplace.complaints.selectors import complaint_is_party
from marketplace.complaints.state import allowed
from marketplace.shops.policies import shop_may_act
from marketplace.shops.selectors import shop_is_member
from meidu.accounts.models import User
from meidu.core.permissions import ComplaintPermissions
from meidu.integrations.services.apps import actor_has_permission

MANAGE = ComplaintPermissions.MANAGE_COMPLAINTS


def complaint_is_operator(actor) -> bool:
    """Operators (users or apps) holding MANAGE_COMPLAINTS: they take over complaints a shop let run
    past its deadline."""
    return actor_has_permission(actor, MANAGE)


def may_handle_as_operator(user) -> bool:
    """The operator pages' question (kept under its old name): an active user holding MANAGE_COMPLAINTS."""
    return isinstance(user, User) and complaint_is_operator(user)


def complaint_is_buyer(actor, complaint: Complaint) -> bool:
    return isinstance(actor, User) and actor.is_authenticated and complaint.buyer_id == actor.pk


def complaint_is_shop_member(actor, complaint: Complaint) -> bool:
    return isinstance(actor, User) and shop_is_member(actor, complaint.shop_id)


def complaint_may_view(actor, complaint: Complaint) -> bool:
    """Operators, the buyer who filed it and the shop's members."""
    return complaint_is_operator(actor) or (isinstance(actor, User) and complaint_is_party(actor, complaint))


def complaint_may_handle(actor, complaint: Complaint) -> bool:
    """Answer or resolve it (the buyer does neither): the shop's members and operators."""
    return shop_may_act(actor, complaint.shop_id, MANAGE)


def complaint_handles_as_operator(actor, complaint: Complaint) -> bool:
    """Whether a handler acts as the platform (True) or for the shop (False, a member, even one who
    also holds the operator permission)."""
    return not complaint_is_shop_member(actor, complaint)


def complaint_may_respond(actor, complaint: Complaint) -> bool:
    return complaint_may_handle(actor, complaint) and allowed("respond", complaint.status)


def complaint_may_resolve(actor, complaint: Complaint) -> bool:
    """The shop until the complaint is escalated; an operator until it is resolved."""
    if not complaint_may_handle(actor, complaint):
        return False
    action = "operator_resolve" if complaint_handles_as_operator(actor, complaint) else "shop_resolve"
    return allowed(action, complaint.status)


def complaint_may_rate(actor, complaint: Complaint) -> bool:
    """The buyer rates the handling of a resolved complaint, once."""
    return complaint_is_buyer(actor, complaint) and allowed("rate", complaint.status)
