from django.urls import path

from safetymonth.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.index, name="index"),
    path("<str:campaign_id>/<slug:round_code>/", views.campaign, name="campaign"),
    path("<str:campaign_id>/<slug:round_code>/org/<str:org_id>/", views.section, name="section"),
    path(
        "<str:campaign_id>/<slug:round_code>/org/<str:org_id>/chart/<slug:chart>.csv", views.chart_csv, name="chart_csv"
    ),
]
