"""Which scoring profile is in force for which region (saving a new version: services.profiles).

`profiles_in_force` creates the default profile on first use (`ensure_default_profile`): an
idempotent bootstrap of a row every database must have, which changes no score input and so
marks nothing stale; it is the one write a read may do.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from screening.models import ScoringProfile
from screening.scoring import DEFAULT_PULL_SHARE, SubScoreWeights


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
