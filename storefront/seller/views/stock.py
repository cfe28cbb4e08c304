"""Stock counts per variant and warehouse, and the first warehouse of a shop."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from marketplace.inventory.models import WarehouseKind
from marketplace.inventory.services import stock_update, warehouse_create
from meidu.core.errors import DomainError
from storefront.seller.access import shop_url, with_shop
from storefront.seller.errors import add_domain_errors, error_message
from storefront.seller.forms import StockForm, WarehouseForm
from storefront.seller.presenters import stock_table


@require_http_methods(["GET", "POST"])
@with_shop
def stock_page(request, shop):
    form = _stock_form(shop, request.POST or None)
    if request.method == "POST" and form.is_valid():
        saved = 0
        for name, variant, warehouse, quantity in form.changes():
            try:
                stock_update(warehouse, variant, actor=request.user, quantity=quantity, note="seller centre count")
                saved += 1
            except DomainError as exc:
                form.add_error(name, error_message(exc))
        if not form.errors:
            counted = ngettext("%(count)d stock count saved.", "%(count)d stock counts saved.", saved) % {
                "count": saved
            }
            messages.success(request, counted)
            return redirect(shop_url("seller:stock", shop))
    return _render(request, shop, form, WarehouseForm(initial={"village": shop.village_id}))


@require_POST
@with_shop
def warehouse_new(request, shop):
    form = WarehouseForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            warehouse_create(shop, actor=request.user, kind=WarehouseKind.HOME, **data)
        except DomainError as exc:
            add_domain_errors(form, exc, {"name": "name"})
        else:
            messages.success(request, _("Warehouse “%(name)s” added.") % {"name": data["name"]})
            return redirect(shop_url("seller:stock", shop))
    return _render(request, shop, _stock_form(shop), form)


def _stock_form(shop, data=None) -> StockForm:
    variants, warehouses, stocks = stock_table(shop)
    return StockForm(data, variants=variants, warehouses=warehouses, stocks=stocks)


def _render(request, shop, form, warehouse_form):
    return render(request, "seller/stock.html", {"shop": shop, "form": form, "warehouse_form": warehouse_form})
