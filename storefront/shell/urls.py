from django.urls import path

from storefront.shell import views

app_name = "shell"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.home, name="login"),
]
