"""What an import found and did: problems (file, row, column, value, reason) and row counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# Called as progress(table, phase, rows_done) with phase "validate" or "write", every chunk.
Progress = Callable[[str, str, int], None]

MAX_LISTED_PROBLEMS = 10_000  # beyond this only the count grows (a broken 1M-row file)
_MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Problem:
    """One problem at a place in the bundle.

    `row` is the row number a spreadsheet shows (the header is row 1, so the first data row is
    2); None when the problem concerns the whole file. `column` is empty when it concerns a
    whole row or file; `value` is the cell as read, shortened for display.
    """

    file: str
    row: int | None
    column: str
    value: str
    reason: str

    def __str__(self) -> str:
        where = self.file if self.row is None else f"{self.file} row {self.row}"
        if self.column:
            where += f", column {self.column}"
        shown = f' "{self.value}"' if self.value else ""
        return f"{where}{shown}: {self.reason}"


@dataclass
class TableCounts:
    """Rows of one table that were (or, in a dry run, would be) created, updated or unchanged.

    `removed` counts cluster members dropped because the file no longer lists them.
    """

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed


@dataclass
class ImportReport:
    """Everything an import found. `ok` is False if anything is wrong; then nothing was written."""

    dry_run: bool
    errors: list[Problem] = field(default_factory=list)
    # The import batch its writes are recorded under in the audit trail (regions.audit).
    batch: str = ""
    warnings: list[Problem] = field(default_factory=list)
    error_count: int = 0
    counts: dict[str, TableCounts] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def error(self, file: str, row: int | None, column: str, value: str, reason: str) -> None:
        """Record a problem; the import will write nothing."""
        self.error_count += 1
        if len(self.errors) < MAX_LISTED_PROBLEMS:
            self.errors.append(Problem(file, row, column, _shorten(value), reason))

    def warn(self, file: str, reason: str) -> None:
        """Record something the user should know that does not stop the import."""
        self.warnings.append(Problem(file, None, "", "", reason))

    def table(self, name: str) -> TableCounts:
        return self.counts.setdefault(name, TableCounts())

    def as_text(self) -> str:
        """The report as the command prints it."""
        lines = [self._headline()]
        lines += [f"  {problem}" for problem in self.errors]
        if self.error_count > len(self.errors):
            lines.append(f"  … and {self.error_count - len(self.errors)} more problems")
        lines += [f"warning: {problem}" for problem in self.warnings]
        if self.ok:
            lines += self._count_lines()
        return "\n".join(lines)

    def _headline(self) -> str:
        if not self.ok:
            return f"Import failed, nothing was written: {self.error_count} problem(s)."
        if self.dry_run:
            return "Dry run: the data is valid; nothing was written. It would change:"
        return "Import done."

    def _count_lines(self) -> list[str]:
        verb = ("would be " if self.dry_run else "") + "{}"
        lines = [f"{'table':<20}{'created':>10}{'updated':>10}{'unchanged':>11}"]
        for name, counts in self.counts.items():
            line = f"{name:<20}{counts.created:>10}{counts.updated:>10}{counts.unchanged:>11}"
            if counts.removed:
                line += f"   ({counts.removed} member rows {verb.format('removed')})"
            lines.append(line)
        if not any(counts.changed for counts in self.counts.values()):
            lines.append("unchanged")
        return lines


def _shorten(value: str) -> str:
    if len(value) <= _MAX_VALUE_CHARS:
        return value
    return value[: _MAX_VALUE_CHARS - 1] + "…"
