"""Progress bars for imports run from a terminal (tqdm on stderr, only if stderr is a TTY)."""

from __future__ import annotations

import sys
from types import TracebackType

from tqdm import tqdm


class TerminalProgress:
    """A `report.Progress` callback drawing one bar per table and phase (validate, write)."""

    def __init__(self) -> None:
        self.bars: dict[tuple[str, str], tqdm] = {}

    def __call__(self, table: str, phase: str, rows_done: int) -> None:
        bar = self.bars.get((table, phase))
        if bar is None:
            bar = tqdm(desc=f"{table}: {phase}", unit=" rows", file=sys.stderr, leave=True)
            self.bars[(table, phase)] = bar
        bar.update(rows_done - bar.n)

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        for bar in self.bars.values():
            bar.close()


def terminal_progress() -> TerminalProgress | None:
    """Bars when a person watches stderr; nothing in logs, pipes and tests."""
    return TerminalProgress() if sys.stderr.isatty() else None
