from django.urls import path

from marketplace.payments.webhooks import stripe_webhook
from marketplace.payments.webhooks_wechatpay import wechatpay_notify

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("wechatpay/notify/", wechatpay_notify, name="wechatpay-notify"),
]
