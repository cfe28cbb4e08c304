"""The distributor commission rules page (incubator staff): the rules in force, a form to change
them (commission_settings_change refuses what the law forbids, with its message in the reader's
language) and the audit trail of every change. Without MANAGE_COMMISSION: the refusal page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incubator.commission.policies import commission_may_manage
from incubator.commission.selectors import commission_rule_changes, commission_settings_current
from incubator.commission.services.settings import commission_settings_change
from meidu.core.errors import DomainError


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rules(request):
    if not commission_may_manage(request.user):
        raise PermissionDenied("Only incubator staff change commission rules")
    if request.method == "POST":
        form = request.POST
        try:
            commission_settings_change(
                actor=request.user,
                levels=form.get("levels") or "1",
                second_level_rate_percent=form.get("second_level_rate_percent") or "0",
                reason=form.get("reason", ""),
                self_purchase_commission=form.get("self_purchase_commission") == "on",
                note=form.get("note", ""),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Commission rules saved and recorded in the audit trail."))
        return redirect("operator:commission_rules")
    return render(
        request,
        "operator/commission_rules.html",
        {"rules": commission_settings_current(), "changes": list(commission_rule_changes(50))},
    )
