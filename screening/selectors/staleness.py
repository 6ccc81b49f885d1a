"""Which stored scores are stale: a comparison of versions, no per-row flags.

The rule, written once (`stamps_stale`): a stored score is stale when there is none, or when
any version it was computed from (its `Stamps`) is not the one in force. `stale_leads` asks the
database the same question, stamp by stamp, for every lead at once; `is_stale` and the API's
list rows ask it of rows already read.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.db.models import F, Q, QuerySet

from projects.models import Lead
from screening.models import DataVersion, LeadScore
from screening.selectors.profiles import ProfilesInForce, profiles_in_force


class Stamps(NamedTuple):
    """The versions a score stands on: stored with it (LeadScore's fields of the same names),
    and in force now (the lead's revision and region, its region's version, the shared
    measures version, the profile in force for its region)."""

    lead_revision: int
    region_id: int
    region_version: int
    measures_version: int
    profile_id: int


def stamps_stale(stored: Stamps | None, in_force: Stamps) -> bool:
    """The staleness rule: no stored score, or any of its versions is not the one in force."""
    return stored is None or stored != in_force


def stored_stamps(score: LeadScore) -> Stamps:
    return Stamps(*(getattr(score, name) for name in Stamps._fields))


def measures_version() -> int:
    return DataVersion.objects.filter(pk=1).values_list("measures_version", flat=True).first() or 1


def stale_leads() -> QuerySet[Lead]:
    """Leads with no score, or a score computed from older inputs than those now in force."""
    profiles = profiles_in_force()
    # The stamps in force, as expressions over a lead row (the profile depends on the region).
    in_force: dict[str, Any] = {
        "lead_revision": F("score_revision"),
        "region_id": F("region_id"),
        "region_version": F("region__score_version"),
        "measures_version": measures_version(),
    }
    assert [*in_force, "profile_id"] == list(Stamps._fields)
    differs = Q(score__isnull=True)
    for name, value in in_force.items():
        differs |= ~Q(**{f"score__{name}": value})
    return Lead.objects.filter(differs | _profile_not_in_force(profiles))


def _profile_not_in_force(profiles: ProfilesInForce) -> Q:
    wrong = Q(~Q(score__profile_id=profiles.default.pk)) & ~Q(
        region_id__in=list(profiles.by_region)
    )
    for region_id, profile in profiles.by_region.items():
        wrong |= Q(region_id=region_id) & ~Q(score__profile_id=profile.pk)
    return wrong


def stale_lead_ids() -> list[int]:
    return list(stale_leads().order_by("pk").values_list("pk", flat=True))


def is_stale(lead: Lead, *, measures: int, profile_id: int) -> bool:
    """Staleness of one lead whose `score` and `region` are loaded (for list rows)."""
    score = getattr(lead, "score", None)
    in_force = Stamps(
        lead_revision=lead.score_revision,
        region_id=lead.region_id,
        region_version=lead.region.score_version,
        measures_version=measures,
        profile_id=profile_id,
    )
    return stamps_stale(None if score is None else stored_stamps(score), in_force)
