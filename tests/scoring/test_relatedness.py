"""Building a reference industry space from a region x industry table (relatedness.py).

Pure tests on small tables written to disk; no database. The worked example of
docs/scoring-methods.md (6 regions x 8 industries) is checked against phi computed by hand from
its presence sets: phi(p, q) = |regions with both| / max(|regions with p|, |with q|).
"""

from __future__ import annotations

import csv
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from screening.scoring.complexity import complexity_frames, proximity_matrix
from screening.scoring.relatedness import (
    RelatednessError,
    apply_concordance,
    proximity_pairs,
    read_concordance,
    read_relatedness,
    read_size_table,
    reference_space,
    write_pairs,
)
from tests.scoring.reference_complexity import reference_complexity
from tests.scoring.test_complexity import WORKED_PRESENT, WORKED_X

CODES = [f"I{p + 1}" for p in range(8)]


def write_long(path: Path, x: np.ndarray, codes: list[str] = CODES, extra: bool = True) -> Path:
    """x as a region_industries CSV (R1.. x codes), with the format's other columns."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        header = ["region_code", "industry_code", "employment"]
        writer.writerow(header + (["year", "source"] if extra else []))
        for r, row in enumerate(x):
            for p, value in enumerate(row):
                writer.writerow([f"R{r + 1}", codes[p], f"{value:g}"] + (["2019", "t"] * extra))
    return path


def hand_phi(present: list[set[int]], n: int) -> np.ndarray:
    """phi from presence sets (1-based industries), with plain set counting."""
    where = {p: {r for r, row in enumerate(present) if p in row} for p in range(1, n + 1)}
    phi = np.eye(n)
    for p, q in combinations(range(1, n + 1), 2):
        phi[p - 1, q - 1] = phi[q - 1, p - 1] = len(where[p] & where[q]) / max(
            len(where[p]), len(where[q])
        )
    return phi


def test_it_builds_the_worked_examples_proximity(tmp_path: Path) -> None:
    table = read_size_table(write_long(tmp_path / "x.csv", WORKED_X))
    space = reference_space(table)
    pairs = proximity_pairs(space, "worked example")

    expected = hand_phi(WORKED_PRESENT, 8)
    assert expected[0, 1] == pytest.approx(0.666667, abs=1e-6)  # as printed on the page
    assert expected[3, 5] == 1.0
    got, _ = proximity_matrix(pairs, CODES)
    np.testing.assert_allclose(got, expected, atol=5e-7, rtol=0)
    # Each unordered pair once, in code order, zeros left out.
    assert (pairs["industry_1"] < pairs["industry_2"]).all()
    assert len(pairs) == int((np.triu(expected, 1) > 0).sum())
    assert set(pairs["source"]) == {"worked example"}


def test_a_concordance_splitting_one_code_over_two_aggregates_sizes_first(
    tmp_path: Path,
) -> None:
    # Source codes A, B, C in three regions; B is split half into X, half into Y.
    x = np.array([[10.0, 40.0, 0.0], [0.0, 20.0, 30.0], [30.0, 0.0, 10.0]])
    table = read_size_table(write_long(tmp_path / "s.csv", x, ["A", "B", "C"], extra=False))
    conc = tmp_path / "c.csv"
    conc.write_text("source_code,target_code,weight\nA,X,1\nB,X,0.5\nB,Y,0.5\nC,Y,1\n")

    mapped = apply_concordance(table, read_concordance(conc))

    assert mapped.industries == ["X", "Y"]
    # X = A + B/2, Y = B/2 + C, by hand.
    np.testing.assert_allclose(mapped.size, [[30, 20], [10, 40], [30, 10]])
    space = reference_space(mapped)
    # RCA (total 140; X 70, Y 70): R1 X 1.2, R2 Y 1.6, R3 X 1.5 -> X in {R1, R3}, Y in {R2}.
    assert space.ubiquity.tolist() == [2.0, 1.0]
    assert space.proximity[0, 1] == 0.0
    assert mapped.notes == []  # every source code fully mapped


def test_source_codes_outside_the_concordance_are_left_out_and_noted(tmp_path: Path) -> None:
    x = np.array([[10.0, 30.0], [20.0, 40.0]])
    table = read_size_table(write_long(tmp_path / "s.csv", x, ["A", "B"], extra=False))
    conc = tmp_path / "c.csv"
    conc.write_text("source_code,target_code,weight\nA,X,1\n")
    mapped = apply_concordance(table, read_concordance(conc))
    np.testing.assert_allclose(mapped.size, [[10], [20]])
    assert any("leave out 70.0% of the total size" in note for note in mapped.notes)


def test_streaming_in_small_chunks_gives_the_same_matrix(tmp_path: Path) -> None:
    path = write_long(tmp_path / "x.csv", WORKED_X)
    whole, chunked = read_size_table(path), read_size_table(path, chunk_rows=7)
    assert whole.regions == chunked.regions == [f"R{r}" for r in range(1, 7)]
    assert np.array_equal(whole.size, chunked.size)
    assert np.array_equal(whole.size, WORKED_X)


def test_unknown_employment_enters_as_zero_and_is_noted(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("region_code,industry_code,employment\nR1,A,5\nR1,B,\nR2,B,7\n")
    table = read_size_table(path)
    assert table.size.tolist() == [[5.0, 0.0], [0.0, 7.0]]
    assert table.notes == ["1 cell(s) with unknown employment entered as 0"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("R1,A,5\nR1,A,6\n", r"given twice: \(R1, A\)"),
        ("R1,A,5\nR2,A,-1\n", r"lines 3\)"),
        ("R1,A,5\nR2,A,lots\n", r"lines 3\)"),
        ("R1,,5\n", r"code are required \(lines 2\)"),
    ],
)
def test_it_rejects_a_bad_table_saying_where(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text("region_code,industry_code,employment\n" + body)
    with pytest.raises(RelatednessError, match=message):
        read_size_table(path)


def test_it_refuses_fewer_regions_than_asked_for(tmp_path: Path) -> None:
    table = read_size_table(write_long(tmp_path / "x.csv", WORKED_X))
    with pytest.raises(RelatednessError, match="6 region"):
        reference_space(table, min_regions=100)


def test_complexity_with_a_given_phi_equals_the_reference_with_that_phi(tmp_path: Path) -> None:
    # A phi unlike the worked example's own: from another economy.
    rng = np.random.default_rng(3)
    upper = np.triu(np.round(rng.random((8, 8)), 3), 1)
    given = upper + upper.T + np.eye(8)
    pairs = tmp_path / "phi.csv"
    write_pairs(
        pd.DataFrame(
            [(CODES[p], CODES[q], given[p, q], "other") for p, q in combinations(range(8), 2)],
            columns=["industry_1", "industry_2", "proximity", "source"],
        ),
        pairs,
    )
    long_df = pd.DataFrame(
        [(f"R{r + 1}", CODES[p], WORKED_X[r, p]) for r in range(6) for p in range(8)],
        columns=["region", "industry", "value"],
    )

    frames = complexity_frames(long_df, relatedness=read_relatedness(pairs))

    expected = reference_complexity(WORKED_X.tolist(), phi=given.tolist())
    cells = frames["region_industry"]
    np.testing.assert_allclose(cells["density"], expected["density"].ravel(), atol=1e-9)
    np.testing.assert_allclose(cells["cog"], expected["cog"].ravel(), atol=1e-9)
    np.testing.assert_allclose(frames["region"]["coi"], expected["coi"], atol=1e-9)
    np.testing.assert_allclose(frames["region"]["eci"], expected["eci"], atol=1e-9)
    np.testing.assert_allclose(frames["proximity"]["proximity"], given[np.triu_indices(8, 1)])
    # The estimated phi would have given other densities.
    assert not np.allclose(
        cells["density"], reference_complexity(WORKED_X.tolist())["density"].ravel()
    )


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("I1,I1,0.5\n", "with itself"),
        ("I1,I2,1.5\n", r"in \[0, 1\]"),
        ("I1,I2,0.5\nI2,I1,0.4\n", "the same pair twice"),
    ],
)
def test_it_rejects_a_bad_relatedness_file(tmp_path: Path, rows: str, message: str) -> None:
    path = tmp_path / "phi.csv"
    path.write_text("industry_1,industry_2,proximity\n" + rows)
    with pytest.raises(RelatednessError, match=message):
        read_relatedness(path)
