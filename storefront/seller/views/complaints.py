"""The shop's side of a complaint about one of its orders: answer the buyer, then resolve
(refund part of what was paid, replace, or reject with a reason) before the deadline.

The complaints services answer in the reader's language (their own catalogue); another shop's
order or complaint is a 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from marketplace.complaints.selectors import complaint_get_for_shop
from marketplace.complaints.services import complaint_respond
from meidu.core.errors import DomainError
from storefront.seller.access import member_order
from storefront.shell.complaint_resolve_form import complaint_resolve_posted


def _complaint(request, number, complaint_id):
    order = member_order(request, number)
    complaint = complaint_get_for_shop(order.shop_id, order, complaint_id)
    if complaint is None:
        raise Http404("No such complaint")
    return order, complaint


def _flash(request, exc: DomainError) -> None:
    for error in exc.as_list():
        messages.error(request, error.message)


@login_required
@require_POST
def respond(request, number, complaint_id):
    order, complaint = _complaint(request, number, complaint_id)
    try:
        complaint_respond(complaint, actor=request.user, message=request.POST.get("message", ""))
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Answer sent to the buyer. Now resolve the complaint before its deadline."))
    return redirect("seller:order", number=order.number)


@login_required
@require_POST
def resolve(request, number, complaint_id):
    order, complaint = _complaint(request, number, complaint_id)
    try:
        complaint_resolve_posted(complaint, request, as_operator=False)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, _("Complaint resolved. The buyer is asked to rate how it was handled."))
    return redirect("seller:order", number=order.number)
