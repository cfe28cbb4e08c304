from django.urls import path

from storefront.seller.views import apply, complaints, dashboard, earnings, offers, orders, products, stock

app_name = "seller"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("open/", apply.open_shop, name="open"),
    path("submit/", dashboard.submit, name="submit"),
    path("holiday/", dashboard.holiday, name="holiday"),
    path("settings/", dashboard.shop_settings, name="settings"),
    path("products/", products.product_list, name="products"),
    path("products/new/", products.product_new, name="product_new"),
    path("products/<int:product_id>/edit/", products.product_edit, name="product_edit"),
    path("stock/", stock.stock_page, name="stock"),
    path("stock/warehouse/", stock.warehouse_new, name="warehouse_new"),
    path("orders/", orders.order_list, name="orders"),
    path("orders/<int:number>/", orders.order_detail, name="order"),
    path("orders/<int:number>/confirm/", orders.confirm, name="order_confirm"),
    path("orders/<int:number>/fulfil/", orders.fulfil, name="order_fulfil"),
    path("orders/<int:number>/cancel/", orders.cancel, name="order_cancel"),
    path("orders/<int:number>/slip/", orders.packing_slip, name="order_slip"),
    path("orders/<int:number>/complaints/<int:complaint_id>/respond/", complaints.respond, name="complaint_respond"),
    path("orders/<int:number>/complaints/<int:complaint_id>/resolve/", complaints.resolve, name="complaint_resolve"),
    path("earnings/", earnings.earnings, name="earnings"),
    path("offers/", offers.offer_list, name="offers"),
    path("offers/new/", offers.offer_form, name="offer_new"),
    path("offers/<int:offer_id>/edit/", offers.offer_form, name="offer_edit"),
    path("offers/<int:offer_id>/<str:action>/", offers.offer_action, name="offer_action"),
]
