"""The reader of shell/_complaint_resolve.html, shared by the seller's order page and the operators'
escalated-complaint page: one place turns the posted form into a complaint_resolve call."""

from marketplace.complaints.services import complaint_resolve


def complaint_resolve_posted(complaint, request, *, as_operator: bool):
    """Resolve ``complaint`` as the posted form says (an amount only for a refund); the service
    refuses what the actor or the complaint's state does not allow (DomainError)."""
    resolution = request.POST.get("resolution", "")
    return complaint_resolve(
        complaint,
        actor=request.user,
        as_operator=as_operator,
        resolution=resolution,
        amount=request.POST.get("amount") if resolution == "refund" else None,
        note=request.POST.get("note", ""),
    )
