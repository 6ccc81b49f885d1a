"""Building a reference industry space: proximity phi from a large region x industry table.

The product's users (a province, a city, a development zone) never have enough regions of
their own to estimate phi: co-location over 16 cities cannot tell related from unrelated
industries (docs/scoring.md, "Reference industry space"). So phi is estimated once over a
large table (a national census of counties, another country's metro areas) and stored as
industry_relatedness.csv. This module does that estimate:

1. stream the table (interchange region_industries format: region_code, industry_code,
   employment; other columns ignored; empty employment = unknown, entered as 0 like every
   complexity input) into a dense (R, S) matrix, S = the table's industry codes;
2. optionally map it onto the agency's classification through a concordance (source_code,
   target_code, weight: the share of a source code's size that belongs to the target code)
   BY AGGREGATING SIZES FIRST: X_target = X_source @ C. phi is a statement about where the
   *target* industries co-locate, and presence (RCA >= 1) is not additive, so it must be
   computed on the aggregated sizes; averaging the source codes' phi would be neither a
   conditional probability nor the co-location of anything;
3. RCA, presence M and phi = M'M / max(k_p, k_q) (complexity.py, Atlas conventions).

Also: reading industry_relatedness.csv back (the `complexity --relatedness` command; the
dense matrix is complexity.proximity_matrix). Pure numpy / pandas: never imports Django.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from screening.scoring.complexity import presence, proximity, rca

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

INPUT_COLUMNS = ("region_code", "industry_code", "employment")
CONCORDANCE_COLUMNS = ("source_code", "target_code", "weight")
RELATEDNESS_COLUMNS = ("industry_1", "industry_2", "proximity", "source")
# Rows read at a time: memory holds one chunk of text plus three numbers per non-empty cell.
CHUNK_ROWS = 500_000
# Weights of one source code may exceed 1 by rounding only (three 0.3334 make 1.0002).
SUM_TOLERANCE = 1e-3
# Decimals written for phi: more than the estimate's precision, few enough for a small file.
PROXIMITY_DECIMALS = 6


class RelatednessError(ValueError):
    """Input that cannot be used; the message says where (file, line or code) and why."""


@dataclass
class SizeTable:
    """A region x industry size matrix read from a long table (codes sorted)."""

    regions: list[str]
    industries: list[str]
    size: FloatArray  # (R, I), 0 where no row or employment unknown
    unknown_cells: int = 0
    notes: list[str] = field(default_factory=list)
    # (R,) size of each region in industries outside `industries` (left out by a
    # concordance); it stays in the region's total, so RCA measures specialisation against
    # the region's whole economy, not only against the mapped industries.
    unmapped: FloatArray | None = None


def read_size_table(path: str | Path, *, chunk_rows: int = CHUNK_ROWS) -> SizeTable:
    """Stream a region_industries CSV into a dense matrix (see the module docstring).

    Raises RelatednessError for a missing column, a negative or non-numeric employment (with
    its line number) or a (region, industry) pair given twice.
    """
    path = Path(path)
    region_ids: dict[str, int] = {}
    industry_ids: dict[str, int] = {}
    parts: list[tuple[IntArray, IntArray, FloatArray]] = []
    unknown = 0
    for start, chunk in _chunks(path, chunk_rows):
        values = _employment(chunk, path, start)
        unknown += int(values.isna().sum())
        parts.append(
            (
                _ids(chunk["region_code"], region_ids),
                _ids(chunk["industry_code"], industry_ids),
                values.fillna(0.0).to_numpy(dtype=np.float64),
            )
        )
    return _dense(path, region_ids, industry_ids, parts, unknown)


def _chunks(path: Path, chunk_rows: int) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first file line, rows) per chunk; codes and employment as stripped text."""
    try:
        reader = pd.read_csv(
            path,
            usecols=lambda name: str(name).strip().lower() in INPUT_COLUMNS,
            dtype=str,
            keep_default_na=False,
            chunksize=chunk_rows,
            encoding="utf-8-sig",
        )
    except (OSError, ValueError) as error:
        raise RelatednessError(f"{path}: {error}") from error
    line, any_rows = 2, False
    with reader:
        for chunk in reader:
            chunk.columns = [str(c).strip().lower() for c in chunk.columns]
            missing = [c for c in INPUT_COLUMNS if c not in chunk.columns]
            if missing:
                raise RelatednessError(
                    f"{path}: missing column(s) {missing}; need {', '.join(INPUT_COLUMNS)}"
                )
            chunk = chunk.apply(lambda col: col.str.strip())
            blank = np.flatnonzero((chunk["region_code"] == "") | (chunk["industry_code"] == ""))
            if blank.size:
                lines = ", ".join(str(line + int(i)) for i in blank[:10])
                raise RelatednessError(
                    f"{path}: a region and an industry code are required (lines {lines})"
                )
            any_rows = True
            yield line, chunk
            line += len(chunk)
    if not any_rows:
        raise RelatednessError(f"{path}: no rows (need columns {', '.join(INPUT_COLUMNS)})")


def _employment(chunk: pd.DataFrame, path: Path, first_line: int) -> pd.Series:
    text = chunk["employment"]
    values = pd.to_numeric(text, errors="coerce")
    bad = np.flatnonzero(((text != "") & values.isna()) | (values < 0))
    if bad.size:
        lines = ", ".join(str(first_line + int(i)) for i in bad[:10])
        raise RelatednessError(
            f"{path}: employment must be a number >= 0 or empty (unknown) (lines {lines})"
        )
    return values


def _ids(codes: pd.Series, known: dict[str, int]) -> IntArray:
    """Positions of codes, adding new codes to `known` in order of appearance."""
    positions, uniques = pd.factorize(codes)
    mapped = np.array([known.setdefault(code, len(known)) for code in uniques], dtype=np.int64)
    return mapped[positions]


def _dense(
    path: Path,
    region_ids: dict[str, int],
    industry_ids: dict[str, int],
    parts: list[tuple[IntArray, IntArray, FloatArray]],
    unknown: int,
) -> SizeTable:
    """Assemble the chunks into a matrix with sorted codes; duplicate pairs are an error."""
    rows = np.concatenate([p[0] for p in parts])
    cols = np.concatenate([p[1] for p in parts])
    values = np.concatenate([p[2] for p in parts])
    n_i = len(industry_ids)
    flat = rows * n_i + cols
    counts = np.bincount(flat, minlength=len(region_ids) * n_i)
    if counts.max(initial=0) > 1:
        regions, industries = list(region_ids), list(industry_ids)
        twice = np.flatnonzero(counts > 1)[:10]
        pairs = ", ".join(f"({regions[f // n_i]}, {industries[f % n_i]})" for f in twice)
        raise RelatednessError(f"{path}: (region, industry) pair(s) given twice: {pairs}")
    region_order = np.argsort(list(region_ids), kind="stable")
    industry_order = np.argsort(list(industry_ids), kind="stable")
    size = np.zeros((len(region_ids), n_i))
    size[rows, cols] = values
    size = size[np.ix_(region_order, industry_order)]
    notes = [f"{unknown} cell(s) with unknown employment entered as 0"] if unknown else []
    return SizeTable(
        regions=sorted(region_ids),
        industries=sorted(industry_ids),
        size=size,
        unknown_cells=unknown,
        notes=notes,
    )


# --- Concordance -----------------------------------------------------------------------------


def read_concordance(path: str | Path) -> pd.DataFrame:
    """A concordance CSV: source_code, target_code, weight in (0, 1] (extra columns ignored).

    Raises RelatednessError naming the lines of a bad weight or a repeated pair, and the source
    codes whose weights sum to more than 1.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    missing = [c for c in CONCORDANCE_COLUMNS if c not in frame.columns]
    if missing:
        raise RelatednessError(f"{path}: missing column(s) {missing}; need {CONCORDANCE_COLUMNS}")
    frame = frame[list(CONCORDANCE_COLUMNS)].apply(lambda col: col.str.strip())
    weight = pd.to_numeric(frame["weight"], errors="coerce")
    bad = frame.index[weight.isna() | (weight <= 0) | (weight > 1)]
    if len(bad):
        raise RelatednessError(f"{path}: weight must be in (0, 1] (lines {_lines(bad)})")
    repeated = frame.index[frame.duplicated(["source_code", "target_code"], keep=False)]
    if len(repeated):
        raise RelatednessError(f"{path}: repeated (source_code, target_code) ({_lines(repeated)})")
    frame = frame.assign(weight=weight.astype(np.float64))
    sums = frame.groupby("source_code")["weight"].sum()
    over = sums[sums > 1 + SUM_TOLERANCE]
    if len(over):
        listed = ", ".join(f"{code} ({total:.3f})" for code, total in over.head(10).items())
        raise RelatednessError(f"{path}: weights of a source code sum to more than 1: {listed}")
    return frame


def _lines(index: pd.Index) -> str:
    return ", ".join(str(int(i) + 2) for i in index[:10])


def apply_concordance(table: SizeTable, concordance: pd.DataFrame) -> SizeTable:
    """Sizes in the target classification: X_target = X_source @ C (sizes summed, then split).

    Source codes the concordance does not list are left out of the industries (noted with
    their share of the total size) but kept in each region's total (`SizeTable.unmapped`);
    concordance rows for source codes absent from the table are ignored.
    """
    targets = sorted(set(concordance["target_code"]))
    s_pos = {code: i for i, code in enumerate(table.industries)}
    t_pos = {code: i for i, code in enumerate(targets)}
    used = concordance[concordance["source_code"].isin(s_pos)]
    matrix = np.zeros((len(table.industries), len(targets)))
    matrix[
        used["source_code"].map(s_pos).to_numpy(dtype=np.int64),
        used["target_code"].map(t_pos).to_numpy(dtype=np.int64),
    ] = used["weight"].to_numpy()
    mapped = matrix.sum(axis=1)
    notes = list(table.notes)
    total = table.size.sum()
    dropped = table.size @ np.clip(1.0 - mapped, 0.0, 1.0)
    if total > 0 and dropped.sum() > 0:
        unmapped = int((mapped == 0).sum())
        notes.append(
            f"{unmapped} source code(s) not in the concordance and partly mapped codes leave "
            f"out {dropped.sum() / total:.1%} of the total size"
        )
    return SizeTable(
        table.regions, targets, table.size @ matrix, table.unknown_cells, notes, unmapped=dropped
    )


# --- phi -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferenceSpace:
    """phi (I, I) over `industries`, with what it was estimated from."""

    industries: list[str]
    proximity: FloatArray
    n_regions: int
    ubiquity: FloatArray  # regions with RCA >= threshold, per industry
    notes: tuple[str, ...]


def reference_space(
    table: SizeTable, *, threshold: float = 1.0, min_regions: int = 0
) -> ReferenceSpace:
    """Minimum-conditional-probability proximity of the table's industries.

    Raises RelatednessError when the table has fewer than `min_regions` regions (phi from too
    few regions is noise: docs/scoring.md). Industries present (RCA >= threshold) in no region
    get a zero row and are noted.
    """
    n_regions = len(table.regions)
    if n_regions < min_regions:
        raise RelatednessError(
            f"the table has {n_regions} region(s), fewer than --min-regions {min_regions}: "
            "phi estimated from so few regions cannot tell related from unrelated industries"
        )
    mcp = presence(_rca_in_whole_economy(table), threshold)
    ubiquity = mcp.sum(axis=0)
    notes = list(table.notes)
    nowhere = [code for code, k in zip(table.industries, ubiquity, strict=True) if k == 0]
    if nowhere:
        shown = ", ".join(nowhere[:20]) + (" …" if len(nowhere) > 20 else "")
        notes.append(f"{len(nowhere)} industry(ies) specialised in no region (phi 0): {shown}")
    return ReferenceSpace(table.industries, proximity(mcp), n_regions, ubiquity, tuple(notes))


def _rca_in_whole_economy(table: SizeTable) -> FloatArray:
    """RCA of the table's industries, with any unmapped size as one more (dropped) column."""
    if table.unmapped is None or not table.unmapped.any():
        return rca(table.size)
    return rca(np.column_stack([table.size, table.unmapped]))[:, :-1]


def proximity_pairs(space: ReferenceSpace, source: str) -> pd.DataFrame:
    """The industry_relatedness.csv rows: each unordered pair once, codes in code order, phi
    rounded to PROXIMITY_DECIMALS; pairs rounding to 0 are left out (a missing pair is 0)."""
    first, second = np.triu_indices(len(space.industries), k=1)
    phi = np.round(space.proximity[first, second], PROXIMITY_DECIMALS)
    keep = phi > 0
    codes = np.asarray(space.industries, dtype=object)
    return pd.DataFrame(
        {
            "industry_1": codes[first[keep]],
            "industry_2": codes[second[keep]],
            "proximity": phi[keep],
            "source": source,
        }
    )


def write_pairs(pairs: pd.DataFrame, path: str | Path) -> None:
    """Write industry_relatedness.csv (UTF-8, no index; phi in plain notation)."""
    pairs.to_csv(path, index=False, float_format=f"%.{PROXIMITY_DECIMALS}g")


# --- Reading a reference space back ----------------------------------------------------------


def read_relatedness(path: str | Path) -> pd.DataFrame:
    """industry_relatedness.csv as a frame (industry_1, industry_2, proximity, source).

    Raises RelatednessError for a missing column, a proximity outside [0, 1], a self-pair or a
    pair given twice (in either order), naming the lines.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    frame.columns = [str(c).strip().lower() for c in frame.columns]
    needed = list(RELATEDNESS_COLUMNS[:3])
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise RelatednessError(f"{path}: missing column(s) {missing}; need {needed}")
    if "source" not in frame.columns:
        frame["source"] = ""
    frame = frame[list(RELATEDNESS_COLUMNS)].apply(lambda col: col.str.strip())
    phi = pd.to_numeric(frame["proximity"], errors="coerce")
    problems = {
        "proximity must be a number in [0, 1]": frame.index[phi.isna() | (phi < 0) | (phi > 1)],
        "a pair of an industry with itself": frame.index[
            frame["industry_1"] == frame["industry_2"]
        ],
        "the same pair twice": frame.index[_unordered(frame).duplicated(keep=False)],
    }
    for reason, rows in problems.items():
        if len(rows):
            raise RelatednessError(f"{path}: {reason} (lines {_lines(rows)})")
    return frame.assign(proximity=phi.astype(np.float64))


def _unordered(frame: pd.DataFrame) -> pd.DataFrame:
    low = frame[["industry_1", "industry_2"]].min(axis=1)
    high = frame[["industry_1", "industry_2"]].max(axis=1)
    return pd.DataFrame({"low": low, "high": high})
