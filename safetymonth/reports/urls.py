from django.urls import path

from safetymonth.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("notifications/", views.notifications, name="notifications"),
    path("<str:public_id>/", views.report_detail, name="detail"),
    path("<str:public_id>/edit/", views.report_edit, name="edit"),
    path("<str:public_id>/review/", views.report_review, name="review"),
    path("<str:public_id>/history/", views.report_history, name="history"),
    path("<str:public_id>/chase/", views.chase, name="chase"),
    path("rounds/<str:campaign_id>/<slug:round_code>/non-filers/", views.non_filers, name="nonfilers"),
    path("rounds/<str:campaign_id>/<slug:round_code>/rollup/<str:org_id>/", views.rollup, name="rollup"),
]
