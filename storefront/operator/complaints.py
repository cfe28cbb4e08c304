"""Escalated complaints: the shop missed its deadline, so an operator resolves (refund part of
what was paid, replacement, or a reasoned rejection) through complaint_resolve, as the platform.

Anyone without MANAGE_COMPLAINTS gets the site's refusal page; a complaint that is no longer
escalated (resolved meanwhile) is refused by the service's state machine, in the reader's language.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from marketplace.complaints.policies import may_handle_as_operator
from marketplace.complaints.selectors import complaint_get, complaint_list_escalated
from meidu.core.errors import DomainError
from meidu.core.replicas.decorators import report_reads
from storefront.shell.complaint_resolve_form import complaint_resolve_posted

SHOWN = 50


def _require_operator(user) -> None:
    if not may_handle_as_operator(user):
        raise PermissionDenied("Only operators handle escalated complaints")


@login_required
@require_safe
@report_reads  # the escalated queue: a report, read from a replica when there is one
def queue(request):
    _require_operator(request.user)
    return render(request, "operator/complaints.html", {"complaints": list(complaint_list_escalated()[:SHOWN])})


@login_required
@require_POST
def resolve(request, complaint_id: int):
    _require_operator(request.user)
    complaint = complaint_get(complaint_id)
    if complaint is None:
        messages.error(request, _("This complaint does not exist."))
        return redirect("operator:complaints")
    try:
        complaint_resolve_posted(complaint, request, as_operator=True)
    except DomainError as exc:
        for error in exc.as_list():
            messages.error(request, _("Complaint %(id)s: %(message)s") % {"id": complaint.pk, "message": error.message})
    else:
        messages.success(
            request, _("Complaint %(id)s resolved; the shop and the buyer are told.") % {"id": complaint.pk}
        )
    return redirect("operator:complaints")
