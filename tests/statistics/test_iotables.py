"""IO table readers and shares, on hand-made 3-sector (NBS) and 2-industry (BEA) tables.

NBS fixture flows Z (rows supply, columns buy), 10,000 yuan:
        001  002  003 | TIU
  001    10   20   30 |  60
  002     5   40   15 |  60
  003    25    0   10 |  35
  TII    40   60   55

BEA fixture: Make (industry x commodity) I1 = [80, 20, 0], I2 = [20, 180, 0] over C1, C2,
S00300; Use (commodity x industry) C1 = [10, 30], C2 = [20, 50], S00300 = [5, 5]; T005 = [35, 85].
Market shares D: C1 -> I1 0.8, I2 0.2; C2 -> I1 0.1, I2 0.9. Z = D U:
  Z[I1, I1] = 0.8*10 + 0.1*20 = 10     Z[I1, I2] = 0.8*30 + 0.1*50 = 29
  Z[I2, I1] = 0.2*10 + 0.9*20 = 20     Z[I2, I2] = 0.2*30 + 0.9*50 = 51
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from regions.statistics.iotables import (
    customer_shares,
    industry_by_industry_flows,
    link_table,
    read_bea_make_use,
    read_nbs_table,
    strongest_partners,
    supplier_shares,
)


def test_it_reads_nbs_flows_totals_and_names(fixtures: Path) -> None:
    table = read_nbs_table(fixtures / "nbs_small.csv")

    assert table.codes == ["001", "002", "003"]
    assert table.flows.loc["003", "001"] == 25
    assert table.flows.loc["002", "003"] == 15
    assert table.total_inputs.tolist() == [40, 60, 55]
    assert table.total_uses.tolist() == [60, 60, 35]
    assert table.names_local["002"] == "电池"
    assert table.unit == "10,000 yuan"
    assert table.notes == ()


def test_it_computes_supplier_and_customer_shares_by_hand(fixtures: Path) -> None:
    table = read_nbs_table(fixtures / "nbs_small.csv")
    s, c = supplier_shares(table), customer_shares(table)

    assert s.loc["001", "002"] == pytest.approx(20 / 60)
    assert s.loc["003", "001"] == pytest.approx(25 / 40)
    assert s.loc["002", "003"] == pytest.approx(15 / 55)
    assert c.loc["001", "003"] == pytest.approx(30 / 60)
    assert c.loc["003", "001"] == pytest.approx(25 / 35)
    # Shares of a column (row) sum to 1 with the diagonal, as every input is in the block.
    np.testing.assert_allclose(s.sum(axis=0), 1.0)
    np.testing.assert_allclose(c.sum(axis=1), 1.0)


def test_it_lists_links_without_the_diagonal_or_empty_flows(fixtures: Path) -> None:
    links = link_table(read_nbs_table(fixtures / "nbs_small.csv"))

    pairs = set(zip(links["supplier"], links["customer"], strict=True))
    assert pairs == {("001", "002"), ("001", "003"), ("002", "001"), ("002", "003"), ("003", "001")}


def test_it_keeps_a_link_that_matters_to_either_side(fixtures: Path) -> None:
    # At 0.3: 001->002 (s 0.333), 001->003 (s 0.545), 003->001 (s 0.625) stay;
    # 002->001 (s 0.125, c 0.083) and 002->003 (s 0.273, c 0.25) go.
    links = link_table(read_nbs_table(fixtures / "nbs_small.csv"), min_share=0.3)

    pairs = set(zip(links["supplier"], links["customer"], strict=True))
    assert pairs == {("001", "002"), ("001", "003"), ("003", "001")}


def test_it_names_the_strongest_partners(fixtures: Path) -> None:
    links = link_table(read_nbs_table(fixtures / "nbs_small.csv"))

    suppliers, customers = strongest_partners(links, "001", top=1)

    assert suppliers["supplier"].tolist() == ["003"]
    assert customers["customer"].tolist() == ["003"]  # c = 30/60 beats 20/60


def test_it_reports_a_published_total_that_disagrees(tmp_path: Path, fixtures: Path) -> None:
    text = (fixtures / "nbs_small.csv").read_text(encoding="utf-8")
    path = tmp_path / "nbs.csv"
    path.write_text(
        text.replace("中间投入合计,40,60,55", "中间投入合计,40,61,55"), encoding="utf-8"
    )

    table = read_nbs_table(path)

    assert table.total_inputs["002"] == 61  # the published total is used ...
    assert any("TII" in note and "002" in note for note in table.notes)  # ... and reported


def test_it_rejects_an_nbs_table_whose_rows_and_columns_differ(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("Code,Description,001,002\n001,a,1,2\n", encoding="utf-8")

    with pytest.raises(ValueError, match="rows and columns differ"):
        read_nbs_table(path)


def test_it_derives_bea_industry_flows_under_industry_technology(fixtures: Path) -> None:
    tables = read_bea_make_use(
        fixtures / "bea_make.csv", fixtures / "bea_use.csv", fixtures / "bea_names.csv"
    )
    table = industry_by_industry_flows(tables)

    expected = pd.DataFrame([[10.0, 29.0], [20.0, 51.0]], index=["I1", "I2"], columns=["I1", "I2"])
    np.testing.assert_allclose(table.flows.to_numpy(), expected.to_numpy())
    assert table.total_inputs.tolist() == [35, 85]  # T005 keeps non-comparable imports
    assert table.total_uses.tolist() == pytest.approx([39, 71])
    assert table.names["I1"] == "Battery manufacturing"
    assert table.unit == "$ million"
    assert any("S00300" in note for note in table.notes)


def test_it_computes_bea_shares_by_hand(fixtures: Path) -> None:
    table = industry_by_industry_flows(
        read_bea_make_use(fixtures / "bea_make.csv", fixtures / "bea_use.csv")
    )

    assert supplier_shares(table).loc["I1", "I2"] == pytest.approx(29 / 85)
    assert supplier_shares(table).loc["I2", "I1"] == pytest.approx(20 / 35)
    assert customer_shares(table).loc["I1", "I2"] == pytest.approx(29 / 39)
    assert customer_shares(table).loc["I2", "I1"] == pytest.approx(20 / 71)


def test_it_sets_negative_use_cells_to_zero_and_says_so(tmp_path: Path, fixtures: Path) -> None:
    use = (fixtures / "bea_use.csv").read_text().replace("C1,10.0,30.0", "C1,-4.0,30.0")
    (tmp_path / "use.csv").write_text(use)

    tables = read_bea_make_use(fixtures / "bea_make.csv", tmp_path / "use.csv")

    assert tables.use.loc["C1", "I1"] == 0.0
    assert tables.notes == ("Use: 1 negative cell(s) (sum -4) set to 0",)


def test_it_rejects_a_make_table_without_the_use_tables_codes(
    tmp_path: Path, fixtures: Path
) -> None:
    make = (fixtures / "bea_make.csv").read_text().replace("I2,", "I9,")
    (tmp_path / "make.csv").write_text(make)

    with pytest.raises(ValueError, match="I2"):
        read_bea_make_use(tmp_path / "make.csv", fixtures / "bea_use.csv")
