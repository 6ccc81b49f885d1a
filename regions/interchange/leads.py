"""Importing leads.csv in one streaming read, so a million rows never sit in memory.

The validate pass reads the file in chunks of 5,000 rows, checks every cell, duplicate
external ids and codes, and compares each valid row with the stored lead. What it keeps in
memory is small: the first row number of each external id (for duplicate messages) and the
current chunk. The rows that need writing (created or updated, with a flag saying what
changed) go to a spool: a private temporary CSV file. The write pass reads the spool back: on
PostgreSQL its bytes go straight into COPY and one upsert (`leads_copy`), elsewhere into
`bulk_create(update_conflicts=True)` per chunk.

A lead whose scoring inputs changed (industry, region, capex, currency, jobs, land, needs,
input industries) gets score_revision + 1, which marks its stored score stale.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from itertools import islice
from typing import Any

from django.db import connection

from projects.models import Lead
from regions.interchange.cells import format_decimal
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import LEAD_SCORING_COLUMNS, LEADS, Kind, targets
from regions.interchange.readers import TableSource
from regions.interchange.report import ImportReport, Progress, TableCounts
from regions.interchange.stored import LEAD_CHUNK, LeadRows, Row
from regions.interchange.validate import DuplicateKeys, ParsedRow, TableParser, check_refs

# What writing a row does (bits of a row's flag).
CREATE, UPDATE, RESCORE, INPUTS = 1, 2, 4, 8

Batch = list[tuple[dict[str, Any], int]]  # (parsed values, flag) of rows to write


def chunked(items: Iterable[Any], size: int = LEAD_CHUNK) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _date_text(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _number_text(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return format_decimal(value) if isinstance(value, Decimal) else str(value)


# How a spool cell is written: plain text; needs as a JSON list; input codes joined by ";".
_SPOOL_TEXT: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.DECIMAL: _number_text,
    Kind.INTEGER: _number_text,
    Kind.DATE: _date_text,
    Kind.NAMES: json.JSONEncoder(ensure_ascii=False).encode,
    Kind.CODES: ";".join,
}
# And read back (only the ORM writer reads it; PostgreSQL's COPY reads the bytes itself).
_SPOOL_VALUE: dict[Kind, Callable[[str], Any]] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.DECIMAL: lambda text: Decimal(text) if text else None,
    Kind.INTEGER: lambda text: int(text) if text else None,
    Kind.DATE: lambda text: dt.date.fromisoformat(text) if text else None,
    Kind.NAMES: json.loads,
    Kind.CODES: lambda text: tuple(text.split(";")) if text else (),
}


class Spool:
    """The rows to write, as CSV in a private temporary file (deleted on close).

    A spool row is the flag, then every lead column in file order: codes (not ids, which new
    regions and industries do not have yet), unknown as an empty cell, an absent optional
    column as its empty value. PostgreSQL COPYs the bytes as they are.
    """

    def __init__(self) -> None:
        self.raw = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.text = io.TextIOWrapper(self.raw, encoding="utf-8", newline="")
        self.writer = csv.writer(self.text)
        self.rows = 0
        self._columns = [(c.name, c.empty, _SPOOL_TEXT[c.kind]) for c in LEADS.columns]

    def add(self, values: dict[str, Any], flag: int) -> None:
        cells = [text(values.get(name, empty)) for name, empty, text in self._columns]
        self.writer.writerow([flag, *cells])
        self.rows += 1

    def blocks(self, size: int = 1 << 20) -> Iterator[tuple[bytes, int]]:
        """The spool's bytes for COPY, each block with about how many rows are sent by then
        (estimated from the bytes, for progress bars)."""
        self.text.flush()
        total = self.raw.seek(0, io.SEEK_END) or 1
        self.raw.seek(0)
        while block := self.raw.read(size):
            yield block, self.rows * self.raw.tell() // total

    def batches(self) -> Iterator[Batch]:
        """The spooled rows read back as values, a chunk at a time."""
        self.text.flush()
        self.text.seek(0)
        decode = [(c.name, _SPOOL_VALUE[c.kind]) for c in LEADS.columns]
        rows = (
            (
                {name: read(cell) for (name, read), cell in zip(decode, cells[1:], strict=True)},
                int(cells[0]),
            )
            for cells in csv.reader(self.text)
        )
        yield from chunked(rows)

    def close(self) -> None:
        self.text.close()


class LeadImport:
    """Validating, then writing, one leads file."""

    def __init__(
        self,
        source: TableSource,
        book: CodeBook,
        report: ImportReport,
        progress: Progress | None = None,
    ) -> None:
        self.source = source
        self.book = book
        self.report = report
        self.progress = progress
        self.present: frozenset[str] = frozenset()
        self.spool = Spool()

    def validate(self) -> None:
        """Check every row, count what would be created, updated or unchanged, spool writes."""
        parser = TableParser(self.source, self.report)
        duplicates = DuplicateKeys(LEADS, self.source.label, self.report)
        counts = self.report.table(LEADS.name)
        stored = LeadRows(self.book.region_codes(), self.book.industry_codes())
        done = 0
        for chunk in chunked(parser.rows()):
            for row in chunk:
                duplicates.check(row)
                check_refs(LEADS, self.source.label, row, self.book, self.report)
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
        for row in chunk:
            flag = _flag(row.values, stored.get(row.values["external_id"]), compared)
            if flag & CREATE:
                counts.created += 1
            elif flag & UPDATE:
                counts.updated += 1
            else:
                counts.unchanged += 1
                continue
            if not self.report.dry_run:
                self.spool.add(row.values, flag)

    def write(self) -> None:
        """Write the spooled rows (call after the reference tables are written)."""
        if not self.spool.rows:
            return
        if connection.vendor == "postgresql":
            from regions.interchange.leads_copy import copy_leads

            copy_leads(self.spool, self.present, lambda rows: self._tick("write", rows))
        else:
            done = 0
            for batch in self.spool.batches():
                write_batch(batch, self.present, self.book)
                done += len(batch)
                self._tick("write", done)

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


def write_batch(batch: Batch, present: frozenset[str], book: CodeBook) -> None:
    """Upsert one chunk with the ORM (any database), then replace changed input industries."""
    if not batch:
        return
    columns = [column for column in LEADS.columns if column.target and column.name in present]
    revisions = dict(
        Lead.objects.filter(
            external_id__in=[values["external_id"] for values, _ in batch]
        ).values_list("external_id", "score_revision")
    )
    leads = [
        Lead(
            **book.model_values(columns, values),
            score_revision=_revision(revisions.get(values["external_id"]), flag),
        )
        for values, flag in batch
    ]
    update = targets(columns, besides=["external_id"])
    Lead.objects.bulk_create(
        leads,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[*update, "score_revision", "updated_at"],
    )
    _replace_inputs([values for values, flag in batch if flag & INPUTS], book)


def _revision(stored: int | None, flag: int) -> int:
    if stored is None:
        return Lead._meta.get_field("score_revision").get_default()
    return stored + 1 if flag & RESCORE else stored


def _replace_inputs(rows: list[dict[str, Any]], book: CodeBook) -> None:
    if not rows:
        return
    through = Lead.input_industries.through
    ids = dict(
        Lead.objects.filter(external_id__in=[values["external_id"] for values in rows]).values_list(
            "external_id", "id"
        )
    )
    through.objects.filter(lead_id__in=ids.values()).delete()
    through.objects.bulk_create(
        [
            through(lead_id=ids[values["external_id"]], industry_id=book.industries[code])
            for values in rows
            for code in values["input_codes"]
        ],
        batch_size=1000,
    )
