from django.utils.translation import gettext as _

from marketplace.channels.models import Channel
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
