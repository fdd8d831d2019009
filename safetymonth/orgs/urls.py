from django.urls import path

from safetymonth.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_create, name="create"),
    path("search/", views.org_search, name="search"),
    path("industries/", views.industry_list, name="industries"),
    path("import/", views.org_import, name="import"),
    path("import/template.<str:fmt>", views.import_template, name="import_template"),
    path("<str:public_id>/", views.org_detail, name="detail"),
    path("<str:public_id>/edit/", views.org_edit, name="edit"),
    path("<str:public_id>/toggle-active/", views.org_toggle_active, name="toggle_active"),
]
