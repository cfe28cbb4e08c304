from django.urls import path

from storefront.station import views

app_name = "station"

urlpatterns = [
    path("", views.counter, name="counter"),
]
