"""Recomputation through a real broker and an embedded worker; the broker down at commit.

With REDIS_URL set (CI) the broker is Redis; otherwise Celery's in-memory transport, so the
same tests run on a laptop without Redis.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import transaction

from projects.models import Lead
from projects.services import lead_update
from screening.config.celery import app
from screening.models import LeadScore
from screening.selectors.staleness import stale_lead_ids
from screening.services.scores import rescore_leads
from screening.tasks import rescore_stale
from tests.recompute.conftest import SmallWorld

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def worker() -> Iterator[None]:
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield


def test_an_edit_is_rescored_by_the_worker_after_commit(
    small_world: SmallWorld, worker: None
) -> None:
    rescore_leads(sorted(lead.pk for lead in small_world.leads.values()))
    lead = Lead.objects.get(external_id="B-2")
    before = LeadScore.objects.get(lead=lead)
    with transaction.atomic():
        lead_update(lead=lead, user=None, jobs=9000)
    assert wait_until(lambda: stale_lead_ids() == []), "the worker rescored the edited lead"
    after = LeadScore.objects.get(lead=lead)
    assert after.computed_at > before.computed_at
    assert after.lead_revision == Lead.objects.get(pk=lead.pk).score_revision


def test_a_write_survives_a_dead_broker_and_the_sweep_catches_up(small_world: SmallWorld) -> None:
    rescore_leads(sorted(lead.pk for lead in small_world.leads.values()))
    lead = Lead.objects.get(external_id="C-1")
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens there
    app._pool = None  # connections are pooled per URL: make the next publish use the dead one
    try:
        started = time.monotonic()
        with transaction.atomic():
            lead_update(lead=lead, user=None, jobs=4321)
        assert time.monotonic() - started < 10, "a dead broker must not hang the request"
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._pool = None
    assert Lead.objects.get(pk=lead.pk).jobs == 4321, "the write itself committed"
    assert stale_lead_ids() == [lead.pk], "and the lead is visibly stale"
    app.conf.task_always_eager = False
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        rescore_stale.delay()  # what beat sends every SCORE_SWEEP_SECONDS
        assert wait_until(lambda: stale_lead_ids() == []), "the sweep rescored it"
