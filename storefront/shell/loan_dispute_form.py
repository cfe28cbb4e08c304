"""The form a bank officer or a borrower's trader uses to dispute something about a loan, shared by
the bank portal and the trader terminal (loan_dispute_raise decides who may)."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from magnesium_exchange.financing.models import DisputeSubject
from magnesium_exchange.financing.services.disputes import TEXT_MAX, loan_dispute_raise
from meidu.core.errors import DomainError


class LoanDisputeForm(forms.Form):
    subject = forms.ChoiceField(label=gettext_lazy("What do you dispute?"), choices=DisputeSubject.choices)
    description = forms.CharField(
        label=gettext_lazy("What happened, and what should be done"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def loan_dispute_posted(request, loan) -> bool:
    """Raise the dispute posted in ``request``; the outcome is told through messages. True when raised."""
    form = LoanDisputeForm(request.POST, prefix="dispute")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return False
    try:
        loan_dispute_raise(
            loan, actor=request.user, subject=form.cleaned_data["subject"], description=form.cleaned_data["description"]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return False
    messages.success(
        request, _("Your dispute on loan %(number)s is with the exchange's operators.") % {"number": loan.number}
    )
    return True
