"""In-site notices of the farm information service: written by services, rendered in the reader's
language when shown (a notice stores its kind and figures, not a sentence)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from incubator.prices.models import FarmNotice


class NoticeKind:
    PRICE_ALERT = "price_alert"
    POST_MATCHED = "post_matched"
    CONTACT_REQUESTED = "contact_requested"
    CONTACT_ACCEPTED = "contact_accepted"
    CONTACT_DECLINED = "contact_declined"


def notice_send(user_id: int, kind: str, data: dict) -> FarmNotice:
    """Record a notice for the user ``user_id`` (inside the caller's transaction)."""
    return FarmNotice.objects.create(user_id=user_id, kind=kind, data=data)


def notice_text(notice: FarmNotice) -> str:
    data = notice.data
    if notice.kind == NoticeKind.PRICE_ALERT:
        template = (
            _("%(item)s rose above %(threshold)s %(unit)s: now %(price)s at %(market)s.")
            if data.get("direction") == "above"
            else _("%(item)s fell below %(threshold)s %(unit)s: now %(price)s at %(market)s.")
        )
        return template % {key: data.get(key, "") for key in ("item", "threshold", "unit", "price", "market")}
    if notice.kind == NoticeKind.POST_MATCHED:
        return _("Your post for %(item)s has %(count)s new match(es).") % {
            "item": data.get("item", ""),
            "count": data.get("count", 0),
        }
    if notice.kind == NoticeKind.CONTACT_REQUESTED:
        return _("Someone wants to contact you about your post for %(item)s.") % {"item": data.get("item", "")}
    if notice.kind == NoticeKind.CONTACT_ACCEPTED:
        return _("Your contact request about %(item)s was accepted: the phone number is now shown.") % {
            "item": data.get("item", "")
        }
    if notice.kind == NoticeKind.CONTACT_DECLINED:
        return _("Your contact request about %(item)s was declined.") % {"item": data.get("item", "")}
    return notice.kind
