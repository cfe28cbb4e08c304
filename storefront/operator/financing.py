"""The exchange operator's view of bank financing: every pledge in force (all banks), the financing
rules in force, and the loan disputes to decide (loan_dispute_resolve). Anyone who is not an exchange
operator gets the site's refusal page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from magnesium_exchange.financing.policies import loan_disputes_may_resolve
from magnesium_exchange.financing.selectors import financing_rule_list, loan_dispute_list_open, pledge_list_in_force
from magnesium_exchange.financing.services.disputes import loan_dispute_resolve
from magnesium_exchange.financing.valuation import DEFAULT_TERMS
from meidu.core.errors import DomainError

SHOWN = 100


def _require_operator(user) -> None:
    if not loan_disputes_may_resolve(user):
        raise PermissionDenied("Only exchange operators oversee financing")


@login_required
@require_safe
def overview(request):
    _require_operator(request.user)
    return render(
        request,
        "operator/financing.html",
        {
            "pledges": list(pledge_list_in_force()[:SHOWN]),
            "disputes": list(loan_dispute_list_open()[:SHOWN]),
            "rules": list(financing_rule_list()),
            "defaults": DEFAULT_TERMS,
            "limit": SHOWN,
        },
    )


@login_required
@require_POST
def dispute_resolve(request, dispute_id: int):
    _require_operator(request.user)
    try:
        dispute = loan_dispute_resolve(dispute_id, actor=request.user, resolution=request.POST.get("resolution", ""))
    except DomainError as exc:
        messages.error(request, _("Dispute %(id)s: %(message)s") % {"id": dispute_id, "message": exc.message})
    else:
        messages.success(
            request, _("Dispute %(id)s on loan %(loan)s resolved.") % {"id": dispute.pk, "loan": dispute.loan.number}
        )
    return redirect("operator:financing")
