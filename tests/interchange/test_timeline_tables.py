"""The tables that make an export a backup: a lead's owner, power need, lost-to and firm, its
activities and stage history, and a cluster's target links; checked like every other table."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth.models import User

from projects.interchange.importer import import_bundle
from projects.models import Lead, LeadActivity, StageChange
from regions.interchange.report import ImportReport
from regions.models import ClusterTargetLink
from tests.interchange.bundles import Table, copy_tables, write_bundle, write_csv

pytestmark = pytest.mark.django_db
ACTIVITIES = ["external_id", "happened_on", "kind", "text", "author", "created_at"]
WHEN = "2026-02-03T01:02:03+00:00"


def import_tables(folder: Path, tables: dict[str, Table]) -> ImportReport:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in tables.items():
        write_csv(folder / f"{name}.csv", rows)
    return import_bundle(folder, dry_run=False)


def the_problem(report: ImportReport) -> tuple[str, int | None, str, str]:
    assert not report.ok
    assert len(report.errors) == 1, report.as_text()
    problem = report.errors[0]
    return problem.file, problem.row, problem.column, problem.reason


def test_leads_carry_owner_power_lost_to_and_firm(tmp_path: Path, db: None) -> None:
    User.objects.create(username="officer_li")
    tables = copy_tables()
    header = tables["leads"][0]
    header += ["power_mw", "lost_to", "owner", "firm_id"]
    tables["leads"][1] += ["12.5", "江苏常州", "officer_li", "F1"]
    tables["leads"][2] += ["", "", "", ""]
    tables["leads"][3] += ["0", "", "", ""]

    report = import_bundle(write_bundle(tmp_path / "b", tables), dry_run=False)

    assert report.ok, report.as_text()
    lead = Lead.objects.get(external_id="L1")
    assert lead.owner is not None and lead.firm is not None
    assert (str(lead.power_mw), lead.lost_to, lead.owner.username, lead.firm.code) == (
        "12.50",
        "江苏常州",
        "officer_li",
        "F1",
    )
    nobody = Lead.objects.get(external_id="L2")
    assert (nobody.power_mw, nobody.owner, nobody.firm) == (None, None, None)


def test_an_owner_must_be_an_existing_user(tmp_path: Path, db: None) -> None:
    tables = copy_tables()
    tables["leads"][0].append("owner")
    for row in tables["leads"][1:]:
        row.append("ghost")

    report = import_bundle(write_bundle(tmp_path / "b", tables), dry_run=False)

    assert not report.ok
    assert {(p.file, p.column, p.value) for p in report.errors} == {("leads.csv", "owner", "ghost")}
    assert "unknown user" in report.errors[0].reason
    assert not Lead.objects.exists()


def test_activities_are_replaced_per_lead_and_a_reimport_changes_nothing(
    tmp_path: Path, imported: ImportReport
) -> None:
    User.objects.create(username="officer_li")
    two = [
        ACTIVITIES,
        [
            "L1",
            "2026-02-03",
            "visit",
            "考察园区\n第二行",
            "officer_li",
            "2026-02-03T01:02:03+00:00",
        ],
        ["L1", "2026-02-03", "visit", "考察园区\n第二行", "", WHEN],
    ]
    first = import_tables(tmp_path / "one", {"lead_activities": two})
    assert first.ok, first.as_text()
    assert first.counts["lead_activities"].created == 2

    again = import_tables(tmp_path / "two", {"lead_activities": two})
    assert again.counts["lead_activities"].unchanged == 2
    assert not again.counts["lead_activities"].changed

    fewer = import_tables(tmp_path / "three", {"lead_activities": two[:2]})
    assert (fewer.counts["lead_activities"].created, fewer.counts["lead_activities"].removed) == (
        1,
        2,
    )
    stored = LeadActivity.objects.get()
    assert (
        stored.author is not None and stored.created_at.isoformat() == "2026-02-03T01:02:03+00:00"
    )


@pytest.mark.parametrize(
    ("table", "rows", "column", "reason"),
    [
        (
            "lead_activities",
            [ACTIVITIES, ["NOPE", "2026-02-03", "note", "x", "", ""]],
            "external_id",
            "unknown lead",
        ),
        (
            "lead_activities",
            [ACTIVITIES, ["L1", "2999-02-03", "note", "x", "", ""]],
            "happened_on",
            "Enter a date between",
        ),
        (
            "stage_changes",
            [
                ["external_id", "from_stage", "to_stage", "changed_at", "changed_by"],
                ["L1", "lead", "contact", "yesterday", ""],
            ],
            "changed_at",
            "not a valid date and time",
        ),
        (
            "cluster_target_links",
            [["region_code", "cluster_code", "industry_code"], ["SD-JN", "JN-NEV", "NEV-ASM"]],
            "industry_code",
            "a member of the cluster is not a link to fill",
        ),
    ],
)
def test_timeline_and_target_link_rows_are_checked(
    tmp_path: Path, imported: ImportReport, table: str, rows: Table, column: str, reason: str
) -> None:
    report = import_tables(tmp_path / "bad", {table: rows})

    file, row, found_column, found_reason = the_problem(report)
    assert (file, row, found_column) == (f"{table}.csv", 2, column)
    assert reason in found_reason
    assert not LeadActivity.objects.exists() and not StageChange.objects.exists()
    assert not ClusterTargetLink.objects.exists()
