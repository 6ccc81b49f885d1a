"""`manage.py calibrate` on 100,000 decided leads (PostgreSQL): read, backtest, write the files.

Builds a province of 16 cities with `--leads` decided leads whose decision sub-scores are drawn
uniformly and whose outcomes come from known weights (as tests/outcomes do), then times the
whole command `--repeat` times and its parts once: reading the decided leads
(screening.selectors.outcomes), the backtest (AUC with DeLong intervals for 6 scores, 5
forward folds and the final fit, reliability), and writing calibration.json/.csv.
Exits 1 if the median command exceeds 10 s.

    DEBUG=1 .venv/bin/python bench/bench_calibrate.py [--leads 100000] [--repeat 3]
        [--database xs_outcomes_bench] [--reuse]

Needs PostgreSQL (127.0.0.1, user postgres); it drops and creates the database it is given.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.synth import create_bench_database, reuse_database  # noqa: E402

TARGET_SECONDS = 10.0
KNOWN = np.array([4.0, 2.5, 1.2, 0.0])  # per 100 points: local fit, chain, strengthen, pull


def load_decided(n: int, seed: int = 5) -> None:
    """n decided leads in 16 cities with decision scores and generated outcomes (COPY)."""
    from django.db import connection
    from django.utils import timezone

    from projects.models import Lead
    from regions.models import Industry, Region
    from screening.models import LeadDecision
    from screening.scoring import predict
    from screening.selectors.profiles import ensure_default_profile

    rng = np.random.default_rng(seed)
    province = Region.objects.create(code="P", name="省", level="province")
    cities = Region.objects.bulk_create(
        Region(code=f"C{k:02d}", name=f"市{k}", level="city", parent=province) for k in range(16)
    )
    industry = Industry.objects.create(code="I1", name="产业")
    profile = ensure_default_profile()
    parts = rng.uniform(0, 100, size=(n, 4))
    won = rng.random(n) < predict(parts / 100, -3.0, KNOWN)
    city = rng.integers(0, 16, size=n)
    received = rng.integers(0, 1000, size=n)
    start, now = dt.date(2023, 1, 1), timezone.now().isoformat()
    leads = io.StringIO()
    for i in range(n):
        stage, status, reason = ("signed", "active", "") if won[i] else ("contact", "lost", "x")
        day = (start + dt.timedelta(days=int(received[i]))).isoformat()
        leads.write(
            f"B{i:07d}\t公司{i}\t{industry.pk}\t{cities[city[i]].pk}\t{day}\t{stage}\t{status}\t"
            f"{reason}\t[]\t{now}\t{now}\n"
        )
    columns = [
        "external_id", "company", "industry_id", "region_id", "received_on", "stage", "status",
        "status_reason", "needs", "created_at", "updated_at",
    ]  # fmt: skip
    extra: dict[str, str | int] = {
        "investor_origin": "", "investor_type": "", "products": "", "currency": "CNY",
        "source": "bench", "lost_to": "", "score_revision": 1,
    }  # fmt: skip
    with connection.cursor() as cursor:
        for name, value in extra.items():
            cursor.execute(
                f"ALTER TABLE {Lead._meta.db_table} ALTER COLUMN {name} SET DEFAULT %s", [value]
            )
        _copy(cursor, Lead._meta.db_table, columns, leads)
        ids = dict(Lead.objects.values_list("external_id", "pk"))
        decisions = io.StringIO()
        for i in range(n):
            lf, cc, st, pu = parts[i]
            decisions.write(
                f"{ids[f'B{i:07d}']}\t{'won' if won[i] else 'lost'}\tsigned\tactive\t{now}\t"
                f"{lf}\t{cc}\t{(st + pu) / 2}\t{st}\t{pu}\t{parts[i].mean()}\t0.9\t{profile.pk}\n"
            )
        _copy(
            cursor,
            LeadDecision._meta.db_table,
            [
                "lead_id",
                "outcome",
                "stage",
                "status",
                "decided_at",
                "local_fit",
                "chain_completion",
                "cluster_strength",
                "strengthen",
                "pull",
                "total",
                "confidence",
                "profile_id",
            ],
            decisions,
        )


def _copy(cursor: object, table: str, columns: list[str], rows: io.StringIO) -> None:
    rows.seek(0)
    raw = cursor.cursor  # type: ignore[attr-defined]
    with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := rows.read(1 << 20):
            copy.write(data)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--database", default="xs_outcomes_bench")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    url = reuse_database(args.database) if args.reuse else create_bench_database(args.database)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="screening.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from screening.scoring import backtest
    from screening.selectors.outcomes import decided_leads
    from screening.services.calibration import _backtest_input

    if not args.reuse:
        started = time.perf_counter()
        load_decided(args.leads)
        print(f"loaded {args.leads:,} decided leads in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    decided = decided_leads()
    read = time.perf_counter() - started
    started = time.perf_counter()
    result = backtest(_backtest_input(decided.frame, decided.part_names))
    fit = time.perf_counter() - started
    print(f"  read decided leads            {read:6.2f} s   ({len(decided.frame):,} rows)")
    print(f"  backtest (AUCs, folds, fit)   {fit:6.2f} s")
    weights = ", ".join(f"{k} {v:.3f}" for k, v in result["weights"].items())  # type: ignore[attr-defined]
    print(f"  fitted weights: {weights}")
    times = []
    with tempfile.TemporaryDirectory() as out:
        for _ in range(args.repeat):
            started = time.perf_counter()
            call_command("calibrate", "--out", out, stdout=io.StringIO())
            times.append(time.perf_counter() - started)
    median = statistics.median(times)
    print(
        f"  calibrate command, {args.leads:,} leads: best {min(times):.2f} s, median {median:.2f} s"
        f" (target <= {TARGET_SECONDS:.0f} s)"
    )
    sys.exit(0 if median <= TARGET_SECONDS else 1)


if __name__ == "__main__":
    main()
