"""Helpers shared by the API tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from projects.models import Lead
from screening.models import LeadScore
from screening.services.profiles import ensure_default_profile

V1 = "/api/v1"


def store_score(lead: Lead, **values: float) -> LeadScore:
    """A stored score as the scorer would write it, current with the lead's inputs."""
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
    return LeadScore.objects.create(
        lead=lead,
        region_id=lead.region_id,
        profile=ensure_default_profile(),
        lead_revision=lead.score_revision,
        region_version=lead.region.score_version,
        measures_version=1,
        computed_at=timezone.now(),
        explanation={"sentences": {"zh": ["总分"], "en": ["Total"]}},
        **fields,
    )


def error_of(response: Any) -> dict[str, Any]:
    """The error object of a response, after checking the body has exactly the agreed shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]  # type: ignore[no-any-return]


TODAY = dt.date(2026, 3, 1)
