"""Explanations: the evidence behind each score, as JSON data and short zh/en sentences.

Pure numpy tests on hand-made worlds; no database.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from screening.scoring.engine import LeadBatch
from screening.scoring.explain import explain_lead
from tests.scoring.engine_worlds import make_world
from tests.scoring.test_chain import CHAIN, CHAIN_SIZE
from tests.scoring.test_engine import WORKED_X

# Chain A -> B -> C (see test_chain.py). R1 has A and C but not B; it has a port, no rail,
# unknown power, and a cluster K (A core, B support) with LQ 1.2, strong, strength 1.0.
ENDOWMENT = [[1, np.nan, 0], [1, 1, 1], [1, 1, 1], [1, 1, 1]]


def explained(lead, lang="en"):
    world = make_world(
        CHAIN_SIZE,
        **CHAIN,
        factors=["port", "power", "rail"],
        endowment=ENDOWMENT,
        clusters=[(0, "K", {"A": 1.0, "B": 0.5})],
    )
    return explain_lead(world, LeadBatch.from_dicts(world, [lead]), 0, lang)


LEAD = {"region": "R1", "industry": "B", "jobs": 10, "needs": ["port", "power", "rail"]}


def test_it_names_the_local_suppliers_and_customers_with_their_shares():
    chain = explained(LEAD).chain
    assert [(s["code"], s["input_share"]) for s in chain["suppliers"]] == [("A", 1.0)]
    assert [(c["code"], c["sales_share"]) for c in chain["customers"]] == [("C", 1.0)]
    assert chain["suppliers"][0]["name_zh"] == "A业"
    assert (chain["upstream"], chain["downstream"], chain["own_rca"]) == (1.0, 1.0, 0.0)


def test_it_sorts_needs_into_met_unmet_and_unknown():
    needs = explained(LEAD).local_fit["needs"]
    assert needs == {"met": ["port"], "unmet": ["rail"], "unknown": ["power"]}


def test_it_explains_the_cluster_strengthened_and_why():
    (cluster,) = explained(LEAD).clusters
    assert cluster["code"] == "K" and cluster["chosen"] and cluster["member"]
    assert cluster["lq"] == pytest.approx(1.2)
    assert cluster["strong"] and cluster["strength"] == 1.0
    assert cluster["employment"] == 100.0
    assert cluster["size_ratio"] == pytest.approx(0.1)
    assert cluster["size_effect"] == pytest.approx(0.75)


def test_it_says_what_lowered_confidence():
    reasons = explained({**LEAD, "jobs": None}).confidence["reasons"]
    codes = [r["code"] for r in reasons]
    assert "needs_unknown" in codes and "jobs_unknown" in codes
    assert next(r for r in reasons if r["code"] == "needs_unknown")["factors"] == ["power"]


def test_it_lists_the_related_local_industries_by_phi():
    world = make_world(WORKED_X)
    batch = LeadBatch.from_dicts(world, [{"region": "R3", "industry": "I3"}])
    related = explain_lead(world, batch, 0).local_fit["related_present"]
    # R3 has I1, I2, I5: phi(I3, I2) = 2/3, phi(I3, I1) = 1/3, phi(I3, I5) = 0.
    assert [(r["code"], r["phi"]) for r in related] == [("I2", 0.67), ("I1", 0.33)]


def test_it_writes_short_sentences_in_both_languages():
    explanation = explained(LEAD, lang="zh")
    zh, en = explanation.sentences["zh"], explanation.sentences["en"]
    assert explanation.text() == zh
    assert zh[0].startswith("总分 ") and en[0].startswith("Total ")
    assert "本地供应商：A业（占投入 100%）。" in zh
    assert "Local suppliers: A industry (100% of inputs)." in en
    assert "Needs not met: rail." in en
    assert any("strong" in s and "K cluster" in s and "10%" in s for s in en)
    assert all(len(s) < 160 for s in zh + en)


def test_it_says_when_the_industry_is_off_the_chain_map():
    explanation = explained({"region": "R1", "industry": "F", "jobs": 5})
    assert (
        "This industry is not on the chain map: chain score is neutral (50)."
        in (explanation.sentences["en"])
    )
    assert "chain_no_evidence" in [r["code"] for r in explanation.confidence["reasons"]]


def test_it_serialises_to_json_and_back():
    data = explained({**LEAD, "jobs": None}).to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["scores"]["total"] == pytest.approx(
        0.4 * data["scores"]["local_fit"]
        + 0.3 * data["scores"]["chain_completion"]
        + 0.3 * data["scores"]["cluster_strength"],
        abs=0.1,
    )


def test_it_rejects_an_unknown_language():
    with pytest.raises(ValueError, match="lang"):
        explained(LEAD, lang="fr")
