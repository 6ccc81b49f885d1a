"""Edits at national scale end to end: PostgreSQL, a real Celery worker, the real write service.

    DEBUG=1 .venv/bin/python bench/bench_national_e2e.py --setup [--leads 10000000]
    DEBUG=1 .venv/bin/python bench/bench_national_e2e.py [--edits 20] [--skip-data-edit]

`--setup` (re)creates the PostgreSQL database (`--db`, default natedit_bench) with the
bench/synth.py world at national size (3,000 regions x 1,000 industries, 3 clusters of 10
industries and 6 endowments per region, generated from seed 7; nothing is real data) and
`--leads` generated leads (seed 11) with their stored scores, computed by the engine as the
worker would (compute_rows) and loaded by COPY. Indexes and foreign-key checks are switched
off during the load and built afterwards.

Then, with a Celery worker of 2 processes (a subprocess on Redis DB 7) sharing a World store
directory (WORLD_STORE_DIR, as web and worker containers do):

- region-level edits through regions.services.cluster_save (one member of one cluster of a
  random region replaced): time from the commit until every stored score of that region
  carries the region's new version (polled in the database), p50/p95 over --edits edits,
  after one warm-up edit (the worker's first World is built from the database: reported);
- one region-industry data edit (one employment cell changed and marked as the admin does:
  a new data version): time from the commit until every lead's stored score carries the new
  measures version, with the split the worker logs (world build, publish, map; per chunk
  read, score, write).

Needs PostgreSQL (127.0.0.1, user postgres) and Redis (127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.bench_rescore import stop, wait_ready  # noqa: E402  (the worker's start and stop)
from bench.synth import create_bench_database, load_leads, load_world, reuse_database  # noqa: E402

REDIS = "redis://127.0.0.1:6379/7"
N_REGIONS = 3000
N_INDUSTRIES = 1000
SCORE_BLOCK = 200_000
# Tables whose secondary indexes are dropped for the load and built after it.
LOADED_TABLES = ["projects_lead", "projects_lead_input_industries", "screening_leadscore"]


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="natedit_bench")
    parser.add_argument("--setup", action="store_true", help="(re)create and load the database")
    parser.add_argument("--leads", type=int, default=10_000_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--skip-data-edit", action="store_true")
    parser.add_argument("--skip-region-edits", action="store_true")
    parser.add_argument(
        "--data-edit-seconds",
        type=float,
        default=0.0,
        help="stop the data edit's rescore after this many seconds and extrapolate (0: wait)",
    )
    parser.add_argument("--setup-only", action="store_true", help="load the database and stop")
    args = parser.parse_args()
    url = create_bench_database(args.db) if args.setup else reuse_database(args.db)
    store = Path(tempfile.mkdtemp(prefix="natedit-world-store-"))
    os.environ.update(
        DATABASE_URL=url,
        REDIS_URL=REDIS,
        DJANGO_SETTINGS_MODULE="screening.config.settings",
        WORLD_STORE_DIR=str(store),
    )
    import django

    django.setup()
    print(uptime())
    if args.setup:
        setup(args.leads)
        print(uptime())
        if args.setup_only:
            return 0
    from projects.models import Lead

    leads = Lead.objects.count()
    print(f"database {args.db}: {leads:,} leads in {N_REGIONS:,} regions")
    from screening.models import ScoreRun

    # Runs an earlier, stopped bench left queued or running: their chunks are purged below,
    # and left as they are they would hold back the stale-score sweep of the data edit.
    ScoreRun.objects.filter(state__in=[ScoreRun.State.QUEUED, ScoreRun.State.RUNNING]).update(
        state=ScoreRun.State.FAILED, error="benchmark stopped; its queue was purged"
    )
    log = store / "worker.log"
    worker = start_worker(log)
    try:
        wait_ready()
        if not args.skip_region_edits:
            region_edits(args.edits, log)
            print(uptime())
        if not args.skip_data_edit:
            data_edit(leads, log, args.data_edit_seconds)
            print(uptime())
    finally:
        stop(worker)
        purge()  # chunks of a stopped data edit must not run in a later worker
        shutil.rmtree(store, ignore_errors=True)  # ~600 MB of World artifacts
    return 0


# --- setup ----------------------------------------------------------------------------------


def setup(n_leads: int) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SET synchronous_commit = off")
    t = time.perf_counter()
    load_world(N_REGIONS, N_INDUSTRIES)
    seconds = time.perf_counter() - t
    print(f"setup: world {N_REGIONS:,} x {N_INDUSTRIES:,} loaded in {seconds:.1f} s")
    indexes = _drop_indexes(LOADED_TABLES)
    _triggers(LOADED_TABLES, enable=False)
    try:
        t = time.perf_counter()
        load_leads(n_leads, N_REGIONS, N_INDUSTRIES)
        print(f"setup: {n_leads:,} leads loaded in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        _store_initial_scores(n_leads)
        print(f"setup: {n_leads:,} scores computed and loaded in {time.perf_counter() - t:.1f} s")
    finally:
        _triggers(LOADED_TABLES, enable=True)
        t = time.perf_counter()
        with connection.cursor() as cur:
            for statement in indexes:
                cur.execute(statement)
            cur.execute("ANALYZE")
        print(f"setup: {len(indexes)} indexes built in {time.perf_counter() - t:.1f} s")


def _drop_indexes(tables: list[str]) -> list[str]:
    """Drop the tables' indexes that back no constraint; returns their CREATE statements."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
            [tables],
        )
        rows = cur.fetchall()
        for name, _ in rows:
            cur.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in rows]


def _triggers(tables: list[str], *, enable: bool) -> None:
    """Foreign-key checks (system triggers) off for the load: the generated rows are consistent
    by construction, and checking 10 M rows one by one would dominate the load."""
    from django.db import connection

    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"ALTER TABLE {table} {'ENABLE' if enable else 'DISABLE'} TRIGGER ALL")


def _store_initial_scores(n_leads: int) -> None:
    """Every lead's score as the worker computes it, loaded by COPY (no history rows)."""
    from django.db import connection
    from django.utils import timezone

    from screening.selectors.batches import read_lead_rows
    from screening.services.scores import compute_rows
    from screening.world import current_world

    loaded = current_world()
    columns = ["lead_id", "region_id", "local_fit", "chain_completion", "cluster_strength",
               "strengthen", "pull", "total", "confidence", "profile_id", "lead_revision",
               "region_version", "measures_version"]  # fmt: skip
    now = timezone.now().isoformat()
    for start in range(1, n_leads + 1, SCORE_BLOCK):
        ids = list(range(start, min(start + SCORE_BLOCK, n_leads + 1)))
        frame = compute_rows(read_lead_rows(ids, loaded), loaded).frame()[columns]
        buffer = io.StringIO()
        frame.to_csv(buffer, header=False, index=False, sep="\t", na_rep="\\N")
        buffer.seek(0)
        with (
            connection.cursor() as cur,
            cur.cursor.copy(
                f"COPY screening_leadscore ({', '.join(columns)}, explanation, computed_at) "
                "FROM STDIN"
            ) as copy,
        ):
            for line in buffer:
                copy.write(f"{line.rstrip(chr(10))}\t{{}}\t{now}\n")


# --- the worker -----------------------------------------------------------------------------


def purge() -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "screening", "purge", "-f"],
        cwd=ROOT,
        env=os.environ.copy(),
        check=True,
        capture_output=True,
    )


def start_worker(log: Path) -> subprocess.Popen[bytes]:
    purge()
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "screening", "worker", "--concurrency=2",
         "--loglevel=INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=os.environ.copy(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )  # fmt: skip


# --- region-level edits ---------------------------------------------------------------------


def _edit_cluster(region_id: int, rng: np.random.Generator) -> None:
    """Replace one member of the region's first cluster, through the write service."""
    from regions.models import Cluster
    from regions.services import ClusterDraft, MemberDraft, cluster_save

    cluster = Cluster.objects.filter(region_id=region_id).order_by("pk").first()
    assert cluster is not None
    members = list(cluster.members.order_by("pk").values_list("industry_id", "role"))
    taken = {industry for industry, _ in members}
    fresh = int(rng.choice([i for i in range(1, N_INDUSTRIES + 1) if i not in taken]))
    members[int(rng.integers(0, len(members)))] = (fresh, "support")
    cluster_save(cluster, ClusterDraft(members=tuple(MemberDraft(i, r) for i, r in members)))


def _wait_region(region_id: int, affected: int, timeout: float = 600.0) -> None:
    from regions.models import Region
    from screening.models import LeadScore

    version = Region.objects.get(pk=region_id).score_version
    deadline = time.monotonic() + timeout
    while LeadScore.objects.filter(region_id=region_id, region_version=version).count() < affected:
        if time.monotonic() > deadline:
            raise RuntimeError(f"region {region_id}: scores not updated within {timeout:.0f} s")
        time.sleep(0.02)


def region_edits(edits: int, log: Path) -> None:
    from projects.models import Lead

    rng = np.random.default_rng(2026)
    regions = rng.choice(np.arange(2, N_REGIONS + 2), size=edits + 1, replace=False)
    delays, sizes = [], []
    for n, region in enumerate(int(r) for r in regions):
        affected = Lead.objects.filter(region_id=region).count()
        start = time.perf_counter()
        _edit_cluster(region, rng)  # commits (the service is atomic) and enqueues on commit
        committed = time.perf_counter()
        _wait_region(region, affected)
        delay = time.perf_counter() - committed
        if n == 0:
            print(f"region edit, warm-up (the worker's first World, built from the database): "
                  f"{delay:.2f} s after commit ({affected:,} leads; the save took "
                  f"{committed - start:.2f} s)")  # fmt: skip
            continue
        delays.append(delay)
        sizes.append(affected)
    ms = sorted(1e3 * d for d in delays)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"region edit (cluster_save), commit -> the region's stored scores all updated: "
          f"p50 {statistics.median(ms):,.0f} ms, p95 {p95:,.0f} ms, max {ms[-1]:,.0f} ms over "
          f"{len(ms)} edits ({statistics.mean(sizes):,.0f} leads a region on average)")  # fmt: skip
    print_split(log, since_mark=None, label="region edits, worker split (median over the edits)")


# --- a region-industry data edit ------------------------------------------------------------


def data_edit(n_leads: int, log: Path, limit: float) -> None:
    """One employment cell changed as the admin changes it; then every lead is rescored.
    Progress is read from the run's counters (a count over 10 M score rows every few seconds
    would load the database the worker writes to); when the run completes, the stored scores
    on the new version are counted once. With `limit` > 0 the run is stopped after that many
    seconds and the rate so far is reported (and the time for every lead extrapolated)."""
    from django.db import transaction
    from django.db.models import F

    from regions.models import RegionIndustry
    from screening import invalidation
    from screening.models import DataVersion, LeadScore, ScoreRun

    mark = log.stat().st_size if log.exists() else 0
    last_run = ScoreRun.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    start = time.perf_counter()
    with transaction.atomic():
        cell = RegionIndustry.objects.order_by("pk").first()
        assert cell is not None
        RegionIndustry.objects.filter(pk=cell.pk).update(employment=F("employment") + 100)
        invalidation.rows_written(RegionIndustry, [cell])
    committed = time.perf_counter()
    version = DataVersion.objects.get(pk=1).measures_version
    while (run := ScoreRun.objects.filter(pk__gt=last_run).order_by("pk").first()) is None:
        time.sleep(0.2)
    dispatched = time.perf_counter()
    print(f"data edit (one region-industry cell; a new data version): saved in "
          f"{committed - start:.2f} s; commit -> stale leads found and {run.total:,} queued in "
          f"chunks: {dispatched - committed:.1f} s")  # fmt: skip
    while run.done + run.failed < run.total:
        if limit and time.perf_counter() - dispatched > limit:
            break
        time.sleep(2)
        run.refresh_from_db()
    elapsed = time.perf_counter() - committed
    scored = run.done + run.failed
    if scored >= run.total:
        stored = LeadScore.objects.filter(measures_version=version).count()
        print(f"data edit, commit -> all {run.total:,} leads rescored: {elapsed:.1f} s "
              f"({run.failed:,} failed; {stored:,} of {n_leads:,} stored scores on the new "
              f"version)")  # fmt: skip
    else:
        working = time.perf_counter() - dispatched
        rate = scored / working if working > 0 else 0.0
        print(f"data edit, stopped after {elapsed:.0f} s: {scored:,} of {run.total:,} leads "
              f"rescored, {rate:,.0f} leads/s over the {working:.0f} s since queueing; at that "
              f"rate every lead would take {dispatched - committed + run.total / rate:,.0f} s "
              f"(extrapolated, not measured)")  # fmt: skip
    print_split(log, since_mark=mark, label="data edit, worker split (sum over chunks)", total=True)


# --- the worker's own timings ---------------------------------------------------------------

_WORLD = re.compile(r"timing world (build|publish|map): ([0-9.]+) s")
_RESCORE = re.compile(
    r"timing rescore: world ([0-9.]+) s, read ([0-9.]+) s, score ([0-9.]+) s, "
    r"write ([0-9.]+) s \((\d+) leads, (\d+) changed\)"
)


def print_split(log: Path, since_mark: int | None, label: str, total: bool = False) -> None:
    """The worker's own timing lines (screening logs them at INFO), as medians per step or, for
    the steps of every chunk, as sums (`total`)."""
    text = log.read_text(errors="replace")
    if since_mark is not None:
        text = text[since_mark:]
    steps: dict[str, list[float]] = {}
    for match in _WORLD.finditer(text):
        steps.setdefault(f"world {match.group(1)}", []).append(float(match.group(2)))
    for match in _RESCORE.finditer(text):
        for name, value in zip(["world", "read", "score", "write", "leads", "changed"],
                               match.groups(), strict=True):  # fmt: skip
            steps.setdefault(f"chunk {name}", []).append(float(value))
    parts = []
    for step, values in steps.items():
        if step in ("chunk leads", "chunk changed"):
            figure = f"{sum(values) if total else statistics.median(values):,.0f}"
        else:
            figure = f"{sum(values) if total else statistics.median(values):.3f} s"
        parts.append(f"{step} {figure} (x{len(values)})")
    print(f"{label}: {', '.join(parts) or 'no timing lines logged'}")


if __name__ == "__main__":
    sys.exit(main())
