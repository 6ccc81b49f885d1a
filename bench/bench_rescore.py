"""Full rescore of N leads on PostgreSQL (300 regions × 1,000 industries), and cluster edits.

Prints: the read / compute / write split of a serial rescore, the write against a raw COPY of
the same rows, the end-to-end time with a Celery worker of 2 processes, and the delay from a
cluster edit's commit until the affected leads' stored scores are updated (p50/p95 over 20
edits, hot region holding 1% of the leads).

    DEBUG=1 .venv/bin/python bench/bench_rescore.py [--leads 1000000] [--edits 20]

Needs PostgreSQL (127.0.0.1, user postgres) and Redis (127.0.0.1:6379; DB 12 is used).
It creates and drops its own database `xs_bench_rescore`.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    from django.db.backends.base.base import BaseDatabaseWrapper

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.synth import create_bench_database, load_leads, load_world, reuse_database  # noqa: E402

REDIS = "redis://127.0.0.1:6379/12"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=1_000_000)
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument(
        "--serial-only", action="store_true", help="only the serial split and the COPY comparison"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="keep xs_bench_rescore from an earlier run (migrated)"
    )
    args = parser.parse_args()
    url = (
        reuse_database("xs_bench_rescore")
        if args.reuse
        else create_bench_database("xs_bench_rescore")
    )
    os.environ.update(
        DATABASE_URL=url, REDIS_URL=REDIS, DJANGO_SETTINGS_MODULE="screening.config.settings"
    )
    import django

    django.setup()
    t = time.perf_counter()
    if not args.reuse:
        load_world()
        load_leads(args.leads, hot_share=0.01)
    print(f"setup: world + {args.leads:,} leads loaded in {time.perf_counter() - t:.1f} s")
    serial_split(args.leads)
    if not args.serial_only:
        end_to_end(args.leads)
        cluster_edits(args.edits)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")


def serial_split(n: int) -> None:
    from django.conf import settings
    from django.db import connection, transaction

    from screening.selectors.batches import read_lead_rows
    from screening.services.score_store import store_scores
    from screening.services.scores import compute_rows
    from screening.world import current_world

    _truncate_scores()
    t = time.perf_counter()
    loaded = current_world()
    world_s = time.perf_counter() - t
    ids = list(range(1, n + 1))
    read_s = compute_s = write_s = 0.0
    frames = []
    for start in range(0, n, settings.SCORE_CHUNK_SIZE):
        chunk = ids[start : start + settings.SCORE_CHUNK_SIZE]
        t = time.perf_counter()
        rows = read_lead_rows(chunk, loaded)
        read_s += time.perf_counter() - t
        t = time.perf_counter()
        computed = compute_rows(rows, loaded)
        compute_s += time.perf_counter() - t
        t = time.perf_counter()
        with transaction.atomic():
            store_scores(computed, explain=None)
        write_s += time.perf_counter() - t
        frames.append(computed.frame())
    total = world_s + read_s + compute_s + write_s
    print(
        f"serial rescore of {n:,} leads (1 process): {total:.1f} s = world {world_s:.1f} + "
        f"read {read_s:.1f} + compute {compute_s:.1f} + write {write_s:.1f} "
        f"(write includes the stored-score comparison and the history rows)"
    )
    both_s = raw_copy_score_and_history(frames, connection)
    print(
        f"raw COPY of the same rows the write stores ({n:,} score rows and {n:,} history rows) "
        f"into empty copies of both tables with their indexes: {both_s:.1f} s; "
        f"write / that = {write_s / both_s:.2f}x"
    )
    raw_indexed_s = raw_copy(frames, connection, indexed=True)
    print(
        f"raw COPY of the same {n:,} score rows into an empty copy of the score table with its "
        f"indexes: {raw_indexed_s:.1f} s; write / that = {write_s / raw_indexed_s:.2f}x "
        "(the write also stores a history row per changed score)"
    )
    raw_s = raw_copy(frames, connection, indexed=False)
    print(
        f"raw COPY of the same {n:,} score rows into a bare table: {raw_s:.1f} s; "
        f"write / raw COPY = {write_s / raw_s:.2f}x"
    )


def raw_copy(
    frames: list[pd.DataFrame], connection: BaseDatabaseWrapper, *, indexed: bool
) -> float:
    """COPY the same rows (score values, stamps, '{}' explanation) into a bare table, or with
    `indexed` into an empty table shaped like the score table with all its indexes."""
    from django.db import transaction

    columns = [
        "lead_id",
        "region_id",
        "local_fit",
        "chain_completion",
        "cluster_strength",
        "strengthen",
        "pull",
        "total",
        "confidence",
        "profile_id",
        "lead_revision",
        "region_version",
        "measures_version",
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_scores")
        if indexed:
            cursor.execute("CREATE TABLE bench_raw_scores (LIKE screening_leadscore INCLUDING ALL)")
        else:
            cursor.execute(
                "CREATE TABLE bench_raw_scores (lead_id bigint, region_id bigint, "
                "local_fit float8, chain_completion float8, cluster_strength float8, "
                "strengthen float8, pull float8, total float8, confidence float8, "
                "profile_id bigint, lead_revision int, "
                "region_version int, measures_version int, explanation jsonb, "
                "computed_at timestamptz)"
            )
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for frame in frames:
            buffer = io.StringIO()
            frame[columns].assign(explanation="{}", computed_at="2026-01-01 00:00:00+00").to_csv(
                buffer, header=False, index=False
            )
            buffer.seek(0)
            with cursor.cursor.copy(
                f"COPY bench_raw_scores ({', '.join(columns)}, explanation, computed_at) "
                "FROM STDIN WITH (FORMAT csv)"
            ) as copy:
                copy.write(buffer.getvalue())
    return time.perf_counter() - t


def raw_copy_score_and_history(
    frames: list[pd.DataFrame], connection: BaseDatabaseWrapper
) -> float:
    """COPY score rows and history rows into empty, indexed copies of both tables."""
    from django.db import transaction

    score_cols = [
        "lead_id",
        "region_id",
        "local_fit",
        "chain_completion",
        "cluster_strength",
        "strengthen",
        "pull",
        "total",
        "confidence",
        "profile_id",
        "lead_revision",
        "region_version",
        "measures_version",
    ]
    history_cols = [
        "lead_id",
        "local_fit",
        "chain_completion",
        "cluster_strength",
        "strengthen",
        "pull",
        "total",
        "confidence",
        "profile_id",
        "measures_version",
    ]
    with connection.cursor() as cursor:
        for table, like in [
            ("bench_raw_scores", "screening_leadscore"),
            ("bench_raw_history", "screening_scorehistory"),
        ]:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TABLE {table} (LIKE {like} INCLUDING ALL)")
    t = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for frame in frames:
            for table, columns, extra in [
                ("bench_raw_scores", score_cols, {"explanation": "{}"}),
                ("bench_raw_history", history_cols, {}),
            ]:
                buffer = io.StringIO()
                frame[columns].assign(**extra, computed_at="2026-01-01 00:00:00+00").to_csv(
                    buffer, header=False, index=False
                )
                names = ", ".join([*columns, *extra, "computed_at"])
                with cursor.cursor.copy(
                    f"COPY {table} ({names}) FROM STDIN WITH (FORMAT csv)"
                ) as copy:
                    copy.write(buffer.getvalue())
    return time.perf_counter() - t


def _truncate_scores() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE screening_leadscore, screening_scorehistory, screening_scorerun")


def start_worker() -> subprocess.Popen[bytes]:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "screening", "purge", "-f"],
        cwd=ROOT,
        env=os.environ.copy(),
        check=True,
        capture_output=True,
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "screening",
            "worker",
            "--concurrency=2",
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )


def wait_ready() -> None:
    """Block until the worker answers a ping, so its start-up is not timed."""
    from screening.config.celery import app

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1.0):
            return
    raise RuntimeError("the Celery worker did not start within 120 s")


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()


def end_to_end(n: int) -> None:
    from screening.models import ScoreRun
    from screening.tasks import dispatch

    _truncate_scores()
    worker = start_worker()
    try:
        wait_ready()
        t = time.perf_counter()
        run = dispatch(list(range(1, n + 1)), reason="benchmark")
        assert run is not None
        while True:
            run.refresh_from_db()
            if run.state in (ScoreRun.State.DONE, ScoreRun.State.FAILED):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - t
        print(
            f"end-to-end rescore of {n:,} leads with a 2-process Celery worker: {elapsed:.1f} s "
            f"({run.done:,} done, {run.failed:,} failed, {run.changed:,} written)"
        )
    finally:
        stop(worker)


def cluster_edits(edits: int) -> None:
    from django.db import transaction

    from projects.models import Lead
    from regions.models import Cluster, ClusterIndustry, Region
    from screening import invalidation
    from screening.models import LeadScore

    hot = Region.objects.get(pk=2)
    affected = Lead.objects.filter(region=hot).count()
    total = Lead.objects.count()
    cluster = Cluster.objects.filter(region=hot).first()
    assert cluster is not None
    worker = start_worker()
    delays = []
    try:
        wait_ready()
        for _ in range(edits):
            with transaction.atomic():
                member = ClusterIndustry.objects.filter(cluster=cluster).order_by("pk").first()
                assert member is not None
                member.role = "support" if member.role == "core" else "core"
                member.save()
                invalidation.rows_written(ClusterIndustry, [member])
            committed = time.perf_counter()
            version = Region.objects.get(pk=hot.pk).score_version
            while LeadScore.objects.filter(region=hot, region_version=version).count() < affected:
                time.sleep(0.02)
            delays.append(time.perf_counter() - committed)
    finally:
        stop(worker)
    d = np.array(delays)
    print(
        f"cluster edit affecting {affected:,} of {total:,} leads ({affected / total:.1%}): "
        f"stored scores updated after commit in p50 {np.percentile(d, 50):.2f} s, "
        f"p95 {np.percentile(d, 95):.2f} s, max {d.max():.2f} s over {len(d)} edits"
    )


if __name__ == "__main__":
    main()
