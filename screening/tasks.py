"""Celery tasks: thin wrappers that take ids, re-read the database and call the services.

Every task is idempotent (rescoring twice writes the same scores, and the second time writes
nothing because nothing changed) and runs with acks_late, so a worker killed mid-chunk has
its chunk redelivered. Progress of a run is kept in ScoreRun for the UI's progress bar.
"""

from __future__ import annotations

import datetime as dt
import logging

from celery import group, shared_task
from django.conf import settings
from django.db.models import F
from django.utils import timezone

from projects.models import Lead
from screening.models import ScoreRun
from screening.selectors.staleness import stale_lead_ids
from screening.services.scores import rescore_leads as rescore_leads_service

log = logging.getLogger(__name__)
RUN_STALL_MINUTES = 10


@shared_task(acks_late=True, name="screening.rescore_chunk")
def rescore_chunk(lead_ids: list[int], run_id: int | None = None) -> int:
    """Rescore one chunk of leads; returns how many scores changed."""
    try:
        result = rescore_leads_service(lead_ids)
    except Exception:
        if run_id:
            ScoreRun.objects.filter(pk=run_id).update(failed=F("failed") + len(lead_ids))
            _finish_if_complete(run_id)
        raise
    if run_id:
        ScoreRun.objects.filter(pk=run_id).update(
            done=F("done") + len(lead_ids),
            changed=F("changed") + result.changed,
            state=ScoreRun.State.RUNNING,
        )
        _finish_if_complete(run_id)
    return result.changed


def _finish_if_complete(run_id: int) -> None:
    ScoreRun.objects.filter(pk=run_id, total__lte=F("done") + F("failed")).exclude(
        state__in=[ScoreRun.State.DONE, ScoreRun.State.FAILED]
    ).update(state=ScoreRun.State.DONE, finished_at=timezone.now())


def dispatch(lead_ids: list[int], reason: str) -> ScoreRun | None:
    """Split lead ids into chunks and run them as a group across the workers."""
    if not lead_ids:
        return None
    run = ScoreRun.objects.create(reason=reason, total=len(lead_ids), state=ScoreRun.State.QUEUED)
    size = settings.SCORE_CHUNK_SIZE
    chunks = [lead_ids[i : i + size] for i in range(0, len(lead_ids), size)]
    try:
        group(rescore_chunk.s(chunk, run.pk) for chunk in chunks).apply_async()
    except Exception as exc:
        # The broker went away: no chunk of this run will ever come. Left queued, the run
        # would hold the sweep back for RUN_STALL_MINUTES (see rescore_stale); failed, the
        # next sweep rescores its leads, which are still stale.
        ScoreRun.objects.filter(pk=run.pk).update(
            state=ScoreRun.State.FAILED,
            error=f"not queued: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    return run


@shared_task(acks_late=True, name="screening.rescore_leads")
def rescore_leads(lead_ids: list[int]) -> int:
    run = dispatch(sorted(set(lead_ids)), reason=f"{len(lead_ids)} lead(s) changed")
    return run.total if run else 0


@shared_task(acks_late=True, name="screening.rescore_regions")
def rescore_regions(region_ids: list[int]) -> int:
    ids = list(
        Lead.objects.filter(region_id__in=region_ids).order_by("pk").values_list("pk", flat=True)
    )
    run = dispatch(ids, reason=f"region data changed ({len(region_ids)} region(s))")
    return run.total if run else 0


@shared_task(acks_late=True, name="screening.rescore_stale")
def rescore_stale() -> int:
    """Rescore every lead whose stored score is stale (also the periodic sweep).

    While a recent run is still in progress its chunks are on their way; dispatching the same
    leads again would only duplicate work, so the sweep waits for the next beat. A run older
    than RUN_STALL_MINUTES is treated as lost (e.g. its messages died with the broker), and so
    is a run none of whose chunks has finished a sweep period after it was queued while
    nothing waits in the queue: its messages died with a restarted broker or a killed worker
    (bench/bench_faults.py), and waiting out RUN_STALL_MINUTES left scores stale for 10 min.
    """
    now = timezone.now()
    in_progress = ScoreRun.objects.filter(
        state__in=[ScoreRun.State.QUEUED, ScoreRun.State.RUNNING],
        created_at__gte=now - dt.timedelta(minutes=RUN_STALL_MINUTES),
    )
    if queued_messages() == 0:
        in_progress.filter(
            state=ScoreRun.State.QUEUED,
            done=0,
            failed=0,
            created_at__lt=now - dt.timedelta(seconds=settings.SCORE_SWEEP_SECONDS),
        ).update(state=ScoreRun.State.FAILED, error="lost: not in the queue", finished_at=now)
    if in_progress.exists():
        return 0
    run = dispatch(stale_lead_ids(), reason="stale scores")
    return run.total if run else 0


def queued_messages() -> int | None:
    """Messages waiting in the task queue; None when the broker cannot tell (eager mode)."""
    app = rescore_chunk.app
    try:
        with app.connection_for_read() as conn:
            # Not passive: Redis keeps no key for an empty queue, and a passive declaration
            # of a missing one fails. The worker declares the same queue on start anyway.
            declared = conn.default_channel.queue_declare(
                queue=app.conf.task_default_queue, durable=True, auto_delete=False
            )
    except Exception:  # an unknown count keeps the old, cautious rule
        return None
    return int(declared.message_count)
