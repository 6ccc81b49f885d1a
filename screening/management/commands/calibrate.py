"""`manage.py calibrate [--region CODE] [--since DATE] --out DIR`: the backtest of decision scores.

Writes DIR/calibration.json (counts, AUC with 95 % intervals per sub-score, for the total under
the profile in force and at decision, and for the fitted model cross-validated by received
date; fitted weights normalised to sum 1; Brier score; reliability by decile) and
DIR/calibration.csv (one row per decided lead), and stores the run for the calibration page.
Below the minimum of landed or lost leads it refuses and says how many more are needed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from regions.models import Region
from screening.scoring import TooFewOutcomes
from screening.services.calibration import CSV_COLUMNS, calibration_run_create


class Command(BaseCommand):
    help = "Backtest decision scores against outcomes; write calibration.json and .csv."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--region", help="region code: that region and everything below it")
        parser.add_argument("--since", help="only leads decided on or after this date (YYYY-MM-DD)")
        parser.add_argument("--out", required=True, help="folder for the two files (created)")

    def handle(self, *args: Any, **options: Any) -> None:
        region = _region(options["region"])
        since = _date(options["since"])
        try:
            run, calibration = calibration_run_create(region=region, since=since, user=None)
        except TooFewOutcomes as refusal:
            raise CommandError(str(refusal)) from refusal
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        result = {"run": run.pk, **calibration.result}
        (out / "calibration.json").write_text(
            json.dumps(result, ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8"
        )
        # Four decimals: enough for scores 0-100 and probabilities, and faster to write.
        calibration.rows[CSV_COLUMNS].to_csv(
            out / "calibration.csv", index=False, float_format="%.4f"
        )
        self.stdout.write(_summary(result, out))


def _region(code: str | None) -> Region | None:
    if not code:
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise CommandError(f"--region {code}: no region has this code")
    return region


def _date(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--since {text}: not a date (YYYY-MM-DD)") from error


VERDICTS = {
    "predicts": "",
    "nothing": "  (cannot be told from chance)",
    "against": "  (landed leads scored lower: works against)",
}


def _summary(result: dict[str, Any], out: Path) -> str:
    auc = result["auc"]
    lines = [
        f"calibration run #{result['run']}: {result['n_won']} landed, {result['n_lost']} lost "
        f"(left out: {result['left_out']['open_now']} open now, "
        f"{result['left_out']['pending']} pending)",
    ]
    for name, row in auc.items():
        verdict = VERDICTS[row["verdict"]]
        lines.append(
            f"  AUC {name:<18} {row['auc']:.3f}  [{row['low']:.3f}, {row['high']:.3f}]{verdict}"
        )
    weights = ", ".join(f"{k} {v:.2f}" for k, v in result["weights"].items())
    lines.append(f"  fitted weights: {weights}")
    lines.append(f"  Brier {result['brier']:.3f} (base rate {result['brier_base_rate']:.3f})")
    lines.append(f"wrote {out / 'calibration.json'} and {out / 'calibration.csv'}")
    return "\n".join(lines)
