"""Score endpoints: stored scores with explanations, score history, ranked shortlists with
weight overrides, and score runs (progress of recomputations)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from projects.models import Status
from screening import access
from screening.api import filters, rankings
from screening.api import serializers_leads as s
from screening.api import serializers_rankings as r
from screening.api.pagination import PagePagination, ScoreCursorPagination
from screening.api.permissions import HasRole, ManagesShortlists
from screening.api.views_leads import LEAD_ID, LeadChildMixin, lead_context
from screening.api.views_reference import ApiViewMixin
from screening.models import LeadScore, ScoreHistory, ScoreRun


class LeadScoreViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Stored scores of the leads this user may see; one score per lead, keyed by lead id."""

    permission_classes = (HasRole,)
    pagination_class = ScoreCursorPagination
    filterset_class = filters.LeadScoreFilter
    ordering_fields = ("total", "confidence", "computed_at")
    ordering = ("-total", "lead_id")
    lookup_field = "lead"
    lookup_url_kwarg = "lead_id"

    def get_queryset(self) -> QuerySet[LeadScore]:
        visible = access.visible_leads(self.request.user)
        return LeadScore.objects.filter(lead__in=visible).select_related(
            "lead", "lead__region", "profile"
        )

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.LeadScoreListSerializer if self.action == "list" else s.LeadScoreSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **lead_context(self.request)}

    @extend_schema(summary="A lead's score with its explanation", parameters=[LEAD_ID])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


@extend_schema(parameters=[LEAD_ID])
class ScoreHistoryViewSet(LeadChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):  # type: ignore[type-arg]
    """Earlier scores of one lead, newest first."""

    serializer_class = s.ScoreHistorySerializer
    permission_classes = (HasRole,)
    pagination_class = PagePagination
    filter_backends: tuple[type, ...] = ()

    def get_queryset(self) -> QuerySet[ScoreHistory]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request data
            return ScoreHistory.objects.none()
        return self.get_lead().score_history.order_by("-computed_at", "-id")


class ShortlistView(ApiViewMixin, APIView):
    """The k best scored leads under the profile in force, or under weights given here."""

    permission_classes = (ManagesShortlists,)

    @extend_schema(
        summary="Ranked shortlist with optional weight overrides",
        parameters=[r.ShortlistQuerySerializer],
        responses=r.ShortlistSerializer,
    )
    def get(self, request: Request) -> Response:
        query = r.ShortlistQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        override = query.override()
        weights = override or rankings.weights_in_force(params.get("region"))
        scores = shortlist_scores(request, params)
        entries, considered = rankings.shortlist(scores, weights, params["k"])
        body = {
            "weights": weights,
            "overridden": override is not None,
            "considered": considered,
            "results": entries,
        }
        return Response(r.ShortlistSerializer(body).data)


def shortlist_scores(request: Request, params: dict[str, Any]) -> QuerySet[LeadScore]:
    """Stored scores of visible leads matching the shortlist's filters."""
    statuses = params.get("status") or {Status.ACTIVE}
    scores = LeadScore.objects.filter(
        lead__in=access.visible_leads(request.user), lead__status__in=statuses
    )
    if params.get("region"):
        scores = scores.filter(lead__region_id=params["region"])
    if params.get("stage"):
        scores = scores.filter(lead__stage__in=params["stage"])
    if params.get("min_confidence") is not None:
        scores = scores.filter(confidence__gte=params["min_confidence"])
    return scores


class ScoreRunViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):  # type: ignore[type-arg]
    """Recomputations of scores with their progress (done + failed of total)."""

    queryset = ScoreRun.objects.all()
    serializer_class = s.ScoreRunSerializer
    permission_classes = (HasRole,)
    pagination_class = PagePagination
    filterset_class = filters.ScoreRunFilter
    ordering_fields = ("created_at", "id")
    ordering = ("-created_at", "-id")
