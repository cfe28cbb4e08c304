"""Who may do what in training, and the checks both doors share (a lesson's links)."""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from meidu.core.permissions import IncubatorPermissions

URL_MAX = 500


def may_manage_training(actor) -> bool:
    """Incubator staff (and operators): courses, mentors, the funnel, the console."""
    return bool(actor is not None and getattr(actor, "is_authenticated", False)) and actor.has_perm(
        IncubatorPermissions.MANAGE_TRAINING.value
    )


def link_is_web_url(value: str) -> bool:
    """A lesson's image or video link: an absolute http(s) URL with a host, no spaces or control
    characters (nor a direction override), at most URL_MAX characters (we link to videos, we host none)."""
    if (
        not value
        or len(value) > URL_MAX
        or any(ch.isspace() or unicodedata.category(ch) in ('Cc', 'Cf') for ch in value)
    ):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def mask_name(name: str) -> str:
    """The holder's name as the public verification page shows it: 王秀兰 → 王*兰, 王丽 → 王*,
    Li Wang → L*** W***; the whole name only on the holder's own certificate."""
    name = (name or "").strip()
    if not name:
        return "*"
    if " " in name:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split() if part)
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
