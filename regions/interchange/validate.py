"""Checking a table file: its header, each cell, and the rules across rows and tables.

Every problem found goes into the report with its file, row, column, value and reason; checks
go on after a problem so that one run lists them all. Rows are numbered as a spreadsheet shows
them: the header is row 1, the first data row is row 2.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from regions.interchange.cells import CellError, CellReader, cell_reader
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import TABLES, USER, Kind, Table
from regions.interchange.readers import ReadError, TableSource
from regions.interchange.report import ImportReport

EMPTY_FILE = "file is empty, expected a header row"
OUTSIDE_SCOPE = "outside the regions you administer"
SHARED_TABLE = (
    "only an administrator of every region may import this table (it is not one region's data)"
)
# The region codes a regional admin may write; None: every region.
RegionCodes = frozenset[str] | None
_REF_FILES = {"region": "regions.csv", "industry": "industries.csv", "firm": "firms.csv"}


@dataclass
class ParsedRow:
    """One data row: its spreadsheet row number and the typed values of the cells that were
    readable. `ok` is False if any cell was not (the row is then never written)."""

    number: int
    values: dict[str, Any]
    ok: bool


class TableParser:
    """Reads one table source: checks the header, then yields each non-blank row parsed."""

    def __init__(self, source: TableSource, report: ImportReport) -> None:
        self.source = source
        self.table: Table = source.table
        self.label = source.label
        self.report = report
        self.present: frozenset[str] = frozenset()
        self._columns: list[tuple[int, str, CellReader]] = []
        self._width = 0

    def rows(self) -> Iterator[ParsedRow]:
        """The parsed data rows; header and read problems go into the report."""
        number = 0  # the last row read (the header is row 1)
        try:
            records = self.source.records()
            header = next(records, None)
            if header is None or not any(cell.strip() for cell in header):
                self.report.error(self.label, None, "", "", EMPTY_FILE)
                return
            self._read_header(header)
            number = 1
            for number, cells in enumerate(records, start=2):
                if any(cell.strip() for cell in cells):
                    yield self._parse(number, cells)
        except ReadError as exc:
            self.report.error(self.label, number + 1, "", "", str(exc))

    def _read_header(self, header: list[str]) -> None:
        names = [cell.strip().lower() for cell in header]
        self._width = len(names)
        seen: set[str] = set()
        for index, name in enumerate(names):
            if not name:
                continue
            if name in seen:
                self.report.error(self.label, 1, name, name, "the column appears twice")
            elif name not in self.table.by_name:
                expected = ", ".join(self.table.column_names)
                self.report.error(
                    self.label,
                    1,
                    name,
                    name,
                    f"unknown column; the columns of {self.table.filename} are: {expected}",
                )
            else:
                self._columns.append((index, name, cell_reader(self.table.by_name[name])))
            seen.add(name)
        for missing in [name for name in self.table.required_names if name not in seen]:
            self.report.error(self.label, 1, missing, "", "required column is missing")
        self.present = frozenset(name for _index, name, _read in self._columns)

    def _parse(self, number: int, cells: list[str]) -> ParsedRow:
        values: dict[str, Any] = {}
        ok = True
        width = len(cells)
        for index, name, read in self._columns:
            raw = cells[index] if index < width else ""
            try:
                values[name] = read(raw)
            except CellError as exc:
                self.report.error(self.label, number, name, raw, str(exc))
                ok = False
        if width > self._width and any(cell.strip() for cell in cells[self._width :]):
            self.report.error(
                self.label,
                number,
                f"(column {self._width + 1})",
                "",
                "a value to the right of the last named column",
            )
            ok = False
        return ParsedRow(number, values, ok)


class DuplicateKeys:
    """Finds rows whose business key repeats an earlier row of the same file.

    Keeps one entry per key (the first row number), so for leads memory grows with the
    number of distinct external ids, not with the rows' contents.
    """

    def __init__(self, table: Table, label: str, report: ImportReport) -> None:
        self.table = table
        self.key = table.key
        self.label = label
        self.report = report
        self.first_row: dict[Any, int] = {}
        self.note = " (a pair in either order is the same pair)" if table.unordered else ""
        # Key columns that may be empty (a region-industry row's year: undated).
        self.may_be_empty = {name for name in table.key if not table.by_name[name].value_required}

    def check(self, row: ParsedRow) -> None:
        values = row.values
        if len(self.key) == 1:
            key: tuple[Any, ...] = (values.get(self.key[0]),)
        else:
            key = self.table.key_values(values)
        if any(
            part in (None, "") and name not in self.may_be_empty
            for name, part in zip(self.key, key, strict=True)
        ):
            return
        first = self.first_row.setdefault(key[0] if len(key) == 1 else key, row.number)
        if first != row.number:
            self.report.error(
                self.label,
                row.number,
                ", ".join(self.key),
                " / ".join(str(values.get(name)) for name in self.key),
                f"duplicate of row {first}{self.note}",
            )
            row.ok = False


class GroupAgreement:
    """Cluster-level columns repeat on each member row; they must agree within a cluster."""

    def __init__(self, table: Table, label: str, report: ImportReport) -> None:
        self.table = table
        self.label = label
        self.report = report
        self.first: dict[tuple[Any, ...], ParsedRow] = {}

    def check(self, row: ParsedRow) -> None:
        if not self.table.group:
            return
        group = tuple(row.values.get(name) for name in self.table.group)
        first = self.first.setdefault(group, row)
        for name in self.table.group_columns:
            if (
                name in row.values
                and name in first.values
                and row.values[name] != first.values[name]
            ):
                self.report.error(
                    self.label,
                    row.number,
                    name,
                    str(row.values[name]),
                    f"differs from row {first.number} of the same cluster; "
                    "cluster-level columns must repeat the same value",
                )
                row.ok = False


def check_distinct(table: Table, label: str, row: ParsedRow, report: ImportReport) -> None:
    """Two columns that must differ: a self-link, a region that is its own parent."""
    if table.distinct is None:
        return
    first, second, reason = table.distinct
    value = row.values.get(second)
    if value and value == row.values.get(first):
        report.error(label, row.number, second, str(value), reason)
        row.ok = False


def check_refs(
    table: Table, label: str, row: ParsedRow, book: CodeBook, report: ImportReport
) -> None:
    """Every code must exist in the database or in this import's regions/industries file."""
    for column in table.ref_columns:
        value = row.values.get(column.name)
        if not value or column.ref is None:
            continue
        codes = value if column.kind is Kind.CODES else (value,)
        for code in codes:
            if not book.knows(column.ref, code):
                report.error(label, row.number, column.name, code, _unknown(column.ref))
                row.ok = False
    if table.name in ("anchor_firms", "cluster_target_links"):
        _check_anchor_cluster(label, row, book, report)


def _unknown(ref: str) -> str:
    if ref == USER:
        return "unknown user (users are not part of a bundle: create the user first)"
    return f"unknown {ref} code (not in the database or in {_REF_FILES[ref]})"


def check_needs(label: str, row: ParsedRow, book: CodeBook, report: ImportReport) -> None:
    """A lead's needs name endowment factors (the model's rule, regions.validators)."""
    for name in row.values.get("needs") or ():
        if not book.knows_factor(name):
            report.error(
                label,
                row.number,
                "needs",
                name,
                "unknown need: not an endowment factor of any region (in the database or in "
                f"{TABLES['endowments'].filename})",
            )
            row.ok = False


def _check_anchor_cluster(label: str, row: ParsedRow, book: CodeBook, report: ImportReport) -> None:
    key = (row.values.get("region_code"), row.values.get("cluster_code"))
    if all(key) and not book.knows_cluster(key):  # type: ignore[arg-type]
        report.error(
            label,
            row.number,
            "cluster_code",
            str(key[1]),
            f"unknown cluster of region {key[0]} (not in the database or in "
            f"{TABLES['clusters'].filename})",
        )
        row.ok = False


def check_table_scope(table: Table, label: str, allowed: RegionCodes, report: ImportReport) -> bool:
    """A table that belongs to no region (regions, industries, links) needs an admin of every
    region; returns whether the table may be imported."""
    if allowed is None or "region_code" in table.by_name:
        return True
    report.error(label, None, "", "", SHARED_TABLE)
    return False


def check_row_scope(label: str, row: ParsedRow, allowed: RegionCodes, report: ImportReport) -> None:
    """The row's region must be one of the user's: the same scope as the editor and the API
    (screening.access.admin_region_ids)."""
    code = row.values.get("region_code")
    if allowed is not None and code and code not in allowed:
        report.error(label, row.number, "region_code", str(code), OUTSIDE_SCOPE)
        row.ok = False


def check_tree(
    label: str, rows: list[ParsedRow], stored_parents: dict[str, str], report: ImportReport
) -> None:
    """Parents (stored, overridden by the file) must not loop: A → B → A.

    A row that is its own parent is reported by `check_distinct`, not again here.
    """
    parents = dict(stored_parents)
    numbers: dict[str, int] = {}
    for row in rows:
        code = row.values.get("code")
        if code and "parent_code" in row.values:
            parents[code] = row.values["parent_code"]
            numbers[code] = row.number
    for cycle in _cycles(parents, list(numbers)):
        if len(cycle) == 1:
            continue
        shown = " → ".join([*cycle, cycle[0]])
        for code in cycle:
            if code in numbers:
                report.error(
                    label,
                    numbers[code],
                    "parent_code",
                    parents[code],
                    f"the parent chain loops: {shown}",
                )


def _cycles(parents: dict[str, str], starts: list[str]) -> list[list[str]]:
    """The cycles reachable from `starts` in a child → parent map ("" = no parent)."""
    done: set[str] = set()
    found: list[list[str]] = []
    for start in starts:
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node and node not in done and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = parents.get(node, "")
        if node in on_path:
            found.append(path[path.index(node) :])
        done.update(path)
    return found
