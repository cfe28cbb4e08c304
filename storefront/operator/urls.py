from django.urls import path

from storefront.operator import complaints

app_name = "operator"

urlpatterns = [
    path("complaints/", complaints.queue, name="complaints"),
    path("complaints/<int:complaint_id>/resolve/", complaints.resolve, name="complaint_resolve"),
]
