"""Stored explanations read in today's wording (issue 15, item 4).

A score keeps its explanation's data (the evidence) and the sentences written when it was
computed. The pages render the sentences from the data when read, so a change of wording (the
confidence clause that read "只核对有无工业用地、就业人数和投资额未知") reaches every lead at
once, not when its score next changes.
"""

from __future__ import annotations

import copy
from typing import Any

from django.test import Client
from django.urls import reverse

from screening.models import LeadScore
from screening.scoring import read_sentences
from screening.scoring.explain_text import sentences
from tests.ui.scenario import Scenario

OLD = {
    "zh": ["总分 1", "旧的措辞：就业人数、投资额未知"],
    "en": ["Total 1", "old wording, jobs unknown"],
}


def page(client: Client, lead_id: int, language: str) -> str:
    url = reverse("lead_detail", kwargs={"pk": lead_id})
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")


def store(score: LeadScore, explanation: dict[str, Any]) -> None:
    """Overwrite the stored explanation only (the score and its stamps stay current)."""
    LeadScore.objects.filter(pk=score.pk).update(explanation=explanation)


def test_the_lead_page_renders_the_stored_data_not_the_stored_sentences(
    scenario: Scenario, officer: Client
) -> None:
    score = LeadScore.objects.get(lead=scenario.leads["battery"])
    data = copy.deepcopy(score.explanation)
    store(score, {**data, "sentences": OLD})
    for language, lang in (("zh-hans", "zh"), ("en", "en")):
        body = page(officer, score.pk, language)
        assert OLD[lang][1] not in body
        current = sentences(data, lang)[1:]
        assert current and all(sentence in body for sentence in current), lang


def test_the_compare_page_reads_the_same_wording(scenario: Scenario, manager: Client) -> None:
    lead = scenario.leads["battery"]
    score = LeadScore.objects.get(lead=lead)
    store(score, {**score.explanation, "sentences": OLD})
    response = manager.get(reverse("shortlists:compare"), {"lead": str(lead.pk)})
    assert response.status_code == 200
    compare = response.content.decode().replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert OLD["zh"][1] not in compare
    assert sentences(score.explanation, "zh")[1] in compare


def test_an_explanation_stored_before_the_lead_jobs_were_kept_infers_them(
    scenario: Scenario,
) -> None:
    data = copy.deepcopy(LeadScore.objects.get(lead=scenario.leads["battery"]).explanation)
    assert data["lead_jobs"] is not None
    del data["lead_jobs"]
    assert read_sentences(data, "en") == sentences({**data, "lead_jobs": 1.0}, "en")
    data["confidence"]["reasons"].append({"code": "jobs_unknown"})
    assert read_sentences(data, "en") == sentences({**data, "lead_jobs": None}, "en")


def test_data_the_renderer_cannot_read_keep_their_stored_sentences() -> None:
    assert read_sentences({"sentences": OLD}, "en") == OLD["en"]
    assert read_sentences(None, "zh") == [] and read_sentences({}, "zh") == []
