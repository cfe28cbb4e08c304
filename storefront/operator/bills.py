"""Finance operators: the providers' daily bills reconciled against our transactions (WeChat Pay,
Alipay). Flagged and failed days wait here, with every difference, until an operator acknowledges
them (bill_run_acknowledge); the last days' runs are listed below. HANDLE_PAYMENTS only.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.payments.policies import may_reconcile_bills
from marketplace.payments.selectors import bill_run_get, bill_runs_recent, bill_runs_to_check
from marketplace.payments.services import bill_run_acknowledge

SHOWN = 30


def _require_finance(user) -> None:
    if not may_reconcile_bills(user):
        raise PermissionDenied("Only finance operators read the bill reconciliations")


@login_required
@require_safe
def bills(request):
    _require_finance(request.user)
    return render(
        request,
        "operator/bills.html",
        {"to_check": list(bill_runs_to_check()[:SHOWN]), "recent": bill_runs_recent(SHOWN)},
    )


@login_required
@require_POST
def bill_acknowledge(request, run_id: int):
    _require_finance(request.user)
    run = bill_run_get(run_id)
    if run is None:
        messages.error(request, _("This reconciliation does not exist."))
    else:
        bill_run_acknowledge(run, actor=request.user)
        messages.success(request, _("Acknowledged: the differences stay on record."))
    return redirect("operator:bills")
