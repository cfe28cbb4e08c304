from django.urls import path

from storefront.operator import bills, commission, complaints, financing

app_name = "operator"

urlpatterns = [
    path("complaints/", complaints.queue, name="complaints"),
    path("complaints/<int:complaint_id>/resolve/", complaints.resolve, name="complaint_resolve"),
    path("financing/", financing.overview, name="financing"),
    path("bills/", bills.bills, name="bills"),
    path("bills/<int:run_id>/acknowledge/", bills.bill_acknowledge, name="bill_acknowledge"),
    path("commission/", commission.rules, name="commission_rules"),
    path("financing/disputes/<int:dispute_id>/resolve/", financing.dispute_resolve, name="financing_dispute_resolve"),
]
