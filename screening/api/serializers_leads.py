"""Serializers of leads, lead activities, scores, score runs and the signed-in user.

Output and input are separate serializers where they differ: a lead is read with its score
summary, and written with ids only; stage, status and owner change through action endpoints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from projects.models import ActivityKind, InvestorType, Lead, LeadActivity, Stage, Status
from regions.validators import LONG_TEXT_MAX
from screening.models import LeadScore, ScoreHistory, ScoreRun, ScoringProfile
from screening.scoring import read_sentences
from screening.selectors.profiles import ProfilesInForce, profiles_in_force
from screening.selectors.staleness import is_stale, measures_version


@dataclass(frozen=True)
class Staleness:
    """Whether a loaded lead's stored score is stale; built once per request."""

    measures: int
    profiles: ProfilesInForce

    def __call__(self, lead: Lead) -> bool:
        profile = self.profiles.for_region(lead.region_id)
        return is_stale(lead, measures=self.measures, profile_id=profile.pk)


def lazy_staleness() -> Callable[[Lead], bool]:
    """A staleness check that reads the versions in force on first use (two small queries)."""
    built: list[Staleness] = []

    def check(lead: Lead) -> bool:
        if not built:
            built.append(Staleness(measures=measures_version(), profiles=profiles_in_force()))
        return built[0](lead)

    return check


def _staleness(context: Mapping[str, Any]) -> Callable[[Lead], bool]:
    check: Callable[[Lead], bool] = context["staleness"]
    return check


_PART_HELP = "A part of cluster_strength; null for a score computed before anchor pull existed."


class ScoreSummarySerializer(serializers.Serializer):
    total = serializers.FloatField()
    local_fit = serializers.FloatField()
    chain_completion = serializers.FloatField()
    cluster_strength = serializers.FloatField()
    strengthen = serializers.FloatField(allow_null=True, help_text=_PART_HELP)
    pull = serializers.FloatField(allow_null=True, help_text="Anchor pull. " + _PART_HELP)
    confidence = serializers.FloatField()
    computed_at = serializers.DateTimeField()
    stale = serializers.SerializerMethodField(
        help_text="Inputs changed since; a recompute is queued."
    )

    def get_stale(self, score: LeadScore) -> bool:
        return bool(self.context["stale"])


# What a client sets on create and update; the read serializer shows these and the rest.
LEAD_WRITABLE_FIELDS = (
    "external_id",
    "company",
    "investor_origin",
    "investor_type",
    "industry",
    "input_industries",
    "products",
    "region",
    "capex",
    "currency",
    "jobs",
    "land_ha",
    "power_mw",
    "needs",
    "source",
    "received_on",
)


class LeadSerializer(serializers.ModelSerializer):
    needs = serializers.ListField(child=serializers.CharField(), read_only=True)
    investor_type = serializers.ChoiceField(
        choices=InvestorType.choices, allow_blank=True, read_only=True
    )
    score = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = (
            "id",
            *LEAD_WRITABLE_FIELDS,
            "stage",
            "status",
            "status_reason",
            "lost_to",
            "owner",
            "created_at",
            "updated_at",
            "score",
        )
        read_only_fields = fields

    def to_representation(self, instance: Lead) -> dict[str, Any]:
        """DRF's generic representation, unrolled (single leads; the list renders its rows
        in screening/api/lead_rows.py). Tests hold the paths equal."""
        data = {name: getattr(instance, attr) for name, attr in PLAIN_LEAD_FIELDS}
        for name, field in DECIMAL_LEAD_FIELDS.items():
            value = getattr(instance, name)
            data[name] = None if value is None else field.to_representation(value)
        received = instance.received_on
        data["received_on"] = None if received is None else received.isoformat()
        data["created_at"] = self._datetime(instance.created_at)
        data["updated_at"] = self._datetime(instance.updated_at)
        data["input_industries"] = [industry.pk for industry in instance.input_industries.all()]
        data["score"] = self.get_score(instance)
        return {name: data[name] for name in self.Meta.fields}

    @extend_schema_field(ScoreSummarySerializer(allow_null=True))
    def get_score(self, lead: Lead) -> dict[str, Any] | None:
        score = getattr(lead, "score", None)
        if score is None:
            return None
        summary: dict[str, Any] = {name: getattr(score, name) for name in SCORE_VALUES}
        summary["computed_at"] = self._datetime(score.computed_at)
        summary["stale"] = _staleness(self.context)(lead)
        return summary

    def _datetime(self, value: dt.datetime | None) -> str | None:
        """As DRF's DateTimeField writes it (ISO 8601 in the current time zone, UTC as Z)."""
        if value is None:
            return None
        zone = self.__dict__.setdefault("_zone", timezone.get_current_timezone())
        text = value.astimezone(zone).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text


# Fields LeadSerializer copies as they are (name, attribute), and its decimal fields with
# their DRF formatting; see LeadSerializer.to_representation. The list's rows are written from
# the same tables (screening/api/lead_rows.py).
PLAIN_LEAD_FIELDS = (
    *(
        (name, name)
        for name in (
            "id",
            "external_id",
            "company",
            "investor_origin",
            "investor_type",
            "products",
            "currency",
            "jobs",
            "needs",
            "source",
            "stage",
            "status",
            "status_reason",
            "lost_to",
        )
    ),
    ("industry", "industry_id"),
    ("region", "region_id"),
    ("owner", "owner_id"),
)
DECIMAL_LEAD_FIELDS = {
    name: serializers.DecimalField(
        max_digits=Lead._meta.get_field(name).max_digits,  # type: ignore[union-attr]
        decimal_places=Lead._meta.get_field(name).decimal_places,  # type: ignore[union-attr]
    )
    for name in ("capex", "land_ha", "power_mw")
}
SCORE_VALUES = (
    "total",
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "strengthen",
    "pull",
    "confidence",
)


# External ids are unique across the province. A clash is refused in the same words whether
# the lead holding the id is the user's own or another region's, naming neither the lead nor
# where it is: an officer must not learn about other regions' leads by trying ids.
EXTERNAL_ID_TAKEN = gettext_lazy("This external id is not available; choose another one.")


class LeadWriteSerializer(serializers.ModelSerializer):
    """Fields a client sets on create and update; the write services check the rest."""

    needs = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text="Endowment factors the project needs, e.g. port, industrial_land_ha.",
    )

    class Meta:
        model = Lead
        fields = LEAD_WRITABLE_FIELDS
        extra_kwargs: ClassVar[dict[str, dict[str, object]]] = {
            name: {"min_value": 0} for name in ("capex", "land_ha", "power_mw")
        }

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """The model's fields and validators, the uniqueness check with EXTERNAL_ID_TAKEN."""
        fields = super().get_fields()
        for validator in fields["external_id"].validators:
            if isinstance(validator, UniqueValidator):
                validator.message = EXTERNAL_ID_TAKEN
        return fields


class LeadBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Lead
        fields = ("id", "external_id", "company", "region", "industry", "stage", "status")
        read_only_fields = fields


class StageMoveSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    status_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for lost, on hold and withdrawn.",
    )
    lost_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OwnerSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        help_text="User id, or null for no owner; the owner must be able to edit the lead.",
    )


class LeadActivitySerializer(serializers.ModelSerializer):
    author: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    happened_on = serializers.DateField(required=False, help_text="Defaults to today.")
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    text = serializers.CharField(max_length=LONG_TEXT_MAX)

    class Meta:
        model = LeadActivity
        fields = ("id", "kind", "happened_on", "text", "author", "created_at")
        read_only_fields = ("id", "author", "created_at")


class ProfileBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoringProfile
        fields = (
            "id",
            "name",
            "version",
            "region",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "pull_share",
        )
        read_only_fields = fields


class LeadScoreListSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(source="lead.external_id", read_only=True)
    company = serializers.CharField(source="lead.company", read_only=True)
    stage = serializers.CharField(source="lead.stage", read_only=True)
    status = serializers.CharField(source="lead.status", read_only=True)

    class Meta:
        model = LeadScore
        fields = (
            "lead",
            "external_id",
            "company",
            "stage",
            "status",
            "region",
            "total",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "strengthen",
            "pull",
            "confidence",
            "computed_at",
        )
        read_only_fields = fields


class LeadScoreSerializer(serializers.ModelSerializer):
    """A stored score with its evidence; `text` is the explanation in the request's language."""

    profile = ProfileBriefSerializer(read_only=True)
    stale = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    explanation = serializers.DictField(read_only=True)

    class Meta:
        model = LeadScore
        fields = (
            "lead",
            "region",
            "total",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "strengthen",
            "pull",
            "confidence",
            "computed_at",
            "profile",
            "stale",
            "text",
            "explanation",
        )
        read_only_fields = fields

    def get_stale(self, score: LeadScore) -> bool:
        return _staleness(self.context)(score.lead)

    def get_text(self, score: LeadScore) -> list[str]:
        return read_sentences(score.explanation, self.context.get("lang", "zh"))


class ScoreHistorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ScoreHistory
        fields = (
            "id",
            "total",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "strengthen",
            "pull",
            "confidence",
            "profile",
            "measures_version",
            "computed_at",
        )
        read_only_fields = fields


class ScoreRunSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)

    class Meta:
        model = ScoreRun
        fields = (
            "id",
            "reason",
            "state",
            "total",
            "done",
            "failed",
            "changed",
            "percent",
            "error",
            "created_at",
            "finished_at",
        )
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    region_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Regions whose leads an officer works on."
    )
