"""Who may use the trader terminal: a signed-in user who is an active trader of an active member.
Anyone else gets 403 (anonymous visitors log in first), as on the warehouse desk. The member's
grants (trade, settle, manage funds) are checked per action before any service runs."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from magnesium_exchange.members.models import MemberStatus, Trader
from magnesium_exchange.members.selectors import trader_for_user

GRANT_REFUSALS = {
    "can_trade": _("Your member has not granted you trading: ask its administrator."),
    "can_settle": _("Your member has not granted you settlement payments: ask its administrator."),
    "can_manage_funds": _("Your member has not granted you funds management: ask its administrator."),
}


def terminal_trader(user) -> Trader | None:
    trader = trader_for_user(user)
    if trader is None or trader.member.status != MemberStatus.ACTIVE:
        return None
    return trader


def with_trader(view):
    """The view receives the caller's Trader (its member already loaded)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        trader = terminal_trader(request.user)
        if trader is None:
            raise PermissionDenied("Only traders of an active exchange member use the terminal")
        return view(request, trader, *args, **kwargs)

    return wrapper


def granted(request, trader: Trader, grant: str) -> bool:
    """True when the trader holds ``grant``; else an error message is queued and nothing is done."""
    if getattr(trader, grant):
        return True
    messages.error(request, GRANT_REFUSALS[grant])
    return False
