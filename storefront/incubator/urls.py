from django.urls import path

from storefront.incubator import views

app_name = "incubator"

urlpatterns = [
    path("", views.console, name="console"),
    path("offers/<int:offer_id>/approve/", views.offer_approve, name="offer_approve"),
    path("offers/<int:offer_id>/refuse/", views.offer_refuse, name="offer_refuse"),
]
