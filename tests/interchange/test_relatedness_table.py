"""industry_relatedness.csv: the reference industry space, imported all or nothing, stored and
exported in code order, and used by the scoring World in place of estimated phi."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from projects.interchange.export import export_bundle
from projects.interchange.importer import import_bundle
from regions.interchange.report import ImportReport
from regions.models import IndustryProximity
from screening.models import DataVersion
from screening.world import current_world, forget_world
from tests.interchange.bundles import copy_tables, counts, write_bundle

pytestmark = pytest.mark.django_db

HEADER = ["industry_1", "industry_2", "proximity", "source"]


def with_pairs(tmp_path: Path, rows: list[list[str]]) -> Path:
    tables = copy_tables()
    tables["industry_relatedness"] = [HEADER, *rows]
    return write_bundle(tmp_path / "bundle", tables)


def test_it_rejects_a_self_pair_a_value_above_one_an_unknown_code_and_a_duplicate_pair(
    tmp_path: Path,
) -> None:
    source = with_pairs(
        tmp_path,
        [
            ["NEV-ASM", "NEV-ASM", "0.5", ""],  # row 2: self-pair
            ["NEV-ASM", "NEV-BAT", "1.2", ""],  # row 3: above 1
            ["NEV-ASM", "NEV-XX", "0.3", ""],  # row 4: unknown code
            ["NEV-BAT", "NEV", "0.2", ""],  # row 5
            ["NEV", "NEV-BAT", "0.25", ""],  # row 6: row 5's pair in the other order
        ],
    )
    before = counts()

    report = import_bundle(source, dry_run=False)

    assert not report.ok
    assert counts() == before  # nothing written, not even the valid tables
    found = {(p.row, p.column): (p.value, p.reason) for p in report.errors}
    assert found == {
        (2, "industry_2"): (
            "NEV-ASM",
            "an industry's proximity to itself is 1 by definition: list pairs of two industries",
        ),
        (3, "proximity"): ("1.2", "too large: at most 1"),
        (4, "industry_2"): (
            "NEV-XX",
            "unknown industry code (not in the database or in industries.csv)",
        ),
        (6, "industry_1, industry_2"): (
            "NEV / NEV-BAT",
            "duplicate of row 5 (a pair in either order is the same pair)",
        ),
    }
    assert {p.file for p in report.errors} == {"industry_relatedness.csv"}


def test_it_stores_and_exports_a_pair_in_code_order(tmp_path: Path, imported: ImportReport) -> None:
    pair = IndustryProximity.objects.select_related("industry_1", "industry_2").get()
    stored = (pair.industry_1.code, pair.industry_2.code, pair.proximity)
    assert stored == ("NEV-ASM", "NEV-BAT", 0.35)

    export_bundle(tmp_path / "out")

    with (tmp_path / "out" / "industry_relatedness.csv").open(encoding="utf-8-sig") as handle:
        assert list(csv.reader(handle)) == [HEADER, ["NEV-ASM", "NEV-BAT", "0.35", "test space"]]


def test_a_pair_in_the_other_order_updates_the_stored_pair_and_makes_measures_stale(
    tmp_path: Path, imported: ImportReport
) -> None:
    version = DataVersion.objects.get(pk=1).measures_version

    edited = with_pairs(tmp_path, [["NEV-ASM", "NEV-BAT", "0.5", "v2"]])
    report = import_bundle(edited, dry_run=False)

    assert report.ok, report.as_text()
    assert report.counts["industry_relatedness"].updated == 1
    assert IndustryProximity.objects.get().proximity == 0.5
    assert DataVersion.objects.get(pk=1).measures_version == version + 1


def test_the_scoring_world_uses_the_reference_space_when_it_is_loaded(
    imported: ImportReport,
) -> None:
    forget_world()
    loaded = current_world()
    world = loaded.world
    codes = world.inputs.industry_codes
    asm, bat, sector = codes.index("NEV-ASM"), codes.index("NEV-BAT"), codes.index("NEV")

    assert world.uses_reference_proximity
    assert world.inputs.proximity_source == "test space"
    phi = world.phi_for_region(0)
    # On the World's dyadic grid (screening.scoring.exact): 0.35 to within 2**-33.
    assert phi[asm, bat] == phi[bat, asm] == pytest.approx(0.35, abs=1e-9)
    assert phi[asm, sector] == 0.0  # a pair not listed is unrelated
    assert np.diag(phi).tolist() == [1.0, 1.0, 1.0]
    assert world.proximity_reliability.tolist() == [1.0] * len(world.level_names)


def test_the_scoring_world_measures_rca_against_the_loaded_national_sizes(
    imported: ImportReport,
) -> None:
    forget_world()
    world = current_world().world
    codes = world.inputs.industry_codes
    asm, bat, sector = codes.index("NEV-ASM"), codes.index("NEV-BAT"), codes.index("NEV")
    assert world.inputs.reference_size is not None
    assert world.inputs.reference_size[[asm, bat]].tolist() == [2500000.0, 1200000.5]
    assert np.isnan(world.inputs.reference_size[sector])
    assert world.inputs.reference_size_source == "national census (test)"
    jinan = world.inputs.region_codes.index("SD-JN")
    # Jinan: all of its known employment is NEV-ASM; nationally NEV-ASM is 2.5 / 3.7 of it.
    assert world.rca[jinan, asm] == pytest.approx(1 / (2500000 / 3700000.5))
