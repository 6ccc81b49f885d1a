"""The inbox and the lead page over 1,000,000 leads, through Django (server time, in process).

    .venv/bin/python bench/bench_views.py [--leads 1000000] [--runs 50] [--setup]

Needs PostgreSQL (127.0.0.1, user postgres). Uses its own database `xs_bench_views`: reused
when it holds N scored leads, else a copy of bench_shortlist's database, else built the same
way (bench/synth.py world, N leads, scores computed in bulk by the engine).

Runs with DEBUG off (as in production) through the Django test client, signed in as a
manager and as an officer of the city with most leads, and prints p50 / p95 / max of:
- `inbox-mgr`: the manager's inbox, two filters (status, stage), sorted by total;
- `inbox-off`: the officer's inbox, two filters, sorted by local fit;
- `inbox-p5`: the officer's fifth page ("has next page" paging, no COUNT);
- `detail`: the lead page of a different lead of the officer's city each run;
- `elsewhere`: the lazily loaded "where else would this fit" part of that page.
Then the SQL of one inbox request with its time. Exits 1 if an inbox or detail p95 is above
150 ms. Other work on the machine moves the figures; the load average is printed first.

Measured on the 2-core development machine, load average ~8 from other work, 40 requests each:
inbox-mgr p95 127 ms, inbox-off 129 ms, inbox-p5 64 ms, detail 93 ms, elsewhere 94 ms.
What keeps them there: sorted by a score the inbox inner-joins the scores, so PostgreSQL walks
the score index and stops after 51 rows (an outer join sorted every match: 1.3 s); the filter
lists of a thousand industries and clusters are read as tuples and rendered by one tag; the
same-company warning (a lookup across all leads; Lead.company has no index yet) and "where
else" are loaded after the lead page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DB_NAME = "xs_bench_views"
P95_TARGET_MS = 150.0
CHECKED = ("inbox-mgr", "inbox-off", "inbox-p5", "detail")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--setup", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{DB_NAME}"
    from bench import bench_api

    bench_api.DB_NAME = DB_NAME  # the same preparation, into this benchmark's own database
    bench_api.prepare_database(args.leads, rebuild=args.setup)
    production_like_settings()
    import django
    from django.core.management import call_command

    django.setup()
    # DEBUG off renders hashed static names from the manifest, which collectstatic writes.
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"load average: {os.getloadavg()[0]:.1f} (2 cores here; other work moves figures)")
    return measure(args.runs)


def production_like_settings() -> None:
    """DEBUG off, as served; plain HTTP for the in-process test client."""
    os.environ.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "bench-views-not-secret",
            "ALLOWED_HOSTS": "testserver",
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "STATIC_ROOT": os.path.join(tempfile.gettempdir(), "xuanshang-bench-static"),
        }
    )


def clients() -> tuple[object, object, list[int]]:
    """Signed-in manager and officer clients, and some lead ids of the officer's city."""
    from django.contrib.auth.models import User
    from django.test import Client

    from bench.bench_api import personas
    from projects.models import Lead

    _, region_id = personas()
    manager, officer = Client(), Client()
    manager.force_login(User.objects.get(username="bench-api-manager"))
    officer.force_login(User.objects.get(username="bench-api-officer"))
    ids = list(
        Lead.objects.filter(region_id=region_id).order_by("?").values_list("pk", flat=True)[:500]
    )
    return manager, officer, ids


def timed(request: Callable[[int], object], runs: int) -> list[float]:
    for run in range(3):  # warm caches (templates, the scoring world, connections)
        request(run)
    times = []
    for run in range(runs):
        start = time.perf_counter()
        request(run)
        times.append(time.perf_counter() - start)
    return times


def summary(name: str, times: list[float]) -> tuple[str, float]:
    ms = sorted(1000 * t for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return (
        f"{name:<10} p50 {statistics.median(ms):6.1f} ms  p95 {p95:6.1f} ms  "
        f"max {ms[-1]:6.1f} ms  ({len(ms)} requests)"
    ), p95


def get(client: object, path: str) -> None:
    response = client.get(path)  # type: ignore[attr-defined]
    assert response.status_code == 200, (path, response.status_code, response.content[:300])


def measure(runs: int) -> int:
    manager, officer, ids = clients()
    scenarios: dict[str, Callable[[int], object]] = {
        "inbox-mgr": lambda _: get(manager, "/?status=active&stage=lead&sort=total"),
        "inbox-off": lambda _: get(officer, "/?status=active&stage=lead&sort=local_fit"),
        "inbox-p5": lambda _: get(officer, "/?status=active&stage=lead&sort=total&page=5"),
        "detail": lambda run: get(officer, f"/leads/{ids[run % len(ids)]}/"),
        "elsewhere": lambda run: get(officer, f"/leads/{ids[run % len(ids)]}/elsewhere/"),
    }
    failed = []
    for name, request in scenarios.items():
        line, p95 = summary(name, timed(request, runs))
        print(line)
        if name in CHECKED and p95 > P95_TARGET_MS:
            failed.append(name)
    print_queries(officer)
    if failed:
        print(f"MISSED the {P95_TARGET_MS:.0f} ms p95 target: {', '.join(failed)}")
        return 1
    print(f"all inbox and lead-page p95 within {P95_TARGET_MS:.0f} ms")
    return 0


def print_queries(officer: object) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        get(officer, "/?status=active&stage=lead&sort=local_fit")
    print(f"one officer inbox request: {len(queries)} queries")
    for q in queries.captured_queries:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:140]}")


if __name__ == "__main__":
    sys.exit(main())
