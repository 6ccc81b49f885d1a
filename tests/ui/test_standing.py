"""A score at a glance: where a lead's total stands among the scored leads of its region and
of the province, and what a 0–100 total means (issue 15, item 9)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from projects.services import lead_create, lead_update
from screening.access import descendants_and_self
from screening.models import LeadScore
from screening.selectors import standing
from screening.services.scores import rescore_leads
from tests.shortlists.conftest import build_world
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db: None) -> Iterator[Scenario]:
    standing.forget_standings()
    yield build_world()
    standing.forget_standings()


def expected(lead: Lead, region_id: int) -> tuple[int, int, int]:
    """(share below %, rank, scored) from the stored totals, ties within 0.1 point."""
    mine = standing.bin_of(lead.score.total)
    areas = descendants_and_self([region_id])
    bins = [
        standing.bin_of(t)
        for t in LeadScore.objects.filter(region_id__in=areas).values_list("total", flat=True)
    ]
    others = len(bins) - 1
    below = sum(b < mine for b in bins)
    tied = sum(b == mine for b in bins) - 1
    above = others - below - tied
    return round(100 * (below + tied / 2) / others), above + 1, len(bins)


def test_it_counts_lower_tied_and_higher_totals() -> None:
    counts = np.zeros(standing.BINS, dtype=np.int64)
    for total in (10.0, 20.0, 20.04, 30.0, 49.0):
        counts[standing.bin_of(total)] += 1
    # 20.0 among the others: one lower, one tied (half), two higher.
    assert standing.standing_in(counts, 20.0) == (38, 3, 5)
    assert standing.standing_in(counts, 49.0) == (100, 1, 5)
    assert standing.standing_in(counts, 10.0) == (0, 5, 5)
    alone = np.zeros(standing.BINS, dtype=np.int64)
    alone[standing.bin_of(70.0)] = 1
    assert standing.standing_in(alone, 70.0) is None  # nothing to compare with


def test_a_lead_stands_in_its_city_and_in_the_province(world: Scenario) -> None:
    lead = Lead.objects.select_related("score").get(pk=world.leads["battery"].pk)
    found = standing.lead_standings(lead.score.region_id, lead.score.total)
    assert [s.region for s in found] == [world.cities["JN"], world.province]
    for s in found:
        assert (s.share_below, s.rank, s.scored) == expected(lead, s.region.pk)
    assert found[1].scored == LeadScore.objects.count()


def test_standings_follow_new_and_changed_scores(world: Scenario) -> None:
    lead = Lead.objects.select_related("score").get(pk=world.leads["battery"].pk)
    before = standing.lead_standings(lead.score.region_id, lead.score.total)
    newcomer = lead_create(
        user=None,
        external_id="NEW-1",
        company="新来企业",
        industry=world.industries["NEV-ASM"],
        region=world.cities["JN"],
        jobs=800,
    )
    rescore_leads([newcomer.pk])
    other = world.leads["x8"]  # another Jinan lead, its score changes
    lead_update(lead=other, user=None, jobs=(other.jobs or 0) * 20 + 5000)
    rescore_leads([other.pk])
    after = standing.lead_standings(lead.score.region_id, lead.score.total)
    assert [s.scored for s in after] == [s.scored + 1 for s in before]
    assert [(s.share_below, s.rank, s.scored) for s in after] == [
        expected(lead, s.region.pk) for s in after
    ]


def test_the_lead_page_says_where_the_score_stands_and_what_it_means(
    world: Scenario,
) -> None:
    client = Client()
    client.force_login(world.users["officer_jinan"])
    lead = Lead.objects.select_related("score").get(pk=world.leads["battery"].pk)
    html = client.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    share, rank, scored = expected(lead, world.cities["JN"].pk)
    assert (
        f"高于济南市 <strong>{share}%</strong> 的已评分线索（第 {rank} 名，共 {scored} 条）" in html
    )
    assert "高于山东省" in html
    assert "不是及格线" in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("lead_detail", args=[lead.pk])).content.decode()
    assert f"Above <strong>{share}%</strong> of the scored leads in Jinan" in html
    assert "not a pass mark" in html
