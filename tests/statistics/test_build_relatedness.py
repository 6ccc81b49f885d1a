"""The commands: build_relatedness writes a table import_data accepts; complexity --relatedness
uses the given phi."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from projects.interchange.importer import import_bundle
from regions.models import Industry, IndustryProximity
from tests.scoring.test_complexity import WORKED_X
from tests.scoring.test_relatedness import CODES, write_long


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_build_relatedness_writes_the_interchange_table(tmp_path: Path) -> None:
    source = write_long(tmp_path / "regions.csv", WORKED_X)
    target = tmp_path / "industry_relatedness.csv"

    out, _ = run("build_relatedness", str(source), "--out", str(target), "--min-regions", "6")

    with target.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["industry_1", "industry_2", "proximity", "source"]
    assert ["I1", "I2", "0.666667", "regions.csv, 6 regions"] in rows
    assert "phi from 6 regions" in out


def test_build_relatedness_refuses_too_few_regions_by_default(tmp_path: Path) -> None:
    source = write_long(tmp_path / "regions.csv", WORKED_X)
    with pytest.raises(CommandError, match="fewer than --min-regions 100"):
        run("build_relatedness", str(source), "--out", str(tmp_path / "out.csv"))


@pytest.mark.django_db
def test_its_output_imports_as_the_reference_space(tmp_path: Path) -> None:
    Industry.objects.bulk_create([Industry(code=c, name=c) for c in CODES])
    source = write_long(tmp_path / "regions.csv", WORKED_X)
    target = tmp_path / "industry_relatedness.csv"
    run("build_relatedness", str(source), "--out", str(target), "--min-regions", "6")

    report = import_bundle(target, dry_run=False)

    assert report.ok, report.as_text()
    pair = IndustryProximity.objects.get(industry_1__code="I1", industry_2__code="I2")
    assert pair.proximity == 0.666667


def test_complexity_with_relatedness_writes_the_given_phi(tmp_path: Path) -> None:
    long_path = tmp_path / "long.csv"
    long_path.write_text(
        "region,industry,value\n"
        + "".join(f"R{r + 1},{CODES[p]},{WORKED_X[r, p]:g}\n" for r in range(6) for p in range(8))
    )
    phi = tmp_path / "phi.csv"
    phi.write_text("industry_1,industry_2,proximity,source\nI1,I2,0.9,x\n")

    _, err = run(
        "complexity", str(long_path), "--out", str(tmp_path / "o"), "--relatedness", str(phi)
    )

    with (tmp_path / "o" / "proximity.csv").open() as handle:
        written = {
            (r["industry_1"], r["industry_2"]): float(r["proximity"])
            for r in csv.DictReader(handle)
        }
    assert written[("I1", "I2")] == 0.9
    assert written[("I1", "I3")] == 0.0  # not listed: unrelated
    assert "6 industry(ies) in no pair of the relatedness table" in err
    with (tmp_path / "o" / "region_industry.csv").open() as handle:
        density = {
            (r["region"], r["industry"]): float(r["density"]) for r in csv.DictReader(handle)
        }
    # R1 has I1 absent (RCA 0.91) and I2 absent too: density of I1 = 0 / (1 + 0.9).
    assert density[("R1", "I1")] == pytest.approx(0.0)
    # R2 has I1 and I2 present: density of I1 = (1 + 0.9) / (1 + 0.9).
    assert density[("R2", "I1")] == pytest.approx(1.0)
    assert np.isfinite(density[("R6", "I8")])


def test_complexity_rejects_a_bad_relatedness_file(tmp_path: Path) -> None:
    long_path = tmp_path / "long.csv"
    long_path.write_text("region,industry,value\nR1,I1,5\n")
    phi = tmp_path / "phi.csv"
    phi.write_text("industry_1,industry_2,proximity\nI1,I1,0.5\n")
    with pytest.raises(CommandError, match="with itself"):
        run("complexity", str(long_path), "--out", str(tmp_path / "o"), "--relatedness", str(phi))
