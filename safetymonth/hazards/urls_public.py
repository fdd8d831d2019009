"""Public exposure pages (曝光): no login; only published cases exist here."""

from django.urls import path

from safetymonth.hazards import views_public

app_name = "exposure"

urlpatterns = [
    path("", views_public.case_list, name="list"),
    path("<str:public_id>/", views_public.case_detail, name="detail"),
    path("<str:public_id>/photos/<str:photo_id>/", views_public.case_photo, name="photo"),
]
