from django.urls import path

from storefront.station import runs, views

app_name = "station"

urlpatterns = [
    path("", views.counter, name="counter"),
    path("runs/", runs.run_sheet, name="runs"),
    path("runs/<int:number>/hand-over/", runs.hand_over, name="hand_over"),
]
