"""Time rank_robustness on a shortlist and rerank_top on a large lead base (best of runs).

Run from anywhere: `.venv/bin/python bench/bench_robustness.py`.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening.scoring.weights import PRESETS, rank_robustness, rerank_top

RUNS = 5


def best_time(work: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    rng = np.random.default_rng(0)
    shortlist = rng.uniform(0, 100, (1000, 3))
    base = rng.uniform(0, 100, (1_000_000, 3))
    weights = PRESETS["balanced"]
    seconds = best_time(lambda: rank_robustness(shortlist, weights, draws=1000, top_k=100))
    print(f"rank_robustness 1,000 leads x 1,000 draws: {seconds:.3f} s best of {RUNS}")
    seconds = best_time(lambda: rerank_top(base, PRESETS["chain_first"], 100))
    print(f"rerank_top 100 of 1,000,000 leads: {seconds:.3f} s best of {RUNS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
