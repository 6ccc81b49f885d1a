"""Where validated lead rows wait to be written, and the ORM writer (any database).

A *spool* receives each row to write (created or updated, with a flag saying what changed)
during the validate pass and writes them all once the whole import is known to be valid. Spool
rows are CSV: the flag, then every lead column in file order with codes (not ids: regions and
industries new in this import have none yet), unknown as an empty cell, needs as a JSON list,
input codes joined by ";". `FileSpool` keeps them in a private temporary file and writes them
with `bulk_create(update_conflicts=True)` per chunk; `leads_copy.CopySpool` streams them
straight into PostgreSQL's COPY.
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
from typing import Any, Protocol

from django.db.models import F

from projects.interchange.lead_format import LEADS
from projects.models import Lead
from regions import audit
from regions.interchange.cells import format_decimal
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import Kind, targets

# What writing a row does (bits of a row's flag).
CREATE, UPDATE, RESCORE, INPUTS = 1, 2, 4, 8
CHUNK = 5_000

Batch = list[tuple[dict[str, Any], int]]  # (parsed values, flag) of rows to write
Tick = Callable[[int], None]  # told how many rows are written so far


class Spool(Protocol):
    rows: int

    def add(self, batch: Batch) -> None: ...

    def write(self, present: frozenset[str], book: CodeBook, tick: Tick) -> None: ...

    def close(self) -> None: ...


def chunked(items: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _date_text(value: dt.date | None) -> str:
    return "" if value is None else value.isoformat()


def _number_text(value: Decimal | int | None) -> str:
    if value is None:
        return ""
    return format_decimal(value) if isinstance(value, Decimal) else str(value)


_CELL_TEXT: dict[Kind, Callable[[Any], str]] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.DECIMAL: _number_text,
    Kind.INTEGER: _number_text,
    Kind.DATE: _date_text,
    Kind.NAMES: json.JSONEncoder(ensure_ascii=False).encode,
    Kind.CODES: ";".join,
}
_CELL_VALUE: dict[Kind, Callable[[str], Any]] = {
    Kind.TEXT: str,
    Kind.CHOICE: str,
    Kind.DECIMAL: lambda text: Decimal(text) if text else None,
    Kind.INTEGER: lambda text: int(text) if text else None,
    Kind.DATE: lambda text: dt.date.fromisoformat(text) if text else None,
    Kind.NAMES: json.loads,
    Kind.CODES: lambda text: tuple(text.split(";")) if text else (),
}
_COLUMNS = [(column.name, column.empty, _CELL_TEXT[column.kind]) for column in LEADS.columns]


def spool_cells(values: dict[str, Any], flag: int) -> list[object]:
    """One spool row; a column absent from the file gets its empty value (used on insert)."""
    return [flag, *[text(values.get(name, empty)) for name, empty, text in _COLUMNS]]


class FileSpool:
    """Spool rows in a private temporary file (deleted on close), written with the ORM."""

    def __init__(self) -> None:
        self.file = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")  # noqa: SIM115
        self.writer = csv.writer(self.file)
        self.rows = 0

    def add(self, batch: Batch) -> None:
        self.writer.writerows(spool_cells(values, flag) for values, flag in batch)
        self.rows += len(batch)

    def write(self, present: frozenset[str], book: CodeBook, tick: Tick) -> None:
        done = 0
        for batch in chunked(self._read_back()):
            write_batch(batch, present, book)
            done += len(batch)
            tick(done)

    def close(self) -> None:
        self.file.close()

    def _read_back(self) -> Iterator[tuple[dict[str, Any], int]]:
        self.file.seek(0)
        decode = [(column.name, _CELL_VALUE[column.kind]) for column in LEADS.columns]
        for cells in csv.reader(self.file):
            values = {
                name: read(cell) for (name, read), cell in zip(decode, cells[1:], strict=True)
            }
            yield values, int(cells[0])


def write_batch(batch: Batch, present: frozenset[str], book: CodeBook) -> None:
    """Upsert one chunk with the ORM, bump the revision of leads whose scoring inputs changed
    (F() + 1; new leads keep the default), then replace the input industries that changed."""
    columns = [column for column in LEADS.columns if column.target and column.name in present]
    leads = Lead.objects.bulk_create(
        [Lead(**book.model_values(columns, values)) for values, _flag in batch],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["external_id"],
        update_fields=[*targets(columns, besides=["external_id"]), "updated_at"],
    )
    rescored = [values["external_id"] for values, flag in batch if flag & RESCORE]
    if rescored:
        Lead.all_objects.filter(external_id__in=rescored).update(
            score_revision=F("score_revision") + 1
        )
    _replace_inputs([values for values, flag in batch if flag & INPUTS], book)
    record_history(
        [lead.pk for lead, (_values, flag) in zip(leads, batch, strict=True) if flag & CREATE],
        [lead.pk for lead, (_values, flag) in zip(leads, batch, strict=True) if not flag & CREATE],
    )


def record_history(created: list[int], updated: list[int]) -> None:
    """The audit trail of the leads just written (regions.audit: one bulk insert per chunk)."""
    audit.record_bulk(Lead, created, created=True)
    audit.record_bulk(Lead, updated, created=False)


def _replace_inputs(rows: list[dict[str, Any]], book: CodeBook) -> None:
    if not rows:
        return
    through = Lead.input_industries.through
    ids = dict(
        Lead.all_objects.filter(
            external_id__in=[values["external_id"] for values in rows]
        ).values_list("external_id", "id")
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


def csv_text(batch: Batch) -> str:
    """A batch as spool CSV text (the COPY spool sends a chunk at a time)."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(spool_cells(values, flag) for values, flag in batch)
    return buffer.getvalue()
