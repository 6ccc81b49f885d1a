"""Which stored scores are stale: a set-based comparison of versions, no per-row flags."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from projects.models import Lead
from screening.models import DataVersion
from screening.selectors.profiles import profiles_in_force


def measures_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("measures_version", flat=True).first() or 1


def stale_leads() -> QuerySet[Lead]:
    """Leads with no score, or a score computed from older inputs than those now in force."""
    profiles = profiles_in_force()
    wrong_profile = Q(~Q(score__profile_id=profiles.default.pk)) & ~Q(
        region_id__in=list(profiles.by_region)
    )
    for region_id, profile in profiles.by_region.items():
        wrong_profile |= Q(region_id=region_id) & ~Q(score__profile_id=profile.pk)
    return Lead.objects.filter(
        Q(score__isnull=True)
        | ~Q(score__lead_revision=F("score_revision"))
        | ~Q(score__region_version=F("region__score_version"))
        | ~Q(score__region_id=F("region_id"))
        | ~Q(score__measures_version=measures_version())
        | wrong_profile
    )


def stale_lead_ids() -> list[int]:
    return list(stale_leads().order_by("pk").values_list("pk", flat=True))


def is_stale(lead: Lead, *, measures: int, profile_id: int) -> bool:
    """Staleness of one lead whose `score` and `region` are loaded (for list rows)."""
    score = getattr(lead, "score", None)
    return (
        score is None
        or score.lead_revision != lead.score_revision
        or score.region_id != lead.region_id
        or score.region_version != lead.region.score_version
        or score.measures_version != measures
        or score.profile_id != profile_id
    )
