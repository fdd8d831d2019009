from django.contrib.auth import views as auth_views
from django.urls import path

from safetymonth.accounts import views
from safetymonth.core.public import public

app_name = "accounts"
urlpatterns = [
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.user_list, name="user_list"),
]
