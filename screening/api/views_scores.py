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
from screening.access import descendants_and_self
from screening.api import filters, rankings
from screening.api import serializers_leads as s
from screening.api import serializers_rankings as r
from screening.api.pagination import PagePagination, ScoreCursorPagination
from screening.api.permissions import HasRole, ManagesShortlists
from screening.api.views_leads import LEAD_ID, LeadChildMixin, lead_context
from screening.api.views_reference import ApiViewMixin
from screening.models import LeadScore, ScoreHistory, ScoreRun
from screening.scoring import SubScoreWeights
from shortlists.ranking import LeadFilters, RankRequest
from shortlists.scopes import industry_descendants


class LeadScoreViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
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
        scores = LeadScore.objects.filter(lead__in=visible).select_related(
            "lead", "lead__region", "profile"
        )
        return scores.defer("explanation") if self.action == "list" else scores

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        return s.LeadScoreListSerializer if self.action == "list" else s.LeadScoreSerializer

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **lead_context(self.request)}

    @extend_schema(summary="A lead's score with its explanation", parameters=[LEAD_ID])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().retrieve(request, *args, **kwargs)


@extend_schema(parameters=[LEAD_ID])
class ScoreHistoryViewSet(LeadChildMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
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
        in_force = rankings.weights_in_force(params.get("region"))
        override = query.override(in_force)
        weights = override or in_force
        entries, considered = rankings.shortlist(rank_request(request, params, weights))
        body = {
            "weights": weights,
            "overridden": override is not None,
            "considered": considered,
            "results": entries,
        }
        return Response(r.ShortlistSerializer(body).data)


def rank_request(request: Request, params: dict[str, Any], w: SubScoreWeights) -> RankRequest:
    """The shortlist's scope as the shortlist page builds it: a region with the regions below
    it, an industry with its sub-industries; never beyond the leads this user may see."""
    region_ids = descendants_and_self([params["region"]]) if params.get("region") else None
    if not access.sees_all_regions(request.user):
        visible = set(access.officer_region_ids(request.user))
        region_ids = sorted(visible & set(region_ids) if region_ids is not None else visible)
    industry = params.get("industry")
    filters = LeadFilters(
        stages=tuple(params.get("stage") or ()),
        statuses=tuple(params.get("status") or (Status.ACTIVE,)),
        min_confidence=params.get("min_confidence"),
    )
    return RankRequest(
        weights=(w.local_fit, w.chain_completion, w.cluster_strength),
        limit=params["k"],
        region_ids=tuple(region_ids) if region_ids is not None else None,
        industry_ids=tuple(industry_descendants([industry])) if industry else None,
        filters=filters,
        pull_share=w.pull_share,
    )


class ScoreRunViewSet(ApiViewMixin, viewsets.ReadOnlyModelViewSet):
    """Recomputations of scores with their progress (done + failed of total).

    Managers and admins only, as the browser's run page. A run is province-wide (one run
    rescores leads of many regions, and its reason counts them), so it belongs to no region an
    officer or a regional admin could be scoped to: for them the list is empty and a run is
    404, as a lead of another region is.
    """

    serializer_class = s.ScoreRunSerializer
    permission_classes = (HasRole,)
    pagination_class = PagePagination
    filterset_class = filters.ScoreRunFilter
    ordering_fields = ("created_at", "id")
    ordering = ("-created_at", "-id")

    def get_queryset(self) -> QuerySet[ScoreRun]:
        if access.sees_all_regions(self.request.user):
            return ScoreRun.objects.all()
        return ScoreRun.objects.none()
