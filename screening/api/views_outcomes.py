"""Outcome endpoints: a lead's decision scores, and calibration runs (read-only)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import mixins, viewsets

from screening.api import serializers_outcomes as o
from screening.api.pagination import PagePagination
from screening.api.permissions import HasRole, ManagesShortlists
from screening.api.views_leads import LeadChildMixin
from screening.api.views_reference import ApiViewMixin
from screening.models import CalibrationRun, LeadDecision


class LeadDecisionViewSet(LeadChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """A lead's decision scores, newest first: the one in force, then those closed when the
    lead was reopened or moved back. Recomputation never changes them."""

    serializer_class = o.LeadDecisionSerializer
    permission_classes = (HasRole,)
    pagination_class = PagePagination
    filter_backends: tuple[type, ...] = ()

    def get_queryset(self) -> QuerySet[LeadDecision]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request data
            return LeadDecision.objects.none()
        return self.get_lead().decisions.order_by("-decided_at", "-id")


class CalibrationRunViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Backtests of decision scores (docs/outcomes.md), newest first; read-only (runs are made
    by `manage.py calibrate` or the calibration page). Managers and admins."""

    serializer_class = o.CalibrationRunSerializer
    permission_classes = (ManagesShortlists,)
    pagination_class = PagePagination
    filter_backends: tuple[type, ...] = ()
    queryset = CalibrationRun.objects.prefetch_related("adopted_profiles").order_by(
        "-created_at", "-id"
    )
