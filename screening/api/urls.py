"""REST API routes, mounted under /api/ (see screening/config/urls.py).

/api/v1/…      the API (session or token authentication)
/api/schema/   OpenAPI 3 document
/api/docs/     Swagger UI, served from the packaged sidecar assets (no CDN, no inline script)
"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from screening.api import (
    views_auth,
    views_imports,
    views_leads,
    views_outcomes,
    views_prospects,
    views_reference,
    views_scores,
)
from screening.api.errors import not_found

UPLOAD_TOKEN = r"[0-9a-f]{32}"  # noqa: S105 - an upload's file token, not a secret

router = SimpleRouter()
router.register("regions", views_reference.RegionViewSet, basename="region")
router.register("industries", views_reference.IndustryViewSet, basename="industry")
router.register("clusters", views_reference.ClusterViewSet, basename="cluster")
router.register("links", views_reference.IndustryLinkViewSet, basename="link")
router.register("endowments", views_reference.EndowmentViewSet, basename="endowment")
router.register("leads", views_leads.LeadViewSet, basename="lead")
router.register("scores", views_scores.LeadScoreViewSet, basename="score")
router.register("score-runs", views_scores.ScoreRunViewSet, basename="score-run")
router.register(
    "calibration-runs", views_outcomes.CalibrationRunViewSet, basename="calibration-run"
)

lead_activities = views_leads.LeadActivityViewSet.as_view({"get": "list", "post": "create"})
score_history = views_scores.ScoreHistoryViewSet.as_view({"get": "list"})
lead_decisions = views_outcomes.LeadDecisionViewSet.as_view({"get": "list"})

v1: list[URLPattern | URLResolver] = [
    path("", include(router.urls)),
    path("leads/<int:lead_id>/activities/", lead_activities, name="lead-activities"),
    path("leads/<int:lead_id>/score-history/", score_history, name="lead-score-history"),
    path("leads/<int:lead_id>/decisions/", lead_decisions, name="lead-decisions"),
    path("shortlists/", views_scores.ShortlistView.as_view(), name="shortlist"),
    path(
        "regions/<int:region_id>/prospects/",
        views_prospects.RegionProspectsView.as_view(),
        name="region-prospects",
    ),
    path("imports/", views_imports.ImportListView.as_view(), name="imports"),
    re_path(
        rf"^imports/(?P<token>{UPLOAD_TOKEN})/$",
        views_imports.ImportStatusView.as_view(),
        name="import-status",
    ),
    re_path(
        rf"^imports/(?P<token>{UPLOAD_TOKEN})/confirm/$",
        views_imports.ImportConfirmView.as_view(),
        name="import-confirm",
    ),
    path("auth/token/", views_auth.TokenView.as_view(), name="auth-token"),
    path("me/", views_auth.MeView.as_view(), name="me"),
]

urlpatterns = [
    path("v1/", include((v1, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file: the CSP allows no inline script.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^", not_found),  # unknown API paths answer in the API's error body
]
