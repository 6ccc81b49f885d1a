"""Time the demo's fast lead generator: 1,000,000 generated leads written to a CSV.

Run: `.venv/bin/python bench/bench_demo_leads.py [--leads 1000000]`. Target: <= 20 s on the
2-core development machine (it was a timed unit test, which flaked under load: timing
belongs here). Prints one line: `demo leads 1,000,000: X s (N leads/s)`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "screening.config.settings")
os.environ.setdefault("DEBUG", "1")

from projects.demo.generate import generate_leads_fast, write_leads_csv

TARGET_SECONDS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        written = write_leads_csv(Path(folder) / "leads.csv", generate_leads_fast(1, args.leads))
        seconds = time.perf_counter() - started
    verdict = "met" if seconds <= TARGET_SECONDS else "MISSED"
    print(
        f"demo leads {written:,}: {seconds:.1f} s ({written / seconds:,.0f} leads/s; "
        f"target {TARGET_SECONDS:.0f} s {verdict})"
    )


if __name__ == "__main__":
    main()
