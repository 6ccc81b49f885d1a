"""Complexity measures: the worked example of the methods page and a slow reference.

Pure numpy/pandas tests; no database.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.typing import ArrayLike

from screening.scoring.complexity import (
    Complexity,
    complexity_frames,
    compute_complexity,
    density_econgeo,
)
from tests.scoring.reference_complexity import reference_complexity

# docs/methods.md §1, "Worked reference (6 regions x 8 industries, threshold 1)".
WORKED_X = np.array(
    [
        [500, 300, 200, 150, 100, 80, 60, 40],
        [400, 250, 180, 20, 90, 10, 50, 5],
        [300, 200, 10, 10, 80, 5, 5, 5],
        [200, 10, 10, 5, 60, 5, 5, 2],
        [100, 150, 120, 100, 5, 60, 5, 30],
        [50, 5, 5, 5, 40, 2, 30, 1],
    ],
    dtype=np.float64,
)
# Present industries per region, 1-based as on the page (R1..R6, I1..I8).
WORKED_PRESENT = [{3, 4, 6, 7, 8}, {1, 2, 3, 7}, {1, 2, 5}, {1, 5}, {2, 3, 4, 6, 8}, {5, 7}]
TOL = 1e-6  # the page gives six decimals

FIELDS = (
    "rca",
    "mcp",
    "diversity",
    "ubiquity",
    "proximity",
    "density",
    "eci",
    "pci",
    "pci_raw",
    "coi",
    "cog",
)


@pytest.fixture(scope="module")
def worked() -> Complexity:
    return compute_complexity(WORKED_X)


def assert_close(actual: ArrayLike, expected: ArrayLike, tol: float = TOL) -> None:
    np.testing.assert_allclose(
        np.asarray(actual, dtype=np.float64),
        np.asarray(expected, dtype=np.float64),
        rtol=0,
        atol=tol,
        equal_nan=True,
    )


def random_sizes(seed: int, shape: tuple[int, int], fill: float) -> np.ndarray:
    """Employment-like sizes: log-normal, with a share ``fill`` of non-zero cells."""
    rng = np.random.default_rng(seed)
    return rng.lognormal(3.0, 1.5, shape) * (rng.random(shape) < fill)


def test_it_matches_worked_rca(worked: Complexity) -> None:
    assert_close(worked.rca[0, 0], 0.914730)
    assert_close(worked.rca[5, 6], 5.687237)
    assert_close(worked.rca[4, 5], 2.634828)


def test_it_matches_worked_presence_and_ubiquity(worked: Complexity) -> None:
    present = [{p + 1 for p in np.flatnonzero(row)} for row in worked.mcp]
    assert present == WORKED_PRESENT
    assert_close(worked.ubiquity, [3, 3, 3, 2, 3, 2, 3, 2], 0)
    assert_close(worked.diversity, [len(s) for s in WORKED_PRESENT], 0)


def test_it_matches_worked_proximity(worked: Complexity) -> None:
    assert_close(worked.proximity[0, 1], 0.666667)
    assert_close(worked.proximity[3, 5], 1.0)
    assert_close(np.diag(worked.proximity), np.ones(8), 0)
    assert_close(worked.proximity, worked.proximity.T, 0)


def test_it_matches_worked_density(worked: Complexity) -> None:
    expected = [0.222222, 0.5, 0.785714, 0.923077, 0.142857, 0.923077, 0.727273, 0.923077]
    assert_close(worked.density[0], expected)


def test_it_matches_worked_eci_pci(worked: Complexity) -> None:
    assert_close(worked.eci, [1.304717, 0.098801, -0.807560, -1.274024, 1.283166, -0.605100])
    expected_pci = [-1.104724, 0.125366, 1.141440, 1.716341, -1.443323, 1.716341, 0.233123]
    assert_close(worked.pci, [*expected_pci, 1.716341])


def test_it_matches_worked_coi_cog(worked: Complexity) -> None:
    assert_close(worked.coi, [-1.177451, 0.864857, 1.322417, 0.281937, -1.421455, 0.129695])
    assert_close(worked.cog[2], [0, 0, 0.786980, 1.057023, 0, 1.057023, 0.402539, 1.057023])


def test_it_keeps_eci_the_mean_pci_of_present_industries(worked: Complexity) -> None:
    mean_pci = (worked.mcp @ worked.pci) / worked.diversity
    assert_close(worked.eci, mean_pci, 1e-12)
    assert np.corrcoef(worked.diversity, worked.eci)[0, 1] > 0
    assert worked.warnings == ()


def test_it_uses_float64_everywhere(worked: Complexity) -> None:
    for name in FIELDS:
        assert getattr(worked, name).dtype == np.float64, name


@pytest.mark.parametrize(
    ("seed", "shape", "fill", "zero_rows", "zero_cols"),
    [
        (1, (12, 9), 0.8, [], []),
        (2, (30, 20), 0.5, [], []),
        (3, (40, 25), 0.25, [3, 17], [0, 11]),
        (4, (25, 40), 0.3, [24], [5, 6, 39]),
        (5, (60, 15), 0.15, [0, 1], [14]),
    ],
)
def test_it_agrees_with_slow_reference(
    seed: int, shape: tuple[int, int], fill: float, zero_rows: list[int], zero_cols: list[int]
) -> None:
    x = random_sizes(seed, shape, fill)
    x[zero_rows, :] = 0.0
    x[:, zero_cols] = 0.0
    fast = compute_complexity(x)
    # A degenerate eigen problem would make the comparison meaningless, not wrong.
    assert not any("eigenvalue" in w for w in fast.warnings), fast.warnings
    slow = reference_complexity(x.tolist())
    for name in FIELDS:
        np.testing.assert_allclose(
            getattr(fast, name), slow[name], rtol=0, atol=1e-9, equal_nan=True, err_msg=name
        )


def test_it_names_empty_regions_and_industries_without_runtime_warnings() -> None:
    x = WORKED_X.copy()
    x = np.insert(x, 2, 0.0, axis=0)  # region 2 has no activity at all
    x = np.insert(x, 8, 0.0, axis=1)  # industry 8 has no activity at all
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # division by zero would raise here
        result = compute_complexity(
            x, region_codes=[f"R{i}" for i in range(7)], industry_codes=list("ABCDEFGHZ")
        )
    assert len(result.warnings) == 2
    assert "R2" in result.warnings[0] and "ECI" in result.warnings[0]
    assert "Z" in result.warnings[1] and "PCI" in result.warnings[1]
    assert np.isnan(result.eci[2]) and np.isnan(result.coi[2]) and np.isnan(result.pci[8])
    assert np.isfinite(np.delete(result.eci, 2)).all()
    for name in ("rca", "mcp", "proximity", "density", "cog"):
        assert np.isfinite(getattr(result, name)).all(), name


def test_it_ignores_empty_units_when_ranking_the_others() -> None:
    x = np.insert(np.insert(WORKED_X, 0, 0.0, axis=0), 3, 0.0, axis=1)
    result = compute_complexity(x)
    expected = compute_complexity(WORKED_X)
    assert_close(result.eci[1:], expected.eci, 1e-12)
    assert_close(np.delete(result.pci, 3), expected.pci, 1e-12)
    assert_close(result.cog[1:, [0, 1, 2, 4, 5, 6, 7, 8]], expected.cog, 1e-12)


def test_it_applies_the_threshold() -> None:
    result = compute_complexity(WORKED_X, threshold=1.4, region_codes=[f"R{i}" for i in range(6)])
    assert_close(result.mcp, (result.rca >= 1.4).astype(float), 0)
    assert result.mcp.sum() < compute_complexity(WORKED_X).mcp.sum()
    # R2's largest RCA is 1.383, so at threshold 1.4 it alone has no presence.
    assert np.isnan(result.eci).tolist() == [False, True, False, False, False, False]
    assert any("RCA >= 1.4" in w and w.endswith(": R1") for w in result.warnings)


def test_it_reports_an_undefined_eigen_problem_instead_of_crashing() -> None:
    result = compute_complexity(np.array([[5.0, 0.0], [3.0, 0.0]]))
    assert np.isnan(result.eci).all() and np.isnan(result.cog).all()
    assert any("undefined" in w for w in result.warnings)


@pytest.mark.parametrize(
    "bad",
    [np.array([[1.0, -1.0], [2.0, 3.0]]), np.array([[1.0, np.nan], [2.0, 3.0]]), np.ones(3)],
)
def test_it_rejects_invalid_sizes(bad: np.ndarray) -> None:
    with pytest.raises(ValueError, match="size matrix"):
        compute_complexity(bad)


@pytest.mark.parametrize("threshold", [0.0, -1.0, float("nan")])
def test_it_rejects_a_non_positive_threshold(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        compute_complexity(WORKED_X, threshold=threshold)


def test_it_computes_econgeo_density_with_zero_diagonal_times_100(worked: Complexity) -> None:
    phi = worked.proximity.copy()
    np.fill_diagonal(phi, 0.0)
    c, p = 0, 2  # R1 has I3: Atlas density counts it, EconGeo does not
    expected = 100 * (worked.mcp[c] @ phi[:, p]) / phi[:, p].sum()
    econgeo = density_econgeo(worked.mcp, worked.proximity)
    assert_close(econgeo[c, p], expected, 1e-12)
    assert econgeo[c, p] < 100 * worked.density[c, p]


def worked_long() -> pd.DataFrame:
    rows, cols = np.nonzero(WORKED_X)
    return pd.DataFrame(
        {
            "region": [f"R{r + 1}" for r in rows],
            "industry": [f"I{c + 1}" for c in cols],
            "value": WORKED_X[rows, cols],
        }
    )


def test_it_builds_frames_from_long_data(worked: Complexity) -> None:
    frames = complexity_frames(worked_long(), 1.0)
    pairs = frames["region_industry"]
    assert list(pairs.columns) == ["region", "industry", "value", "rca", "mcp", "density", "cog"]
    assert len(pairs) == 48
    cell = pairs[(pairs["region"] == "R3") & (pairs["industry"] == "I4")].iloc[0]
    assert_close(float(cell["cog"]), 1.057023)
    region = frames["region"].set_index("region")
    assert_close(region.loc[["R1"], "eci"].to_numpy(), [1.304717])
    assert_close(frames["industry"]["pci"].to_numpy(), worked.pci, 1e-12)
    assert frames["warnings"].empty


def test_it_lists_proximity_as_strict_upper_triangle() -> None:
    proximity = complexity_frames(worked_long(), 1.0)["proximity"]
    assert len(proximity) == 8 * 7 // 2
    assert (proximity["industry_1"] < proximity["industry_2"]).all()
    row = proximity[(proximity["industry_1"] == "I4") & (proximity["industry_2"] == "I6")]
    assert_close(row["proximity"].to_numpy(), [1.0])


def test_it_treats_missing_pairs_as_zero() -> None:
    long_df = worked_long()
    long_df = long_df[~((long_df["region"] == "R1") & (long_df["industry"] == "I8"))]
    pairs = complexity_frames(long_df, 1.0)["region_industry"]
    cell = pairs[(pairs["region"] == "R1") & (pairs["industry"] == "I8")].iloc[0]
    assert cell["value"] == 0.0 and cell["mcp"] == 0.0


def test_it_rejects_duplicate_pairs_naming_them() -> None:
    long_df = worked_long()
    long_df = pd.concat([long_df, long_df.iloc[[4]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"duplicate .*\('R1', 'I5'\)"):
        complexity_frames(long_df, 1.0)


def test_it_passes_warnings_into_frames_with_codes() -> None:
    long_df = pd.concat(
        [worked_long(), pd.DataFrame({"region": ["R9"], "industry": ["I1"], "value": [0.0]})]
    )
    frames = complexity_frames(long_df, 1.0)
    assert frames["warnings"]["message"].str.contains("R9").any()
    assert np.isnan(frames["region"].set_index("region").loc[["R9"], "eci"].to_numpy()).all()
