"""Gallery, a material's page, review and the inspection package (see views_review.py)."""

from django.urls import path

from safetymonth.evidence import views_review as views

urlpatterns: list = [
    path("", views.gallery, name="gallery"),
    path("good-practice/", views.showcase, name="showcase"),
    path("review/", views.review_queue, name="review_queue"),
    path("materials/<str:public_id>/", views.detail, name="detail"),
    path("materials/<str:public_id>/edit/", views.edit, name="edit"),
    path("materials/<str:public_id>/delete/", views.delete, name="delete"),
    path("materials/<str:public_id>/review/", views.review, name="review"),
    path("materials/<str:public_id>/good-practice/", views.good_practice, name="good_practice"),
    path("package/", views.package, name="package"),
    path("package/<str:org_id>/", views.package_org, name="package_org"),
]
