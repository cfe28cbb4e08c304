from django.urls import path

from storefront.exchange import prices, views, warehouse_views

app_name = "exchange"

urlpatterns = [
    path("prices/", prices.price_page, name="prices"),
    path("receipts/<str:number>/verify/", views.receipt_verify_page, name="receipt_verify"),
    path("receipts/<str:number>/pdf/", views.receipt_pdf_download, name="receipt_pdf"),
    path("warehouse/", warehouse_views.desk_home, name="warehouse_home"),
    path("warehouse/<str:code>/", warehouse_views.receipts_page, name="warehouse_receipts"),
    path("warehouse/<str:code>/inbound/", warehouse_views.inbound_page, name="warehouse_inbound"),
    path("warehouse/<str:code>/tickets/<str:ticket>/issue/", warehouse_views.issue_page, name="warehouse_issue"),
    path("warehouse/<str:code>/receipts/<str:number>/withdraw/", warehouse_views.withdraw_page, name="warehouse_withdraw"),
]
