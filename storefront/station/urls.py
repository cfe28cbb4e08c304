from django.urls import path

from storefront.station import assisted, cash, dispatch, pickups, runs, views

app_name = "station"

urlpatterns = [
    path("", views.counter, name="counter"),
    path("assisted/", assisted.assisted_start, name="assisted"),
    path("assisted/<uuid:token>/", assisted.assisted_order, name="assisted_order"),
    path("assisted/<uuid:token>/line/", assisted.assisted_line, name="assisted_line"),
    path("assisted/<uuid:token>/delivery/", assisted.assisted_delivery, name="assisted_delivery"),
    path("assisted/<uuid:token>/code/", assisted.assisted_code, name="assisted_code"),
    path("assisted/<uuid:token>/confirm/", assisted.assisted_confirm, name="assisted_confirm"),
    path("runs/", runs.run_sheet, name="runs"),
    path("runs/<int:number>/hand-over/", runs.hand_over, name="hand_over"),
    path("runs/<int:number>/failed/", runs.delivery_failed, name="delivery_failed"),
    path("pickups/", pickups.book, name="pickups"),
    path("pickups/<int:pickup_id>/load/", pickups.load, name="pickup_load"),
    path("cash/", cash.till, name="cash"),
    path("cash/hand-in/", cash.hand_in, name="cash_hand_in"),
    path("cash/close/", cash.day_close, name="cash_day_close"),
    path("dispatch/", dispatch.dispatch_board, name="dispatch"),
    path("dispatch/plan/", dispatch.plan_create, name="dispatch_plan"),
    path("dispatch/lock/", dispatch.stop_lock, name="dispatch_lock"),
    path("dispatch/go/", dispatch.plan_dispatch, name="dispatch_go"),
    path("dispatch/runs/<int:run_id>/manifest.pdf", dispatch.run_manifest, name="run_manifest"),
    path("dispatch/runs/<int:run_id>/map.svg", dispatch.run_map, name="run_map"),
]
