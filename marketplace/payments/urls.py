from django.urls import path

from marketplace.payments.webhooks import alipay_notify, stripe_webhook

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("alipay/notify/", alipay_notify, name="alipay-notify"),
]
