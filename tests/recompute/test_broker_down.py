"""A broker that goes away (found by bench/bench_faults.py, Redis killed under load): writes
answer at once and stand, and nothing stays stale once it is back."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError
from pytest_django import Settings
from redis.exceptions import ConnectionError as RedisConnectionError

from projects.models import Lead
from screening import invalidation, tasks
from screening.models import ScoreRun
from screening.selectors.staleness import stale_lead_ids
from tests.recompute.conftest import SmallWorld

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # closed again when the block ends


def test_enqueueing_with_redis_down_answers_at_once() -> None:
    """Publishing used to subscribe to the result first, retrying ~20 s on a dead Redis: the
    request that saved a lead hung for the whole outage."""
    code = (
        "import json, time, django; django.setup();"
        "from screening import invalidation;"
        "started = time.monotonic(); invalidation._send('rescore_leads', [1]);"
        "print(json.dumps(time.monotonic() - started))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env |= {
        "DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "screening.config.settings",
        "REDIS_URL": f"redis://127.0.0.1:{closed_port()}/0",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr  # logged, not raised
    assert json.loads(result.stdout.strip().splitlines()[-1]) < 5.0
    assert "Could not enqueue rescore_leads" in result.stderr


@pytest.mark.parametrize(
    "error", [OperationalError("broker down"), RedisConnectionError("Connection refused")]
)
def test_a_failed_publish_is_logged_not_raised_into_the_request(
    monkeypatch: pytest.MonkeyPatch, error: Exception
) -> None:
    def down(*args: object) -> None:
        raise error

    warnings: list[str] = []
    monkeypatch.setattr(tasks.rescore_leads, "delay", down)
    monkeypatch.setattr(invalidation.log, "warning", lambda text, *a, **k: warnings.append(text))
    invalidation._send("rescore_leads", [1])
    assert warnings == ["Could not enqueue %s; the stale-score sweep will recompute."]


@pytest.mark.django_db
def test_a_run_whose_chunks_were_never_queued_fails_and_does_not_hold_the_sweep(
    small_world: SmallWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = sorted(lead.pk for lead in small_world.leads.values())
    Lead.objects.filter(pk__in=ids).update(score_revision=F("score_revision") + 1)

    class DeadGroup:
        def __init__(self, signatures: object) -> None:
            pass

        def apply_async(self) -> None:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patched:
        patched.setattr(tasks, "group", DeadGroup)
        with pytest.raises(OperationalError):
            tasks.rescore_leads(ids)
    run = ScoreRun.objects.get()
    assert run.state == ScoreRun.State.FAILED  # was: queued for ever, holding the sweep back
    assert "not queued" in run.error
    # The next sweep (broker back) rescores what that run never did.
    assert tasks.rescore_stale() == len(ids)
    assert stale_lead_ids() == []


def backdated_run(seconds: float, **fields: object) -> ScoreRun:
    run = ScoreRun.objects.create(reason="1 lead(s) changed", **({"total": 1} | fields))
    ScoreRun.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=seconds)
    )
    return run


@pytest.mark.django_db
def test_the_sweep_treats_a_run_missing_from_an_empty_queue_as_lost(
    small_world: SmallWorld, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    """A restarted broker lost the run's only message: the sweep waited 10 min for it."""
    settings.SCORE_SWEEP_SECONDS = 60
    ids = sorted(lead.pk for lead in small_world.leads.values())
    lost = backdated_run(90)
    monkeypatch.setattr(tasks, "queued_messages", lambda: 0)
    assert tasks.rescore_stale() == len(ids)
    lost.refresh_from_db()
    assert (lost.state, lost.error) == (ScoreRun.State.FAILED, "lost: not in the queue")
    assert stale_lead_ids() == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("age", "queued", "fields"),
    [
        (30, 0, {}),  # queued less than a sweep period ago: its chunk may be starting
        (90, 5, {}),  # messages wait in the queue: its chunk may be among them
        (90, None, {}),  # the broker cannot tell: the cautious rule
        (90, 0, {"state": ScoreRun.State.RUNNING, "done": 1, "total": 2}),  # in progress
    ],
)
def test_the_sweep_still_waits_for_a_run_that_may_be_alive(
    small_world: SmallWorld,
    monkeypatch: pytest.MonkeyPatch,
    settings: Settings,
    age: float,
    queued: int | None,
    fields: dict[str, object],
) -> None:
    settings.SCORE_SWEEP_SECONDS = 60
    run = backdated_run(age, **fields)
    monkeypatch.setattr(tasks, "queued_messages", lambda: queued)
    assert tasks.rescore_stale() == 0
    run.refresh_from_db()
    assert run.state != ScoreRun.State.FAILED
