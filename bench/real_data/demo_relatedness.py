"""The demo's reference industry space from US County Business Patterns (derived product).

    .venv/bin/python bench/real_data/demo_relatedness.py [--data ../shared/data] [--check]

Reads CBP 2019 (all 933 metro/micro areas x NAICS-6, employment; suppressed cells are absent
rows and enter as 0), maps NAICS-6 onto the demo's 79 leaf industries through the hand-written
concordance bench/real_data/naics2017_to_demo.csv (sizes aggregated first, unmapped employment
kept in each area's total), estimates proximity phi exactly as `manage.py build_relatedness`
does, and writes projects/demo/data/industry_relatedness.csv with the source named in every
row. Only derived numbers are written; CBP itself is never copied into the repository.
--check compares a fresh build with the committed file instead of writing it (exit 1 if they
differ). Without the shared data folder it says so and exits 0.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))
sys.path.insert(0, str(HERE))

import pandas as pd  # noqa: E402
from common import DATA  # noqa: E402

from screening.scoring.relatedness import (  # noqa: E402
    ReferenceSpace,
    apply_concordance,
    proximity_pairs,
    read_concordance,
    read_size_table,
    reference_space,
    write_pairs,
)

CONCORDANCE = HERE / "naics2017_to_demo.csv"
OUT = HERE.parents[1] / "projects" / "demo" / "data" / "industry_relatedness.csv"
CBP = Path("us_cbp_2019") / "cbp2019_cbsa_naics6.csv.gz"
SOURCE = (
    "US CBP 2019, {n} metro/micro areas, co-location (RCA>=1) via concordance NAICS-2017 -> "
    "demo (bench/real_data/naics2017_to_demo.csv; approximations marked there)"
)


def build(data: Path) -> tuple[pd.DataFrame, ReferenceSpace]:
    """The pair table and the space it came from."""
    cbp = pd.read_csv(data / CBP, dtype={"cbsa_code": str, "naics_code": str})
    long = cbp.rename(
        columns={"cbsa_code": "region_code", "naics_code": "industry_code", "EMP": "employment"}
    )[["region_code", "industry_code", "employment"]]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "region_industries.csv"
        long.to_csv(path, index=False)  # the interchange format build_relatedness reads
        table = apply_concordance(read_size_table(path), read_concordance(CONCORDANCE))
    space = reference_space(table)
    return proximity_pairs(space, SOURCE.format(n=space.n_regions)), space


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if not (args.data / CBP).is_file():
        print(f"Skipped: {args.data / CBP} not found (the shared data folder is absent).")
        return 0
    pairs, space = build(args.data)
    for note in space.notes:
        print(f"note: {note}")
    if args.check:
        with tempfile.TemporaryDirectory() as folder:
            fresh = Path(folder) / "fresh.csv"
            write_pairs(pairs, fresh)
            same = fresh.read_bytes() == OUT.read_bytes()
        print("committed file is up to date" if same else f"{OUT} differs from a fresh build")
        return 0 if same else 1
    write_pairs(pairs, OUT)
    print(f"Wrote {len(pairs):,} pairs of {len(space.industries)} industries to {OUT}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
