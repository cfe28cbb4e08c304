from django.contrib.auth.views import LogoutView
from django.urls import path

from storefront.shell.views import auth, pages

app_name = "shell"

urlpatterns = [
    path("", pages.landing, name="landing"),
    path("home/", pages.home, name="home"),
    path("account/", pages.account, name="account"),
    path("register/", auth.register, name="register"),
    path("login/", auth.login_view, name="login"),
    path("logout/", LogoutView.as_view(next_page="shell:landing"), name="logout"),
]
