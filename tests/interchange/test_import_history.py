"""Imports record what they wrote in the audit trail: via import, under their batch id, created
or changed, with old and new values (the ORM writer on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from projects import services
from projects.interchange.export import export_bundle
from projects.interchange.importer import import_bundle
from projects.models import Lead
from regions.interchange.report import ImportReport
from regions.models import ClusterIndustry, Endowment, RegionIndustry
from screening.selectors.changes import lead_changes
from tests.interchange.bundles import copy_tables, empty_database, write_bundle

pytestmark = pytest.mark.django_db


def test_every_row_an_import_creates_is_recorded_under_its_batch(imported: ImportReport) -> None:
    assert len(imported.batch) == 32
    for model, rows in [
        (Lead, 3),
        (RegionIndustry, 2),
        (Endowment, 3),
        (ClusterIndustry, ClusterIndustry.objects.count()),
    ]:
        copies = model.history.all()  # type: ignore[attr-defined]
        assert copies.count() == rows, model
        assert {(c.history_type, c.history_via, c.history_batch) for c in copies} == {
            ("+", "import", imported.batch)
        }


def test_a_reimport_records_only_the_rows_it_changes_with_old_and_new(
    tmp_path: Path, imported: ImportReport
) -> None:
    tables = copy_tables()
    tables["leads"][1][4] = "99"  # L1 capex
    tables["leads"][2][9] = "NEV-ASM"  # L2 input industries: had none

    again = import_bundle(write_bundle(tmp_path / "edit", tables), dry_run=False, batch="b" * 32)

    assert again.ok, again.as_text()
    assert Lead.history.filter(history_batch="b" * 32).count() == 2
    l1, l2 = Lead.objects.filter(external_id__in=["L1", "L2"]).order_by("external_id")
    capex = [c for c in lead_changes(l1.pk) if c.field == "capex"]
    assert [(c.old, c.new, c.via, c.batch) for c in capex] == [
        ("12.50", "99.00", "import", "b" * 32)
    ]
    inputs = [c for c in lead_changes(l2.pk) if c.field == "input_industries"]
    assert [(c.old_label, c.new_label.split(" (")[-1]) for c in inputs] == [("—", "NEV-ASM)")]


def test_an_import_updates_an_archived_lead_and_leaves_it_archived(
    tmp_path: Path, imported: ImportReport
) -> None:
    l1 = Lead.objects.get(external_id="L1")
    services.lead_archive(lead=l1, user=None)
    tables = copy_tables()
    tables["leads"][1][4] = "99"  # L1 capex (a scoring input)
    tables["leads"][1][9] = "NEV-ASM"  # L1 input industries

    again = import_bundle(write_bundle(tmp_path / "edit", tables), dry_run=False)

    assert again.ok, again.as_text()
    assert again.counts["leads"].updated == 1 and again.counts["leads"].created == 0
    archived = Lead.all_objects.get(external_id="L1")
    assert archived.archived_at is not None and archived.capex == Decimal("99")
    assert [i.code for i in archived.input_industries.all()] == ["NEV-ASM"]


def test_an_export_leaves_archived_leads_and_their_timelines_out_and_re_imports(
    tmp_path: Path, imported: ImportReport
) -> None:
    l1 = Lead.objects.get(external_id="L1")
    services.lead_add_activity(lead=l1, user=None, kind="call", text="电话")
    services.lead_archive(lead=l1, user=None)
    export_bundle(tmp_path / "out")
    empty_database()

    report = import_bundle(tmp_path / "out", dry_run=False)

    assert report.ok, report.as_text()
    assert sorted(Lead.all_objects.values_list("external_id", flat=True)) == ["L2", "L3"]
