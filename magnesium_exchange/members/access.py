"""Who may act for a member in the API: its active traders with the needed grant."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from magnesium_exchange.members.models import Trader
from magnesium_exchange.members.selectors import trader_for_user
from meidu.core.errors import PermissionDenied
from meidu.core.graphql.permissions import require_user

_GRANT_NAMES = {
    "can_trade": pgettext_lazy("trader grant", "trade"),
    "can_settle": pgettext_lazy("trader grant", "settle"),
    "can_manage_funds": pgettext_lazy("trader grant", "manage funds"),
}


def require_trader(info, grant: str | None = None) -> Trader:
    """The caller's trader record; PermissionDenied for anyone else or without ``grant``
    ("can_trade", "can_settle" or "can_manage_funds")."""
    user = require_user(info)
    trader = trader_for_user(user)
    if trader is None:
        raise PermissionDenied(message=_("Only traders of an exchange member may do this"))
    if grant and not getattr(trader, grant):
        raise PermissionDenied(
            message=_("Your member has not granted you %(grant)s")
            % {"grant": _GRANT_NAMES.get(grant, grant.removeprefix("can_"))}
        )
    trader.user = user  # the same row: services name it as the actor without reading it again
    return trader
