"""Show a service's DomainError on a form, in the reader's language.

The account services speak English to API clients; pages translate by error code so
that a Chinese page never shows an English refusal. Codes without an entry here keep
the service's own message (Django's password validators translate theirs, except too-short).
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from meidu.core.errors import DomainError

# (code, field) first, then (code, None) as the fallback for any field.
MESSAGES = {
    ("invalid_phone", None): _("Enter a mainland China mobile number: 11 digits starting with 13 to 19."),
    ("invalid", "email"): _("Enter a valid e-mail address."),
    ("unique", "phone"): _("This mobile number is already registered. Log in instead."),
    ("unique", "email"): _("This e-mail address is already registered. Log in instead."),
    ("unique", None): _("This account is already registered. Log in instead."),
    ("required", "code"): _("Enter the six-digit code we sent you"),
    ("required", "phone"): _("Give your mobile number"),
    ("required", "newPassword"): _("Give your new password"),
    ("required", None): _("Enter your mobile number or e-mail address and your password."),
    ("invalid_credentials", None): _("The mobile number, e-mail address or password is not correct."),
    ("invalid_credentials", "oldPassword"): _("Your current password is not correct."),
    # Django 5.2 changed this validator's msgid and its zh_Hans catalogue still has the old one.
    ("password_too_short", None): _("This password is too short: use at least 8 characters."),
    ("inactive", None): _("This account has been disabled. Please contact the platform operator."),
}


def lockout_message() -> str:
    minutes = max(1, round(settings.LOGIN_LOCKOUT_SECONDS / 60))
    return ngettext(
        "Too many failed attempts. For your safety, please wait %(minutes)d minute and try again.",
        "Too many failed attempts. For your safety, please wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


def error_message(error: DomainError) -> str:
    if error.code == "login_attempt_delayed":
        return lockout_message()
    return MESSAGES.get((error.code, error.field)) or MESSAGES.get((error.code, None)) or error.message


def add_domain_errors(form: forms.Form, exc: DomainError, field_map: dict[str, str]) -> None:
    """Attach each refusal to the form field it concerns (``field_map``: service field -> form field)."""
    for error in exc.as_list():
        field = field_map.get(error.field or "")
        form.add_error(field if field in form.fields else None, error_message(error))
