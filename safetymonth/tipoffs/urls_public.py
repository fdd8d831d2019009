"""Public tip-off pages (/tips/): no login; see views_public."""

from django.urls import path

from safetymonth.tipoffs import views_public

app_name = "tips"

urlpatterns = [
    path("", views_public.tip_new, name="new"),
    path("enterprises/", views_public.enterprise_suggestions, name="enterprises"),
    path("follow/", views_public.follow_login, name="follow"),
    path("follow/status/", views_public.follow_status, name="status"),
    path("follow/logout/", views_public.follow_logout, name="logout"),
]
