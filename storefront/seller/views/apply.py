"""Open a shop on the farmer light track: one form, one call to shop_apply."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from incubator.referrals.services import distributor_inviter_record
from marketplace.shops.models import ShopKind
from marketplace.shops.services import shop_apply
from meidu.core.errors import DomainError
from storefront.seller.access import member_shops, shop_url
from storefront.seller.errors import add_domain_errors
from storefront.seller.forms import OpenShopForm
from storefront.shell.views.auth import client_ip

FIELD_MAP = {
    "name": "name",
    "kind": "kind",
    "real_name": "real_name",
    "idNumber": "id_number",
    "payout_account_name": "payout_account_name",
    "payout_account_number": "payout_account_number",
    "payoutAccountNumber": "payout_account_number",
}


@sensitive_post_parameters("id_number", "payout_account_number")
@require_http_methods(["GET", "POST"])
@login_required
def open_shop(request):
    # ?kind=distributor (the distributor centre's invitation) preselects the kind of shop; &invite=<code>
    # (another distributor's shop link) records who invited a distributor shop opened here
    invite = (request.POST.get("invite") or request.GET.get("invite") or "")[:16]
    form = OpenShopForm(
        request.POST or None, initial={"kind": request.GET.get("kind")} if request.GET.get("kind") else None
    )
    if request.method == "POST" and form.is_valid():
        try:
            shop = shop_apply(request.user, **form.service_kwargs(), ip_address=client_ip(request))
        except DomainError as exc:
            add_domain_errors(form, exc, FIELD_MAP)
        else:
            messages.success(request, _("Your shop is created. Finish the checklist below, then submit it for review."))
            if invite and shop.kind == ShopKind.DISTRIBUTOR:
                _record_inviter(request, shop, invite)
            return redirect(shop_url("seller:dashboard", shop))
    return render(request, "seller/open.html", {"form": form, "shops": member_shops(request.user), "invite": invite})


def _record_inviter(request, shop, invite: str) -> None:
    """A distributor shop opened through another distributor's invitation link: record who invited it
    (once; it moves no money). A link that does not qualify only costs the record, never the shop."""
    try:
        distributor_inviter_record(actor=request.user, invitee_shop=shop, code=invite)
    except DomainError as exc:
        messages.warning(request, exc.message)
