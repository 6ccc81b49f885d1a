"""Saved shortlists: what they keep, that they never change, and what has moved since."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from projects.models import Lead, Stage
from projects.services import lead_move_stage, lead_set_status, lead_update
from screening.models import LeadScore
from screening.services.scores import rescore_leads
from shortlists.models import SavedShortlist, ShortlistEntry
from shortlists.services import entry_decide
from tests.shortlists.test_pages import save_shortlist
from tests.shortlists.test_ranking import expected_order
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
SNAPSHOT_FIELDS = [
    "rank",
    "lead_id",
    "company",
    "stage",
    "capex",
    "jobs",
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "total",
    "confidence",
    "rank_p05",
    "rank_p95",
    "crosses_cutoff",
    "explanation_zh",
    "explanation_en",
]


def snapshot(saved: SavedShortlist) -> list[tuple[object, ...]]:
    return list(saved.entries.order_by("rank").values_list(*SNAPSHOT_FIELDS))


def test_saving_keeps_scope_profile_weights_and_the_leads_above_the_cutoff(
    manager: Client, world: Scenario
) -> None:
    saved = save_shortlist(
        manager, cutoff=6, w_local_fit=20, w_chain_completion=60, w_cluster_strength=20
    )
    assert saved.name == "一季度重点"
    assert saved.scope_label == "全部地区" and saved.cutoff == 6
    assert saved.profile.name == "balanced" and str(saved.profile) == "均衡 v1"
    assert saved.weights() == pytest.approx((0.2, 0.6, 0.2))
    assert saved.created_by == world.users["manager"]
    entries = list(saved.entries.order_by("rank"))
    active = LeadScore.objects.filter(lead__status="active")
    assert [e.lead_id for e in entries] == expected_order((0.2, 0.6, 0.2), active)[:6]
    first = entries[0]
    assert first.lead is not None and first.rank_p95 is not None
    score = LeadScore.objects.get(lead=first.lead)
    assert first.total == pytest.approx(
        0.2 * score.local_fit + 0.6 * score.chain_completion + 0.2 * score.cluster_strength
    )
    assert (first.local_fit, first.confidence) == (score.local_fit, score.confidence)
    assert first.company == first.lead.company and first.stage == first.lead.stage
    assert first.rank_p05 is not None and first.rank_p05 <= 1 <= first.rank_p95
    assert all(e.explanation_zh and e.explanation_en for e in entries)


def test_the_snapshot_never_changes_when_scores_change_later(
    manager: Client, world: Scenario
) -> None:
    saved = save_shortlist(manager, cutoff=5)
    before = snapshot(saved)
    moved = ShortlistEntry.objects.filter(shortlist=saved).order_by("rank").first()
    assert moved is not None and moved.lead is not None
    lead = Lead.objects.get(pk=moved.lead.pk)
    lead_update(lead=lead, user=None, industry=world.industries["TEXT"], needs=[])
    lead_move_stage(lead=lead, user=None, to_stage=Stage.NEGOTIATION)
    rescore_leads(list(LeadScore.objects.values_list("lead_id", flat=True)))
    assert LeadScore.objects.get(lead=lead).total != moved.total  # the score did move
    assert snapshot(saved) == before

    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert "保存以来有" in html and "发生变化" in html
    assert "洽谈" in html  # its stage now
    assert "has-moved" in html


def test_entrants_since_saving_are_listed(manager: Client, world: Scenario) -> None:
    saved = save_shortlist(manager, cutoff=3)
    last = saved.entries.order_by("-rank").first()
    assert last is not None and last.lead is not None
    # The saved filters keep active leads only: a lead put on hold leaves room for another.
    lead_set_status(
        lead=Lead.objects.get(pk=last.lead.pk), user=None, status="on_hold", reason="资金未落实"
    )
    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert "保存后新进入前 3 名的线索" in html
    assert "不在前 100 名或已不符合条件" in html


def test_a_decision_and_comment_change_nothing_else(manager: Client, world: Scenario) -> None:
    saved = save_shortlist(manager, cutoff=4)
    before = snapshot(saved)
    entry = saved.entries.order_by("rank").first()
    assert entry is not None
    response = manager.post(
        reverse("shortlists:decide", args=[saved.pk, entry.pk]),
        {"decision": "pursue", "comment": "下周拜访"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "已保存" in response.content.decode()
    entry.refresh_from_db()
    assert (entry.decision, entry.comment) == ("pursue", "下周拜访")
    assert entry.decided_by == world.users["manager"] and entry.decided_at is not None
    assert snapshot(saved) == before


def test_an_unknown_decision_is_refused(manager: Client) -> None:
    saved = save_shortlist(manager, cutoff=2)
    entry = saved.entries.first()
    assert entry is not None
    response = manager.post(
        reverse("shortlists:decide", args=[saved.pk, entry.pk]), {"decision": "maybe"}
    )
    assert response.status_code == 400
    entry.refresh_from_db()
    assert entry.decision == ""


def test_the_decide_service_refuses_an_unknown_decision_with_a_validation_error(
    manager: Client, world: Scenario
) -> None:
    saved = save_shortlist(manager, cutoff=2)
    entry = saved.entries.first()
    assert entry is not None
    with pytest.raises(ValidationError) as refused:
        entry_decide(entry=entry, decision="maybe", comment="", user=world.users["manager"])
    assert list(refused.value.message_dict) == ["decision"]
    entry.refresh_from_db()
    assert entry.decision == ""


def test_an_entry_of_another_shortlist_is_not_found(manager: Client) -> None:
    first, second = save_shortlist(manager, cutoff=2), save_shortlist(manager, cutoff=2)
    entry = first.entries.first()
    assert entry is not None
    url = reverse("shortlists:decide", args=[second.pk, entry.pk])
    assert manager.post(url, {"decision": "drop"}).status_code == 404


def test_a_deleted_lead_stays_in_the_snapshot(manager: Client) -> None:
    saved = save_shortlist(manager, cutoff=3)
    entry = saved.entries.order_by("rank").first()
    assert entry is not None and entry.lead is not None
    company = entry.company
    entry.lead.delete()
    entry.refresh_from_db()
    assert entry.lead is None and entry.company == company
    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert company in html and "线索已删除" in html


def test_a_saved_list_reads_in_the_page_language(manager: Client) -> None:
    """Saved from a Chinese page, read on an English one: the scope, industry and region names
    come from the objects kept (the stored text once they no longer bear it)."""
    saved = save_shortlist(manager, cutoff=3)
    entry = saved.entries.select_related("lead__region", "lead__industry").order_by("rank")[0]
    assert entry.lead is not None and saved.scope_label == "全部地区"
    region, industry = entry.lead.region, entry.lead.industry
    assert entry.region_name == region.name and region.name_en and industry.name_en
    manager.cookies["django_language"] = "en"
    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert "全部地区" not in html and "All regions" in html
    assert f"{industry.name_en} · {region.name_en}" in html
    assert f"{industry.name} · {region.name}" not in html
    listing = manager.get(reverse("shortlists:saved_list")).content.decode()
    assert "全部地区" not in listing and "All regions" in listing
    # Renamed since: the snapshot keeps the name it was saved with.
    region.name, region.name_en = "改名市", "Renamed City"
    region.save()
    html = manager.get(reverse("shortlists:saved", args=[saved.pk])).content.decode()
    assert f"{industry.name_en} · {entry.region_name}" in html


def test_saving_needs_a_name(manager: Client) -> None:
    response = manager.post(
        reverse("shortlists:save"), {"scope": "region", "cutoff": 5, "save-name": ""}
    )
    assert response.status_code == 400
    assert not SavedShortlist.objects.exists()
    assert 'id="save-panel" open' in response.content.decode()


def test_the_saved_list_counts_entries_and_decisions(manager: Client) -> None:
    saved = save_shortlist(manager, cutoff=3)
    entry = saved.entries.first()
    assert entry is not None
    manager.post(reverse("shortlists:decide", args=[saved.pk, entry.pk]), {"decision": "hold"})
    html = manager.get(reverse("shortlists:saved_list")).content.decode()
    assert "一季度重点" in html
    assert '<td class="num">3</td><td class="num">1</td>' in html
