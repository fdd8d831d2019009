from django.urls import path

from safetymonth.tipoffs import views

app_name = "tipoffs"

urlpatterns = [
    path("", views.tip_list, name="list"),
    path("<str:public_id>/", views.tip_detail, name="detail"),
    path("<str:public_id>/act/", views.tip_act, name="act"),
    path("<str:public_id>/convert/", views.tip_convert, name="convert"),
    path("<str:public_id>/reveal/", views.tip_reveal, name="reveal"),
]
