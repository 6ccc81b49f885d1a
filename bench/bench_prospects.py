"""Prospect lists over a directory of 1,000,000 firms.

    DEBUG=1 .venv/bin/python bench/bench_prospects.py [--firms N] [--repeat K] [--setup]
                                                       [--skip-db] [--skip-everywhere]

Part 1, one region (PostgreSQL, database $BENCH_DB, default `xs_bench_prospects`): the
bench/synth.py world (300 regions x 1,000 industries, 3 clusters per region) and N generated
firms with ~0.3 N plants, loaded with COPY on the first run (or --setup), reused later. Times
`screening.selectors.prospects.prospects_for_region` — what the prospect page, the API and the
command call: every firm of the directory scored in the region by the engine, the best 50
kept, names, plants and leads read for those, the region's gaps named:
- cold: the first call in a fresh process, which reads the World and the directory;
- warm: with both in memory (a running server), best of --repeat, no filter (target <= 1 s),
  and with the "no plant in the province" and "only firms that fill a gap" filters.

Part 2, every region (in memory, no database): 3,000 regions x 1,000 industries
(bench_scoring.synthetic_world) and the same N firms; `best_firms_everywhere` finds the top
100 firms of every region. 20 regions are checked against scoring every firm there.

Prints the load average first (other jobs on the machine move the figures); exits 1 if the
warm one-region request exceeds 1 s or a checked region disagrees.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.synth import create_bench_database, load_world  # noqa: E402

TARGET_SECONDS = 1.0
N_REGIONS, N_INDUSTRIES = 300, 1000
COUNTRIES = ["CN"] * 8 + ["DE", "JP", "KR", "US", "FR", ""]


def firm_arrays(n: int, n_industries: int, seed: int = 5) -> dict[str, np.ndarray]:
    """N generated firms: industry (0-based), employees (NaN for 8%), country index."""
    rng = np.random.default_rng(seed)
    popularity = rng.lognormal(0, 1.0, n_industries)
    employees = np.round(rng.lognormal(5.5, 1.4, n)).astype(float)
    employees[rng.random(n) < 0.08] = np.nan
    return {
        "industry": rng.choice(n_industries, size=n, p=popularity / popularity.sum()),
        "employees": employees,
        "country": rng.integers(0, len(COUNTRIES), n),
        "plant": rng.random(n) < 0.3,
        "plant_region": rng.integers(0, N_REGIONS, n),
    }


def best_of(repeat: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


# --- Part 1: one region through the database ---------------------------------------------


def _copy(cursor: Any, table: str, columns: list[str], rows: io.StringIO) -> None:
    rows.seek(0)
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := rows.read(1 << 20):
            copy.write(data)


def load_firms(n: int) -> None:
    """N firms (ids 1..N, industry ids 1..1000) and their plants (region ids 2..301)."""
    from django.db import connection

    firms = firm_arrays(n, N_INDUSTRIES)
    with connection.cursor() as cursor:
        buf = io.StringIO()
        null = "\\N"
        for i in range(n):
            emp = firms["employees"][i]
            size = null if np.isnan(emp) else str(int(emp))
            buf.write(
                f"{i + 1}\tF{i + 1:07d}\t企业{i + 1}\t\t{firms['industry'][i] + 1}\t\t"
                f"{COUNTRIES[firms['country'][i]]}\t{size}\t{null}\tf\tgenerated (bench)\n"
            )
        columns = ["id", "code", "name", "name_en", "industry_id", "hq_region", "country"]
        columns += ["employees", "revenue", "listed", "source"]
        _copy(cursor, "regions_firm", columns, buf)
        buf = io.StringIO()
        for row in np.flatnonzero(firms["plant"]).tolist():
            region = int(firms["plant_region"][row]) + 2
            industry = int(firms["industry"][row]) + 1
            buf.write(f"{row + 1}\t{region}\t{industry}\t\\N\tgenerated (bench)\n")
        columns = ["firm_id", "region_id", "industry_id", "employees", "source"]
        _copy(cursor, "regions_plant", columns, buf)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('regions_firm', 'id'), "
            "(SELECT MAX(id) FROM regions_firm))"
        )
        cursor.execute("ANALYZE")


def setup_database(name: str, n: int) -> None:
    create_bench_database(name)
    import django

    django.setup()
    start = time.perf_counter()
    load_world(N_REGIONS, N_INDUSTRIES)
    load_firms(n)
    print(f"loaded the world and {n:,} firms in {time.perf_counter() - start:.1f} s")


def _ready(n: int) -> bool:
    """Whether the database holds this benchmark's data already (a cheap look)."""
    from django.db import connection
    from django.db.utils import DatabaseError

    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM regions_firm")
            return bool(cursor.fetchone()[0] == n)
    except DatabaseError:
        return False


def one_region(repeat: int) -> bool:
    from regions.models import Region
    from screening.selectors.prospects import Presence, ProspectFilters, prospects_for_region

    region = Region.objects.get(code="R0002")
    start = time.perf_counter()
    found = prospects_for_region(region, ProspectFilters(), limit=50)
    cold = time.perf_counter() - start
    print(f"cold (reads the World and {found.matched:,} firms): {cold:.2f} s")
    warm, found = best_of(repeat, lambda: prospects_for_region(region, ProspectFilters()))
    print(f"warm, no filter, best 50 of {found.matched:,} firms: {warm * 1e3:.0f} ms "
          f"(target <= {TARGET_SECONDS * 1e3:.0f} ms)")  # fmt: skip
    cases: list[tuple[str, ProspectFilters]] = [
        ("no plant in the province", ProspectFilters(presence=Presence.ABSENT)),
        ("only firms that fill a gap", ProspectFilters(gaps_only=True)),
    ]
    for label, filters in cases:
        seconds, found = best_of(repeat, partial(prospects_for_region, region, filters))
        print(f"warm, {label} ({found.matched:,} firms): {seconds * 1e3:.0f} ms")
    return warm <= TARGET_SECONDS


# --- Part 2: every region, in memory -----------------------------------------------------


def every_region(n: int, limit: int = 100, checked: int = 20) -> bool:
    import django

    django.setup()  # the selectors import models; no database is read here
    from bench.bench_scoring import synthetic_world
    from screening.scoring import build_world
    from screening.selectors.prospects import RegionProfile, score_firms
    from screening.selectors.prospects_everywhere import best_firms_everywhere

    start = time.perf_counter()
    world = build_world(synthetic_world(3000, N_INDUSTRIES, seed=2))
    print(f"build_world 3,000 x 1,000 (once per data version): {time.perf_counter() - start:.1f} s")
    firms = firm_arrays(n, N_INDUSTRIES)
    industries, employees = firms["industry"].astype(np.int64), firms["employees"]
    firm_ids = np.arange(1, n + 1, dtype=np.int64)
    # Each region its own profile: the balanced weights and a share of anchor pull of its own
    # (the fast path must hold under any profile, as rescoring each region under its own).
    shares = np.random.default_rng(4).uniform(0.0, 1.0, world.n_regions)
    profiles = [RegionProfile(np.array([0.4, 0.3, 0.3]), float(m)) for m in shares]
    best: dict[int, np.ndarray] = {}

    def keep(region: int, rows: np.ndarray, _scores: Any) -> None:
        best[region] = rows

    start = time.perf_counter()
    best_firms_everywhere(world, industries, employees, firm_ids, profiles, limit, keep)
    seconds = time.perf_counter() - start
    print(f"every region's top {limit} of {n:,} firms, {world.n_regions:,} regions: "
          f"{seconds:.1f} s ({seconds / world.n_regions * 1e3:.1f} ms a region)")  # fmt: skip
    rng = np.random.default_rng(3)
    agree = True
    for region in rng.choice(world.n_regions, size=checked, replace=False):
        scores = score_firms(world, int(region), industries, employees, profiles[int(region)])
        order = np.lexsort((firm_ids, -np.nan_to_num(employees, nan=-1.0), -scores.total))
        agree &= bool(np.array_equal(order[:limit], best[int(region)]))
    print(f"{checked} regions checked against scoring every firm: {'same' if agree else 'DIFFER'}")
    return agree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--firms", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--setup", action="store_true", help="rebuild the database")
    parser.add_argument("--skip-db", action="store_true", help="only the in-memory part")
    parser.add_argument("--skip-everywhere", action="store_true", help="only the database part")
    args = parser.parse_args()
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    ok = True
    if not args.skip_db:
        ok &= _database_part(args)
    if not args.skip_everywhere:
        print("== every region (in memory)")
        ok &= every_region(args.firms)
    return 0 if ok else 1


def _database_part(args: argparse.Namespace) -> bool:
    name = os.environ.get("BENCH_DB", "xs_bench_prospects")
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    if subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"], check=False).returncode != 0:
        print("PostgreSQL is not answering on 127.0.0.1: skipping the one-region part.")
        return True
    import django

    django.setup()
    print(f"== one region (PostgreSQL database {name})")
    if args.setup or not _ready(args.firms):
        from django.db import connections

        connections.close_all()
        setup_database(name, args.firms)
    return one_region(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
