"""Account security: change the password, sign out everywhere. Both call the account services;
every token and session issued before dies (issue 13 item 3)."""

from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from meidu.accounts.services import account_password_change, tokens_revoke_all
from meidu.core.errors import DomainError
from storefront.shell.errors import add_domain_errors
from storefront.shell.forms import PasswordChangeForm
from storefront.shell.views.auth import client_ip

FIELDS = {"oldPassword": "old_password", "newPassword": "new_password"}


@sensitive_post_parameters("old_password", "new_password", "new_password_confirm")
@require_http_methods(["GET", "POST"])
@login_required
def security(request):
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_password_change(
                request.user, data["old_password"], data["new_password"], ip_address=client_ip(request)
            )
        except DomainError as exc:
            add_domain_errors(form, exc, FIELDS)
        else:
            update_session_auth_hash(request, user)  # this phone stays signed in; every other one is out
            messages.success(request, _("Your password has been changed. Every other device has been signed out."))
            return redirect("shell:account")
    return render(request, "shell/security.html", {"form": form})


@require_POST
@login_required
def sign_out_everywhere(request):
    tokens_revoke_all(request.user, ip_address=client_ip(request))
    logout(request)
    messages.success(request, _("You have been signed out on every device, this one included."))
    return redirect("shell:login")
