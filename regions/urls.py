"""Regions' browser routes: cluster pages and the data upload (included from projects.urls)."""

from django.urls import URLPattern, path

from regions import views

urlpatterns: list[URLPattern] = [
    path("clusters/", views.cluster_list, name="cluster_list"),
    path("clusters/<int:pk>/", views.cluster_profile_page, name="cluster_profile"),
    path("data/upload/", views.data_upload, name="data_upload"),
    path("data/upload/<str:token>/confirm/", views.data_upload_confirm, name="data_upload_confirm"),
    path(
        "data/upload/<str:token>/progress/", views.data_upload_progress, name="data_upload_progress"
    ),
]
