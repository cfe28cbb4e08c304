from django.urls import path

from .webhooks import tracking_push_receive

app_name = "carriers"

urlpatterns = [path("tracking/push/", tracking_push_receive, name="push")]
