"""The channel a storefront query is about, kept on the request while its fields resolve.

Root fields resolve one after another, each with its subtree, so the channel a root
resolver sets is the one its nested prices and availability read.
"""

from marketplace.channels.models import Channel
from marketplace.channels.selectors import channel_get_for_read
from meidu.core.graphql.permissions import has_one_of, requestor
from meidu.core.permissions import ProductPermissions


def use_channel(info, slug: str | None) -> Channel:
    channel = channel_get_for_read(slug)
    info.context.channel = channel
    return channel


def current_channel(info) -> Channel | None:
    return getattr(info.context, "channel", None)


def sees_all_products(info) -> bool:
    return has_one_of(requestor(info), [ProductPermissions.MANAGE_PRODUCTS])
