"""Chain completion: link shares, upstream/downstream availability, gaps, named inputs.

Pure numpy tests on hand-made worlds; no database.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.scoring.chain import chain_cells, lead_inputs, link_shares, top_links
from screening.scoring.engine import NEUTRAL_CHAIN, LeadBatch, lead_parts
from tests.scoring.engine_worlds import make_world, score

# Chain A -> B -> C; F is linked to nothing. Region rows (employment A, B, C, F):
#   R1 has B's supplier A and customer C but not B; R2 has B strongly; R3 has only F;
#   R4 has the supplier A but no customer. National shares: A 1/3, B 1/6, C 1/6, F 1/3.
CHAIN_SIZE = [
    [100, 0, 100, 0],
    [0, 100, 0, 0],
    [0, 0, 0, 100],
    [100, 0, 0, 100],
]
CHAIN = {"industries": ["A", "B", "C", "F"], "links": {("A", "B"): 1.0, ("B", "C"): 1.0}}


def chain_world(size=CHAIN_SIZE):
    return make_world(size, **CHAIN)


def test_it_computes_supplier_and_customer_shares_without_the_diagonal():
    w = np.array([[5.0, 3.0, 1.0], [1.0, 0.0, 0.0], [0.0, 2.0, 9.0]])
    s, c = link_shares(w)
    # Column 1 (industry 1 buys): 3 from 0, 2 from 2 -> shares 0.6 / 0.4; diagonal dropped.
    assert s[:, 1] == pytest.approx([0.6, 0.0, 0.4])
    assert s[:, 0] == pytest.approx([0.0, 1.0, 0.0])
    # Row 0 (industry 0 sells): 3 to 1, 1 to 2 -> 0.75 / 0.25.
    assert c[0] == pytest.approx([0.0, 0.75, 0.25])
    assert np.all(np.diag(s) == 0) and np.all(np.diag(c) == 0)


def test_it_takes_customer_shares_from_customer_weights_where_a_row_has_them_all():
    # Row 0 sells to 1 and 2; supplier-side weights say 3 : 1, the customer side says 1 : 4.
    # Row 2 has a customer weight for only one of its two links: it keeps supplier weights.
    w = np.array([[0.0, 3.0, 1.0], [1.0, 0.0, 0.0], [2.0, 2.0, 0.0]])
    v = np.full((3, 3), np.nan)
    v[0, 1], v[0, 2], v[2, 0] = 0.1, 0.4, 0.9
    s, c = link_shares(w, v)
    assert c[0] == pytest.approx([0.0, 0.2, 0.8])
    assert c[1] == pytest.approx([1.0, 0.0, 0.0])
    assert c[2] == pytest.approx([0.5, 0.5, 0.0])
    # Supplier shares never use the customer side.
    assert s == pytest.approx(link_shares(w)[0])


def test_a_customer_weight_on_a_pair_without_a_link_is_ignored():
    w = np.array([[0.0, 1.0], [0.0, 0.0]])
    v = np.array([[np.nan, 0.5], [0.7, np.nan]])  # (1, 0) has no supplier-side link
    _, c = link_shares(w, v)
    assert c.tolist() == [[0.0, 1.0], [0.0, 0.0]]


def test_the_downstream_side_follows_the_customer_weights_of_the_world():
    # B sells to C and D. By supplier-side weight C matters most (0.9 of C's inputs come from
    # B); by sales, D takes 80% of B's output. R1 has D and not C.
    size = [[0, 0, 0, 50], [10, 10, 30, 10], [10, 10, 10, 30]]
    links = {("B", "C"): 0.9, ("B", "D"): 0.1}
    without = make_world(size, industries=["A", "B", "C", "D"], links=links)
    with_sales = make_world(
        size,
        industries=["A", "B", "C", "D"],
        links=links,
        customer_links={("B", "C"): 0.2, ("B", "D"): 0.8},
    )
    assert without.chain.downstream[0, 1] == pytest.approx(0.1)
    assert with_sales.chain.downstream[0, 1] == pytest.approx(0.8)
    assert with_sales.customer_share[1].tolist() == pytest.approx([0, 0, 0.2, 0.8])


def test_it_rejects_negative_link_weights():
    with pytest.raises(ValueError, match=">= 0"):
        link_shares(np.array([[0.0, -1.0], [0.0, 0.0]]))


def test_it_computes_upstream_and_downstream_by_hand():
    # Industry 1 buys 75% from 0 and 25% from 3; sells half to 2 and half to 3.
    w = np.zeros((4, 4))
    w[0, 1], w[3, 1], w[1, 2], w[1, 3] = 3.0, 1.0, 2.0, 2.0
    s, c = link_shares(w)
    presence = np.array([[1.0, 0.0, 1.0, 0.5]])
    cells = chain_cells(presence, np.ones((1, 4), dtype=bool), s, c)
    assert cells.upstream[0, 1] == pytest.approx(0.75 * 1 + 0.25 * 0.5)
    assert cells.downstream[0, 1] == pytest.approx(0.5 * 1 + 0.5 * 0.5)
    assert cells.gap_factor[0, 1] == 1.0
    assert cells.side_count[0, 1] == 2


def test_it_leaves_unknown_cells_out_of_upstream_instead_of_reading_them_as_absent():
    w = np.zeros((4, 4))
    w[0, 1], w[3, 1], w[1, 2], w[1, 3] = 3.0, 1.0, 2.0, 2.0
    s, c = link_shares(w)
    known = np.array([[True, True, True, False]])
    cells = chain_cells(np.array([[1.0, 0.0, 1.0, 0.0]]), known, s, c)
    # Industry 3 unknown: upstream is industry 0's presence alone (1.0), not 0.75.
    assert cells.upstream[0, 1] == pytest.approx(1.0)
    assert cells.downstream[0, 1] == pytest.approx(1.0)
    assert cells.coverage_sum[0, 1] == pytest.approx(0.75 + 0.5)


def test_it_scores_the_missing_link_above_the_strong_region_and_the_empty_one():
    """Property 1: B absent with its supplier A and customer C present (R1) beats R2, which
    already has B strongly, and R3, which has none of B's chain."""
    world = chain_world()
    scores = score(world, *({"region": r, "industry": "B", "jobs": 10} for r in range(3)))
    gap, strong, empty = scores.chain_completion
    assert gap > strong and gap > empty
    # Exact: R1 has U = D = 1 and no B (gap 100); R2 has B (RCA 6 -> presence 1, gap 0);
    # R3 has U = D = 0.
    assert scores.chain_completion == pytest.approx([100.0, 0.0, 0.0])


def test_it_gives_half_credit_when_only_the_suppliers_are_present():
    scores = score(chain_world(), {"region": "R4", "industry": "B"})
    assert scores.chain_completion[0] == pytest.approx(50.0)


def test_it_adds_the_leads_own_inputs_as_a_third_side():
    # Inputs A (present in R1) and F (absent): input share 0.5; (U + D + 0.5) / 3 = 0.8333.
    scores = score(chain_world(), {"region": "R1", "industry": "B", "inputs": ["A", "F"]})
    assert scores.chain_completion[0] == pytest.approx(100 * 2.5 / 3)


def test_it_scores_an_industry_off_the_chain_map_as_neutral_with_zero_chain_confidence():
    world = chain_world()
    batch = LeadBatch.from_dicts(world, [{"region": "R1", "industry": "F", "jobs": 5}])
    scores = score(world, {"region": "R1", "industry": "F", "jobs": 5})
    assert scores.chain_completion[0] == 50.0
    assert scores.neutral[0] & NEUTRAL_CHAIN
    assert lead_parts(world, batch).chain_confidence[0] == 0.0


def test_it_scores_an_unmapped_industry_from_its_named_inputs():
    # F is on no chain, but the lead says it buys from A (present in R1; F absent there).
    scores = score(chain_world(), {"region": "R1", "industry": "F", "inputs": ["A"]})
    assert scores.chain_completion[0] == pytest.approx(100.0)
    assert not scores.neutral[0] & NEUTRAL_CHAIN


def test_it_halves_chain_confidence_when_the_customer_cells_are_unknown():
    size = np.array(CHAIN_SIZE, dtype=float)
    size[0, 2] = np.nan  # R1's C unknown: C is known nowhere else to be present either
    world = chain_world(size)
    batch = LeadBatch.from_dicts(world, [{"region": "R1", "industry": "B"}])
    parts = lead_parts(world, batch)
    # Downstream is unknown, not zero: the score rests on upstream alone (U = 1).
    assert parts.chain[0] == pytest.approx(1.0)
    assert parts.chain_confidence[0] == pytest.approx(0.5)


def test_it_assumes_middle_presence_and_halves_confidence_when_the_own_cell_is_unknown():
    size = np.array(CHAIN_SIZE, dtype=float)
    size[0, 1] = np.nan
    world = chain_world(size)
    parts = lead_parts(world, LeadBatch.from_dicts(world, [{"region": "R1", "industry": "B"}]))
    assert parts.chain[0] == pytest.approx(0.5)
    assert parts.chain_confidence[0] == pytest.approx(0.5)


def test_it_counts_only_known_input_cells():
    presence = np.array([[1.0, 0.5, 0.0]])
    known = np.array([[True, True, False]])
    batch_indptr = np.array([0, 3, 3], dtype=np.int64)
    indices = np.array([0, 1, 2], dtype=np.int32)
    got = lead_inputs(presence, known, np.array([0, 0]), batch_indptr, indices)
    assert got.given.tolist() == [3.0, 0.0]
    assert got.known.tolist() == [2.0, 0.0]
    assert got.present_sum.tolist() == [1.5, 0.0]


def test_it_lists_present_linked_industries_largest_share_first():
    shares = np.array([0.1, 0.5, 0.4, 0.0])
    presence = np.array([1.0, 0.3, 0.0, 1.0])
    known = np.array([True, True, True, True])
    assert top_links(shares, presence, known, 5) == [(1, 0.5, 0.3), (0, 0.1, 1.0)]
