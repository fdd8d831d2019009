from django.contrib.auth import views as auth_views
from django.urls import path

from safetymonth.accounts import views
from safetymonth.core.public import public

app_name = "accounts"
urlpatterns = [
    path("login/", public(views.LoginView.as_view()), name="login"),
    path("login/code/", public(views.login_otp), name="login_otp"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("second-factor/", views.otp_setup, name="otp_setup"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<str:public_id>/", views.user_detail, name="user_detail"),
    path("users/<str:public_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<str:public_id>/roles/add/", views.membership_add, name="membership_add"),
    path("users/<str:public_id>/roles/remove/", views.membership_remove, name="membership_remove"),
    path("users/<str:public_id>/password/", views.password_reset, name="password_reset"),
    path("users/<str:public_id>/active/", views.user_set_active, name="user_set_active"),
    path("users/<str:public_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<str:public_id>/second-factor/reset/", views.otp_reset, name="otp_reset"),
]
