from django.urls import path

from marketplace.payments.webhooks import alipay_notify, stripe_webhook
from marketplace.payments.webhooks_wechatpay import wechatpay_notify

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("alipay/notify/", alipay_notify, name="alipay-notify"),
    path("wechatpay/notify/", wechatpay_notify, name="wechatpay-notify"),
]
