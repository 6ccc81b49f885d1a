"""The audit trail in the API: /leads/{id}/changes/ and /clusters/{id}/changes/.

Both list the object's changes newest first (screening.selectors.changes), one per field, paged
by page number. The object is looked up by the view's own queryset, so a lead outside an
officer's regions is a 404 here exactly as for the lead itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from drf_spectacular.utils import OpenApiTypes, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from screening.api.pagination import PagePagination
from screening.selectors.changes import Change


@extend_schema_field(OpenApiTypes.ANY)
class AnyValue(serializers.Field):
    """A stored value as JSON: text, number, boolean, list, or null."""

    def to_representation(self, value: Any) -> Any:
        return value


class ChangeSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="history_id", help_text="Id of the historical record.")
    at = serializers.DateTimeField(help_text="When the change was made.")
    user = serializers.CharField(allow_null=True, help_text="Username; null: the system.")
    via = serializers.CharField(help_text="ui, api, admin, import or system.")
    batch = serializers.CharField(help_text="Import batch id; empty unless via is import.")
    subject = serializers.CharField(
        help_text="What changed: lead, activity, cluster, member, anchor or target_link."
    )
    subject_id = serializers.IntegerField()
    subject_label = serializers.CharField()
    action = serializers.CharField(help_text="created, changed, deleted or recorded.")
    field = serializers.CharField(help_text="Field name; empty for created/deleted/recorded.")
    field_label = serializers.CharField()
    old = AnyValue(help_text="Value before (ids for references, codes for choices).")
    new = AnyValue(help_text="Value after.")
    old_label = serializers.CharField(help_text="The old value as a person reads it.")
    new_label = serializers.CharField(help_text="The new value as a person reads it.")


def changes_response(view: GenericAPIView, changes: Sequence[Change]) -> Response:
    """One page of changes (newest first) in the paged list body."""
    paginator = PagePagination()
    page = paginator.paginate_queryset(list(changes), view.request, view=view)
    return paginator.get_paginated_response(ChangeSerializer(page, many=True).data)


CHANGES_SCHEMA = extend_schema(
    summary="What changed, field by field, newest first (who, when, via, old, new)",
    request=None,
    responses=ChangeSerializer(many=True),
    filters=False,
)
