from marketplace.channels.models import Channel
from meidu.core.cache_versions import CHANNELS, bump


def channel_ensure(slug: str, name: str, currency_code: str = "CNY", default_country: str = "CN") -> Channel:
    """Create the channel if missing (demo data, tests); an existing one keeps its settings."""
    channel, created = Channel.objects.get_or_create(
        slug=slug, defaults={"name": name, "currency_code": currency_code, "default_country": default_country}
    )
    if created:
        bump(CHANNELS)
    return channel
