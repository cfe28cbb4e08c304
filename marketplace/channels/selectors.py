import copy
import threading

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from marketplace.channels.models import Channel
from meidu.core.cache_versions import CHANNELS, versions
from meidu.core.errors import DomainError


def channel_get(slug: str | None, *, include_inactive: bool = False) -> Channel:
    """The channel named by ``slug``; without a slug, the only active channel if there is just one."""
    qs = Channel.objects.all() if include_inactive else Channel.objects.filter(is_active=True)
    if slug:
        channel = qs.filter(slug=slug).first()
        if channel is None:
            raise DomainError(
                _("Channel with '%(slug)s' slug does not exist.") % {"slug": slug}, "not_found", field="channel"
            )
        return channel
    channels = list(qs[:2])
    if len(channels) != 1:
        raise DomainError(_("A channel slug is required: more than one channel exists."), "required", field="channel")
    return channels[0]


_known: dict[str, tuple[str, Channel]] = {}  # slug -> (CHANNELS version it was read under, channel)
_known_lock = threading.Lock()


def channel_get_for_read(slug: str | None) -> Channel:
    """``channel_get`` of an active channel for a storefront read, kept by this process while the
    CHANNELS version (meidu.core.cache_versions) stays the same: every GraphQL catalogue query names
    its channel, and reading the row cost a statement and ~1 ms of Django per request
    (benchmarks/RESULTS.md). The version check is one cache round trip; a channel write bumps it.

    Read afresh (exactly ``channel_get``) when the versions are not shared between processes (no
    Redis: a bump in another worker would go unseen) or inside a transaction (a write of this
    transaction bumps only when it commits). Each caller gets its own copy of the instance."""
    if not slug or not settings.REDIS_URL or connection.in_atomic_block:
        return channel_get(slug)
    version = versions([CHANNELS])
    known = _known.get(slug)
    if known is not None and known[0] == version:
        return copy.copy(known[1])
    channel = channel_get(slug)
    with _known_lock:
        if len(_known) >= 100:
            _known.clear()
        _known[slug] = (version, copy.copy(channel))
    return channel
