"""firms.csv and plants.csv: imported like every reference table, all or nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from projects.interchange.importer import import_bundle
from regions.interchange.report import ImportReport
from regions.models import Firm, Plant
from screening.models import DataVersion
from screening.selectors.firms import current_directory, firms_version
from tests.interchange.bundles import copy_tables, counts, write_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(tmp_path: Path) -> ImportReport:
    """The interchange tests' valid bundle (two firms, one plant), imported."""
    report = import_bundle(write_bundle(tmp_path / "base"), dry_run=False)
    assert report.ok, report.as_text()
    return report


def problems(report: ImportReport, file: str) -> dict[tuple[int | None, str], str]:
    return {(p.row, p.column): f"{p.value}: {p.reason}" for p in report.errors if p.file == file}


def test_it_rejects_bad_firm_rows_naming_every_problem_and_writes_nothing(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    firms = tables["firms"]
    firms.append(["F3", "未知产业公司", "", "NO-SUCH", "", "CN", "10", "", "0", ""])
    firms.append(["F4", "负员工公司", "", "NEV-ASM", "", "CN", "-5", "", "0", ""])
    firms.append(["F1", "重复编号公司", "", "NEV-ASM", "", "CN", "10", "", "0", ""])
    firms[1][1] = "+示例电池（改名）"  # a valid change in the same file must not be written
    before, names_before = counts(), sorted(Firm.objects.values_list("name", flat=True))

    report = import_bundle(write_bundle(tmp_path / "bad", tables), dry_run=False)

    assert not report.ok
    found = problems(report, "firms.csv")
    assert set(found) == {(4, "industry_code"), (5, "employees"), (6, "firm_id")}
    assert "NO-SUCH" in found[(4, "industry_code")]
    assert "unknown industry code" in found[(4, "industry_code")]
    assert "-5" in found[(5, "employees")]
    assert "duplicate of row 2" in found[(6, "firm_id")]
    assert counts() == before
    assert sorted(Firm.objects.values_list("name", flat=True)) == names_before


def test_it_rejects_a_plant_of_an_unknown_firm(tmp_path: Path, imported: ImportReport) -> None:
    tables = copy_tables()
    tables["plants"].append(["F9", "SD-JN", "NEV-ASM", "", ""])
    before = counts()

    report = import_bundle(write_bundle(tmp_path / "bad", tables), dry_run=False)

    found = problems(report, "plants.csv")
    assert list(found) == [(3, "firm_id")]
    assert "unknown firm code" in found[(3, "firm_id")]
    assert counts() == before


def test_it_imports_plants_of_firms_new_in_the_same_import(imported: ImportReport) -> None:
    plant = Plant.objects.select_related("firm", "region").get()
    assert (plant.firm.code, plant.region.code, plant.employees) == ("F1", "SD-QD", 300)
    unknown_size = Firm.objects.get(code="F2")
    assert unknown_size.employees is None  # empty stays unknown, never 0
    assert unknown_size.listed is False


def test_a_firm_import_moves_the_directory_version(tmp_path: Path, imported: ImportReport) -> None:
    version = firms_version()
    assert len(current_directory()) == 2
    tables = copy_tables()
    tables["firms"][2][6] = "450"  # F2's employees become known

    report = import_bundle(write_bundle(tmp_path / "edit", tables, only=["firms"]), dry_run=False)

    assert report.ok, report.as_text()
    assert report.counts["firms"].updated == 1
    assert DataVersion.objects.get(pk=1).firms_version == version + 1
    directory = current_directory()
    assert directory.version == version + 1
    assert sorted(directory.employees.tolist()) == [450.0, 1200.0]


def test_an_unchanged_firm_import_leaves_the_version(
    tmp_path: Path, imported: ImportReport
) -> None:
    version = firms_version()
    report = import_bundle(
        write_bundle(tmp_path / "again", only=["firms", "plants"]), dry_run=False
    )
    assert report.ok and not report.counts["firms"].changed
    assert firms_version() == version


def test_a_regional_admin_may_not_upload_the_directory_only_plants_of_their_regions(
    tmp_path: Path, imported: ImportReport
) -> None:
    """The firm directory belongs to no region: firms.csv is a shared table, refused for a
    regional admin as regions or industries are; a plant row is one region's fact (a firm
    operates here), so a regional admin loads plants of their own regions only."""
    tables = copy_tables()
    tables["firms"][1][1] = "示例电池（改名）"
    tables["plants"].append(["F2", "SD-JN", "NEV-ASM", "40", "site visit"])
    tables["plants"].append(["F2", "SD-QD", "NEV-ASM", "60", "site visit"])
    before, names_before = counts(), sorted(Firm.objects.values_list("name", flat=True))
    jinan = frozenset({"SD-JN"})

    report = import_bundle(
        write_bundle(tmp_path / "mixed", tables, only=["firms", "plants"]),
        dry_run=False,
        regions=jinan,
    )

    assert not report.ok
    assert list(problems(report, "firms.csv")) == [(None, "")]  # the whole table
    assert "administrator of every region" in problems(report, "firms.csv")[(None, "")]
    # Qingdao's plants (the stored one, unchanged, too): rows of another region.
    assert list(problems(report, "plants.csv")) == [(2, "region_code"), (4, "region_code")]
    assert counts() == before  # all or nothing
    assert sorted(Firm.objects.values_list("name", flat=True)) == names_before

    mine = {"plants": [tables["plants"][0], tables["plants"][2]]}  # the Jinan plant alone
    report = import_bundle(write_bundle(tmp_path / "mine", mine), dry_run=False, regions=jinan)
    assert report.ok, report.as_text()
    plant = Plant.objects.get(region__code="SD-JN")
    assert (plant.firm.code, plant.employees) == ("F2", 40)
