"""A worker process killed in the middle of a chunk: the chunk is redelivered and completed.

Needs PostgreSQL and Redis (a separate worker process must share the database and broker),
so it runs in CI and skips on the SQLite/eager set-up.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from projects.models import Lead
from screening.config.celery import app
from screening.selectors.staleness import stale_lead_ids
from screening.tasks import rescore_chunk
from tests.recompute.conftest import SmallWorld

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.worker,
    pytest.mark.skipif(
        not settings.REDIS_URL or "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="needs PostgreSQL and Redis (DATABASE_URL and REDIS_URL), as in CI",
    ),
]


def wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_chunk_is_redelivered_and_verify_passes(
    small_world: SmallWorld, tmp_path: Path
) -> None:
    call_command("rescore", "--all", verbosity=0)
    ids = sorted(lead.pk for lead in small_world.leads.values())
    # Stale without enqueueing anything: the only message will be the chunk sent below, so
    # the leads can only become fresh again if that very chunk is redelivered.
    Lead.objects.filter(pk__in=ids).update(jobs=4242, score_revision=F("score_revision") + 1)
    app.control.purge()
    pidfile = tmp_path / "chunk.pid"
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{host}:{port}/{connection.settings_dict['NAME']}"
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.recompute.slow_worker", str(pidfile)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        rescore_chunk.delay(ids)
        assert wait_for(pidfile.exists, 60), "a pool process started the chunk"
        os.kill(int(pidfile.read_text()), signal.SIGKILL)  # killed mid-chunk
        assert wait_for(lambda: stale_lead_ids() == [], 90), "the chunk was redelivered and done"
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    call_command("verify_scores", verbosity=0)
