"""Sign in, register and reset a forgotten password with a code texted to the phone.

Each page is one form with two buttons: "send me a code" (services.phone_codes.phone_code_request)
and the step the code proves (one account service). In the demo, with the console SMS backend, the
page shows the text that would have been sent (selectors.sms_outbox_latest)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from meidu.accounts.models import PhoneCodePurpose
from meidu.accounts.selectors import sms_outbox_latest
from meidu.accounts.services.phone_codes import (
    account_authenticate_by_phone_code,
    account_password_reset_by_phone_code,
    account_register_by_phone_code,
    phone_clean,
    phone_code_request,
)
from meidu.core.errors import DomainError
from storefront.shell.errors import add_domain_errors
from storefront.shell.forms import PasswordResetByCodeForm, PhoneCodeForm, PhoneCodeRegisterForm
from storefront.shell.views.auth import AUTH_BACKEND, client_ip, next_url

FIELDS = {"phone": "phone", "code": "code", "password": "password", "newPassword": "new_password"}
SEND = "send"


def _send(request, form, purpose: str) -> str | None:
    """The "send me a code" button: the clean phone when a code went out (or seemed to)."""
    try:
        sent = phone_code_request(form.cleaned_data["phone"], purpose, ip_address=client_ip(request))
    except DomainError as exc:
        add_domain_errors(form, exc, FIELDS)
        return None
    messages.info(
        request,
        _("If %(phone)s can receive it, a six-digit code is on its way; it is valid for %(minutes)s minutes.")
        % {"phone": form.cleaned_data["phone"], "minutes": max(1, sent.expires_in // 60)},
    )
    return sent.phone


def _render(request, template: str, form, phone: str | None, **extra):
    """The page; in the demo also the latest text to the number typed (after a send or a refusal)."""
    if phone is None and form.is_bound:
        try:
            phone = phone_clean(form.data.get("phone"))
        except DomainError:
            phone = None
    context = {"form": form, "demo_sms": sms_outbox_latest(phone or ""), **extra}
    return render(request, template, context)


@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def login_by_code(request):
    if request.user.is_authenticated:
        return redirect(next_url(request))
    form = PhoneCodeForm(request.POST or None)
    phone = None
    if request.method == "POST" and request.POST.get("action") == SEND:
        if form.phone_only():
            phone = _send(request, form, PhoneCodePurpose.SIGN_IN)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_authenticate_by_phone_code(data["phone"], data["code"], ip_address=client_ip(request))
        except DomainError as exc:
            add_domain_errors(form, exc, FIELDS)
        else:
            login(request, user, backend=AUTH_BACKEND)
            return redirect(next_url(request))
    next_value = request.POST.get("next") or request.GET.get("next", "")
    return _render(request, "shell/login_code.html", form, phone, next=next_value)


@sensitive_post_parameters("code", "password")
@require_http_methods(["GET", "POST"])
def register_by_code(request):
    if request.user.is_authenticated:
        return redirect("shell:home")
    form = PhoneCodeRegisterForm(request.POST or None)
    phone = None
    if request.method == "POST" and request.POST.get("action") == SEND:
        if form.phone_only():
            phone = _send(request, form, PhoneCodePurpose.REGISTER)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_register_by_phone_code(
                data["phone"],
                data["code"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password"] or None,
                language_code=get_language(),
                ip_address=client_ip(request),
            )
        except DomainError as exc:
            add_domain_errors(form, exc, FIELDS)
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Welcome to Meidu Market! Your account is ready."))
            return redirect("shell:home")
    return _render(request, "shell/register_code.html", form, phone)


@sensitive_post_parameters("code", "new_password", "new_password_confirm")
@require_http_methods(["GET", "POST"])
def password_reset_by_code(request):
    form = PasswordResetByCodeForm(request.POST or None)
    phone = None
    if request.method == "POST" and request.POST.get("action") == SEND:
        if form.phone_only():
            phone = _send(request, form, PhoneCodePurpose.PASSWORD_RESET)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account_password_reset_by_phone_code(
                data["phone"], data["code"], data["new_password"], ip_address=client_ip(request)
            )
        except DomainError as exc:
            add_domain_errors(form, exc, FIELDS)
        else:
            messages.success(request, _("Your password has been changed. Log in with the new one."))
            return redirect("shell:login")
    return _render(request, "shell/password_reset_code.html", form, phone)
