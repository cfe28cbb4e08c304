"""Pages that only read: the public landing page, the role home and the account page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from logistics.geography.selectors import town_list
from meidu.accounts.roles import Role
from meidu.accounts.selectors import user_primary_role, user_role_names
from storefront.shell.role_pages import role_page


def role_label(role: str | None) -> str:
    return Role(role).label if role in Role.values else ""


@require_safe
def landing(request):
    """What the platform is, for visitors; members go straight to their own home."""
    if request.user.is_authenticated:
        return redirect("shell:home")
    towns = list(town_list())
    village_count = sum(len(town.villages.all()) for town in towns)
    return render(request, "shell/landing.html", {"towns": towns, "village_count": village_count})


@require_safe
@login_required
def home(request):
    role = user_primary_role(request.user)
    return render(request, "shell/home.html", {"role_page": role_page(role), "role_label": role_label(role)})


@require_safe
@login_required
def account(request):
    roles = [role_label(name) for name in user_role_names(request.user) if name in Role.values]
    return render(request, "shell/account.html", {"account": request.user, "role_labels": roles})
