"""The reference industry space: a given phi replaces phi estimated from the agency's regions,
and without it, phi from too few regions warns and counts for less in confidence.

Pure numpy tests on hand-made worlds; no database. The cluster world of test_cluster.py
(four regions, X and Y in cluster K of R1, Z outside) estimates phi(Z, X) = 0 and
phi(Z, Y) = 1/3 from its four regions.
"""

from __future__ import annotations

import numpy as np
import pytest

from screening.scoring.engine import lead_parts
from screening.scoring.explain import explain_lead
from screening.scoring.leads import LeadBatch
from screening.scoring.world import (
    MIN_REGIONS_FOR_ESTIMATED_PROXIMITY,
    build_world,
    proximity_reliability,
)
from tests.scoring.engine_worlds import make_world, score, world_inputs
from tests.scoring.test_cluster import CLUSTER, SIZE

# A reference space that disagrees with the four regions: Z is close to X, far from Y.
REFERENCE = np.array([[1.0, 0.2, 0.8], [0.2, 1.0, 0.0], [0.8, 0.0, 1.0]])


def world(**kwargs):
    return make_world(SIZE, industries=["X", "Y", "Z"], clusters=[CLUSTER], **kwargs)


def test_every_level_uses_the_reference_space_and_nothing_is_estimated():
    w = make_world(
        [*SIZE, [100, 100, 200]],
        industries=["X", "Y", "Z"],
        levels=["city"] * 4 + ["province"],
        reference_proximity=REFERENCE,
        proximity_source="test space",
    )
    assert w.proximity.shape == (1, 3, 3)
    assert w.level_proximity.tolist() == [0, 0]
    # The given phi, on the World's dyadic grid (screening.scoring.exact).
    np.testing.assert_allclose(w.phi_for_region(4), REFERENCE, atol=1e-9, rtol=0)
    assert w.proximity_reliability.tolist() == [1.0, 1.0]
    assert not any("estimated from" in note for note in w.warnings)


def test_density_and_cluster_relatedness_follow_the_given_phi():
    w = world(reference_proximity=REFERENCE)
    # R1 has X and Y present (RCA >= 1), Z absent: density of Z = (0.8 + 0) / (0.8 + 0 + 1).
    assert w.density[0, 2] == pytest.approx(0.8 / 1.8)
    # Z's relatedness to K (X core 1.0, Y support 0.5): (0.8 * 1 + 0 * 0.5) / 1.5, in the
    # strengthen-an-existing-cluster part of cluster strengthening.
    scores = score(w, {"region": "R1", "industry": "Z", "jobs": 4})
    assert scores.strengthen[0] == pytest.approx(100 * (0.8 / 1.5) * 0.5)


def test_phi_from_too_few_regions_warns_with_the_numbers():
    w = world()
    assert w.proximity_regions.tolist() == [4]
    assert w.proximity_reliability[0] == pytest.approx(np.sqrt(4 / 100))
    (note,) = [n for n in w.warnings if "estimated from" in n]
    assert "4 region(s), fewer than 100" in note and "industry_relatedness.csv" in note


def test_phi_based_confidence_drops_by_the_reliability_factor_and_nothing_else_does():
    lead = {"region": "R1", "industry": "Z", "jobs": 4}
    given = world(reference_proximity=world().phi_for_region(0))  # same phi, but "given"
    estimated = world()
    a = lead_parts(given, LeadBatch.from_dicts(given, [lead]))
    b = lead_parts(estimated, LeadBatch.from_dicts(estimated, [lead]))
    factor = proximity_reliability(4)
    # Same scores; confidence of the density part (0.6 of local) and of a non-member's
    # cluster relatedness scaled by sqrt(4 / 100) = 0.2; chain untouched.
    for name in ("local", "cluster", "chain"):
        assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), name
    assert b.local_confidence[0] == pytest.approx(0.6 * factor + 0.4)
    assert a.local_confidence[0] == pytest.approx(1.0)
    assert b.cluster_confidence[0] == pytest.approx(a.cluster_confidence[0] * factor)
    assert b.chain_confidence[0] == a.chain_confidence[0]


def test_a_member_leads_cluster_confidence_does_not_rest_on_phi():
    lead = {"region": "R1", "industry": "X", "jobs": 4}
    w = world()
    parts = lead_parts(w, LeadBatch.from_dicts(w, [lead]))
    assert parts.cluster_confidence[0] == pytest.approx(1.0)


def test_reliability_grows_with_the_square_root_of_the_regions_up_to_one():
    assert proximity_reliability(16) == pytest.approx(0.4)
    assert proximity_reliability(MIN_REGIONS_FOR_ESTIMATED_PROXIMITY) == 1.0
    assert proximity_reliability(5000) == 1.0
    assert proximity_reliability(0) == 0.0


@pytest.mark.parametrize(
    ("phi", "message"),
    [
        (np.eye(2), "shape"),
        (REFERENCE * 1.5, r"in \[0, 1\]"),
        (np.array([[1, 0.2, 0.8], [0.3, 1, 0], [0.8, 0, 1.0]]), "symmetric"),
    ],
)
def test_it_rejects_a_malformed_reference_space(phi, message):
    with pytest.raises(ValueError, match=message):
        build_world(world_inputs(SIZE, industries=["X", "Y", "Z"], reference_proximity=phi))


def test_the_explanation_names_the_source_or_how_few_regions_phi_rests_on():
    lead = [{"region": "R1", "industry": "Z", "jobs": 4}]
    w = world(reference_proximity=REFERENCE, proximity_source="US CBP 2019, 933 areas")
    text = explain_lead(w, LeadBatch.from_dicts(w, lead), 0, "en").text()
    assert "Relatedness φ: US CBP 2019, 933 areas." in text
    fallback = world()
    explanation = explain_lead(fallback, LeadBatch.from_dicts(fallback, lead), 0, "zh")
    sentence = "关联度 φ 仅由同级 4 个地区估算（少于 100 个，难以区分相关与无关产业）。"
    assert sentence in explanation.text()
    reasons = [r["code"] for r in explanation.confidence["reasons"]]
    assert "phi_few_regions" in reasons


# --- RCA against a reference economy (industry_reference.csv) ------------------------------

# The nation: X is a large industry nationally (60%), Y and Z smaller (30%, 10%).
NATION = np.array([600.0, 300.0, 100.0])


def test_rca_compares_each_region_with_the_nation_when_a_reference_is_given():
    w = world(reference_size=NATION)
    # R1 (60, 40, 0): X 0.6 / 0.6 = 1.0, Y 0.4 / 0.3 = 1.333, Z 0.
    assert w.rca[0] == pytest.approx([1.0, 0.4 / 0.3, 0.0])
    # R2 (10, 0, 90): Z 0.9 / 0.1 = 9.
    assert w.rca[1] == pytest.approx([0.1 / 0.6, 0.0, 9.0])
    assert any("reference economy" in note for note in w.warnings)


def test_an_industry_without_a_national_size_keeps_its_levels_rca():
    w = world(reference_size=np.array([600.0, np.nan, 100.0]))
    own = world()
    assert w.rca[:, 1] == pytest.approx(own.rca[:, 1])
    assert w.rca[0, 0] == pytest.approx(0.6 / (600 / 700))
    assert any("1 industry(ies) have no reference size" in note for note in w.warnings)


def test_cluster_lq_uses_the_nation_and_strength_stays_a_rank_among_peers():
    own, national = world(), world(reference_size=NATION)
    # K = X core + Y support: national share (600 + 0.5 * 300) / 1000 = 0.75; R1's is 0.8.
    assert national.clusters.lq[0] == pytest.approx(0.8 / 0.75)
    assert own.clusters.lq[0] == pytest.approx(0.8 / 0.375)
    # Scaling every region's LQ by the same national share leaves their order as it was.
    assert national.clusters.strength[0] == own.clusters.strength[0]


def test_a_cluster_weak_against_the_nation_is_not_called_strong():
    # Nationally X and Y are 95% of employment: R1's 80% is below the nation (LQ < 1).
    national = world(reference_size=np.array([900.0, 100.0, 50.0]))
    assert national.clusters.lq[0] < 1
    assert not national.clusters.strong[0]
    assert world().clusters.strong[0]
