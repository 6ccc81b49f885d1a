"""Dyadic grids that make the World's matrix products exact, whatever BLAS computes them.

A matrix product sums many terms, and a BLAS library may add them in any order: the order
depends on the CPU kernel it picked (OPENBLAS_CORETYPE), the number of threads and even on a
row's position in its tiling. In floating point, a different order gives a different last bit,
and a percentile score that compares two cells can then flip. Instead of hoping, the inputs of
every product that feeds a score are put on a dyadic grid (multiples of 2**-bits) small enough
that every partial sum is exactly representable in float64 (53-bit significand): sums of such
numbers are exact in any order, so the result is the same on every machine and for every row
position, bit for bit. The grids are far finer than the data's meaning (proximity to 2e-10,
shares to 1e-9, presence to 1e-6, pull terms to 2.4e-7, employment to 1.5e-5 jobs).

Budget (terms x magnitude must stay below 2**53 units of the product's grid):
- density: 0/1 x phi (2**-32), at most 2**12 industries of phi <= 1 -> 44 bits;
- chain: presence (2**-20) x share (2**-30) -> 2**-50 grid, shares of one industry sum to ~1;
- cluster employment: jobs (2**-16) x member weight (2**-4) -> 2**-20 grid, a region's
  employment < 2**32 -> 52 bits;
- relatedness to a cluster: member weight (2**-4) x phi (2**-32), sum <= 2**12 -> 48 bits;
- anchor pull: a supplier cell's gap x relatedness (2**-22, 0-1) x share (2**-30) -> 2**-52
  grid, shares of one industry sum to ~1 -> 52 bits; the known weight sums 0/1 x share, and a
  lead's named inputs sum at most 2**12 cell terms (2**-22) -> 34 bits;
- a cluster's national share (reference economy): member weight (2**-4) x industry share
  (2**-44) -> 2**-48 grid, the shares sum to at most 2 (given ones plus the level's for the
  missing) -> 49 bits; so a cluster's LQ does not depend on which clusters share its block;
- typical plant: an industry's employment (2**-16) and firm counts (2**-16) summed over all
  regions (every level), each total < 2**36 -> 52 bits.
Pure numpy: never imports Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Item = TypeVar("Item")

PHI_BITS = 32
SHARE_BITS = 30
PRESENCE_BITS = 20
SIZE_BITS = 16
MEMBER_BITS = 4
TERM_BITS = 22
NATIONAL_SHARE_BITS = 44


def on_grid(values: FloatArray, bits: int) -> FloatArray:
    """`values` rounded to the nearest multiple of 2**-bits (NaN and inf stay as they are).

    Idempotent: a value already on the grid is returned unchanged.
    """
    # Multiplying by a power of two is exact (as ldexp is, but several times faster): the
    # result is bit for bit ldexp(rint(ldexp(values, bits)), -bits).
    out = np.multiply(np.asarray(values, dtype=np.float64), 2.0**bits)
    np.rint(out, out=out)
    out *= 2.0**-bits
    return out


# Below this share of non-zero entries a sparse product beats BLAS (a supply-chain map links
# each industry to tens of others out of a thousand: ~2 %).
SPARSE_BELOW = 0.1


def exact_products(xs: Sequence[FloatArray], m: FloatArray) -> list[FloatArray]:
    """[x @ m for x in xs] for operands on dyadic grids whose sums are exact (the budget
    above), computed side by side (in_parallel).

    Exact sums do not depend on their order, so a sparse m may skip its zeros: each result is
    the dense product bit for bit, at a fraction of the cost for a sparse chain map.
    """
    operand: FloatArray | sp.csc_array = m
    if np.count_nonzero(m) < SPARSE_BELOW * m.size:
        operand = sp.csc_array(m)
    out: list[FloatArray] = [np.empty(0)] * len(xs)

    def one(i: int) -> None:
        out[i] = np.ascontiguousarray(xs[i] @ operand, dtype=np.float64)

    in_parallel(one, range(len(xs)))
    return out


# Threads for independent blocks of the World's build: numpy and scipy's sparse kernels release
# the GIL, so blocks run on every core the way BLAS does for the dense products.
BUILD_THREADS = max(1, min(4, os.cpu_count() or 1))


def in_parallel(work: Callable[[Item], None], items: Iterable[Item]) -> None:
    """Run `work` on every item, on BUILD_THREADS threads (in order on one).

    Each item must write only its own part of the output, so the result cannot depend on
    which thread ran what, nor when: it is the serial result, bit for bit.
    """
    todo = list(items)
    if BUILD_THREADS == 1 or len(todo) < 2:
        for item in todo:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=BUILD_THREADS) as pool:
        for done in [pool.submit(work, item) for item in todo]:
            done.result()  # re-raises a block's error here


Result = TypeVar("Result")


def started(work: Callable[[], Result]) -> Callable[[], Result]:
    """Start `work` on its own thread (BUILD_THREADS > 1; else run it now) and return what waits
    for its result: independent parts of the build overlap on a second core."""
    if BUILD_THREADS == 1:
        value = work()
        return lambda: value
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(work)
    pool.shutdown(wait=False)
    return future.result
