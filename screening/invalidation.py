"""Marking scores stale when their inputs change, in the writer's transaction.

Every write path that changes a scoring input (services, the admin, imports, the API, bulk
updates) calls one of these inside its transaction. Staleness is recorded as version numbers
(lead revision, region version, shared measures version), so marking is O(1) or one
set-based UPDATE, and a stored score is stale exactly when its remembered versions differ.
Recomputation is enqueued on commit; if the broker is down then, the write still stands and
the periodic sweep (screening.tasks.sweep_stale_scores) picks the stale scores up later.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from kombu.exceptions import OperationalError
from redis.exceptions import RedisError

from screening import decisions

log = logging.getLogger(__name__)


def leads_changed(lead_ids: Iterable[int]) -> None:
    """A lead's own inputs changed (industry, region, size, needs, inputs): rescore those leads."""
    from projects.models import Lead

    ids = sorted(set(lead_ids))
    if not ids:
        return
    Lead.objects.filter(pk__in=ids).update(score_revision=F("score_revision") + 1)
    _enqueue_on_commit("rescore_leads", ids)


def leads_archived(lead_ids: Iterable[int]) -> None:
    """Leads left the pipeline (archived): their stored scores are dropped, so rankings and
    shortlists drop them at once; the score history stays, and no recompute picks them up
    again (every score run reads current leads only)."""
    from screening.models import LeadScore

    LeadScore.objects.filter(lead_id__in=sorted(set(lead_ids))).delete()


def regions_changed(region_ids: Iterable[int]) -> None:
    """A region's clusters, anchors or endowments changed: rescore that region's leads."""
    from regions.models import Region

    ids = sorted(set(region_ids))
    if not ids:
        return
    Region.objects.filter(pk__in=ids).update(score_version=F("score_version") + 1)
    _enqueue_on_commit("rescore_regions", ids)


def measures_changed() -> None:
    """Region-industry sizes or chain links changed: the shared measures must be recomputed."""
    from screening.models import DataVersion

    updated = DataVersion.objects.filter(pk=1).update(measures_version=F("measures_version") + 1)
    if not updated:
        DataVersion.objects.get_or_create(pk=1, defaults={"measures_version": 2})
    _enqueue_on_commit("rescore_stale", [])


def firms_changed() -> None:
    """The firm directory (firms, plants) changed. No stored score depends on it, so nothing
    is enqueued; the version tells each process to reload its copy for prospect lists."""
    from screening.models import DataVersion

    updated = DataVersion.objects.filter(pk=1).update(firms_version=F("firms_version") + 1)
    if not updated:
        DataVersion.objects.get_or_create(pk=1, defaults={"firms_version": 2})


def profiles_changed() -> None:
    """A scoring profile was added or changed: the leads under it get a new total."""
    _enqueue_on_commit("rescore_stale", [])


def leads_imported() -> None:
    """An import created or updated leads in bulk.

    The import's upsert already bumped score_revision on every lead whose scoring inputs
    changed (and new leads have no score yet), so marking is done; the recompute of the stale
    scores is left to enqueue. Stages and statuses may have changed too: decision records
    are brought in line (screening.decisions).
    """
    decisions.sync_all_decisions()
    _enqueue_on_commit("rescore_stale", [])


def pipeline_changed(lead_ids: Iterable[int]) -> None:
    """These leads' stage or status changed: take or close their decision scores now.

    Not a staleness mark: the decision score is the score in force at this moment, kept
    apart from recomputation (screening.decisions).
    """
    decisions.sync_decisions(lead_ids)


def _enqueue_on_commit(task_name: str, ids: list[int]) -> None:
    transaction.on_commit(lambda: _send(task_name, ids))


def _send(task_name: str, ids: list[int]) -> None:
    """Publish a recompute task; a broker failure is logged, never raised into the request."""
    from screening import tasks

    task = getattr(tasks, task_name)
    try:
        if ids:
            task.delay(ids)
        else:
            task.delay()
    except (OSError, OperationalError, RedisError):
        # Broker down (kombu's OperationalError, or the Redis client's own error): the sweep
        # finds these scores stale. Raised here, it would answer 500 for a saved write.
        log.warning(
            "Could not enqueue %s; the stale-score sweep will recompute.", task_name, exc_info=True
        )


def rows_written(model: type, objects: list[object]) -> None:
    """Mark what a write of these rows (any reference-data or lead model) makes stale.

    One place that knows which scoring inputs each model carries, used by the admin and by
    other generic write paths.
    """
    label = model._meta.label  # type: ignore[attr-defined]
    if label in MEASURE_MODELS:
        measures_changed()
    elif label in REGION_MODELS:
        regions_changed(REGION_MODELS[label](obj) for obj in objects)
    elif label in FIRM_MODELS:
        firms_changed()
    elif label == "projects.Lead":
        leads_changed(obj.pk for obj in objects)  # type: ignore[attr-defined]
        pipeline_changed(obj.pk for obj in objects)  # type: ignore[attr-defined]


# Regions and industries shape the World itself (levels, parents, names in explanations).
MEASURE_MODELS = {
    "regions.RegionIndustry",
    "regions.IndustryLink",
    "regions.IndustryProximity",
    "regions.IndustryReference",
    "regions.ScoringBaseline",
    "regions.Region",
    "regions.Industry",
}
# The firm directory: prospect lists only (no stored score).
FIRM_MODELS = {"regions.Firm", "regions.Plant"}
REGION_MODELS = {
    "regions.Endowment": lambda obj: obj.region_id,
    "regions.Cluster": lambda obj: obj.region_id,
    "regions.ClusterIndustry": lambda obj: obj.cluster.region_id,
    "regions.AnchorFirm": lambda obj: obj.cluster.region_id,
}
