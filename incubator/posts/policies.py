"""Who may do what with a post, now: the one answer for the API and the pages.

* anyone reads the open posts; only signed-in users see the contact's name, and the phone stays
  masked until the poster accepts their contact request (the poster always sees it);
* only the poster edits or closes a post; only the poster decides a request to it;
* a village information officer (POST_FOR_VILLAGERS) may post on behalf of a villager.
"""

from __future__ import annotations

from incubator.posts.models import SupplyDemandPost
from meidu.core.permissions import FarmPermissions
from meidu.integrations.services.apps import actor_has_permission


def mask_phone(phone: str) -> str:
    return f"{phone[:-8]}****{phone[-4:]}" if len(phone) >= 8 else "****"


def post_is_poster(user, post: SupplyDemandPost) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and post.poster_id == user.pk


def post_may_post_for_villagers(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and actor_has_permission(
        user, FarmPermissions.POST_FOR_VILLAGERS
    )


def post_contact_name(user, post: SupplyDemandPost) -> str | None:
    """The contact's name for signed-in readers; None for anonymous ones."""
    return post.contact_name if getattr(user, "is_authenticated", False) else None


def post_contact_phone(user, post: SupplyDemandPost, accepted_post_ids: set[int]) -> str | None:
    """The phone in full for the poster and for a requester the poster accepted; masked for other
    signed-in users; None for anonymous readers."""
    if not getattr(user, "is_authenticated", False):
        return None
    if post.poster_id == user.pk or post.pk in accepted_post_ids:
        return post.contact_phone
    return mask_phone(post.contact_phone)
