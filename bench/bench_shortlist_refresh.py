"""The first manager request after 1,000 score changes, at 1,000,000 scored leads (issue 17).

    DEBUG=1 .venv/bin/python bench/bench_shortlist_refresh.py [--leads 1000000] [--rounds 20]
        [--changes 1000] [--setup]

Needs PostgreSQL (127.0.0.1, user postgres). The first run (or --setup) builds its own database
`xs_scale_bench` (BENCH_DB to change it): the bench/synth.py world (300 regions x 1,000
industries) and N leads; their stored scores are GENERATED in one SQL statement (random
sub-scores, labelled by the leads' source "generated"), not computed: this measures how the
shortlist's copy follows changes, not scoring, and keeps the setup to about a minute. Later runs
reuse it.

The process is set up as gunicorn's is (screening.config.wsgi: django.setup(), gc.freeze()).
Each round rescoring `--changes` random leads with the real engine (rescore_leads: what a
Celery worker does after an edit; untimed), then times the first manager request of the
shortlist page (the htmx what-if request through Django, as bench_shortlist.py sends it) and,
separately, the refresh of the copy alone; then the same request with nothing changed (what
the page costs anyway, on this machine at this load). Prints p50 / p95 / max (wall time, and
the process's CPU time of the requests, which the load does not change), and for
comparison one full reload of the copy (what every first request after a change cost before).
Exits 1 if the p95 of the first request is above 300 ms.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.bench_shortlist import _page_request, _province_id, _summary  # noqa: E402
from bench.synth import create_bench_database, load_leads, load_world  # noqa: E402

DB_NAME = os.environ.get("BENCH_DB", "xs_scale_bench")
TARGET_SECONDS = 0.300


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--setup", action="store_true", help="rebuild the database")
    args = parser.parse_args()
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{DB_NAME}"
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    if args.setup or not _ready(args.leads):
        create_bench_database(DB_NAME)
        _setup(args.leads)
    # The process as gunicorn starts it: django.setup(), then gc.freeze() (wsgi.py).
    from screening.config import wsgi  # noqa: F401

    code = measure(args.leads, args.rounds, args.changes)
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return code


def _ready(n_leads: int) -> bool:
    import psycopg

    try:
        with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
            row = conn.execute("SELECT count(*) FROM screening_leadscore").fetchone()
    except psycopg.Error:
        return False
    return row is not None and row[0] == n_leads


def _setup(n_leads: int) -> None:
    import django

    django.setup()
    from django.db import connection

    start = time.perf_counter()
    load_world()
    load_leads(n_leads)
    with connection.cursor() as cursor:
        # Generated scores (not the engine's): random sub-scores 0-100, stamped with today's
        # versions so that nothing counts as stale.
        cursor.execute(
            "INSERT INTO screening_leadscore (lead_id, region_id, local_fit, chain_completion, "
            "cluster_strength, strengthen, pull, total, confidence, explanation, profile_id, "
            "lead_revision, region_version, measures_version, computed_at) "
            "SELECT l.id, l.region_id, lf, cc, cs, cs, cs, (lf + cc + cs) / 3, 0.8, '{}'::jsonb, "
            "(SELECT id FROM screening_scoringprofile WHERE is_active AND region_id IS NULL "
            "ORDER BY id LIMIT 1), l.score_revision, 1, "
            "(SELECT measures_version FROM screening_dataversion WHERE id = 1), now() "
            "FROM (SELECT id, region_id, score_revision, 100 * random() AS lf, "
            "100 * random() AS cc, 100 * random() AS cs FROM projects_lead) AS l"
        )
        cursor.execute("VACUUM ANALYZE screening_leadscore")
    print(f"setup: world, {n_leads:,} leads, generated scores: {time.perf_counter() - start:.0f} s")


def measure(n_leads: int, rounds: int, changes: int) -> int:
    from screening.models import LeadScore
    from screening.services.scores import rescore_leads
    from shortlists import ranking

    rng = np.random.default_rng(5)
    request = _page_request(_province_id(), "any")
    ranking.forget_cache()
    start = time.perf_counter()
    ranking.score_table()
    full = time.perf_counter() - start
    request(-1)  # a warm process: templates, translations, the World for the bands
    rescore_leads((rng.choice(n_leads, 10, replace=False) + 1).tolist())  # the World, built once
    print(f"{n_leads:,} scored leads; {changes:,} score changes before each first request")
    print(
        f"full    read of the copy (each first request after a change, before): {1e3 * full:.0f} ms"
    )

    def change() -> None:
        """`changes` leads get a new stored score through the real write path."""
        ids = (rng.choice(n_leads, changes, replace=False) + 1).tolist()
        # Their stored scores made wrong first (an earlier run may have rescored them already,
        # and an unchanged score writes nothing): the rescore then writes every one.
        LeadScore.objects.filter(lead_id__in=ids).update(local_fit=-1.0)
        assert rescore_leads(ids).changed == changes

    first, refresh, first_cpu = [], [], []
    for run in range(rounds):
        change()
        start, cpu = time.perf_counter(), time.process_time()
        request(run)
        first.append(time.perf_counter() - start)
        first_cpu.append(time.process_time() - cpu)
        change()  # the refresh alone, on the next batch of changes
        start = time.perf_counter()
        table = ranking.score_table()
        refresh.append(time.perf_counter() - start)
        assert table.size == n_leads
    # The same request with nothing changed since the last one: what the page costs anyway.
    warm, warm_cpu = [0.0] * rounds, [0.0] * rounds
    for run in range(rounds):
        start, cpu = time.perf_counter(), time.process_time()
        request(run)
        warm[run] = time.perf_counter() - start
        warm_cpu[run] = time.process_time() - cpu
    print(_summary("refresh", refresh) + f"  the copy after {changes:,} changes")
    print(_summary("warm", warm) + "  the same request, no change since the last one")
    print(_summary("first", first) + f"  first manager request after {changes:,} changes")
    # CPU seconds of this process (the database's share not included): what the load average
    # does not change, for comparing runs made under different loads.
    print(_summary("cpu warm", warm_cpu) + "  CPU time of the warm requests")
    print(_summary("cpu 1st", first_cpu) + "  CPU time of the first requests")
    ordered = sorted(first)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    ok = p95 <= TARGET_SECONDS
    print(
        f"target: first request p95 <= {1000 * TARGET_SECONDS:.0f} ms: {'ok' if ok else 'MISSED'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
