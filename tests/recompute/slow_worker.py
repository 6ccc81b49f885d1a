"""A Celery worker whose first chunk stalls, so a test can kill it mid-chunk.

Run as `python -m tests.recompute.slow_worker PIDFILE`: the pool process that starts a chunk
writes its pid to PIDFILE and sleeps (only the first time: the file exists afterwards), then
computes as usual. Production code has no test hooks; the patch lives here.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported for real only after django.setup() in main()
    from screening.services.scores import RescoreResult


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
    django.setup()
    from screening import tasks
    from screening.config.celery import app

    pidfile = Path(sys.argv[1])
    real = tasks.rescore_leads_service

    def stalling(lead_ids: Sequence[int]) -> RescoreResult:
        if not pidfile.exists():
            pidfile.write_text(str(os.getpid()))
            time.sleep(120)  # the test kills this process long before
        return real(lead_ids)

    tasks.rescore_leads_service = stalling
    app.worker_main(
        [
            "worker",
            "--pool=prefork",
            "--concurrency=1",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
    )


if __name__ == "__main__":
    main()
