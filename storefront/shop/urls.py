from django.urls import path

from storefront.shop import search_views, views
from storefront.shop.buying import (
    alipay_views,
    card_views,
    cart_views,
    checkout_views,
    complaint_views,
    order_views,
    wechatpay_views,
)

app_name = "shop"

# <str:...>: shop, product and category slugs may be Chinese (allow_unicode), which <slug:> refuses.
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("c/<str:slug>/", views.catalogue, name="category"),
    path("search/", search_views.search, name="search"),
    path("search/suggest/", search_views.suggest, name="search_suggest"),
    path("p/<str:slug>/", views.product_detail, name="product"),
    path("s/<str:slug>/", views.shop_detail, name="shop"),
    path("cart/", cart_views.cart_page, name="cart"),
    path("cart/add/", cart_views.add, name="cart_add"),
    path("cart/update/", cart_views.update, name="cart_update"),
    path("cart/remove/", cart_views.remove, name="cart_remove"),
    path("checkout/", checkout_views.checkout_page, name="checkout"),
    path("checkout/place/", checkout_views.place, name="checkout_place"),
    path("checkout/card/<uuid:token>/", card_views.card_page, name="card"),
    path("checkout/card/<uuid:token>/return/", card_views.card_return, name="card_return"),
    path("checkout/alipay/return/", alipay_views.alipay_return, name="alipay_return"),
    path("checkout/alipay/<uuid:token>/", alipay_views.alipay_page, name="alipay"),
    path("checkout/wechatpay/<uuid:token>/", wechatpay_views.wechatpay_page, name="wechatpay"),
    path("checkout/wechatpay/<uuid:token>/qr.png", wechatpay_views.wechatpay_qr, name="wechatpay_qr"),
    path("checkout/wechatpay/<uuid:token>/return/", wechatpay_views.wechatpay_return, name="wechatpay_return"),
    path("orders/", order_views.my_orders, name="orders"),
    path("orders/placed/<uuid:token>/", order_views.placed, name="placed"),
    path("orders/<int:number>/", order_views.order_detail, name="order"),
    path("orders/<int:number>/received/", order_views.order_received, name="order_received"),
    path("orders/<int:number>/complaint/", complaint_views.complaint_new, name="complaint_new"),
    path(
        "orders/<int:number>/complaint/<int:complaint_id>/rating/",
        complaint_views.complaint_rating,
        name="complaint_rating",
    ),
]
