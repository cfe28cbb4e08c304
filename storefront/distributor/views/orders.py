"""Orders bought through my shop: what, how many, for how much, and the buyer masked (family name,
phone 139****0001, province/city/county only). The supplier ships them."""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from incubator.distribution.masking import address_masked, phone_masked, recipient_masked
from incubator.distribution.selectors import distributor_order_list
from meidu.core.replicas.decorators import report_reads
from storefront.distributor.access import with_distributor_shop

PAGE_SIZE = 20


@require_safe
@report_reads  # orders through my shop: a report, read from a replica when there is one
@with_distributor_shop
def order_list(request, shop):
    page = Paginator(distributor_order_list(shop.pk), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "order": order,
            "buyer": recipient_masked(order.shipping_address),
            "phone": phone_masked(order.shipping_address.phone if order.shipping_address else ""),
            "place": address_masked(order.shipping_address),
        }
        for order in page.object_list
    ]
    return render(request, "distributor/orders.html", {"shop": shop, "page": page, "rows": rows})
