"""django-filter filter sets for the list endpoints.

Ids are filtered as plain integers (no lookup of the referenced row): an unknown id simply
matches nothing, and a list request costs no extra query per filter.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from projects.models import ActivityKind, InvestorType, Lead, LeadActivity, Stage, Status
from regions.models import Cluster, Endowment, Industry, IndustryLink, Region, RegionLevel
from screening.models import LeadScore, ScoreRun

# PostgreSQL bigint range: larger ids cannot exist, and must not reach the database.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    field_class = IdField


# An id as IdField accepts it and writes it back unchanged (other spellings the form also
# accepts, such as " 7" or "7.0", and every invalid value go through the form).
PLAIN_ID = re.compile(r"[1-9][0-9]{0,18}")


class QuickFilterBackend(filters.DjangoFilterBackend):
    """DjangoFilterBackend that skips building the filter form when it can: when no filter
    is asked for, and when only plain id filters are, each with one plain id (building and
    validating the form costs about as much as reading a page of leads)."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        names = set(filterset_class.base_filters) if filterset_class else set()
        asked = names & set(request.query_params)
        if not asked:
            return queryset
        assert filterset_class is not None
        lookups = {}
        for name in asked:
            lookup = plain_id_lookup(filterset_class.base_filters[name], request.query_params, name)
            if lookup is None:
                return super().filter_queryset(request, queryset, view)
            lookups.update(lookup)
        return queryset.filter(**lookups)


def plain_id_lookup(declared: filters.Filter, params: Any, name: str) -> dict[str, int] | None:
    """The lookup an exact IdFilter applies for a single plain id, else None (use the form)."""
    values = params.getlist(name)
    plain = (
        type(declared) is IdFilter
        and declared.method is None
        and declared.lookup_expr == "exact"
        and not declared.distinct
        and not declared.exclude
        and len(values) == 1
        and PLAIN_ID.fullmatch(values[0]) is not None
    )
    if not plain or int(values[0]) > MAX_ID:
        return None
    return {f"{declared.field_name}__exact": int(values[0])}


class CodedTreeFilter(filters.FilterSet):
    """Filters shared by the coded hierarchies (regions, industries)."""

    parent = IdFilter(field_name="parent_id")
    is_root = filters.BooleanFilter(field_name="parent", lookup_expr="isnull")
    code = filters.CharFilter()
    name = filters.CharFilter(lookup_expr="icontains")


class RegionFilter(CodedTreeFilter):
    level = filters.ChoiceFilter(choices=RegionLevel.choices)

    class Meta:
        model = Region
        fields: tuple[str, ...] = ()


class IndustryFilter(CodedTreeFilter):
    class Meta:
        model = Industry
        fields: tuple[str, ...] = ()


class ClusterFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")
    industry = IdFilter(field_name="members__industry_id", distinct=True)
    priority = filters.BooleanFilter()
    code = filters.CharFilter()

    class Meta:
        model = Cluster
        fields: tuple[str, ...] = ()


class IndustryLinkFilter(filters.FilterSet):
    supplier = IdFilter(field_name="supplier_id")
    customer = IdFilter(field_name="customer_id")
    industry = IdFilter(method="filter_either_side", label="supplier or customer")

    class Meta:
        model = IndustryLink
        fields: tuple[str, ...] = ()

    def filter_either_side(
        self, queryset: QuerySet[IndustryLink], name: str, value: int
    ) -> QuerySet[IndustryLink]:
        return queryset.filter(Q(supplier_id=value) | Q(customer_id=value))


class EndowmentFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")
    factor = filters.CharFilter()

    class Meta:
        model = Endowment
        fields: tuple[str, ...] = ()


class LeadFilter(filters.FilterSet):
    region = IdFilter(field_name="region_id")
    industry = IdFilter(field_name="industry_id")
    owner = IdFilter(field_name="owner_id")
    stage = filters.MultipleChoiceFilter(choices=Stage.choices)
    status = filters.MultipleChoiceFilter(choices=Status.choices)
    investor_type = filters.ChoiceFilter(choices=InvestorType.choices)
    external_id = filters.CharFilter()
    company = filters.CharFilter(lookup_expr="icontains")
    received_after = filters.DateFilter(field_name="received_on", lookup_expr="gte")
    received_before = filters.DateFilter(field_name="received_on", lookup_expr="lte")
    min_score = filters.NumberFilter(field_name="score__total", lookup_expr="gte")

    class Meta:
        model = Lead
        fields: tuple[str, ...] = ()


class LeadActivityFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=ActivityKind.choices)
    happened_after = filters.DateFilter(field_name="happened_on", lookup_expr="gte")
    happened_before = filters.DateFilter(field_name="happened_on", lookup_expr="lte")

    class Meta:
        model = LeadActivity
        fields: tuple[str, ...] = ()


class LeadScoreFilter(filters.FilterSet):
    region = IdFilter(field_name="lead__region_id")
    industry = IdFilter(field_name="lead__industry_id")
    stage = filters.MultipleChoiceFilter(field_name="lead__stage", choices=Stage.choices)
    status = filters.MultipleChoiceFilter(field_name="lead__status", choices=Status.choices)
    min_total = filters.NumberFilter(field_name="total", lookup_expr="gte")
    min_confidence = filters.NumberFilter(field_name="confidence", lookup_expr="gte")

    class Meta:
        model = LeadScore
        fields: tuple[str, ...] = ()


class ScoreRunFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=ScoreRun.State.choices)

    class Meta:
        model = ScoreRun
        fields: tuple[str, ...] = ()
