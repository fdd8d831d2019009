from django.urls import path

from safetymonth.campaigns import views

app_name = "campaigns"
INDICATORS = {"section": "indicators"}
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("<str:public_id>/", views.campaign_detail, name="detail"),
    path("<str:public_id>/copy/", views.campaign_copy, name="copy"),
    path("<str:public_id>/preview/", views.campaign_preview, name="preview"),
    path("<str:public_id>/publish/", views.campaign_publish, name="publish"),
    path("<str:public_id>/close/", views.campaign_close, name="close"),
    path("<str:public_id>/rounds/<slug:round_code>/", views.round_detail, name="round"),
    path("<str:public_id>/rounds/<slug:round_code>/expected/", views.round_expected, name="round_expected"),
    path("<str:public_id>/definition.yaml", views.definition_yaml, name="definition_yaml"),
    path("<str:public_id>/edit/", views.campaign_edit, name="edit"),
    path("<str:public_id>/edit/essentials/", views.edit_essentials, name="edit_essentials"),
    path("<str:public_id>/edit/<slug:section>/add/", views.row_add, name="row_add"),
    path("<str:public_id>/edit/<slug:section>/<int:index>/", views.row_edit, name="row_edit"),
    path("<str:public_id>/edit/<slug:section>/<int:index>/delete/", views.row_delete, name="row_delete"),
    path("<str:public_id>/edit/<slug:section>/<int:index>/<str:direction>/", views.row_move, name="row_move"),
    # an item's indicators (section "indicators")
    path("<str:public_id>/edit/items/<int:item>/indicators/add/", views.row_add, INDICATORS, name="indicator_add"),
    path(
        "<str:public_id>/edit/items/<int:item>/indicators/<int:index>/",
        views.row_edit,
        INDICATORS,
        name="indicator_edit",
    ),
    path(
        "<str:public_id>/edit/items/<int:item>/indicators/<int:index>/delete/",
        views.row_delete,
        INDICATORS,
        name="indicator_delete",
    ),
]
