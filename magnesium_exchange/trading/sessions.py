"""Trading sessions: when each mode (listing and picking, auctions, requests for quote) accepts orders.

Orders are accepted on the calendar's trading days (trading.calendar: weekdays that are not published
holidays), inside the hours configured per mode in settings.EXCHANGE_SESSIONS (Beijing time,
"09:00-11:30,13:30-15:00"). EXCHANGE_SESSIONS_EVERY_DAY opens every mode every day around the clock
(the demo and test markets: a visitor trades at any hour). Withdrawing, cancelling and the scheduler's
closes and expiries are never refused: they only take risk off the market.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from magnesium_exchange.trading.calendar import holidays_between, is_trading_day
from magnesium_exchange.trading.error_codes import ExchangeTradingErrorCode as Code
from meidu.core.errors import DomainError

LISTING, AUCTION, RFQ = "listing", "auction", "rfq"
MODE_WORDS = {
    LISTING: pgettext_lazy("trading mode", "listing trading"),
    AUCTION: pgettext_lazy("trading mode", "auctions"),
    RFQ: pgettext_lazy("trading mode", "requests for quote"),
}
END_OF_DAY = time(23, 59, 59, 999999)
HOLIDAY_CACHE_SECONDS = 60  # a holiday is published weeks ahead; the bid path should not ask every time
_holiday_cache: dict[date, tuple[float, bool]] = {}


@dataclass(frozen=True)
class Window:
    start: time
    end: time  # exclusive; END_OF_DAY for "24:00"

    def __contains__(self, moment: time) -> bool:
        return self.start <= moment < self.end or (self.end == END_OF_DAY and moment >= self.start)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}–{'24:00' if self.end == END_OF_DAY else format(self.end, '%H:%M')}"


def _clock(text: str) -> time:
    text = text.strip()
    if text == "24:00":
        return END_OF_DAY
    return datetime.strptime(text, "%H:%M").time()


def windows(mode: str) -> list[Window]:
    """The configured hours of `mode`; every day around the clock when the market never closes."""
    if every_day():
        return [Window(time.min, END_OF_DAY)]
    spec = (getattr(settings, "EXCHANGE_SESSIONS", {}) or {}).get(mode, "")
    try:
        found = [Window(*(_clock(part) for part in piece.split("-"))) for piece in spec.split(",") if piece.strip()]
    except (TypeError, ValueError):
        raise ImproperlyConfigured(f"EXCHANGE_SESSIONS[{mode!r}] must read like 09:00-11:30,13:30-15:00") from None
    if any(window.start >= window.end for window in found):
        raise ImproperlyConfigured(f"EXCHANGE_SESSIONS[{mode!r}]: each session must end after it starts")
    return found


def every_day() -> bool:
    return bool(getattr(settings, "EXCHANGE_SESSIONS_EVERY_DAY", False))


def _trading_day(day: date) -> bool:
    if every_day():
        return True
    cached = _holiday_cache.get(day)
    if cached is None or clock.monotonic() - cached[0] > HOLIDAY_CACHE_SECONDS:
        cached = (clock.monotonic(), is_trading_day(day))
        _holiday_cache[day] = cached
    return cached[1]


def sessions_cache_forget() -> None:
    """Forget the cached trading days (after operators publish a holiday for today; tests)."""
    _holiday_cache.clear()


def session_is_open(mode: str, now: datetime | None = None) -> bool:
    local = timezone.localtime(now or timezone.now())
    return _trading_day(local.date()) and any(local.time() in window for window in windows(mode))


def session_next_open(mode: str, now: datetime | None = None) -> datetime | None:
    """When `mode` next opens after `now` (None when it has no hours at all)."""
    local = timezone.localtime(now or timezone.now())
    hours = windows(mode)
    if not hours:
        return None
    holidays = holidays_between(local.date(), local.date() + timedelta(days=60))
    for offset in range(61):
        day = local.date() + timedelta(days=offset)
        if not (every_day() or is_trading_day(day, holidays)):
            continue
        for window in hours:
            start = timezone.make_aware(datetime.combine(day, window.start))
            if start > local:
                return start
    return None


def session_require(mode: str, now: datetime | None = None) -> None:
    """Refuse an order outside the sessions of `mode` with OUTSIDE_TRADING_SESSION, naming its hours
    and when it opens next."""
    if session_is_open(mode, now):
        return
    following = session_next_open(mode, now)
    raise DomainError(
        _("Outside the trading sessions of %(mode)s: on trading days %(hours)s (Beijing time); next opening %(next)s")
        % {
            "mode": MODE_WORDS[mode],
            "hours": "、".join(str(w) for w in windows(mode)),
            "next": timezone.localtime(following).strftime("%Y-%m-%d %H:%M") if following else "—",
        },
        Code.OUTSIDE_TRADING_SESSION,
        field=None,
    )


def sessions_summary(now: datetime | None = None) -> dict:
    """What the terminal states: every day around the clock (demo) or each mode's hours, and whether
    each is open now."""
    return {
        "every_day": every_day(),
        "modes": [
            {
                "mode": mode,
                "label": MODE_WORDS[mode],
                "hours": "、".join(str(w) for w in windows(mode)),
                "open": session_is_open(mode, now),
            }
            for mode in (LISTING, AUCTION, RFQ)
        ],
    }
