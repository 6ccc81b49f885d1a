"""Concordance arithmetic on the 3-sector NBS fixture, checked by hand.

Concordance: 001 -> A 1.0; 002 -> B 0.6, C 0.4; 003 -> C 0.5 (half of 003 is outside).
With each sector's purchases from itself left out, Z_ind = C^T Z0 C:
  A->B = 20*0.6 = 12                     A->C = 20*0.4 + 30*0.5 = 23
  B->A = 5*0.6 = 3                       B->C = 15*0.6*0.5 = 4.5
  C->A = 5*0.4 + 25*0.5 = 14.5           C->B = 0
Totals: inputs A 40, B 0.6*60 = 36, C 0.4*60 + 0.5*55 = 51.5;
        uses   A 60, B 0.6*60 = 36, C 0.4*60 + 0.5*35 = 41.5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions.statistics.concordance import (
    apply_concordance,
    check_concordance,
    draft_concordance,
    read_concordance,
)
from regions.statistics.iotables import (
    IOTable,
    customer_shares,
    read_nbs_table,
    supplier_shares,
)

EXPECTED = [[0.0, 12.0, 23.0], [3.0, 0.0, 4.5], [14.5, 0.0, 0.0]]


@pytest.fixture
def mapped(fixtures: Path) -> IOTable:
    table = read_nbs_table(fixtures / "nbs_small.csv")
    return apply_concordance(table, read_concordance(fixtures / "nbs_concordance.csv"))


def test_it_splits_flows_by_the_concordance_weights(mapped: IOTable) -> None:
    assert mapped.codes == ["A", "B", "C"]
    np.testing.assert_allclose(mapped.flows.to_numpy(), EXPECTED)
    np.testing.assert_allclose(mapped.total_inputs.to_numpy(), [40, 36, 51.5])
    np.testing.assert_allclose(mapped.total_uses.to_numpy(), [60, 36, 41.5])


def test_it_computes_shares_against_the_mapped_totals(mapped: IOTable) -> None:
    s, c = supplier_shares(mapped), customer_shares(mapped)

    assert s.loc["A", "B"] == pytest.approx(1 / 3)
    assert s.loc["A", "C"] == pytest.approx(23 / 51.5)
    assert s.loc["C", "A"] == pytest.approx(14.5 / 40)
    assert c.loc["B", "C"] == pytest.approx(4.5 / 36)
    assert c.loc["C", "A"] == pytest.approx(14.5 / 41.5)


def test_it_says_when_a_sector_is_only_partly_assigned(mapped: IOTable) -> None:
    assert any("003 (0.50)" in note for note in mapped.notes)


def test_it_can_split_a_sectors_purchases_from_itself(fixtures: Path) -> None:
    # 002 buys 40 from itself: 0.6*0.4*40 = 9.6 each way between B and C.
    table = read_nbs_table(fixtures / "nbs_small.csv")
    concordance = read_concordance(fixtures / "nbs_concordance.csv")

    mapped = apply_concordance(table, concordance, within_sector=True)

    assert mapped.flows.loc["B", "C"] == pytest.approx(4.5 + 9.6)
    assert mapped.flows.loc["C", "B"] == pytest.approx(9.6)
    assert mapped.flows.loc["A", "A"] == 0.0  # an industry is never its own link


def test_it_keeps_the_requested_industry_order_and_unmapped_industries(fixtures: Path) -> None:
    table = read_nbs_table(fixtures / "nbs_small.csv")
    concordance = read_concordance(fixtures / "nbs_concordance.csv")

    mapped = apply_concordance(table, concordance, industry_codes=["C", "D", "A", "B"])

    assert mapped.codes == ["C", "D", "A", "B"]
    assert mapped.flows.loc["C", "A"] == pytest.approx(14.5)
    assert mapped.flows.loc["D"].sum() == 0.0
    assert mapped.total_inputs["D"] == 0.0


def _concordance(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["table_code", "industry_code", "weight"])


def test_it_rejects_weights_of_a_sector_above_one() -> None:
    concordance = _concordance([("002", "B", 0.7), ("002", "C", 0.4)])

    with pytest.raises(ValueError, match=r"002 \(1.100\)"):
        check_concordance(concordance, table_codes=["002"], industry_codes=["B", "C"])


def test_it_accepts_weights_that_exceed_one_by_rounding_only() -> None:
    concordance = _concordance([("002", code, 0.166667) for code in "BCDEFG"])

    notes = check_concordance(concordance, table_codes=["002"], industry_codes=list("BCDEFG"))

    assert notes == []


def test_it_rejects_codes_the_table_or_project_does_not_have() -> None:
    with pytest.raises(ValueError, match="not in the table: \\['009'\\]"):
        check_concordance(
            _concordance([("009", "B", 1)]), table_codes=["002"], industry_codes=["B"]
        )
    with pytest.raises(ValueError, match="not in the project: \\['Z'\\]"):
        check_concordance(
            _concordance([("002", "Z", 1)]), table_codes=["002"], industry_codes=["B"]
        )


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("002,B,0", "weight must be"),
        ("002,B,1.5", "weight must be"),
        ("002,B,x", "weight must be"),
        ("001,A,0.5", "repeated"),
    ],
)
def test_it_rejects_a_bad_concordance_file(tmp_path: Path, row: str, message: str) -> None:
    path = tmp_path / "c.csv"
    path.write_text(f"table_code,industry_code,weight\n001,A,0.5\n{row}\n")

    with pytest.raises(ValueError, match=message):
        read_concordance(path)


def _empty_table(codes: list[str]) -> IOTable:
    blank = pd.Series("", index=codes)
    zeros = pd.Series(0.0, index=codes)
    flows = pd.DataFrame(0.0, index=codes, columns=codes)
    return IOTable(flows, zeros, zeros, blank, blank, unit="$ million")


def test_it_drafts_by_code_with_the_longest_prefix() -> None:
    # BEA-like codes: 336411 matches exactly; 1111A0 stands for NAICS 1111; 336110 (33611)
    # takes 336111 from 336100 (3361), which keeps 336120. Non-numeric codes never match.
    table = _empty_table(["336411", "1111A0", "336100", "336110"])
    codes = ["336411", "111110", "111120", "336111", "336120", "3361X"]
    industries = pd.DataFrame({"code": codes, "name": [""] * 6, "name_en": [""] * 6})

    draft = draft_concordance(table, industries)

    got = {(t, p): w for t, p, w in draft[["table_code", "industry_code", "weight"]].to_numpy()}
    assert got == {
        ("336411", "336411"): 1.0,
        ("1111A0", "111110"): 0.5,
        ("1111A0", "111120"): 0.5,
        ("336100", "336120"): 1.0,
        ("336110", "336111"): 1.0,
    }
    assert set(draft["match"]) == {"code"}


def test_it_drafts_by_name_when_no_code_matches(fixtures: Path) -> None:
    table = read_nbs_table(fixtures / "nbs_small.csv")
    industries = pd.DataFrame(
        {
            "code": ["LIB", "TRADE", "ROB"],
            "name": ["电池", "批发零售", "工业机器人"],
            "name_en": ["Batteries", "Wholesale trade", "Industrial robots"],
        }
    )

    draft = draft_concordance(table, industries)

    assert draft[["table_code", "industry_code"]].to_numpy().tolist() == [
        ["002", "LIB"],
        ["003", "TRADE"],
    ]
    assert draft["match"].str.startswith("name").all()
