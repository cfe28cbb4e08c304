from django.urls import path

from storefront.distributor import earnings
from storefront.distributor.views import centre, links, orders, picks, pool

app_name = "distributor"

# The distributor centre (issue 16). "earnings/" is the place the commission work (incubator.commission)
# adds its page: a tab for it is reserved in templates/distributor/_header.html.
urlpatterns = [
    path("", centre.centre, name="centre"),
    path("pool/", pool.pool, name="pool"),
    path("pool/<int:offer_id>/pick/", pool.pick, name="pick"),
    path("picks/", picks.pick_list, name="picks"),
    path("picks/<int:pick_id>/price/", picks.price, name="pick_price"),
    path("picks/<int:pick_id>/unpick/", picks.unpick, name="pick_unpick"),
    path("links/", links.link_list, name="links"),
    path("links/new/", links.link_new, name="link_new"),
    path("orders/", orders.order_list, name="orders"),
    path("earnings/", earnings.earnings, name="earnings"),
]
