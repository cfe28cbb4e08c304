"""A signed-in user's price alerts and in-site notices of the farm information service."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from incubator.prices.notices import notice_text
from incubator.prices.selectors import (
    alert_get_for_user,
    alert_list_for_user,
    market_list,
    notice_list_for_user,
    produce_item_get,
    produce_item_list,
)
from incubator.prices.services import alert_create, alert_delete, notices_mark_read
from meidu.core.errors import DomainError
from storefront.farm.forms import AlertForm, form_field


@login_required
@require_http_methods(["GET", "POST"])
def alerts(request):
    items = list(produce_item_list())
    form = AlertForm(request.POST or None, items=items, initial={"item": request.GET.get("item", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            alert_create(
                request.user,
                item=produce_item_get(data["item"]),
                market=None,
                direction=data["direction"],
                threshold=data["threshold"],
                unit=data["unit"],
            )
        except DomainError as exc:
            field = form_field(exc.field)
            form.add_error(field if field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Alert set. We will tell you once each time the price crosses it."))
            return redirect("farm:alerts")
    return render(
        request,
        "farm/alerts.html",
        {"form": form, "alerts": list(alert_list_for_user(request.user)), "markets": market_list()},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def alert_remove(request, pk):
    alert = alert_get_for_user(request.user, pk)
    if alert is None:
        raise Http404
    alert_delete(request.user, alert)
    messages.success(request, _("Alert removed."))
    return redirect("farm:alerts")


@login_required
@require_http_methods(["GET", "POST"])
def notices(request):
    if request.method == "POST":
        notices_mark_read(request.user)
        return redirect("farm:notices")
    rows = [(notice, notice_text(notice)) for notice in notice_list_for_user(request.user)]
    return render(request, "farm/notices.html", {"notices": rows})
