"""Lead endpoints: CRUD through the lead services, explicit workflow actions, activities and
"best regions for this lead".

Every queryset starts from access.visible_leads(user): a lead outside an officer's regions
is a 404 for reads and writes alike. Writes call projects.services, which validate, record
history and mark the lead's score stale, exactly as the browser's forms do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from projects import services
from projects.models import Lead, LeadActivity
from screening import access
from screening.api import filters, lead_rows, rankings
from screening.api import serializers_leads as s
from screening.api import serializers_rankings as r
from screening.api.changes import CHANGES_SCHEMA, changes_response
from screening.api.pagination import LeadCursorPagination, PagePagination
from screening.api.permissions import LeadAccess, check_may_place_lead
from screening.api.views_reference import ApiViewMixin
from screening.selectors.changes import lead_changes

REGION_UNUSED = (
    "region__code",
    "region__name",
    "region__name_en",
    "region__level",
    "region__parent",
)
LEAD_ID = OpenApiParameter("lead_id", int, OpenApiParameter.PATH, description="Lead id.")


def lead_context(request: Request) -> dict[str, Any]:
    """Serializer context for lead and score output (staleness computed on first use)."""
    return {"request": request, "staleness": s.lazy_staleness(), "lang": request_lang(request)}


def acting_user(request: Request) -> AbstractBaseUser:
    """The signed-in user a write service records (every write endpoint requires sign-in)."""
    return cast(AbstractBaseUser, request.user)


def request_lang(request: Request) -> str:
    return "en" if (getattr(request, "LANGUAGE_CODE", "") or "").startswith("en") else "zh"


@extend_schema(request=s.LeadWriteSerializer, responses=s.LeadSerializer)
class LeadViewSet(
    ApiViewMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Leads this user may see (officers: their regions; managers and admins: all)."""

    serializer_class = s.LeadSerializer
    permission_classes = (LeadAccess,)
    pagination_class = LeadCursorPagination
    filterset_class = filters.LeadFilter
    filter_backends = (filters.QuickFilterBackend, OrderingFilter)
    ordering_fields = ("id",)
    ordering = "-id"

    def get_queryset(self) -> QuerySet[Lead]:
        return (
            access.visible_leads(self.request.user)
            .select_related("score", "region")
            # The explanation is kilobytes per lead and only the score endpoint shows it; of
            # the region only its score version is needed (for `stale`).
            .defer("score__explanation", *REGION_UNUSED)
        )

    @extend_schema(summary="Leads, newest first, paged by cursor")
    def list(self, request: Request) -> Response:
        """Scoping, filters and the cursor select the page's ids; its rows are then read and
        rendered without model instances, exactly as LeadSerializer writes them (lead_rows)."""
        ids = self.paginate_queryset(self.filter_queryset(self.get_queryset()).values("id"))
        return self.get_paginated_response(lead_rows.lead_page([row["id"] for row in ids or ()]))

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), **lead_context(self.request)}

    def _output(self, lead: Lead, code: int = status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=lead.pk)
        return Response(self.get_serializer(fresh).data, status=code)

    def _write_input(self, partial: bool = False) -> dict[str, Any]:
        serializer = s.LeadWriteSerializer(
            instance=getattr(self, "_lead", None), data=self.request.data, partial=partial
        )
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        check_may_place_lead(self.request.user, fields.get("region"))
        return fields

    @extend_schema(summary="Create a lead (officers: in their regions)")
    def create(self, request: Request) -> Response:
        fields = self._write_input()
        inputs = fields.pop("input_industries", ())
        with external_id_clash_refused():
            lead = services.lead_create(user=acting_user(request), inputs=inputs, **fields)
        return self._output(lead, status.HTTP_201_CREATED)

    @extend_schema(summary="Replace a lead's fields (stage, status, owner have own actions)")
    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        self._lead = self.get_object()
        fields = self._write_input(partial=partial)
        inputs = fields.pop("input_industries", None)
        with external_id_clash_refused():
            services.lead_update(
                lead=self._lead, user=acting_user(request), inputs=inputs, **fields
            )
        return self._output(self._lead)

    @extend_schema(summary="Change some of a lead's fields")
    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)

    @extend_schema(
        summary="Archive a lead (admins; others set status lost/withdrawn)",
        description="The lead leaves lists, rankings and shortlists and answers 404 from then "
        "on; its stage history, activities and audit trail are kept. Only a superuser can "
        "purge a lead, in the admin.",
        responses={204: None},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        services.lead_archive(lead=self.get_object(), user=acting_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(summary="Move a lead to another pipeline stage", request=s.StageMoveSerializer)
    @action(detail=True, methods=["post"])
    def stage(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        data = _valid(s.StageMoveSerializer, request)
        services.lead_move_stage(lead=lead, user=acting_user(request), to_stage=data["stage"])
        return self._output(lead)

    @extend_schema(summary="Set a lead's status (with a reason)", request=s.StatusChangeSerializer)
    @action(detail=True, methods=["post"], url_path="status")
    def set_status(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        data = _valid(s.StatusChangeSerializer, request)
        services.lead_set_status(
            lead=lead,
            user=acting_user(request),
            status=data["status"],
            reason=data["status_reason"],
            lost_to=data["lost_to"],
        )
        return self._output(lead)

    @extend_schema(summary="Assign a lead's owner", request=s.OwnerSerializer)
    @action(detail=True, methods=["post"])
    def owner(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        owner = _valid(s.OwnerSerializer, request)["owner"]
        if owner is not None and not access.can_edit_lead(owner, lead):
            raise exceptions.ValidationError(
                {"owner": [_("This user cannot work on leads of this region.")]}
            )
        services.lead_assign_owner(lead=lead, user=acting_user(request), owner=owner)
        return self._output(lead)

    @CHANGES_SCHEMA
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=PagePagination)
    def changes(self, request: Request, pk: str) -> Response:
        """The lead's audit trail and its activities' (404 where the lead itself is)."""
        return changes_response(self, lead_changes(self.get_object().pk))

    @extend_schema(
        summary="Best regions for this lead's project",
        parameters=[r.BestRegionsQuerySerializer],
        request=None,
        responses=r.BestRegionsSerializer,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="best-regions",
        filter_backends=[],
        pagination_class=None,
    )
    def best_regions(self, request: Request, pk: str) -> Response:
        lead = self.get_object()
        query = r.BestRegionsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        in_force = rankings.weights_in_force(None)
        weights = query.override(in_force) or in_force
        fits = rankings.best_regions(
            lead,
            weights,
            level=query.validated_data.get("level"),
            limit=query.validated_data["limit"],
        )
        body = {"lead": lead.pk, "weights": weights, "results": fits}
        return Response(r.BestRegionsSerializer(body).data)


@contextmanager
def external_id_clash_refused() -> Iterator[None]:
    """Answer an external id taken meanwhile as the serializer answers one taken before.

    Two requests may both pass the serializer's uniqueness check with the same id; the
    model's own check, or else the database's constraint, then refuses the later one. Both
    are reworded to the serializer's message, which names neither the lead nor its region.
    """
    try:
        yield
    except DjangoValidationError as exc:
        errors = getattr(exc, "error_dict", {})
        if not any(e.code == "unique" for e in errors.get("external_id", ())):
            raise
        raise exceptions.ValidationError({"external_id": [s.EXTERNAL_ID_TAKEN]}) from exc
    except IntegrityError as exc:
        if "external_id" not in str(exc):
            raise
        raise exceptions.ValidationError({"external_id": [s.EXTERNAL_ID_TAKEN]}) from exc


def _valid(serializer_class: type[Any], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class LeadChildMixin(ApiViewMixin):
    """Endpoints under /leads/{lead_id}/: the lead must be visible, else 404."""

    request: Request
    kwargs: dict[str, Any]

    def get_lead(self) -> Lead:
        lead = getattr(self, "_lead", None)
        if lead is None:
            lead = get_object_or_404(
                access.visible_leads(self.request.user), pk=self.kwargs["lead_id"]
            )
            self._lead = lead
        return lead


@extend_schema(parameters=[LEAD_ID])
class LeadActivityViewSet(
    LeadChildMixin, mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    """Visits, meetings, calls and notes of one lead, newest first."""

    serializer_class = s.LeadActivitySerializer
    permission_classes = (LeadAccess,)
    pagination_class = PagePagination
    filterset_class = filters.LeadActivityFilter
    ordering_fields = ("happened_on", "created_at", "id")
    ordering = ("-happened_on", "-created_at", "-id")

    def get_queryset(self) -> QuerySet[LeadActivity]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request data
            return LeadActivity.objects.none()
        return self.get_lead().activities.select_related("author")

    @extend_schema(summary="Record an activity (officers of the region, admins)")
    def create(self, request: Request, lead_id: str) -> Response:
        lead = self.get_lead()
        self.check_object_permissions(request, lead)
        data = _valid(s.LeadActivitySerializer, request)
        activity = services.lead_add_activity(
            lead=lead,
            user=acting_user(request),
            kind=data["kind"],
            text=data["text"],
            happened_on=data.get("happened_on"),
        )
        return Response(self.get_serializer(activity).data, status=status.HTTP_201_CREATED)
