"""Importing leads.csv in one streaming read, so a million rows never sit in memory.

The validate pass reads the file in chunks of 5,000 rows, checks every cell, duplicate
external ids and codes, and compares each valid row with the stored lead (one query per
chunk). It keeps little in memory: the first row number of each external id (for duplicate
messages) and the current chunk. The rows that need writing go to a spool (`lead_writers`):
on PostgreSQL straight into COPY, elsewhere a temporary file; the spool writes them once every
table has passed.

A lead whose scoring inputs changed (industry, region, capex, currency, jobs, land, needs,
input industries) gets score_revision + 1, which marks its stored score stale.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from projects.interchange.lead_format import LEAD_SCORING_COLUMNS, LEADS
from projects.interchange.lead_rows import LeadRows
from projects.interchange.lead_writers import (
    CREATE,
    INPUTS,
    RESCORE,
    UPDATE,
    FileSpool,
    Spool,
    chunked,
)
from regions.interchange.codebook import CodeBook
from regions.interchange.readers import TableSource
from regions.interchange.report import ImportReport, Progress, TableCounts
from regions.interchange.stored import Row
from regions.interchange.validate import (
    OUTSIDE_SCOPE,
    DuplicateKeys,
    ParsedRow,
    RegionCodes,
    TableParser,
    check_needs,
    check_refs,
    check_row_scope,
)


def new_spool() -> Spool:
    """COPY on PostgreSQL; a temporary file and the ORM elsewhere."""
    if connection.vendor == "postgresql":
        from projects.interchange.leads_copy import CopySpool

        return CopySpool()
    return FileSpool()


class LeadImport:
    """Validating, then writing, one leads file."""

    def __init__(
        self,
        source: TableSource,
        book: CodeBook,
        report: ImportReport,
        progress: Progress | None = None,
        regions: RegionCodes = None,
    ) -> None:
        self.source = source
        self.book = book
        self.report = report
        self.progress = progress
        self.regions = regions
        self.present: frozenset[str] = frozenset()
        self.spool = new_spool()
        # The external ids in the file (as keys: the first row of each), for the timelines.
        self.external_ids: dict[Any, int] = {}

    def validate(self) -> None:
        """Check every row, count what would be created, updated or unchanged, spool writes."""
        parser = TableParser(self.source, self.report)
        duplicates = DuplicateKeys(LEADS, self.source.label, self.report)
        self.external_ids = duplicates.first_row
        counts = self.report.table(LEADS.name)
        stored = LeadRows(self.book.region_codes(), self.book.industry_codes())
        done = 0
        for chunk in chunked(parser.rows()):
            for row in chunk:
                duplicates.check(row)
                check_refs(LEADS, self.source.label, row, self.book, self.report)
                check_needs(self.source.label, row, self.book, self.report)
                check_row_scope(self.source.label, row, self.regions, self.report)
            self.present = parser.present
            if self.report.ok:  # once anything is wrong nothing is written: stop comparing
                self._classify(chunk, stored, counts)
            done += len(chunk)
            self._tick("validate", done)
        self.present = parser.present

    def _classify(self, chunk: list[ParsedRow], leads: LeadRows, counts: TableCounts) -> None:
        """Count each row as created, updated or unchanged; spool the ones to write."""
        stored = leads.by_external_id(row.values["external_id"] for row in chunk)
        compared = sorted(self.present - {"external_id"})
        batch = []
        for row in chunk:
            old = stored.get(row.values["external_id"])
            if old is not None and self.regions is not None:
                self._check_stored_region(row, old)
            flag = _flag(row.values, old, compared)
            if flag & CREATE:
                counts.created += 1
            elif flag & UPDATE:
                counts.updated += 1
            else:
                counts.unchanged += 1
                continue
            batch.append((row.values, flag))
        if not self.report.dry_run:
            self.spool.add(batch)

    def _check_stored_region(self, row: ParsedRow, old: Row) -> None:
        """A regional admin may not take over, by its external id, a lead of another region."""
        code = old.get("region_code")
        if self.regions is not None and code and code not in self.regions:
            self.report.error(
                self.source.label,
                row.number,
                "external_id",
                str(row.values["external_id"]),
                f"this lead is in region {code}, {OUTSIDE_SCOPE}",
            )

    def write(self) -> None:
        """Write the spooled rows (call after the reference tables are written)."""
        if self.spool.rows:
            self.spool.write(self.present, self.book, lambda rows: self._tick("write", rows))

    def close(self) -> None:
        self.spool.close()

    def _tick(self, phase: str, done: int) -> None:
        if self.progress is not None:
            self.progress(LEADS.name, phase, done)


def _flag(values: dict[str, Any], old: Row | None, compared: list[str]) -> int:
    if old is None:
        return CREATE | (INPUTS if values.get("input_codes") else 0)
    changed = {name for name in compared if values[name] != old[name]}
    if not changed:
        return 0
    flag = UPDATE
    if changed & LEAD_SCORING_COLUMNS:
        flag |= RESCORE
    if "input_codes" in changed:
        flag |= INPUTS
    return flag
