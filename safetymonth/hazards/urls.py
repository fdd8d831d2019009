from django.urls import path

from safetymonth.hazards import views, views_exports

app_name = "hazards"

urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("new/", views.hazard_register, name="register"),
    path("quick/", views.hazard_quick, name="quick"),
    path("export.xlsx", views_exports.ledger_export, name="export"),
    path("statistics/", views_exports.statistics_page, name="statistics"),
    path("statistics.xlsx", views_exports.statistics_export, name="statistics_export"),
    path("cases/", views.case_list, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<str:public_id>/", views.case_edit, name="case_edit"),
    path("cases/<str:public_id>/publish/", views.case_publish, name="case_publish"),
    path("cases/<str:public_id>/withdraw/", views.case_withdraw, name="case_withdraw"),
    path("<str:public_id>/", views.hazard_detail, name="detail"),
    path("<str:public_id>/plan/", views.hazard_plan, name="plan"),
    path("<str:public_id>/start/", views.hazard_start, name="start"),
    path("<str:public_id>/rectify/", views.hazard_rectify, name="rectify"),
    path("<str:public_id>/verify/", views.hazard_verify, name="verify"),
    path("<str:public_id>/supervise/", views.hazard_supervise, name="supervise"),
    path("<str:public_id>/expose/", views.case_create, name="case_create"),
]
