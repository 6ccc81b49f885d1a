"""A region's prospects: the firm directory ranked for the region (nothing is stored).

Managers and admins ask for any region, officers for their own regions; the ranking, the
filters and the columns are the manager page's (shortlists.prospecting), so both agree.
"""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from regions.models import Cluster, Industry, Region
from regions.names import is_english
from screening import access
from screening.api.filters import MAX_ID
from screening.api.permissions import HasRole
from screening.api.views_reference import ApiViewMixin
from screening.selectors.prospect_text import prospect_explanation
from screening.selectors.prospects import MAX_LIMIT, Presence, ProspectList
from shortlists.prospecting import ProspectRequest, export_row, prospect_list


class ProspectQuerySerializer(serializers.Serializer):
    chain = serializers.CharField(
        max_length=32,
        required=False,
        help_text="An industry code: it, its sub-industries, direct suppliers and customers.",
    )
    cluster = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="A cluster id: its members."
    )
    gap = serializers.CharField(max_length=32, required=False, help_text="One industry code.")
    gaps_only = serializers.BooleanField(
        required=False, default=False, help_text="Only industries that are a gap here."
    )
    min_employees = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    max_employees = serializers.IntegerField(min_value=0, max_value=10**9, required=False)
    country = serializers.CharField(max_length=64, required=False)
    presence = serializers.ChoiceField(
        choices=[p.value for p in Presence],
        default=Presence.ANY.value,
        help_text="absent: no plant in the region's province; present: a plant there.",
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_LIMIT, default=50)
    offset = serializers.IntegerField(min_value=0, max_value=10**7, default=0)
    explain = serializers.BooleanField(
        required=False, default=False, help_text="Add each firm's explanation sentences."
    )

    def validate_chain(self, code: str) -> Industry:
        return _industry(code)

    def validate_gap(self, code: str) -> Industry:
        return _industry(code)

    def validate_cluster(self, pk: int) -> Cluster:
        found = Cluster.objects.filter(pk=pk).first()
        if found is None:
            raise serializers.ValidationError("Unknown cluster.")
        return found


def _industry(code: str) -> Industry:
    found = Industry.objects.filter(code=code).first()
    if found is None:
        raise serializers.ValidationError(f"Unknown industry code {code!r}.")
    return found


class ProspectSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    firm_id = serializers.CharField()
    name = serializers.CharField()
    industry_code = serializers.CharField()
    country = serializers.CharField()
    employees = serializers.IntegerField(allow_null=True, help_text="Null: unknown.")
    local_fit = serializers.FloatField()
    chain_completion = serializers.FloatField()
    cluster_strength = serializers.FloatField(
        help_text="strengthen and pull mixed by the profile's share of pull."
    )
    strengthen = serializers.FloatField(help_text="A part of cluster_strength.")
    pull = serializers.FloatField(help_text="Anchor pull: a part of cluster_strength.")
    total = serializers.FloatField(help_text="Under the profile in force for the region.")
    confidence = serializers.FloatField()
    gap_filled = serializers.CharField(help_text="The chain gap the firm would fill; empty: none.")
    plant_here = serializers.BooleanField()
    plants_in_province = serializers.ListField(child=serializers.CharField())
    courted_in = serializers.ListField(
        child=serializers.CharField(), help_text="Region codes with a lead of this firm."
    )
    explanation = serializers.ListField(child=serializers.CharField(), required=False)


class ProspectListSerializer(serializers.Serializer):
    region = serializers.CharField()
    matched = serializers.IntegerField(help_text="Firms that passed the filters.")
    results = ProspectSerializer(many=True)


class RegionProspectsView(ApiViewMixin, APIView):
    """The region's best prospects from the firm directory, best first."""

    permission_classes = (HasRole,)

    @extend_schema(
        summary="Prospects: firms ranked by how well a plant of theirs would fit the region",
        parameters=[
            OpenApiParameter("region_id", int, OpenApiParameter.PATH),
            ProspectQuerySerializer,
        ],
        responses=ProspectListSerializer,
    )
    def get(self, request: Request, region_id: int) -> Response:
        region = get_object_or_404(Region, pk=region_id)
        if not access.can_see_prospects(request.user, region.pk):
            raise exceptions.PermissionDenied(
                "You can only see the prospects of regions you work for."
            )
        query = ProspectQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        params = dict(query.validated_data)
        explain = params.pop("explain")
        found = prospect_list(ProspectRequest(region=region, **params))
        body = {
            "region": region.code,
            "matched": found.matched,
            "results": [_row(found, i, explain) for i in range(len(found.prospects))],
        }
        return Response(ProspectListSerializer(body).data)


def _row(found: ProspectList, i: int, explain: bool) -> dict[str, Any]:
    p = found.prospects[i]
    row: dict[str, Any] = export_row(found, p) | {
        "rank": p.rank,
        "country": p.firm.country,
        "employees": p.firm.employees,
        "strengthen": round(p.strengthen, 1),
        "pull": round(p.pull, 1),
        "confidence": round(p.confidence, 2),
        "plant_here": p.plant_here,
        "plants_in_province": [r.code for r in p.plants_in_province],
        "courted_in": sorted({lead.region.code for lead in [*p.leads_here, *p.leads_elsewhere]}),
    }
    if explain:
        data = prospect_explanation(found.loaded, found.scope, p.firm, p.gap, found.profile)
        row["explanation"] = data["sentences"]["en" if is_english() else "zh"]
    return row
