"""Top-level URL configuration."""

from django.contrib import admin
from django.urls import include, path

from screening.config.health import healthz

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("api/", include("screening.api.urls")),
    path("shortlists/", include("shortlists.urls")),
    path("", include("projects.urls")),
]
