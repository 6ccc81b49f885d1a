"""Reference data endpoints: regions, industries, clusters, industry links, endowments.

Every role reads them (they are not secret); only admins write, and each write marks the
scores it affects stale in the same transaction (screening/api/writes.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Model, QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.parsers import BaseParser
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from regions.models import Cluster, Endowment, Industry, IndustryLink, Region
from screening import access
from screening.api import filters, serializers
from screening.api.changes import CHANGES_SCHEMA, changes_response
from screening.api.pagination import PagePagination
from screening.api.parsers import LimitedJSONParser
from screening.api.permissions import ReferenceData, check_may_edit_region
from screening.api.schema import ApiSchema
from screening.api.tokens import ExpiringTokenAuthentication
from screening.api.writes import cluster_save, reference_delete, reference_save
from screening.selectors.changes import cluster_changes


class ApiViewMixin(APIView):
    """JSON in and out, the shared error body in the schema, integer ids in paths.

    Token authentication is listed first so an anonymous request gets 401 with a
    WWW-Authenticate header (DRF takes that header from the first authenticator).
    """

    authentication_classes: Sequence[type[BaseAuthentication]] = (
        ExpiringTokenAuthentication,
        SessionAuthentication,
    )
    schema = ApiSchema()
    parser_classes: Sequence[type[BaseParser]] = (LimitedJSONParser,)
    renderer_classes: Sequence[type[BaseRenderer]] = (JSONRenderer,)
    lookup_value_regex = r"[0-9]+"


class ReferenceViewSet(ApiViewMixin, viewsets.ModelViewSet):
    """Reference data: every role reads, admins write."""

    permission_classes = (ReferenceData,)
    pagination_class = PagePagination
    http_method_names = ("get", "post", "put", "patch", "delete", "head", "options")

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        reference_save(serializer)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        reference_save(serializer)

    def perform_destroy(self, instance: Model) -> None:
        reference_delete(instance)


class RegionScopedWrites(ReferenceViewSet):
    """Rows that belong to one region (clusters, endowments): a regional admin writes only
    their own regions' rows. Another region's row is not found for a write (404, as for
    leads), and a row may not be created in or moved to a region outside the user's."""

    region_scoped = True

    def scoped(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.request.method in ("GET", "HEAD", "OPTIONS"):
            return queryset
        scope = access.admin_region_ids(self.request.user)
        return queryset if scope is None else queryset.filter(region_id__in=scope)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        check_may_edit_region(self.request.user, serializer.validated_data.get("region"))
        super().perform_create(serializer)

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        check_may_edit_region(self.request.user, serializer.validated_data.get("region"))
        super().perform_update(serializer)


@extend_schema_view(list=extend_schema(summary="Regions (province, city, county, zone)"))
class RegionViewSet(ReferenceViewSet):
    """Provinces, cities, counties and zones; `parent` forms the tree."""

    queryset = Region.objects.all()
    serializer_class = serializers.RegionSerializer
    filterset_class = filters.RegionFilter
    ordering_fields = ("id", "code", "name", "level")
    ordering = ("code",)


@extend_schema_view(list=extend_schema(summary="Industries of the taxonomy"))
class IndustryViewSet(ReferenceViewSet):
    """Industries of the agency's taxonomy; `parent` forms the levels."""

    queryset = Industry.objects.all()
    serializer_class = serializers.IndustrySerializer
    filterset_class = filters.IndustryFilter
    ordering_fields = ("id", "code", "name")
    ordering = ("code",)


@extend_schema_view(list=extend_schema(summary="Clusters with member industries and anchors"))
class ClusterViewSet(RegionScopedWrites):
    """Industry clusters of regions, with member industries, anchor firms and target links."""

    serializer_class = serializers.ClusterSerializer
    filterset_class = filters.ClusterFilter
    ordering_fields = ("id", "code", "name", "priority")
    ordering = ("region__code", "code")

    def get_queryset(self) -> QuerySet[Cluster]:
        return self.scoped(
            Cluster.objects.prefetch_related("members__industry", "anchors", "target_links")
        )

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        check_may_edit_region(self.request.user, serializer.validated_data.get("region"))
        cluster_save(serializer)

    @CHANGES_SCHEMA
    @action(detail=True, methods=["get"], filter_backends=[])
    def changes(self, request: Request, pk: str) -> Response:
        """The cluster's audit trail with its members', anchors' and target links' (readable
        by whoever may read the cluster)."""
        return changes_response(self, cluster_changes(self.get_object().pk))

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        check_may_edit_region(self.request.user, serializer.validated_data.get("region"))
        cluster_save(serializer)


@extend_schema_view(list=extend_schema(summary="Supplier → customer links between industries"))
class IndustryLinkViewSet(ReferenceViewSet):
    """Supplier → customer links between industries (chain maps, IO tables)."""

    queryset = IndustryLink.objects.all()
    serializer_class = serializers.IndustryLinkSerializer
    filterset_class = filters.IndustryLinkFilter
    ordering_fields = ("id", "weight")
    ordering = ("id",)


@extend_schema_view(list=extend_schema(summary="Factor endowments of regions"))
class EndowmentViewSet(RegionScopedWrites):
    """Factor endowments of regions (port, industrial land, power price, …)."""

    serializer_class = serializers.EndowmentSerializer
    filterset_class = filters.EndowmentFilter
    ordering_fields = ("id", "factor", "value")
    ordering = ("region__code", "factor")

    def get_queryset(self) -> QuerySet[Endowment]:
        return self.scoped(Endowment.objects.all())
