"""The terminal's statement of when it trades: every day around the clock on the demo market, else
each mode's hours on trading days and whether it is open now (trading.sessions)."""

from django import template

from magnesium_exchange.trading.sessions import sessions_summary

register = template.Library()


@register.inclusion_tag("exchange/terminal/_sessions.html")
def trading_sessions():
    return sessions_summary()
