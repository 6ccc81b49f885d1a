"""A synthetic world for benchmarks, reproducible from a seed, loaded with COPY.

300 regions × 1,000 industries (or any size), sparse employment with a few specialisations
per region, chain links, three clusters per region, a few endowments, and N leads.
Everything here is generated (nothing is real data); it exists to time the product.

Usage from a benchmark (DATABASE_URL must point at PostgreSQL):
    from bench.synth import create_bench_database, load_world, load_leads
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from django.db.backends.utils import CursorWrapper

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
os.environ.setdefault("DEBUG", "1")

FACTORS = ["port", "industrial_land_ha", "rail_hub", "airport", "universities", "cheap_power"]
STAGES = ["lead", "contact", "negotiation", "signed", "registered", "construction", "production"]
STATUSES = ["active", "on_hold", "dormant", "lost", "withdrawn"]


def create_bench_database(name: str) -> str:
    """Drop and create PostgreSQL database `name`, migrate it, return its URL."""
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    url = f"{base}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def reuse_database(name: str) -> str:
    """The URL of an existing benchmark database, migrated to the current schema."""
    base = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    url = f"{base}/{name}"
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return url


def _copy(cursor: CursorWrapper, table: str, columns: list[str], rows: io.StringIO) -> None:
    rows.seek(0)
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while data := rows.read(1 << 20):
            copy.write(data)


def load_world(n_regions: int = 300, n_industries: int = 1000, seed: int = 7) -> None:
    """Regions, industries, employment, links, clusters and endowments (ids = 1..n)."""
    from django.db import connection

    rng = np.random.default_rng(seed)
    with connection.cursor() as cur:
        buf = io.StringIO()
        buf.write("1\tP\tProvince\tProvince\tprovince\t\\N\t1\n")
        for r in range(2, n_regions + 2):
            buf.write(f"{r}\tR{r:04d}\t地区{r}\tRegion {r}\tcity\t1\t1\n")
        _copy(
            cur,
            "regions_region",
            ["id", "code", "name", "name_en", "level", "parent_id", "score_version"],
            buf,
        )
        buf = io.StringIO()
        for i in range(1, n_industries + 1):
            buf.write(f"{i}\tI{i:04d}\t产业{i}\tIndustry {i}\t\\N\n")
        _copy(cur, "regions_industry", ["id", "code", "name", "name_en", "parent_id"], buf)
        _employment(cur, rng, n_regions, n_industries)
        _links(cur, rng, n_industries)
        _clusters(cur, rng, n_regions, n_industries)
        _endowments(cur, rng, n_regions)
        for table in ["regions_region", "regions_industry", "regions_cluster"]:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        cur.execute("ANALYZE")


def _employment(
    cur: CursorWrapper, rng: np.random.Generator, n_regions: int, n_industries: int
) -> None:
    buf = io.StringIO()
    # Regions are specialised: ~30% of industries present, a lognormal size, a few strong ones.
    for r in range(2, n_regions + 2):
        present = rng.random(n_industries) < 0.3
        sizes = rng.lognormal(4.0, 1.5, n_industries)
        for i in np.flatnonzero(present):
            # Year 0: undated (regions.models.UNDATED), a model default the database lacks.
            buf.write(f"{r}\t{i + 1}\t{sizes[i]:.0f}\t0\tgenerated (seed)\n")
    columns = ["region_id", "industry_id", "employment", "year", "source"]
    _copy(cur, "regions_regionindustry", columns, buf)


def _links(cur: CursorWrapper, rng: np.random.Generator, n_industries: int) -> None:
    buf = io.StringIO()
    seen = set()
    for customer in range(1, n_industries + 1):
        for supplier in rng.choice(n_industries, size=6, replace=False) + 1:
            if supplier != customer and (supplier, customer) not in seen:
                seen.add((supplier, customer))
                buf.write(f"{supplier}\t{customer}\t{rng.random():.3f}\tgenerated\n")
    _copy(cur, "regions_industrylink", ["supplier_id", "customer_id", "weight", "source"], buf)


def _clusters(
    cur: CursorWrapper, rng: np.random.Generator, n_regions: int, n_industries: int
) -> None:
    clusters, members = io.StringIO(), io.StringIO()
    cid = 0
    for r in range(2, n_regions + 2):
        for k in range(3):
            cid += 1
            clusters.write(
                f"{cid}\t{r}\tC{k}\t集群{cid}\tCluster {cid}\t{'t' if k == 0 else 'f'}\t\t\n"
            )
            for n, i in enumerate(rng.choice(n_industries, size=10, replace=False) + 1):
                members.write(f"{cid}\t{i}\t{'core' if n < 4 else 'support'}\n")
    _copy(
        cur,
        "regions_cluster",
        ["id", "region_id", "code", "name", "name_en", "priority", "description", "source"],
        clusters,
    )
    _copy(cur, "regions_clusterindustry", ["cluster_id", "industry_id", "role"], members)


def _endowments(cur: CursorWrapper, rng: np.random.Generator, n_regions: int) -> None:
    buf = io.StringIO()
    for r in range(2, n_regions + 2):
        for factor in FACTORS:
            value = rng.integers(0, 2) if factor != "industrial_land_ha" else rng.integers(0, 2000)
            buf.write(f"{r}\t{factor}\t{value}\tgenerated\n")
    _copy(cur, "regions_endowment", ["region_id", "factor", "value", "source"], buf)


def load_leads(
    n_leads: int,
    n_regions: int = 300,
    n_industries: int = 1000,
    seed: int = 11,
    with_inputs: bool = True,
    hot_share: float = 0.0,
) -> None:
    """n leads (ids 1..n) spread over the regions, some with input industries.

    hot_share of them go to region id 2 (the "hot" region a cluster-edit benchmark edits).
    """
    from django.db import connection

    rng = np.random.default_rng(seed)
    block = 200_000
    with connection.cursor() as cur:
        for start in range(0, n_leads, block):
            n = min(block, n_leads - start)
            ids = np.arange(start + 1, start + n + 1)
            region = rng.integers(2, n_regions + 2, n)
            region[rng.random(n) < hot_share] = 2
            industry = rng.integers(1, n_industries + 1, n)
            jobs = rng.integers(10, 3000, n)
            capex = rng.integers(500, 500_000, n)
            unknown_jobs = rng.random(n) < 0.1
            stage = rng.integers(0, len(STAGES), n)
            status = rng.integers(0, len(STATUSES), n)
            need = rng.integers(0, len(FACTORS), n)
            buf = io.StringIO()
            for k in range(n):
                jobs_text = "\\N" if unknown_jobs[k] else str(jobs[k])
                buf.write(
                    f"{ids[k]}\tG{ids[k]:08d}\t企业{ids[k]}\t\t\t{industry[k]}\t\t{region[k]}\t"
                    f'{capex[k]}\tCNY\t{jobs_text}\t\\N\t\\N\t["{FACTORS[need[k]]}"]\tgenerated\t'
                    f"2026-01-{1 + k % 28:02d}\t{STAGES[stage[k]]}\t{STATUSES[status[k]]}"
                    "\t\t\t\\N\t1\t"
                    f"2026-01-01 00:00:00+00\t2026-01-01 00:00:00+00\n"
                )
            _copy(
                cur,
                "projects_lead",
                [
                    "id",
                    "external_id",
                    "company",
                    "investor_origin",
                    "investor_type",
                    "industry_id",
                    "products",
                    "region_id",
                    "capex",
                    "currency",
                    "jobs",
                    "land_ha",
                    "power_mw",
                    "needs",
                    "source",
                    "received_on",
                    "stage",
                    "status",
                    "status_reason",
                    "lost_to",
                    "owner_id",
                    "score_revision",
                    "created_at",
                    "updated_at",
                ],
                buf,
            )
            if with_inputs:
                buf = io.StringIO()
                for j in np.flatnonzero(rng.random(n) < 0.3):
                    for i in rng.choice(n_industries, size=3, replace=False) + 1:
                        buf.write(f"{ids[j]}\t{i}\n")
                _copy(cur, "projects_lead_input_industries", ["lead_id", "industry_id"], buf)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('projects_lead', 'id'), "
            "(SELECT MAX(id) FROM projects_lead))"
        )
        cur.execute("ANALYZE")
