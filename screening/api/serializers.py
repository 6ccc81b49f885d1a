"""Serializers of reference data (regions, industries, clusters, links, endowments) and the
shared error body. Lead, score and ranking serializers are in serializers_leads.py.

Reference serializers run the model's own checks (clean(), check and unique constraints)
while validating, so a row the database would reject comes back as a 400 naming the field.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from regions.models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    Endowment,
    Industry,
    IndustryLink,
    Region,
)
from regions.validators import first_repeat
from screening.api.errors import NON_FIELD


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Machine-readable: invalid, not_found, …")
    message = serializers.CharField(help_text="One human-readable sentence.")
    # Declared fields are taken out of the class by DRF, so this does not hide `.fields`.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Messages per input field (dotted for nested input); empty when none.",
    )


class ErrorSerializer(serializers.Serializer):
    error = ErrorDetailSerializer()


class ModelRulesSerializer(serializers.ModelSerializer):
    """Validates input against the model's clean() and constraints before anything is saved."""

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        candidate = self._candidate(attrs)
        try:
            candidate.full_clean()
        except DjangoValidationError as exc:
            raise serializers.ValidationError(_error_dict(exc)) from exc
        return attrs

    def _candidate(self, attrs: dict[str, Any]) -> Model:
        model: type[Model] = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        concrete = {f.name for f in model._meta.concrete_fields}
        for name, value in attrs.items():
            if name in concrete:
                setattr(candidate, name, value)
        return candidate


def _error_dict(exc: DjangoValidationError) -> dict[str, list[str]]:
    return {
        (NON_FIELD if name == "__all__" else name): list(messages)
        for name, messages in exc.message_dict.items()
    }


class RegionSerializer(ModelRulesSerializer):
    class Meta:
        model = Region
        fields = ("id", "code", "name", "name_en", "level", "parent")


class IndustrySerializer(ModelRulesSerializer):
    class Meta:
        model = Industry
        fields = ("id", "code", "name", "name_en", "parent")


class IndustryLinkSerializer(ModelRulesSerializer):
    weight = serializers.FloatField(min_value=0)

    class Meta:
        model = IndustryLink
        fields = ("id", "supplier", "customer", "weight", "source")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        supplier = attrs.get("supplier", getattr(self.instance, "supplier", None))
        customer = attrs.get("customer", getattr(self.instance, "customer", None))
        if supplier is not None and supplier == customer:
            raise serializers.ValidationError(
                {"customer": [_("An industry cannot supply itself.")]}
            )
        return super().validate(attrs)


class EndowmentSerializer(ModelRulesSerializer):
    value = serializers.FloatField(min_value=0, allow_null=True, required=False)

    class Meta:
        model = Endowment
        fields = ("id", "region", "factor", "value", "source")


class ClusterMemberSerializer(serializers.ModelSerializer):
    industry_code = serializers.CharField(source="industry.code", read_only=True)

    class Meta:
        model = ClusterIndustry
        fields = ("industry", "industry_code", "role")


class AnchorFirmSerializer(serializers.ModelSerializer):
    class Meta:
        model = AnchorFirm
        fields = ("id", "name", "name_en", "source")


@extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
class TargetLinksField(serializers.Field):
    """Industry ids of the chain links the agency targets (read from ClusterTargetLink rows)."""

    def to_representation(self, value: Any) -> list[int]:
        return sorted(link.industry_id for link in value.all())

    def to_internal_value(self, data: Any) -> list[int]:
        if not isinstance(data, list) or not all(
            isinstance(x, int) and not isinstance(x, bool) for x in data
        ):
            raise serializers.ValidationError(_("Expected a list of industry ids."))
        return data


class ClusterSerializer(ModelRulesSerializer):
    """A cluster with its member industries, anchor firms and target chain links.

    On write, `members`, `anchors` and `target_links` are optional; when given, each replaces
    the cluster's whole list (leave it out to keep the list as it is). `target_links` lists
    the industries (suppliers or customers of the members) the agency treats as links to fill.
    """

    members = ClusterMemberSerializer(many=True, required=False)
    anchors = AnchorFirmSerializer(many=True, required=False)
    target_links = TargetLinksField(required=False)

    class Meta:
        model = Cluster
        fields = (
            "id",
            "region",
            "code",
            "name",
            "name_en",
            "priority",
            "description",
            "target_capex",
            "target_projects",
            "source",
            "members",
            "anchors",
            "target_links",
        )
        extra_kwargs: ClassVar[dict[str, dict[str, object]]] = {"target_capex": {"min_value": 0}}

    def validate_members(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _reject_repeats([m["industry"].pk for m in value], _("An industry is listed twice."))
        return value

    def validate_anchors(self, value: list[dict[str, Any]]) -> list[dict[str, Any]]:
        _reject_repeats([a["name"] for a in value], _("An anchor firm is listed twice."))
        return value


def _reject_repeats(keys: list[object], message: str) -> None:
    if first_repeat(keys) is not None:  # the write service's rule (regions.validators)
        raise serializers.ValidationError(message)
