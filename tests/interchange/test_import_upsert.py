"""Re-importing updates by business key, counts unchanged rows, and marks scores stale."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from projects.interchange.importer import import_bundle
from projects.models import Lead
from regions.interchange.report import ImportReport
from regions.models import AnchorFirm, Cluster, ClusterIndustry, Region, RegionIndustry
from screening.models import DataVersion
from tests.interchange.bundles import BASE, copy_tables, counts, write_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[int]]]:
    """Recompute tasks enqueued on commit, recorded instead of sent."""
    calls: list[tuple[str, list[int]]] = []
    monkeypatch.setattr("screening.invalidation._send", lambda name, ids: calls.append((name, ids)))
    return calls


def import_tables(tmp_path: Path, tables: dict[str, list[list[str]]]) -> ImportReport:
    report = import_bundle(write_bundle(tmp_path / "edit", tables), dry_run=False)
    assert report.ok, report.as_text()
    return report


def test_it_creates_everything_then_finds_it_unchanged(
    tmp_path: Path, imported: ImportReport
) -> None:
    assert {name: c.created for name, c in imported.counts.items()} == {
        "regions": 3,
        "industries": 3,
        "region_industries": 2,
        "industry_reference": 2,
        "industry_links": 1,
        "industry_relatedness": 1,
        "clusters": 2,
        "anchor_firms": 1,
        "endowments": 3,
        "firms": 2,
        "plants": 1,
        "leads": 3,
    }
    before = counts()

    again = import_bundle(write_bundle(tmp_path / "again"), dry_run=False)

    assert all(c.changed == 0 for c in again.counts.values()), again.as_text()
    assert again.counts["leads"].unchanged == 3
    assert again.as_text().endswith("unchanged")
    assert counts() == before


def test_it_updates_an_edited_lead_instead_of_duplicating(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    tables["leads"][1][4] = "99"  # L1 capex: a scoring input
    revision = Lead.objects.get(external_id="L1").score_revision

    report = import_tables(tmp_path, tables)

    assert (report.counts["leads"].updated, report.counts["leads"].unchanged) == (1, 2)
    assert Lead.objects.count() == 3
    lead = Lead.objects.get(external_id="L1")
    assert lead.capex == Decimal("99")
    assert lead.score_revision == revision + 1


def test_it_keeps_the_revision_when_no_scoring_input_changed(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    tables["leads"][2][11] = "dormant"  # L2 status
    tables["leads"][2][16] = "no reply"  # status_reason

    report = import_tables(tmp_path, tables)

    assert report.counts["leads"].updated == 1
    lead = Lead.objects.get(external_id="L2")
    assert (lead.status, lead.status_reason, lead.score_revision) == ("dormant", "no reply", 1)


def test_it_replaces_input_industries_and_bumps_the_revision(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    tables["leads"][3][9] = "NEV-BAT"  # L3: was NEV-ASM;NEV-BAT
    tables["leads"][2][9] = "NEV-ASM"  # L2: had none

    report = import_tables(tmp_path, tables)

    assert report.counts["leads"].updated == 2
    l2, l3 = Lead.objects.filter(external_id__in=["L2", "L3"]).order_by("external_id")
    assert [i.code for i in l3.input_industries.all()] == ["NEV-BAT"]
    assert [i.code for i in l2.input_industries.all()] == ["NEV-ASM"]
    assert (l2.score_revision, l3.score_revision) == (2, 2)
    assert Lead.objects.get(external_id="L1").score_revision == 1


def test_new_leads_start_at_the_default_revision(imported: ImportReport) -> None:
    assert set(Lead.objects.values_list("score_revision", flat=True)) == {1}
    l1 = Lead.objects.get(external_id="L1")
    assert l1.needs == ["port", "industrial_land_ha"]
    assert [i.code for i in l1.input_industries.all()] == ["NEV-BAT"]


def test_a_dry_run_counts_but_writes_nothing(tmp_path: Path, imported: ImportReport) -> None:
    tables = copy_tables()
    tables["leads"][1][4] = "99"
    tables["leads"].append(
        [
            "L4",
            "新公司",
            "NEV-ASM",
            "SD-JN",
            "",
            "CNY",
            "",
            "",
            "",
            "",
            "lead",
            "active",
            "",
            "",
            "",
            "",
            "",
            "",
        ]
    )
    tables["regions"].append(["SD-YT", "烟台市", "Yantai", "city", "SD"])
    before = counts()

    report = import_bundle(write_bundle(tmp_path / "dry", tables), dry_run=True)

    assert report.ok and not report.written
    leads = report.counts["leads"]
    assert (leads.created, leads.updated, leads.unchanged) == (1, 1, 2)
    assert report.counts["regions"].created == 1
    assert counts() == before
    assert Lead.objects.get(external_id="L1").capex == Decimal("12.5")
    assert report.as_text().startswith("Dry run")


def test_the_command_dry_run_prints_the_counts(tmp_path: Path, imported: ImportReport) -> None:
    out = io.StringIO()
    call_command("import_data", str(write_bundle(tmp_path / "d")), "--dry-run", stdout=out)

    assert "leads" in out.getvalue()
    assert "unchanged" in out.getvalue()


def test_an_absent_optional_column_leaves_stored_values_alone(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = {"leads": [row[:13] for row in BASE["leads"]]}  # no products … source

    report = import_tables(tmp_path, tables)

    assert report.counts["leads"].unchanged == 3
    assert Lead.objects.get(external_id="L1").products == "电池包 / battery packs"


def test_a_present_empty_cell_clears_to_unknown(tmp_path: Path, imported: ImportReport) -> None:
    tables = copy_tables()
    tables["region_industries"][1][3] = ""  # output of SD-JN × NEV-ASM

    report = import_tables(tmp_path, tables)

    assert report.counts["region_industries"].updated == 1
    assert RegionIndustry.objects.get(region__code="SD-JN").output is None


def test_it_replaces_the_member_set_of_a_listed_cluster(
    tmp_path: Path, imported: ImportReport, sent: list
) -> None:
    tables = copy_tables()
    del tables["clusters"][2]  # NEV-BAT leaves JN-NEV
    version = Region.objects.get(code="SD-JN").score_version

    report = import_tables(tmp_path, tables)

    clusters = report.counts["clusters"]
    assert (clusters.unchanged, clusters.removed) == (1, 1)
    assert list(ClusterIndustry.objects.values_list("industry__code", flat=True)) == ["NEV-ASM"]
    assert Region.objects.get(code="SD-JN").score_version == version + 1


def test_cluster_level_changes_update_the_cluster_once(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    for row in tables["clusters"][1:]:
        row[6] = "0"  # priority

    report = import_tables(tmp_path, tables)

    assert report.counts["clusters"].updated == 2
    assert Cluster.objects.get().priority is False
    assert ClusterIndustry.objects.count() == 2


def test_it_upserts_anchor_firms_by_cluster_and_name(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    tables["anchor_firms"][1][3] = "BYD Auto"
    tables["anchor_firms"].append(["SD-JN", "JN-NEV", "宁德时代", "CATL", ""])

    report = import_tables(tmp_path, tables)

    counts_ = report.counts["anchor_firms"]
    assert (counts_.created, counts_.updated) == (1, 1)
    assert sorted(AnchorFirm.objects.values_list("name_en", flat=True)) == ["BYD Auto", "CATL"]


def test_measure_data_changes_bump_the_data_version(
    tmp_path: Path, imported: ImportReport, sent: list
) -> None:
    version = DataVersion.objects.get(pk=1).measures_version
    tables = copy_tables()
    tables["industry_links"][1][2] = "0.5"

    import_tables(tmp_path, tables)

    assert DataVersion.objects.get(pk=1).measures_version == version + 1


def test_an_unchanged_import_marks_nothing_stale(
    tmp_path: Path, imported: ImportReport, django_capture_on_commit_callbacks
) -> None:
    version = DataVersion.objects.get(pk=1).measures_version
    regions = dict(Region.objects.values_list("code", "score_version"))

    with django_capture_on_commit_callbacks() as callbacks:
        import_tables(tmp_path, copy_tables())

    assert callbacks == []
    assert DataVersion.objects.get(pk=1).measures_version == version
    assert dict(Region.objects.values_list("code", "score_version")) == regions


def test_imported_leads_enqueue_the_stale_rescore_on_commit(
    tmp_path: Path, imported: ImportReport, sent: list, django_capture_on_commit_callbacks
) -> None:
    tables = {"leads": copy_tables()["leads"]}
    tables["leads"][1][6] = "121"  # L1 jobs

    with django_capture_on_commit_callbacks(execute=True):
        import_tables(tmp_path, tables)

    assert sent == [("rescore_stale", [])]


def test_it_imports_a_zip_and_an_uploaded_file_object(tmp_path: Path) -> None:
    folder = write_bundle(tmp_path / "zipped")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"bundle/{path.name}")
    (tmp_path / "bundle.zip").write_bytes(buffer.getvalue())

    from_path = import_bundle(tmp_path / "bundle.zip", dry_run=False)
    buffer.seek(0)
    buffer.name = "upload.zip"
    from_upload = import_bundle(buffer, dry_run=True)

    assert from_path.ok, from_path.as_text()
    assert from_path.counts["leads"].created == 3
    assert from_upload.ok and from_upload.counts["leads"].unchanged == 3
    assert not buffer.closed  # the caller's file stays the caller's


def test_it_imports_one_csv_file(tmp_path: Path, imported: ImportReport) -> None:
    folder = write_bundle(tmp_path / "one", only=["regions"])

    report = import_bundle(folder / "regions.csv", dry_run=True)

    assert report.ok and report.counts["regions"].unchanged == 3
