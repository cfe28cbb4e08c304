"""Who may use the bank portal: a signed-in user holding the bank-lending permission (the bank officer
role) who is an active officer of an active bank. Anyone else gets 403; anonymous visitors log in first.

An officer sees only its own bank's things: every read of a loan goes through
``financing.selectors.loan_list_for_bank(bank)``, so a loan of another bank is simply not found (404), never shown."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from magnesium_exchange.financing.models import Bank
from magnesium_exchange.financing.selectors import bank_get_for_officer
from meidu.core.permissions import ExchangePermissions


def officer_bank(user) -> Bank | None:
    """The bank ``user`` acts for, or None (no permission, no officer row, inactive officer or bank)."""
    if not user.is_authenticated or not user.has_perm(ExchangePermissions.BANK_LENDING.value):
        return None
    return bank_get_for_officer(user)


def with_bank(view):
    """The view receives the officer's Bank after the request."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        bank = officer_bank(request.user)
        if bank is None:
            raise PermissionDenied("Only officers of a lending bank use the bank portal")
        return view(request, bank, *args, **kwargs)

    return wrapper
