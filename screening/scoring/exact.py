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


def on_grid(values: FloatArray, bits: int, out: FloatArray | None = None) -> FloatArray:
    """`values` rounded to the nearest multiple of 2**-bits (NaN and inf stay as they are).

    Idempotent: a value already on the grid is returned unchanged. `out` (optional, float64,
    the shape of values; may be values itself) receives the result instead of a new array.
    """
    # Multiplying by a power of two is exact (as ldexp is, but several times faster): the
    # result is bit for bit ldexp(rint(ldexp(values, bits)), -bits).
    out = np.multiply(np.asarray(values, dtype=np.float64), 2.0**bits, out=out)
    np.rint(out, out=out)
    out *= 2.0**-bits
    return out


# Below this share of non-zero entries a sparse product beats BLAS (a supply-chain map links
# each industry to tens of others out of a thousand: ~2 %).
SPARSE_BELOW = 0.1


def exact_products(xs: Sequence[FloatArray], m: FloatArray) -> list[FloatArray]:
    """[x @ m for x in xs] for (R, I) operands on dyadic grids whose sums are exact (the budget
    above); each result C-contiguous.

    Exact sums do not depend on their order, so a sparse m may skip its zeros: each result is
    the dense product bit for bit, at a fraction of the cost for a sparse chain map.
    """
    n = xs[0].shape[0]
    (product,) = exact_left_products([m.T], side_by_side(xs))
    return [np.ascontiguousarray(product[:, i * n : (i + 1) * n].T) for i in range(len(xs))]


# Up to this share of unknown cells, a sum over the known ones is cheaper as all minus the unknown.
FEW_UNKNOWN = 0.1


def known_sums(known: NDArray[np.bool_], m: FloatArray, bits: int) -> FloatArray | None:
    """known (0/1, R x I) @ m, C-contiguous, when most cells are known and the sums are exact;
    else None (the caller computes the product itself).

    Exact when m is on the grid 2**-bits and every column's sum of |m| stays below
    2**(53 - bits): then m's column sums minus a sparse product over the few unknown cells are
    the dense product bit for bit, for a fraction of its cost (3 % unknown cells at national
    scale).
    """
    return known_sums_of(known, [m], bits)[0]


def known_sums_of(
    known: NDArray[np.bool_], ms: Sequence[FloatArray], bits: int
) -> list[FloatArray | None]:
    """[known_sums(known, m, bits) for m in ms], finding the unknown cells once."""
    unknown = ~np.asarray(known, dtype=bool)
    if np.count_nonzero(unknown) > FEW_UNKNOWN * unknown.size:
        return [None] * len(ms)
    # The unknown cells as sparse rows, straight from the mask (no dense float copy of it).
    rows, columns = np.nonzero(unknown)
    indptr = np.zeros(unknown.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=unknown.shape[0]), out=indptr[1:])
    cells = sp.csr_array((np.ones(rows.size), columns, indptr), shape=unknown.shape)
    return [_all_but_unknown(cells, m, bits) for m in ms]


def _all_but_unknown(cells: sp.csr_array, m: FloatArray, bits: int) -> FloatArray | None:
    """m's column sums minus cells @ m as a dense (R, I) array, or None when not exact."""
    if not np.array_equal(on_grid(m, bits), m):
        return None
    column_sums = m.sum(axis=0)
    if float(np.abs(m).sum(axis=0).max(initial=0.0)) >= 2.0 ** (53 - bits):
        return None
    if np.count_nonzero(m) < SPARSE_BELOW * m.size:  # a sparse map: a sparse product
        missing = (cells @ sp.csr_array(m)).tocoo()
        out = np.empty(cells.shape)
        out[...] = column_sums
        out[missing.row, missing.col] -= missing.data
        return out
    dense = np.asarray(cells @ m, dtype=np.float64)
    return np.subtract(column_sums[np.newaxis, :], dense, out=dense)


def side_by_side(xs: Sequence[NDArray[np.float64] | NDArray[np.bool_]]) -> FloatArray:
    """The (R, I) operands transposed and laid side by side: one (I, len(xs) x R) array, the
    right operand of exact_left_products."""
    n = xs[0].shape[0]
    out = np.empty((xs[0].shape[1], n * len(xs)))
    for i, x in enumerate(xs):
        out[:, i * n : (i + 1) * n] = x.T
    return out


# Columns of the right operand per sparse product in exact_left_products.
RIGHT_COLUMNS = 256


def exact_left_products(lefts: Sequence[FloatArray], right: FloatArray) -> list[FloatArray]:
    """[a @ right for a in lefts], side by side (in_parallel), for operands on dyadic grids
    whose sums are exact; a mostly-zero `a` as a sparse product (the same numbers, bit for bit).

    With right = side_by_side([x, y, ...]) and a = m.T, a @ right is [x @ m, y @ m, ...]
    transposed: one pass over the map serves every operand, and the map's rows are the short
    loop over a long contiguous row of the right operand (scipy's kernel for sparse @ dense).
    """
    out: list[FloatArray] = [np.empty(0)] * len(lefts)

    def one(i: int) -> None:
        a = lefts[i]
        if np.count_nonzero(a) >= SPARSE_BELOW * a.size:
            out[i] = np.asarray(a @ right, dtype=np.float64)
            return
        # A block of columns of `right` at a time: each map row reads its linked rows of a
        # block that stays in a core's cache (0.037 -> 0.02 CPU s per product at 3,000 x 1,400).
        operand, product = sp.csr_array(a), np.empty((a.shape[0], right.shape[1]))
        for start in range(0, right.shape[1], RIGHT_COLUMNS):
            block = np.ascontiguousarray(right[:, start : start + RIGHT_COLUMNS])
            product[:, start : start + block.shape[1]] = operand @ block
        out[i] = product

    in_parallel(one, range(len(lefts)))
    return out


def take_rows(matrix: FloatArray, rows: NDArray[np.int64]) -> FloatArray:
    """matrix[rows]; a view (no copy) when rows are one ascending run, as a single level's are.
    The caller must not write to it."""
    if rows.size and rows[-1] - rows[0] == rows.size - 1 and np.all(np.diff(rows) == 1):
        return matrix[int(rows[0]) : int(rows[-1]) + 1]
    return matrix[rows]


# Threads for independent blocks of the World's build: numpy and scipy's sparse kernels release
# the GIL, so blocks run on every core the way BLAS does for the dense products.
BUILD_THREADS = max(1, min(4, os.cpu_count() or 1))


def thread_count() -> int:
    """BUILD_THREADS, read when called (tests and benches may change it)."""
    return BUILD_THREADS


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
