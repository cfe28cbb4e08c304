from django.contrib.auth.views import LogoutView
from django.urls import path

from storefront.shell.views import auth, csrf, pages, phone_code, security

app_name = "shell"

urlpatterns = [
    path("", pages.landing, name="landing"),
    path("home/", pages.home, name="home"),
    path("account/", pages.account, name="account"),
    path("account/security/", security.security, name="security"),
    path("account/sign-out-everywhere/", security.sign_out_everywhere, name="sign_out_everywhere"),
    path("register/", auth.register, name="register"),
    path("login/", auth.login_view, name="login"),
    path("login/code/", phone_code.login_by_code, name="login_code"),
    path("register/code/", phone_code.register_by_code, name="register_code"),
    path("password/forgot/", phone_code.password_reset_by_code, name="password_reset_code"),
    path("csrf/", csrf.csrf_token, name="csrf"),
    path("logout/", LogoutView.as_view(next_page="shell:landing"), name="logout"),
]
