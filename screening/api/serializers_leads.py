"""Serializers of leads, lead activities, scores, score runs and the signed-in user.

Output and input are separate serializers where they differ: a lead is read with its score
summary, and written with ids only; stage, status and owner change through action endpoints.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from projects.models import ActivityKind, InvestorType, Lead, LeadActivity, Stage, Status
from screening.models import LeadScore, ScoreHistory, ScoreRun, ScoringProfile
from screening.services.profiles import ProfilesInForce, profiles_in_force
from screening.services.staleness import is_stale, measures_version


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


def _staleness(context: dict[str, Any]) -> Callable[[Lead], bool]:
    return context["staleness"]  # type: ignore[no-any-return]


class ScoreSummarySerializer(serializers.Serializer):  # type: ignore[type-arg]
    total = serializers.FloatField()
    local_fit = serializers.FloatField()
    chain_completion = serializers.FloatField()
    cluster_strength = serializers.FloatField()
    confidence = serializers.FloatField()
    computed_at = serializers.DateTimeField()
    stale = serializers.SerializerMethodField(
        help_text="Inputs changed since; a recompute is queued."
    )

    def get_stale(self, score: LeadScore) -> bool:
        return bool(self.context["stale"])


class LeadSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    needs = serializers.ListField(child=serializers.CharField(), read_only=True)
    investor_type = serializers.ChoiceField(
        choices=InvestorType.choices, allow_blank=True, read_only=True
    )
    score = serializers.SerializerMethodField()

    class Meta:
        model = Lead
        fields = (
            "id",
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

    @extend_schema_field(ScoreSummarySerializer(allow_null=True))
    def get_score(self, lead: Lead) -> dict[str, Any] | None:
        score = getattr(lead, "score", None)
        if score is None:
            return None
        summary = ScoreSummarySerializer(score, context={"stale": _staleness(self.context)(lead)})
        return summary.data  # type: ignore[return-value]


class LeadWriteSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    """Fields a client sets on create and update; the write services check the rest."""

    needs = serializers.ListField(
        child=serializers.CharField(max_length=64),
        required=False,
        help_text="Endowment factors the project needs, e.g. port, industrial_land_ha.",
    )

    class Meta:
        model = Lead
        fields = (
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
        extra_kwargs: ClassVar[dict[str, dict[str, object]]] = {
            name: {"min_value": 0} for name in ("capex", "land_ha", "power_mw")
        }


class LeadBriefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = Lead
        fields = ("id", "external_id", "company", "region", "industry", "stage", "status")
        read_only_fields = fields


class StageMoveSerializer(serializers.Serializer):  # type: ignore[type-arg]
    stage = serializers.ChoiceField(choices=Stage.choices)


class StatusChangeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    status = serializers.ChoiceField(choices=Status.choices)
    status_reason = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required for lost, on hold and withdrawn.",
    )
    lost_to = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OwnerSerializer(serializers.Serializer):  # type: ignore[type-arg]
    owner = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.filter(is_active=True),
        allow_null=True,
        help_text="User id, or null for no owner; the owner must be able to edit the lead.",
    )


class LeadActivitySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    author = serializers.SlugRelatedField(slug_field="username", read_only=True)
    happened_on = serializers.DateField(required=False, help_text="Defaults to today.")
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    text = serializers.CharField(max_length=10000)

    class Meta:
        model = LeadActivity
        fields = ("id", "kind", "happened_on", "text", "author", "created_at")
        read_only_fields = ("id", "author", "created_at")


class ProfileBriefSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
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
        )
        read_only_fields = fields


class LeadScoreListSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
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
            "confidence",
            "computed_at",
        )
        read_only_fields = fields


class LeadScoreSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
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
        sentences = (score.explanation or {}).get("sentences") or {}
        lang = self.context.get("lang", "zh")
        return list(sentences.get(lang) or sentences.get("zh") or [])


class ScoreHistorySerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    class Meta:
        model = ScoreHistory
        fields = (
            "id",
            "total",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "confidence",
            "profile",
            "measures_version",
            "computed_at",
        )
        read_only_fields = fields


class ScoreRunSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
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


class MeSerializer(serializers.Serializer):  # type: ignore[type-arg]
    id = serializers.IntegerField()
    username = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    region_ids = serializers.ListField(
        child=serializers.IntegerField(), help_text="Regions whose leads an officer works on."
    )
