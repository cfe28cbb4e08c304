from django.urls import path

from storefront.incubator import views

app_name = "incubator"

urlpatterns = [
    path("", views.console, name="console"),
]
