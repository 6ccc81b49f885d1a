"""Real-data validation and benchmark: writes bench/real_data/REPORT.md.

    .venv/bin/python bench/real_data/run.py [--leads 100000] [--only us|china]
                                            [--write-demo-weights]

Reads the public data in <repo>/../shared/data (US CBP 2019, BEA 2017 IO, DPS clusters; China
NBS 2020 IO) through the project's adapters (regions.statistics) and the numeric core
(screening.scoring), in memory; no database. When the data folder is absent (as on a user's
machine) it says so and exits 0 without touching the report. --write-demo-weights also writes
projects/demo/derived/nbs_link_weights.csv (derived numbers only, with the source named).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import os
import platform
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from china_report import DEMO, ChinaResult, china_section  # noqa: E402

DERIVED = DEMO.parent / "derived"
from common import DATA, pct, table  # noqa: E402
from us_report import UsResult, us_section  # noqa: E402

REPORT = HERE / "REPORT.md"
NEEDED = ["us_cbp_2019", "us_bea_io_2017", "us_dps_clusters", "china_nbs_io"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--only", choices=["us", "china"])
    parser.add_argument("--write-demo-weights", action="store_true")
    parser.add_argument("--out", type=Path, default=REPORT)
    parser.add_argument("--data", type=Path, default=DATA, help=f"default {DATA}")
    args = parser.parse_args(argv)
    missing = [name for name in NEEDED if not (args.data / name).is_dir()]
    if missing:
        print(
            f"Skipped: real data not found in {args.data} (missing {', '.join(missing)}). "
            "These benchmarks need the shared data folder next to the repository "
            "(<repo>/../shared/data); REPORT.md was left as it is."
        )
        return 0
    started, load = time.perf_counter(), os.getloadavg()
    us = us_section(args.data, args.leads) if args.only in (None, "us") else None
    china = china_section(args.data) if args.only in (None, "china") else None
    if china is not None and args.write_demo_weights and china.demo_weights is not None:
        china.demo_weights.to_csv(DERIVED / "nbs_link_weights.csv", index=False)
        print(f"Wrote {DERIVED / 'nbs_link_weights.csv'}")
    profile = _profile_lines(us) if us is not None else []
    text = _report(us, china, profile, load, time.perf_counter() - started)
    args.out.write_text(text, encoding="utf-8")
    print(f"Wrote {args.out} in {time.perf_counter() - started:.0f} s.")
    return 0


def _profile_lines(us: UsResult) -> list[str]:
    """Where build_world spends its time on the US world (one profiled run)."""
    from screening.scoring.engine import build_world

    profiler = cProfile.Profile()
    profiler.runcall(build_world, us.inputs)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    rows = sorted(
        (
            (f"{Path(k[0]).name}:{k[2]}", v[3])
            for k, v in stats.items()
            if "screening/scoring" in k[0]
        ),
        key=lambda r: -r[1],
    )[:6]
    return [
        "Where `build_world` spends its time on this world (cProfile, one run, cumulative "
        "seconds; profiling adds overhead):",
        "",
        *table(["function", "cumulative s"], [(name, f"{sec:.2f}") for name, sec in rows]),
        "",
    ]


def _machine(load: tuple[float, float, float], seconds: float) -> list[str]:
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
    except (KeyError, TypeError):  # older numpy
        blas = "unknown"
    return [
        f"Generated {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC by `.venv/bin/python "
        f"bench/real_data/run.py` in {seconds:.0f} s on {os.cpu_count()} cores "
        f"({platform.machine()}, Python {platform.python_version()}, numpy {np.__version__}, "
        f"BLAS {blas}). Load average when it started: {load[0]:.1f} (other work was running "
        "on the machine, so timings are upper bounds; compare the synthetic benchmarks in "
        "bench/README.md).",
        "",
    ]


def _headline(us: UsResult | None, china: ChinaResult | None) -> list[str]:
    rows: list[tuple[str, str]] = []
    if us is not None:
        h = us.headline
        rows += [
            ("complexity measures, 400 areas x 960 NAICS-6", f"{h['complexity_s']:.2f} s"),
            (
                "mean proximity within / between DPS clusters",
                f"{h['phi_within']:.3f} / {h['phi_between']:.3f}",
            ),
            (
                "strongest 1,000 IO links within one DPS cluster",
                f"{pct(h['top1000_within'])} (base rate {pct(h['base_within'])})",
            ),
            (
                "well-known area-clusters flagged strong",
                f"{h['known_strong']} of {h['known_total']}",
            ),
            (
                f"full rescore of {h['n_leads']:,} leads: build_world + score_leads",
                f"{h['build_s']:.1f} s + {h['score_s']:.3f} s",
            ),
            (
                "rank correlation of totals, missing CBP cells unknown vs zero",
                f"{h['unknown_zero_rho']:.2f}",
            ),
            (
                "phi from 16 random areas vs national phi: correlation / mean abs. difference",
                f"{h['sample_phi_corr']:.2f} / {h['sample_phi_mae']:.3f}",
            ),
            (
                "same leads, 16-area phi vs national phi: rank correlation of local fit",
                f"{h['sample_local_rho']:.2f}",
            ),
        ]
    if china is not None:
        h = china.headline
        rows.append(
            (
                f"LIB/NEV hand-drawn links confirmed by NBS 2020 (of {h['chain_links']})",
                f"{h.get('verdict_confirmed', 0)} confirmed, {h.get('verdict_weak', 0)} weak, "
                f"{h.get('verdict_same sector', 0)} same sector, "
                f"{h.get('verdict_absent', 0)} absent",
            )
        )
    return ["## Headline figures", "", *table(["figure", "value"], rows), ""]


def _report(
    us: UsResult | None,
    china: ChinaResult | None,
    profile: list[str],
    load: tuple[float, float, float],
    seconds: float,
) -> str:
    from findings import findings

    lines = [
        "# Real data: what the adapters and the engine do with public statistics",
        "",
        "Produced by `bench/real_data/run.py` (do not edit by hand). Data: "
        "`../shared/data` (see its SOURCES.md); nothing from it is stored in the repository. "
        "Adapters: `regions/statistics/` (docs/real-data.md). Engine: `screening/scoring/`.",
        "",
        *_machine(load, seconds),
        *_headline(us, china),
    ]
    if us is not None:
        lines += [*us.lines, *profile]
    if china is not None:
        lines += china.lines
    lines += findings(us.headline if us else {}, china.headline if china else {})
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
