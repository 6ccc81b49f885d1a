"""Which scoring profile is in force for which region, and saving new profile versions."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.db.models import Max

from screening import invalidation
from screening.models import ScoringProfile
from screening.scoring.weights import DEFAULT_PULL_SHARE, SubScoreWeights


@dataclass(frozen=True)
class ProfilesInForce:
    default: ScoringProfile
    by_region: dict[int, ScoringProfile]

    def for_region(self, region_id: int) -> ScoringProfile:
        return self.by_region.get(region_id, self.default)

    def arrays(self, region_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per lead: the profile id, the (n, 3) weights and the share of pull within cluster
        strengthening in force for its region."""
        regions, inverse = np.unique(region_ids, return_inverse=True)
        profiles = [self.for_region(int(r)) for r in regions]  # one per distinct region
        ids = np.array([p.pk for p in profiles], dtype=np.int64)
        weights = np.array([normalised(p) for p in profiles], dtype=float).reshape(-1, 3)
        shares = np.array([p.pull_share for p in profiles], dtype=float)
        return ids[inverse], weights[inverse], shares[inverse]


def normalised(profile: ScoringProfile) -> tuple[float, float, float]:
    w = SubScoreWeights.normalised(*profile.weights())
    return tuple(float(x) for x in w.as_array())  # type: ignore[return-value]


def profiles_in_force() -> ProfilesInForce:
    active = list(ScoringProfile.objects.filter(is_active=True))
    default = next((p for p in active if p.region_id is None), None)
    if default is None:
        default = ensure_default_profile()
    return ProfilesInForce(
        default=default, by_region={p.region_id: p for p in active if p.region_id is not None}
    )


def ensure_default_profile() -> ScoringProfile:
    profile, _ = ScoringProfile.objects.get_or_create(
        name="balanced",
        version=1,
        defaults={
            "local_fit": 0.4,
            "chain_completion": 0.3,
            "cluster_strength": 0.3,
            "pull_share": DEFAULT_PULL_SHARE,
            "reason": "Default profile: balanced weights.",
        },
    )
    return profile


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
