"""Saving a new version of a scoring profile and putting it in force (reads: selectors.profiles)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from screening import invalidation
from screening.models import ScoringProfile
from screening.scoring import SubScoreWeights


@transaction.atomic
def profile_save_version(
    *,
    name: str,
    weights: SubScoreWeights,
    region_id: int | None,
    user_id: int | None,
    reason: str,
) -> ScoringProfile:
    """Save new weights as the next version of `name` and put it in force for its scope."""
    latest = ScoringProfile.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
    in_scope = ScoringProfile.objects.filter(is_active=True)
    in_scope = (
        in_scope.filter(region__isnull=True)
        if region_id is None
        else in_scope.filter(region_id=region_id)
    )
    in_scope.update(is_active=False)
    profile = ScoringProfile.objects.create(
        name=name,
        version=latest + 1,
        region_id=region_id,
        local_fit=weights.local_fit,
        chain_completion=weights.chain_completion,
        cluster_strength=weights.cluster_strength,
        pull_share=weights.pull_share,
        is_active=True,
        created_by_id=user_id,
        reason=reason,
    )
    invalidation.profiles_changed()
    return profile
