"""`export_bundle`: every table in the interchange format, as a folder of CSVs or one .xlsx.

Exports are deterministic: rows sorted by business key (code-point order), every column of the
format in its documented order, canonical numbers (12.5, not 12.50), and an empty cell for
unknown (NULL). So export → import into an empty database → export gives the same files.
CSV files are UTF-8 with a byte-order mark (so Excel shows Chinese correctly) and CRLF line
ends. Text that a spreadsheet would run as a formula gets a leading apostrophe (`cells`).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
from django.db import transaction

from projects.interchange.lead_format import BUNDLE_TABLES, LEADS
from projects.interchange.lead_rows import LeadRows
from projects.interchange.timeline import TIMELINE_TABLES, stored_timeline
from regions.interchange.cells import format_cell, xlsx_value
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import Table
from regions.interchange.stored import Row, stored_rows

XLSX_MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header row


class ExportError(Exception):
    """The data cannot be written in the requested form (too many rows for a sheet)."""


def export_bundle(path: str | Path) -> dict[str, int]:
    """Write all tables to `path`: a folder of CSVs, or a workbook if it ends in .xlsx.

    The folder is created if missing; existing files of the same names are replaced. Returns
    the number of data rows written per table.
    """
    target = Path(path)
    with transaction.atomic():
        if target.suffix.lower() == ".xlsx":
            return _write_workbook(target)
        return _write_folder(target)


def table_rows(table: Table) -> Iterator[Row]:
    """The stored rows of a table in export order (leads streamed in chunks)."""
    if table in TIMELINE_TABLES:
        yield from stored_timeline(table)
        return
    if table is not LEADS:
        yield from stored_rows(table)
        return
    book = CodeBook.from_db()
    for chunk in LeadRows(book.region_codes(), book.industry_codes()).all_in_order():
        yield from chunk


def csv_cells(table: Table, row: Row) -> list[str]:
    return [format_cell(column.kind, row[column.name]) for column in table.columns]


def _write_folder(folder: Path) -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for table in BUNDLE_TABLES.values():
        with (folder / table.filename).open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(table.column_names)
            written[table.name] = _write_rows(table, writer.writerow, csv_cells)
    return written


def _xlsx_cells(table: Table, row: Row) -> list[Any]:
    return [xlsx_value(column.kind, row[column.name]) for column in table.columns]


def _write_workbook(path: Path) -> dict[str, int]:
    for table in (LEADS, *TIMELINE_TABLES):  # the tables that grow with the leads
        count = table.model._default_manager.count()
        if count > XLSX_MAX_ROWS:
            raise ExportError(
                f"{count} rows of {table.name} do not fit on one sheet (at most "
                f"{XLSX_MAX_ROWS} rows); export to a folder of CSV files instead"
            )
    book = openpyxl.Workbook(write_only=True)
    written = {}
    for table in BUNDLE_TABLES.values():
        sheet = book.create_sheet(title=table.name)
        sheet.append(table.column_names)
        written[table.name] = _write_rows(table, sheet.append, _xlsx_cells)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return written


def _write_rows(table: Table, write: Any, cells: Any) -> int:
    count = 0
    for row in table_rows(table):
        write(cells(table, row))
        count += 1
    return count
