"""A lead's timeline in the interchange: its activities (lead_activities.csv) and its stage
history (stage_changes.csv), so that an export is a backup of everything people entered.

Neither has a business key (the same note may be written twice on one day), so each is a set
per lead: **for every lead the file names, its rows become exactly the file's rows**; leads the
file does not name keep theirs. A lead's rows that are already stored count as unchanged; when
they differ, the stored ones are removed and the file's created. Both tables are read whole
(they are sized like the leads' timelines, a few rows per lead).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model

from projects.models import Lead, LeadActivity, StageChange
from regions import audit
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import USER, Kind, Table, column
from regions.interchange.readers import TableSource
from regions.interchange.report import ImportReport
from regions.interchange.stored import Row
from regions.interchange.validate import (
    OUTSIDE_SCOPE,
    ParsedRow,
    RegionCodes,
    TableParser,
    check_refs,
)

User = get_user_model()


def _lead_id_column() -> Any:
    return column("external_id", Kind.TEXT, Lead, "external_id", value_required=True)


LEAD_ACTIVITIES = Table(
    name="lead_activities",
    model=LeadActivity,
    key=("external_id", "happened_on", "created_at", "kind", "text"),
    unique_fields=(),
    columns=(
        _lead_id_column(),
        column(
            "happened_on",
            Kind.DATE,
            LeadActivity,
            "happened_on",
            target="happened_on",
            value_required=True,
        ),
        column("kind", Kind.CHOICE, LeadActivity, "kind", target="kind", value_required=True),
        column("text", Kind.TEXT, LeadActivity, "text", target="text", value_required=True),
        column("author", Kind.TEXT, User, "username", target="author_id", ref=USER),
        column("created_at", Kind.DATETIME, LeadActivity, "created_at", optional=True),
    ),
)

STAGE_CHANGES = Table(
    name="stage_changes",
    model=StageChange,
    key=("external_id", "changed_at", "from_stage", "to_stage"),
    unique_fields=(),
    columns=(
        _lead_id_column(),
        column("from_stage", Kind.CHOICE, StageChange, "from_stage", target="from_stage"),
        column(
            "to_stage", Kind.CHOICE, StageChange, "to_stage", target="to_stage", value_required=True
        ),
        column(
            "changed_at",
            Kind.DATETIME,
            StageChange,
            "changed_at",
            target="changed_at",
            value_required=True,
        ),
        column("changed_by", Kind.TEXT, User, "username", target="changed_by_id", ref=USER),
    ),
)

TIMELINE_TABLES = (LEAD_ACTIVITIES, STAGE_CHANGES)
# How each stored row is read in file terms: the column and the ORM path it comes from.
_PATHS: dict[str, dict[str, str]] = {
    "lead_activities": {
        "external_id": "lead__external_id",
        "happened_on": "happened_on",
        "kind": "kind",
        "text": "text",
        "author": "author__username",
        "created_at": "created_at",
    },
    "stage_changes": {
        "external_id": "lead__external_id",
        "from_stage": "from_stage",
        "to_stage": "to_stage",
        "changed_at": "changed_at",
        "changed_by": "changed_by__username",
    },
}


def _sort_key(table: Table, row: Row) -> tuple[Any, ...]:
    """Export order: by lead, then the table's own order (None sorts first)."""
    return tuple((row[name] is not None, row[name]) for name in table.key)


def stored_timeline(table: Table, external_ids: Iterable[str] | None = None) -> list[Row]:
    """The stored rows of a timeline table in file terms (all, or these leads'), sorted."""
    paths = _PATHS[table.name]
    # Current leads' rows only, as the leads table exports current leads (archived leads stay
    # out of the interchange, so an export always re-imports).
    rows = table.model._default_manager.filter(lead__archived_at__isnull=True)
    if external_ids is not None:
        rows = rows.filter(lead__external_id__in=list(external_ids))
    found = [
        {
            name: "" if value is None and name in _USER_COLUMNS else value
            for name, value in zip(paths, values, strict=True)
        }
        for values in rows.values_list(*paths.values())
    ]
    found.sort(key=lambda row: _sort_key(table, row))
    return found


_USER_COLUMNS = {"author", "changed_by"}


@dataclass
class TimelineImport:
    """Reading, checking, then writing one timeline table."""

    source: TableSource
    book: CodeBook
    report: ImportReport
    regions: RegionCodes = None
    file_leads: set[str] = field(default_factory=set)  # external ids in this import's leads file
    present: frozenset[str] = frozenset()
    by_lead: dict[str, list[ParsedRow]] = field(default_factory=dict)
    replaced: list[str] = field(default_factory=list)  # leads whose rows are rewritten

    @property
    def table(self) -> Table:
        return self.source.table

    def validate(self) -> None:
        """Parse every row, check leads and users exist, and count what would change."""
        parser = TableParser(self.source, self.report)
        grouped: dict[str, list[ParsedRow]] = defaultdict(list)
        for row in parser.rows():
            check_refs(self.table, self.source.label, row, self.book, self.report)
            external_id = row.values.get("external_id")
            if external_id:
                grouped[external_id].append(row)
        self.present = parser.present
        self.by_lead = dict(grouped)
        self._check_leads()
        if self.report.ok:
            self._classify()

    def _check_leads(self) -> None:
        """Each row's lead exists (stored or in leads.csv) and is the user's to change."""
        stored = dict(
            Lead.all_objects.filter(external_id__in=list(self.by_lead)).values_list(
                "external_id", "region__code"
            )
        )
        for external_id, rows in self.by_lead.items():
            region = stored.get(external_id)
            if region is None and external_id not in self.file_leads:
                reason = "unknown lead (not in the database or in leads.csv)"
            elif region is not None and self.regions is not None and region not in self.regions:
                reason = f"this lead is in region {region}, {OUTSIDE_SCOPE}"
            else:
                continue
            for row in rows:
                self.report.error(self.source.label, row.number, "external_id", external_id, reason)

    def _classify(self) -> None:
        counts = self.report.table(self.table.name)
        stored: dict[str, list[Row]] = defaultdict(list)
        for row in stored_timeline(self.table, self.by_lead):
            stored[row["external_id"]].append(row)
        compared = [name for name in self.table.column_names if name in self.present]
        for external_id, rows in self.by_lead.items():
            new = sorted(_compared(row.values, compared) for row in rows)
            old = sorted(_compared(row, compared) for row in stored.get(external_id, []))
            if new == old:
                counts.unchanged += len(rows)
                continue
            counts.created += len(rows)
            counts.removed += len(old)
            self.replaced.append(external_id)

    def write(self) -> None:
        """Replace the rows of the leads whose timeline differs (after leads are written)."""
        if not self.replaced:
            return
        lead_ids = dict(
            Lead.all_objects.filter(external_id__in=self.replaced).values_list("external_id", "id")
        )
        model = self.table.model
        model._default_manager.filter(lead_id__in=lead_ids.values()).delete()
        columns = [c for c in self.table.columns if c.target and c.name in self.present]
        objects = [
            model(lead_id=lead_ids[external_id], **self.book.model_values(columns, row.values))
            for external_id in self.replaced
            for row in self.by_lead[external_id]
        ]
        model._default_manager.bulk_create(objects, batch_size=1000)
        if self.table is LEAD_ACTIVITIES and "created_at" in self.present:
            _restore_created_at(
                objects,
                [
                    row.values["created_at"]
                    for external_id in self.replaced
                    for row in self.by_lead[external_id]
                ],
            )
        # The audit trail of the rows written (activities; stage changes are history already).
        audit.record_bulk(model, [obj.pk for obj in objects], created=True)


def _compared(values: Row, names: list[str]) -> tuple[Any, ...]:
    return tuple((values[name] is not None, values[name]) for name in names)


def _restore_created_at(objects: list[Model], created: list[Any]) -> None:
    """bulk_create stamps auto_now_add fields with now; put back the file's times (an empty
    cell keeps now)."""
    restored = []
    for obj, when in zip(objects, created, strict=True):
        if when is not None:
            obj.created_at = when  # type: ignore[attr-defined]
            restored.append(obj)
    LeadActivity.objects.bulk_update(restored, ["created_at"], batch_size=1000)  # type: ignore[arg-type]
