"""Serializers of rankings: weight overrides, ranked shortlists, best regions for a lead."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from projects.models import Stage, Status
from regions.models import RegionLevel
from screening.api.filters import MAX_ID
from screening.api.serializers_leads import LeadBriefSerializer
from screening.scoring import PRESETS, SubScoreWeights


class WeightsQuerySerializer(serializers.Serializer):
    """Optional weight override: a preset, or all three weights (any scale, normalised), and
    optionally the share of anchor pull within cluster strengthening (0-1)."""

    preset = serializers.ChoiceField(choices=sorted(PRESETS), required=False)
    local_fit = serializers.FloatField(min_value=0, max_value=1e6, required=False)
    chain_completion = serializers.FloatField(min_value=0, max_value=1e6, required=False)
    cluster_strength = serializers.FloatField(min_value=0, max_value=1e6, required=False)
    pull_share = serializers.FloatField(
        min_value=0,
        max_value=1,
        required=False,
        help_text="Share of anchor pull within cluster strengthening (default: the profile's).",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        names = ["local_fit", "chain_completion", "cluster_strength"]
        given = [n for n in names if n in attrs]
        if given and "preset" in attrs:
            raise serializers.ValidationError(
                {"preset": [_("Give a preset or weights, not both.")]}
            )
        if given and len(given) < 3:
            missing = {n: [_("Give all three weights.")] for n in names if n not in attrs}
            raise serializers.ValidationError(missing)
        if given and sum(attrs[n] for n in names) <= 0:
            raise serializers.ValidationError({"local_fit": [_("Weights cannot all be zero.")]})
        return attrs

    def override(self, in_force: SubScoreWeights) -> SubScoreWeights | None:
        """The overriding weights, or None when the request gave none. A share of pull given
        alone overrides only that share of the weights in force."""
        data = self.validated_data
        if "preset" in data:
            weights = PRESETS[data["preset"]]
        elif "local_fit" in data:
            weights = SubScoreWeights.normalised(
                data["local_fit"], data["chain_completion"], data["cluster_strength"]
            )
        elif "pull_share" in data:
            weights = in_force
        else:
            return None
        return replace(weights, pull_share=data.get("pull_share", weights.pull_share))


class ShortlistQuerySerializer(WeightsQuerySerializer):
    region = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="With the regions below it."
    )
    industry = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text="With its sub-industries."
    )
    k = serializers.IntegerField(min_value=1, max_value=500, default=20)
    stage = serializers.MultipleChoiceField(choices=Stage.choices, required=False)
    status = serializers.MultipleChoiceField(
        choices=Status.choices, required=False, help_text="Default: active leads only."
    )
    min_confidence = serializers.FloatField(min_value=0, max_value=1, required=False)


class BestRegionsQuerySerializer(WeightsQuerySerializer):
    limit = serializers.IntegerField(min_value=1, max_value=200, default=10)
    level = serializers.ChoiceField(choices=RegionLevel.choices, required=False)


class WeightsSerializer(serializers.Serializer):
    local_fit = serializers.FloatField()
    chain_completion = serializers.FloatField()
    cluster_strength = serializers.FloatField()
    pull_share = serializers.FloatField(
        help_text="Share of anchor pull within cluster strengthening."
    )


class SubScoresSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    total = serializers.FloatField(help_text="Under the weights of this ranking.")
    local_fit = serializers.FloatField()
    chain_completion = serializers.FloatField()
    cluster_strength = serializers.FloatField(
        help_text="(1 - pull_share) x strengthen + pull_share x pull."
    )
    strengthen = serializers.FloatField(help_text="Strengthening an existing cluster.")
    pull = serializers.FloatField(help_text="Anchor pull: drawing missing suppliers in.")
    confidence = serializers.FloatField()


class ShortlistEntrySerializer(SubScoresSerializer):
    lead = LeadBriefSerializer()
    stored_total = serializers.FloatField(help_text="Under the profile in force.")


class ShortlistSerializer(serializers.Serializer):
    weights = WeightsSerializer()
    overridden = serializers.BooleanField(help_text="False: the profile in force was used.")
    considered = serializers.IntegerField(help_text="Scored leads that matched the filters.")
    results = ShortlistEntrySerializer(many=True)


class RegionBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    level = serializers.CharField()


class RegionFitSerializer(SubScoresSerializer):
    region = RegionBriefSerializer()
    is_target = serializers.BooleanField(help_text="The lead's own target region.")


class BestRegionsSerializer(serializers.Serializer):
    lead = serializers.IntegerField()
    weights = WeightsSerializer()
    results = RegionFitSerializer(many=True)
