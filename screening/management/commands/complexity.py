"""`manage.py complexity INPUT.csv --out DIR [--threshold 1.0] [--relatedness PHI.csv]`: the
measures, for analysts. With --relatedness (industry_relatedness.csv), density, COI and COG use
that reference phi instead of phi estimated from INPUT's regions."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from django.core.management.base import BaseCommand, CommandError, CommandParser

from screening.scoring import RelatednessError, complexity_frames, read_relatedness

REQUIRED = ["region", "industry", "value"]


class Command(BaseCommand):
    help = (
        "Compute RCA, presence, density, COG, PCI, ECI, COI and proximity from a long "
        "region,industry,value CSV (missing pairs are zero); Atlas conventions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("input")
        parser.add_argument("--out", required=True, help="folder for the four result CSVs")
        parser.add_argument("--threshold", type=float, default=1.0, help="RCA presence cut-off")
        parser.add_argument(
            "--relatedness",
            help="industry_relatedness.csv: use this phi (a reference industry space) for "
            "density, COI and COG instead of estimating it from INPUT",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        long_df = self.read_input(Path(options["input"]))
        relatedness = None
        if options["relatedness"]:
            try:
                relatedness = read_relatedness(options["relatedness"])
            except (RelatednessError, OSError) as error:
                raise CommandError(str(error)) from error
        try:
            frames = complexity_frames(
                long_df, threshold=options["threshold"], relatedness=relatedness
            )
        except ValueError as error:
            raise CommandError(f"{options['input']}: {error}") from error
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        warnings = frames.pop("warnings", pd.DataFrame({"message": []}))
        for name, frame in frames.items():
            frame.to_csv(out / f"{name}.csv", index=False, float_format="%.17g")
        for message in warnings["message"]:
            self.stderr.write(f"warning: {message}")
        self.stdout.write(f"Wrote {', '.join(f'{n}.csv' for n in frames)} to {out}.")

    def read_input(self, path: Path) -> pd.DataFrame:
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        frame = pd.read_csv(path, dtype={"region": str, "industry": str})
        missing = [c for c in REQUIRED if c not in frame.columns]
        if missing:
            raise CommandError(f"{path}: missing column(s) {', '.join(missing)}; need {REQUIRED}")
        values = pd.to_numeric(frame["value"], errors="coerce")
        bad = frame.index[values.isna() | (values < 0)]
        if len(bad):
            rows = ", ".join(str(i + 2) for i in bad[:10])
            raise CommandError(f"{path}: column value must be a number >= 0 (rows {rows})")
        frame["value"] = values
        return frame[REQUIRED]
