from django.urls import path

from safetymonth.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("<str:public_id>/", views.org_list, name="detail"),
]
