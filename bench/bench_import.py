"""Import benchmark: 1,000,000 generated leads into PostgreSQL through `import_bundle`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/xs_bench .venv/bin/python bench/bench_import.py

Needs a scratch PostgreSQL database whose name contains "bench": the script migrates it, loads
the demo reference data, and empties the lead table before each measured import. The CSV is
generated once with `projects.demo.generate.generate_leads_fast` under bench/out/ and reused.

Measures two imports of the same file: the first creates every lead (COPY + upsert), the second
finds every row unchanged (two full reads and comparisons, no writes). Prints wall time and the
peak resident memory of the process (ru_maxrss, children included). The score recompute the
import enqueues runs in a Celery worker in production and is not part of this measurement.
Exit status 1 if the first import misses its target (120 s, 1 GB).
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import secrets
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_SECONDS = 120.0
TARGET_BYTES = 1 << 30


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if (
        not url.startswith(("postgres://", "postgresql://"))
        or "bench" not in url.rsplit("/", 1)[-1]
    ):
        print(
            "skipped: set DATABASE_URL to a scratch PostgreSQL database whose name contains "
            "'bench', e.g. postgres://postgres@127.0.0.1:5432/xs_bench (its leads are deleted)"
        )
        return 0
    _setup_django()
    csv_path = _leads_csv(args.count, args.seed)
    _load_reference_data()
    first = _measured_import(csv_path, "first import (all created)", empty_first=True)
    _measured_import(csv_path, "re-import (all unchanged)", empty_first=False)
    peak = _peak_rss_bytes()
    print(f"peak memory (ru_maxrss, self + children): {peak / 2**20:.0f} MiB")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    return 0 if first <= TARGET_SECONDS and peak <= TARGET_BYTES else 1


def _setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DEBUG"):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(40)  # production-like: DEBUG off
    import django

    django.setup()
    from django.core.management import call_command

    from screening.config.celery import app

    # Publish the recompute to the in-memory broker instead of running it in this process.
    app.conf.task_always_eager = False
    call_command("migrate", verbosity=0, skip_checks=True)


def _leads_csv(count: int, seed: int) -> Path:
    from projects.demo.generate import generate_leads_fast, write_leads_csv

    path = OUT / f"leads_{count}_seed{seed}" / "leads.csv"
    if path.exists():
        print(f"reusing {path.relative_to(ROOT)} ({path.stat().st_size / 2**20:.0f} MiB)")
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    write_leads_csv(path, generate_leads_fast(seed=seed, count=count))
    print(
        f"generated {count} leads in {time.perf_counter() - started:.1f} s "
        f"({path.stat().st_size / 2**20:.0f} MiB)"
    )
    return path


def _load_reference_data() -> None:
    from regions.management.commands.loaddemo import copy_demo_tables

    from projects.interchange.importer import import_bundle

    folder = OUT / "demo_tables"
    copy_demo_tables(folder)
    report = import_bundle(folder, dry_run=False)
    if not report.ok:
        raise SystemExit(report.as_text())


def _measured_import(path: Path, label: str, *, empty_first: bool) -> float:
    from django.db import connection

    from projects.interchange.importer import import_bundle

    if empty_first:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE projects_lead CASCADE")
    started = time.perf_counter()
    report = import_bundle(path, dry_run=False)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(report.as_text())
    counts = report.counts["leads"]
    print(
        f"{label}: {seconds:.1f} s  (created {counts.created}, updated {counts.updated}, "
        f"unchanged {counts.unchanged})"
    )
    return seconds


def _peak_rss_bytes() -> int:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return (own + children) * 1024  # kilobytes on Linux


if __name__ == "__main__":
    sys.exit(main())
