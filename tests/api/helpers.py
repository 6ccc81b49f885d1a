"""Helpers shared by the API tests."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone

from projects.models import Lead
from regions.models import Region
from screening.models import LeadScore, ScoreHistory
from screening.selectors.profiles import ensure_default_profile
from screening.selectors.staleness import measures_version
from tests.factories import LeadFactory, RegionFactory

V1 = "/api/v1"


def store_score(lead: Lead, **values: float) -> LeadScore:
    """A stored score as the scorer would write it (with its history row), current with the
    lead's inputs."""
    fields = {
        "local_fit": 60.0,
        "chain_completion": 50.0,
        "cluster_strength": 40.0,
        "confidence": 0.8,
    }
    fields.update(values)
    fields.setdefault(
        "total",
        0.4 * fields["local_fit"]
        + 0.3 * fields["chain_completion"]
        + 0.3 * fields["cluster_strength"],
    )
    lead.refresh_from_db()
    profile, now, measures = ensure_default_profile(), timezone.now(), measures_version()
    ScoreHistory.objects.create(
        lead=lead, profile=profile, measures_version=measures, computed_at=now, **fields
    )
    return LeadScore.objects.create(
        lead=lead,
        region_id=lead.region_id,
        profile=profile,
        lead_revision=lead.score_revision,
        region_version=lead.region.score_version,
        measures_version=measures,
        computed_at=now,
        explanation={"sentences": {"zh": ["总分"], "en": ["Total"]}},
        **fields,
    )


def error_of(response: Any) -> dict[str, Any]:
    """The error object of a response, after checking the body has exactly the agreed shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    error: dict[str, Any] = body["error"]
    return error


def make_lead(**fields: Any) -> Lead:
    """A saved lead (the factories are untyped; this says what comes back)."""
    return cast(Lead, LeadFactory(**fields))


def make_region(**fields: Any) -> Region:
    return cast(Region, RegionFactory(**fields))
