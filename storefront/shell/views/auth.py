"""Register and log in: parse the form, call the account service, show its refusals."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from meidu.accounts.services import account_authenticate, account_register
from meidu.core.errors import DomainError
from storefront.shell.errors import add_domain_errors
from storefront.shell.forms import LoginForm, RegisterForm

AUTH_BACKEND = "meidu.accounts.backends.MobileOrEmailBackend"
SENSITIVE = ("password", "password_confirm")


def client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded header is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR")


def next_url(request) -> str:
    """Where to go after logging in: a same-site ``next`` or the role home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters(*SENSITIVE)
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("shell:home")
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = account_register(
                **form.service_kwargs(), language_code=get_language(), ip_address=client_ip(request)
            )
        except DomainError as exc:
            add_domain_errors(form, exc, {"phone": "identifier", "email": "identifier", "password": "password"})
        else:
            login(request, user, backend=AUTH_BACKEND)
            messages.success(request, _("Welcome to Meidu Market! Your account is ready."))
            return redirect("shell:home")
    return render(request, "shell/register.html", {"form": form})


@sensitive_post_parameters(*SENSITIVE)
@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect(next_url(request))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_authenticate(data["identifier"], data["password"], ip_address=client_ip(request))
        except DomainError as exc:
            add_domain_errors(form, exc, {})
        else:
            login(request, user, backend=AUTH_BACKEND)
            return redirect(next_url(request))
    return render(
        request, "shell/login.html", {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")}
    )
