from django.urls import path

from safetymonth.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("calendar/", views.event_calendar, name="calendar"),
    path("new/", views.event_create, name="create"),
    path("quick/", views.event_quick, name="quick"),
    path("import/", views.event_import, name="import"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("campaigns/<str:campaign_id>/0616/", views.consultation_day, name="consultation_day"),
    path("<str:public_id>/", views.event_detail, name="detail"),
    path("<str:public_id>/edit/", views.event_edit, name="edit"),
    path("<str:public_id>/delete/", views.event_delete, name="delete"),
]
