"""The shop's products: a list, and one form to create or edit a product with its price and photo."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from marketplace.catalog.selectors import product_media_list, product_type_list
from marketplace.channels.selectors import channel_get
from meidu.core.errors import DomainError
from storefront.seller.access import member_product, shop_url, with_shop
from storefront.seller.editing import FIELD_MAP, SELLER_CHANNEL, product_initial, product_save
from storefront.seller.errors import add_domain_errors
from storefront.seller.forms import ProductForm
from storefront.seller.presenters import seller_products


@require_safe
@with_shop
def product_list(request, shop):
    channel = channel_get(SELLER_CHANNEL)
    return render(
        request, "seller/products.html", {"shop": shop, "channel": channel, "products": seller_products(shop, channel)}
    )


@require_http_methods(["GET", "POST"])
@with_shop
def product_new(request, shop):
    return _product_form(request, shop, None, initial={"origin_village": shop.village_id})


@require_http_methods(["GET", "POST"])
@login_required
def product_edit(request, product_id):
    product = member_product(request, product_id)
    return _product_form(request, product.shop, product, initial=product_initial(product))


def _product_form(request, shop, product, initial):
    form = ProductForm(request.POST or None, request.FILES or None, product=product, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = product_save(shop, actor=request.user, data=form.cleaned_data, product=product)
        except DomainError as exc:
            add_domain_errors(form, exc, FIELD_MAP)
        else:
            messages.success(request, _("Saved “%(name)s”.") % {"name": saved.name})
            return redirect(shop_url("seller:products", shop))
    return render(
        request,
        "seller/product_form.html",
        {
            "shop": shop,
            "product": product,
            "form": form,
            "photos": product_media_list(product) if product else [],
            "has_types": product is not None or product_type_list().exists(),
        },
    )
