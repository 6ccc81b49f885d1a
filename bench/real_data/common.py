"""Helpers shared by the real-data benchmark: where the data is, timing, Markdown tables."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parents[2]
# The shared data sits next to the repository (never copied into it).
DATA = (REPO / ".." / "shared" / "data").resolve()

T = TypeVar("T")


def best_of(runs: int, action: Callable[[], T]) -> tuple[float, T]:
    """Smallest wall time (s) over `runs` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    return best, result  # type: ignore[return-value]


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    """A Markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value).replace("|", "/")


def pct(value: float) -> str:
    return f"{100 * value:.1f}%"
