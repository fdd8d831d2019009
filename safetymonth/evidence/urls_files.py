"""Getting files in and out: the upload page, the resumable upload protocol, the cards partial and
the permission-checked file views (see views.py and docs/evidence.md)."""

from django.urls import path

from safetymonth.evidence import views

urlpatterns: list = [
    path("upload/", views.upload_page, name="upload"),
    path("uploads/", views.upload_start, name="upload_start"),
    path("uploads/<str:public_id>/", views.upload_session, name="upload_session"),
    path("uploads/<str:public_id>/finish/", views.upload_finish, name="upload_finish"),
    path("cards/", views.material_cards, name="cards"),
    path("files/<str:public_id>/", views.serve_file, name="file"),
    path("files/<str:public_id>/thumbnail/", views.serve_thumbnail, name="thumbnail"),
    path("files/<str:public_id>/original/", views.serve_original, name="original"),
]
