"""Economic-complexity measures on a region x industry matrix (Atlas conventions).

Implements the measures of Hidalgo et al. (2007) and Hausmann & Hidalgo's Atlas of Economic
Complexity as stated in docs/methods.md §1:

- RCA (Balassa location quotient), presence ``mcp`` (RCA >= threshold), diversity, ubiquity;
- proximity phi (minimum of the two conditional probabilities, phi[p, p] = 1 where k_p > 0);
- density (Atlas convention: diagonal kept, share 0-1); ``density_econgeo`` gives Balland's
  EconGeo variant (zero diagonal, x100) for comparison;
- ECI / PCI from the second eigenvector of Mt, solved through its symmetric similar form;
- COI and COG following the STATA / py-ecomplexity convention: both are computed with the raw
  (unstandardised) PCI eigenvector; COI is then standardised across regions and COG divided by
  the population sd of raw ECI. This is the convention that reproduces the worked example.

Missing data: the input has no missing values (the caller fills unknown sizes with 0 and tracks
that). Regions or industries with no presence are excluded from the eigen problem; their ECI,
COI or PCI are NaN and ``Complexity.warnings`` names them. Every other output is finite.

Pure numpy / scipy / pandas: this module must never import Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.linalg
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
ArrayLikeFloat = FloatArray | Sequence[Sequence[float]]

# How many codes a warning lists before summarising the rest as "and N more".
_NAMES_IN_WARNING = 20
# Eigenvalues of the symmetric form closer than this count as equal (degenerate problem).
_EIGEN_TOL = 1e-9


@dataclass(frozen=True)
class Complexity:
    """All complexity measures for one region x industry matrix (float64 arrays).

    Shapes: R regions, I industries. ``rca`` is dimensionless; ``mcp`` is 0/1; ``density`` is a
    0-1 share (Atlas, diagonal kept); ``eci``/``pci`` are in standard deviations of regional ECI;
    ``pci_raw`` is the oriented unit-norm eigenvector; ``coi`` is a z-score across regions;
    ``cog`` is in units of the sd of raw ECI. NaN only in eci/coi (regions with no presence) and
    pci/pci_raw (industries with no presence), or everywhere in eci/pci/coi/cog when the eigen
    problem is undefined; each such case is described in ``warnings``.
    """

    rca: FloatArray
    mcp: FloatArray
    diversity: FloatArray
    ubiquity: FloatArray
    proximity: FloatArray
    density: FloatArray
    eci: FloatArray
    pci: FloatArray
    pci_raw: FloatArray
    coi: FloatArray
    cog: FloatArray
    warnings: tuple[str, ...]


def _as_size_matrix(x: ArrayLikeFloat) -> FloatArray:
    """Validate a size matrix: 2-D, finite, non-negative; return it as float64."""
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError(f"size matrix must be 2-D (regions x industries), got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        rows, cols = np.nonzero(~np.isfinite(arr))
        raise ValueError(f"size matrix has NaN/inf at (region, industry) {_pairs(rows, cols)}")
    if np.any(arr < 0):
        rows, cols = np.nonzero(arr < 0)
        raise ValueError(f"size matrix has negative values at {_pairs(rows, cols)}")
    return arr


def _pairs(rows: NDArray[np.intp], cols: NDArray[np.intp], limit: int = 10) -> str:
    shown = ", ".join(f"({r}, {c})" for r, c in zip(rows[:limit], cols[:limit], strict=True))
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _safe_divide(num: FloatArray, den: FloatArray) -> FloatArray:
    """num / den with 0 wherever den == 0 (broadcasting), without runtime warnings."""
    out = np.zeros(np.broadcast_shapes(num.shape, den.shape), dtype=np.float64)
    np.divide(num, den, out=out, where=np.broadcast_to(den != 0, out.shape))
    return out


def rca(x: FloatArray) -> FloatArray:
    """Balassa RCA: (X[c,p] / X[c,.]) / (X[.,p] / X[.,.]); dimensionless.

    Regions or industries with zero total get RCA 0 (no specialisation can be measured).
    """
    total = x.sum()
    row_share = _safe_divide(x, x.sum(axis=1, keepdims=True))
    col_share = _safe_divide(x.sum(axis=0), np.asarray(total))
    # row_share / col_share, 0 where col_share is 0 (as _safe_divide), in place: one (R, I)
    # array fewer at national scale.
    measured = col_share != 0
    np.divide(row_share, col_share[np.newaxis, :], out=row_share, where=measured[np.newaxis, :])
    row_share[:, ~measured] = 0.0
    return row_share


def presence(rca_matrix: FloatArray, threshold: float = 1.0) -> FloatArray:
    """M[c,p] = 1.0 if RCA >= threshold else 0.0, as float64.

    Float, not int or bool: an integer M makes M.T @ M a slow non-BLAS product (~100x).
    """
    return (rca_matrix >= threshold).astype(np.float64)


def proximity(mcp: FloatArray) -> FloatArray:
    """phi[p,q] = co-presence count / max(k_p, k_q); 0-1, phi[p,p] = 1 where k_p > 0.

    Industries present nowhere have a zero row and column (diagonal included).
    """
    ubiquity = mcp.sum(axis=0)
    phi = _safe_divide(mcp.T @ mcp, np.maximum.outer(ubiquity, ubiquity))
    # Set the diagonal exactly: the division gives 1 only up to rounding.
    np.fill_diagonal(phi, (ubiquity > 0).astype(np.float64))
    return phi


@dataclass(frozen=True)
class Relatedness:
    """The part of the measures that scoring needs: RCA, presence and proximity."""

    rca: FloatArray
    mcp: FloatArray
    proximity: FloatArray
    warnings: tuple[str, ...]


def relatedness(
    x: FloatArray, threshold: float = 1.0, *, industry_codes: Sequence[object] | None = None
) -> Relatedness:
    """RCA, presence and proximity without the ECI/PCI eigenproblem.

    Scoring never uses ECI or PCI, and the eigensolver is the most expensive step on large
    matrices, so the scoring World is built from this rather than compute_complexity.
    """
    rca_matrix = rca(_as_size_matrix(x))
    mcp = presence(rca_matrix, threshold)
    notes = empty_warnings(mcp.sum(axis=1), mcp.sum(axis=0), threshold, None, industry_codes)
    return Relatedness(rca_matrix, mcp, proximity(mcp), tuple(notes))


def density(mcp: FloatArray, phi: FloatArray) -> FloatArray:
    """Atlas density d[c,p] = sum_q M[c,q] phi[q,p] / sum_q phi[q,p]; 0-1 share.

    The diagonal of phi is kept, so an industry already present counts itself. Industries
    present nowhere (zero phi column) get density 0. Distance is 1 - density.
    """
    return _safe_divide(mcp @ phi, phi.sum(axis=0)[np.newaxis, :])


def density_econgeo(mcp: FloatArray, phi: FloatArray) -> FloatArray:
    """Balland's EconGeo relatedness density: zero-diagonal phi, scaled 0-100.

    For comparison with EconGeo results only; every other output here uses ``density``.
    """
    off_diagonal = phi.copy()
    np.fill_diagonal(off_diagonal, 0.0)
    return 100.0 * density(mcp, off_diagonal)


def _name_list(indices: NDArray[np.intp], codes: Sequence[object] | None) -> str:
    names = [str(codes[i]) if codes is not None else str(i) for i in indices[:_NAMES_IN_WARNING]]
    extra = len(indices) - len(names)
    return ", ".join(names) + (f" and {extra} more" if extra > 0 else "")


def empty_warnings(
    diversity: FloatArray,
    ubiquity: FloatArray,
    threshold: float,
    region_codes: Sequence[object] | None,
    industry_codes: Sequence[object] | None,
) -> list[str]:
    """One message per kind of empty unit, naming the units (codes or 0-based positions)."""
    messages = []
    empty_regions = np.flatnonzero(diversity == 0)
    if empty_regions.size:
        messages.append(
            f"{empty_regions.size} region(s) have no industry with RCA >= {threshold:g} "
            f"(ECI and COI are NaN): {_name_list(empty_regions, region_codes)}"
        )
    empty_industries = np.flatnonzero(ubiquity == 0)
    if empty_industries.size:
        messages.append(
            f"{empty_industries.size} industry(ies) have RCA >= {threshold:g} in no region "
            f"(PCI is NaN, density and COG are 0): {_name_list(empty_industries, industry_codes)}"
        )
    return messages


def _second_eigenvector(
    mcp: FloatArray, diversity: FloatArray, ubiquity: FloatArray
) -> tuple[FloatArray, list[str]]:
    """Unit-norm eigenvector of Mt for its second-largest eigenvalue, over present industries.

    Mt = K_p^-1 M' K_c^-1 M is similar to the symmetric S = A'A with A = K_c^-1/2 M K_p^-1/2
    (eigenvectors map by u = K_p^-1/2 v), so a symmetric solver asked for the top eigenvalues
    only does the work. Returns NaN for industries with no presence, or everywhere (with a
    warning) when fewer than two industries are present.
    """
    out = np.full(ubiquity.shape, np.nan)
    regions, industries = diversity > 0, ubiquity > 0
    n = int(industries.sum())
    if n < 2:
        return out, [f"ECI/PCI undefined: only {n} industry(ies) present anywhere"]
    a = mcp[np.ix_(regions, industries)]
    a = a / np.sqrt(diversity[regions])[:, np.newaxis] / np.sqrt(ubiquity[industries])
    top = min(3, n)
    values, vectors = scipy.linalg.eigh(a.T @ a, subset_by_index=[n - top, n - 1])
    u = vectors[:, -2] / np.sqrt(ubiquity[industries])
    out[industries] = u / np.linalg.norm(u)
    return out, _eigen_warnings(values[::-1])


def _eigen_warnings(values_desc: FloatArray) -> list[str]:
    """Flag eigen problems whose second eigenvector is not unique or not about complexity."""
    messages = []
    if values_desc[1] > 1.0 - _EIGEN_TOL:
        messages.append(
            "the region-industry network is disconnected (second eigenvalue of Mt is 1): "
            "ECI/PCI separate its components rather than rank complexity"
        )
    elif len(values_desc) > 2 and values_desc[1] - values_desc[2] < _EIGEN_TOL:
        messages.append(
            "the second and third eigenvalues of Mt coincide: ECI/PCI are not uniquely defined"
        )
    return messages


def _orient(pci_raw: FloatArray, mcp: FloatArray, diversity: FloatArray) -> list[str]:
    """Flip pci_raw in place so that corr(diversity, raw ECI) > 0; raw eigenvector sign is free."""
    valid = diversity > 0
    eci_raw = _raw_eci(pci_raw, mcp, diversity)[valid]
    div = diversity[valid]
    if np.std(eci_raw) == 0 or np.std(div) == 0:
        # Correlation undefined: fall back to a deterministic (if arbitrary) sign.
        if eci_raw[np.argmax(np.abs(eci_raw))] < 0:
            pci_raw *= -1.0
        return ["ECI sign is arbitrary: diversity or ECI does not vary across regions"]
    if np.corrcoef(div, eci_raw)[0, 1] < 0:
        pci_raw *= -1.0
    return []


def _raw_eci(pci_raw: FloatArray, mcp: FloatArray, diversity: FloatArray) -> FloatArray:
    """Mean raw PCI over each region's present industries; NaN for regions with none."""
    sums = mcp @ np.nan_to_num(pci_raw)
    out = np.full(diversity.shape, np.nan)
    np.divide(sums, diversity, out=out, where=diversity > 0)
    return out


def _standardise(values: FloatArray, mean: float, sd: float) -> FloatArray:
    return (values - mean) / sd


def _coi_raw(dens: FloatArray, mcp: FloatArray, pci_raw: FloatArray) -> FloatArray:
    """sum_p d[c,p] (1 - M[c,p]) PCI_raw[p]; absent industries contribute 0 (density 0)."""
    return (dens * (1.0 - mcp)) @ np.nan_to_num(pci_raw)


def _standardise_regions(values: FloatArray, valid: BoolArray) -> tuple[FloatArray, list[str]]:
    """Z-score over valid regions (population sd); NaN for the others."""
    out = np.full(values.shape, np.nan)
    sd = float(np.std(values[valid])) if valid.any() else 0.0
    if sd == 0:
        out[valid] = 0.0
        return out, ["COI does not vary across regions; set to 0"]
    out[valid] = (values[valid] - values[valid].mean()) / sd
    return out, []


def _cog(mcp: FloatArray, phi: FloatArray, pci_raw: FloatArray, eci_sd: float) -> FloatArray:
    """COG[c,p] = (1-M[c,p]) sum_q phi[p,q]/sum_r phi[r,q] (1-M[c,q]) PCI_raw[q] / sd(raw ECI)."""
    weights = _safe_divide(phi, phi.sum(axis=0)[np.newaxis, :])  # weights[p, q]
    absent = 1.0 - mcp
    gain = ((absent * np.nan_to_num(pci_raw)) @ weights.T) / eci_sd
    # np.where rather than absent * gain, so present pairs are exactly 0.0, never -0.0.
    return np.where(mcp > 0, 0.0, gain)


def compute_complexity(
    x: ArrayLikeFloat,
    threshold: float = 1.0,
    *,
    region_codes: Sequence[object] | None = None,
    industry_codes: Sequence[object] | None = None,
    given_proximity: ArrayLikeFloat | None = None,
) -> Complexity:
    """All complexity measures for a (regions x industries) size matrix.

    ``x`` holds sizes (employment by default; any non-negative unit), no NaN: the caller fills
    unknown sizes with 0. ``threshold`` is the RCA needed for presence (default 1.0).
    ``region_codes`` / ``industry_codes`` are used only to name units in warnings (0-based
    positions otherwise). ``given_proximity`` (I, I; symmetric, 0-1) replaces phi estimated
    from ``x`` in density, COI and COG (a reference industry space); RCA, presence, ECI and
    PCI do not use phi. Raises ValueError for invalid input; empty regions or industries are
    reported in ``warnings``, never raised.
    """
    if not (np.isfinite(threshold) and threshold > 0):
        raise ValueError(f"RCA threshold must be a positive number, got {threshold!r}")
    sizes = _as_size_matrix(x)
    rca_matrix = rca(sizes)
    mcp = presence(rca_matrix, threshold)
    diversity, ubiquity = mcp.sum(axis=1), mcp.sum(axis=0)
    phi = proximity(mcp) if given_proximity is None else _as_proximity(given_proximity, sizes)
    dens = density(mcp, phi)
    notes = empty_warnings(diversity, ubiquity, threshold, region_codes, industry_codes)
    pci_raw, eigen_notes = _second_eigenvector(mcp, diversity, ubiquity)
    notes += eigen_notes
    rest = _eci_family(pci_raw, mcp, diversity, dens, phi, notes)
    return Complexity(
        rca=rca_matrix,
        mcp=mcp,
        diversity=diversity,
        ubiquity=ubiquity,
        proximity=phi,
        density=dens,
        pci_raw=pci_raw,
        warnings=tuple(notes),
        **rest,
    )


def _as_proximity(phi: ArrayLikeFloat, sizes: FloatArray) -> FloatArray:
    arr = np.asarray(phi, dtype=np.float64)
    n = sizes.shape[1]
    if arr.shape != (n, n):
        raise ValueError(f"given proximity has shape {arr.shape}, expected {(n, n)}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or np.any(arr > 1):
        raise ValueError("given proximity must hold values in [0, 1]")
    if not np.array_equal(arr, arr.T):
        raise ValueError("given proximity must be symmetric")
    return arr


def _eci_family(
    pci_raw: FloatArray,
    mcp: FloatArray,
    diversity: FloatArray,
    dens: FloatArray,
    phi: FloatArray,
    notes: list[str],
) -> dict[str, FloatArray]:
    """ECI, PCI, COI and COG from the raw eigenvector (oriented in place); appends to notes."""
    regions = diversity > 0
    nan_r, nan_ri = np.full(diversity.shape, np.nan), np.full(mcp.shape, np.nan)
    if np.isnan(pci_raw).all():
        notes.append("ECI, PCI, COI and COG are NaN because the eigen problem is undefined")
        return {"eci": nan_r, "pci": pci_raw.copy(), "coi": nan_r.copy(), "cog": nan_ri}
    notes += _orient(pci_raw, mcp, diversity)
    eci_raw = _raw_eci(pci_raw, mcp, diversity)
    mean, sd = float(np.mean(eci_raw[regions])), float(np.std(eci_raw[regions]))
    if sd == 0:
        notes.append("raw ECI does not vary across regions: ECI, PCI, COI and COG are NaN")
        nan_i = np.full_like(pci_raw, np.nan)
        return {"eci": nan_r, "pci": nan_i, "coi": nan_r.copy(), "cog": nan_ri}
    coi, coi_notes = _standardise_regions(_coi_raw(dens, mcp, pci_raw), regions)
    notes += coi_notes
    return {
        "eci": _standardise(eci_raw, mean, sd),
        "pci": _standardise(pci_raw, mean, sd),
        "coi": coi,
        "cog": _cog(mcp, phi, pci_raw, sd),
    }


# --- Long-format entry point for the `complexity` management command -----------------------

LONG_COLUMNS = ("region", "industry", "value")


def _check_long(long_df: pd.DataFrame) -> None:
    """Reject missing columns, NaN/negative values and duplicate (region, industry) pairs."""
    missing = [c for c in LONG_COLUMNS if c not in long_df.columns]
    if missing:
        raise ValueError(f"long data lacks column(s) {missing}; needs {list(LONG_COLUMNS)}")
    values = pd.to_numeric(long_df["value"], errors="coerce")
    bad = long_df.loc[values.isna() | (values < 0), ["region", "industry"]]
    if len(bad):
        raise ValueError(f"missing or negative value for (region, industry) {_long_pairs(bad)}")
    dupes = long_df.loc[long_df.duplicated(["region", "industry"]), ["region", "industry"]]
    if len(dupes):
        raise ValueError(f"duplicate (region, industry) pairs: {_long_pairs(dupes)}")


def _long_pairs(pairs: pd.DataFrame, limit: int = 10) -> str:
    tuples = list(pairs.itertuples(index=False, name=None))
    shown = ", ".join(str(t) for t in tuples[:limit])
    return shown + (f" and {len(tuples) - limit} more" if len(tuples) > limit else "")


def _long_to_matrix(long_df: pd.DataFrame) -> tuple[FloatArray, pd.Index, pd.Index]:
    """Dense matrix over sorted region and industry codes; absent pairs are 0."""
    region_pos, regions = pd.factorize(long_df["region"], sort=True)
    industry_pos, industries = pd.factorize(long_df["industry"], sort=True)
    x = np.zeros((len(regions), len(industries)), dtype=np.float64)
    x[region_pos, industry_pos] = pd.to_numeric(long_df["value"]).to_numpy(dtype=np.float64)
    return x, pd.Index(regions), pd.Index(industries)


def complexity_frames(
    long_df: pd.DataFrame, threshold: float = 1.0, *, relatedness: pd.DataFrame | None = None
) -> dict[str, pd.DataFrame]:
    """Complexity measures from long data (columns region, industry, value) as tidy frames.

    Pairs absent from ``long_df`` count as size 0. Duplicate pairs, NaN or negative values
    raise ValueError naming them. Codes are sorted. ``relatedness`` (industry_1, industry_2,
    proximity; see proximity_matrix) replaces the estimated phi, as in compute_complexity.
    Returns:

    - 'region_industry': every region x industry pair (region, industry, value, rca, mcp,
      density, cog), including pairs absent from the input, since density and COG matter most
      there;
    - 'industry': industry, ubiquity, pci;
    - 'region': region, diversity, eci, coi;
    - 'proximity': industry_1 < industry_2 (strict upper triangle: the diagonal is 1 by
      definition and the matrix is symmetric), proximity, zeros included;
    - 'warnings': one row per message (column 'message'), possibly empty.
    """
    _check_long(long_df)
    x, regions, industries = _long_to_matrix(long_df)
    codes = [str(code) for code in industries]
    phi, notes = (None, []) if relatedness is None else proximity_matrix(relatedness, codes)
    result = compute_complexity(
        x,
        threshold,
        region_codes=list(regions),
        industry_codes=list(industries),
        given_proximity=phi,
    )
    return {
        "region_industry": _pair_frame(result, x, regions, industries),
        "industry": pd.DataFrame(
            {"industry": industries, "ubiquity": result.ubiquity, "pci": result.pci}
        ),
        "region": pd.DataFrame(
            {
                "region": regions,
                "diversity": result.diversity,
                "eci": result.eci,
                "coi": result.coi,
            }
        ),
        "proximity": _proximity_frame(result.proximity, industries),
        "warnings": pd.DataFrame({"message": [*notes, *result.warnings]}, dtype=object),
    }


def _pair_frame(
    result: Complexity, x: FloatArray, regions: pd.Index, industries: pd.Index
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region": np.repeat(regions.to_numpy(), len(industries)),
            "industry": np.tile(industries.to_numpy(), len(regions)),
            "value": x.ravel(),
            "rca": result.rca.ravel(),
            "mcp": result.mcp.ravel(),
            "density": result.density.ravel(),
            "cog": result.cog.ravel(),
        }
    )


def _proximity_frame(phi: FloatArray, industries: pd.Index) -> pd.DataFrame:
    first, second = np.triu_indices(len(industries), k=1)
    codes = industries.to_numpy()
    return pd.DataFrame(
        {"industry_1": codes[first], "industry_2": codes[second], "proximity": phi[first, second]}
    )


def proximity_matrix(pairs: pd.DataFrame, codes: Sequence[str]) -> tuple[FloatArray, list[str]]:
    """Dense symmetric phi (I, I) over `codes` from pair rows (industry_1, industry_2,
    proximity): the diagonal is 1 and a pair not listed is 0.

    Pairs naming a code outside `codes` are ignored; codes that no pair mentions are noted
    (their density counts only themselves).
    """
    pos = {code: i for i, code in enumerate(codes)}
    inside = pairs[pairs["industry_1"].isin(pos) & pairs["industry_2"].isin(pos)]
    a = inside["industry_1"].map(pos).to_numpy(dtype=np.int64)
    b = inside["industry_2"].map(pos).to_numpy(dtype=np.int64)
    phi = np.zeros((len(codes), len(codes)))
    phi[a, b] = phi[b, a] = inside["proximity"].to_numpy(dtype=np.float64)
    np.fill_diagonal(phi, 1.0)
    listed = set(inside["industry_1"]) | set(inside["industry_2"])
    absent = [code for code in codes if code not in listed]
    if not absent:
        return phi, []
    shown = ", ".join(str(c) for c in absent[:_NAMES_IN_WARNING])
    more = len(absent) - _NAMES_IN_WARNING
    shown += f" and {more} more" if more > 0 else ""
    return phi, [f"{len(absent)} industry(ies) in no pair of the relatedness table: {shown}"]
