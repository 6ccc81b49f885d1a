"""Time compute_complexity on random employment-like matrices (best of several runs).

Run from anywhere: `.venv/bin/python bench/bench_complexity.py`. Target: 3000 x 1000 in
<= 1.5 s on the 2-core development machine. BLAS threading is left as the environment sets it
(for example OPENBLAS_CORETYPE / OPENBLAS_NUM_THREADS).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from screening.scoring.complexity import compute_complexity

SHAPES = ((300, 1000), (3000, 1000), (3000, 1400))
RUNS = 5
TARGET_SECONDS = {(3000, 1000): 1.5}


def employment_matrix(shape: tuple[int, int], seed: int = 0) -> np.ndarray:
    """Log-normal employment in about 30% of cells, zero elsewhere (sparse-ish, like census)."""
    rng = np.random.default_rng(seed)
    return rng.lognormal(3.0, 2.0, shape) * (rng.random(shape) < 0.3)


def best_time(x: np.ndarray, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        compute_complexity(x)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    failed = False
    for shape in SHAPES:
        seconds = best_time(employment_matrix(shape))
        target = TARGET_SECONDS.get(shape)
        verdict = "" if target is None else (" ok" if seconds <= target else " OVER TARGET")
        failed = failed or verdict == " OVER TARGET"
        limit = f" (target <= {target} s)" if target else ""
        print(
            f"compute_complexity {shape[0]}x{shape[1]}: {seconds:.3f} s best of {RUNS}"
            f"{limit}{verdict}"
        )
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
