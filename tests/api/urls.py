"""The site's admin and API routes only, mounted as in screening/urls.py.

The API tests use this so they do not depend on the browser pages' routes.
"""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("screening.api.urls")),
]
