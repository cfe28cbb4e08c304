from django.urls import path

from storefront.bank import views
from storefront.bank.credit import credit_urlpatterns

app_name = "bank"

urlpatterns = [
    path("", views.home, name="home"),
    path("verify/", views.verify, name="verify"),
    path("applications/", views.applications, name="applications"),
    path("applications/<str:number>/", views.application, name="application"),
    path("loans/", views.loans, name="loans"),
    path("loans/export.csv", views.loans_export, name="loans_export"),
    path("loans/<str:number>/", views.loan_page, name="loan"),
    path("loans/<str:number>/disburse/", views.loan_disburse_view, name="loan_disburse"),
    path("loans/<str:number>/dispute/", views.loan_dispute_view, name="loan_dispute"),
    path("loans/<str:number>/forced-sale/", views.loan_forced_sale_view, name="loan_forced_sale"),
    path("margin-calls/", views.margin_calls, name="margin_calls"),
    path("forced-sales/", views.forced_sales, name="forced_sales"),
]

urlpatterns += credit_urlpatterns  # the credit report page (credit/), built by the credit part
