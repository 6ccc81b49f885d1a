"""Serializers of outcomes: a lead's decision scores, and calibration runs (read-only)."""

from __future__ import annotations

from rest_framework import serializers

from screening.models import CalibrationRun, LeadDecision


class LeadDecisionSerializer(serializers.ModelSerializer):
    in_force = serializers.SerializerMethodField(
        help_text="True for the decision in force; false for one closed by a reopening."
    )
    pending = serializers.BooleanField(
        read_only=True, help_text="Decided, but the score to keep is still being computed."
    )

    class Meta:
        model = LeadDecision
        fields = (
            "id",
            "in_force",
            "pending",
            "outcome",
            "stage",
            "status",
            "decided_at",
            "reopened_at",
            "total",
            "local_fit",
            "chain_completion",
            "cluster_strength",
            "strengthen",
            "pull",
            "confidence",
            "profile",
            "lead_revision",
            "region_version",
            "measures_version",
            "computed_at",
        )
        read_only_fields = fields

    def get_in_force(self, decision: LeadDecision) -> bool:
        return decision.reopened_at is None


class CalibrationRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalibrationRun
        fields = (
            "id",
            "region",
            "since",
            "n_won",
            "n_lost",
            "result",
            "created_by",
            "created_at",
            "adopted_profiles",
            "adopted_by",
            "adopted_at",
        )
        read_only_fields = fields
