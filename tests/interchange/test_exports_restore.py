"""An export never fails and always imports again (issue 14, finding 4), and an import refuses
what the models refuse: unknown currencies, implausible dates, needs no region records."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command

from projects.interchange.export import export_bundle
from projects.interchange.importer import import_bundle
from projects.models import Lead
from regions.interchange.report import ImportReport
from tests.interchange.bundles import copy_tables, empty_database, write_bundle

pytestmark = pytest.mark.django_db


def store_bypassing_the_rules(**fields: str) -> Lead:
    """A lead holding values every entry path now refuses, as rows saved before could."""
    lead = Lead.objects.order_by("external_id").first()
    assert lead is not None
    Lead.objects.filter(pk=lead.pk).update(**fields)
    return lead


def test_export_data_writes_a_workbook_whatever_is_stored(
    tmp_path: Path, imported: ImportReport
) -> None:
    store_bypassing_the_rules(company="甲\x01公司", products="电\x1b池\u0007")
    target = tmp_path / "backup.xlsx"

    call_command("export_data", str(target))

    sheet = openpyxl.load_workbook(target, read_only=True)["leads"]
    companies = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "甲\ufffd公司" in companies


def test_an_export_of_such_rows_imports_again(tmp_path: Path, imported: ImportReport) -> None:
    store_bypassing_the_rules(company="甲\x01公司")
    for target in (tmp_path / "backup", tmp_path / "backup.xlsx"):
        export_bundle(target)
        empty_database()
        report = import_bundle(target, dry_run=False)
        assert report.ok, report.as_text()
        assert Lead.objects.filter(company="甲\ufffd公司").exists()


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("currency", "XYZ", "Unknown currency XYZ"),
        ("received_on", "2999-01-01", "Enter a date between 1950-01-01"),
        ("needs", "port;unobtainium", "unknown need"),
        ("products", "x" * 10_001, "too long"),
    ],
)
def test_the_importer_refuses_what_the_models_refuse(
    tmp_path: Path, db: None, column: str, cell: str, reason: str
) -> None:
    tables = copy_tables()
    header, first = tables["leads"][0], tables["leads"][1]
    first[header.index(column)] = cell
    report = import_bundle(write_bundle(tmp_path / "bad", tables), dry_run=False)

    assert not report.ok
    problem = report.errors[0]
    assert (problem.file, problem.row, problem.column) == ("leads.csv", 2, column)
    assert reason in problem.reason
    assert not Lead.objects.exists()
