"""Each shortlist row says where it stands among the scored leads of its region and of the
province, under the shortlist's own weights (issue 15, item 9), computed for all rows at once
from the in-process copy of the sub-scores."""

from __future__ import annotations

import io
import math
from dataclasses import replace

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from screening.access import descendants_and_self
from screening.models import LeadScore
from screening.selectors import standing
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.ranking import ranked_rows
from shortlists.services import ShortlistParams, ShortlistRow, build_shortlist
from shortlists.standing import RowStanding, StandingQuery, row_standings
from tests.shortlists.test_exports import HEADER_ROW, columns
from tests.shortlists.test_pages import save_shortlist
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db


def test_counts_per_area_sum_each_subtree_in_one_pass() -> None:
    # 1 is the province, 2 and 3 its cities, 4 a district of 2; 5 is another tree.
    parent: dict[int, int | None] = {1: None, 2: 1, 3: 1, 4: 2, 5: None}
    areas = standing.subtrees([2, 1], parent)
    assert sorted(areas[2]) == [2, 4]
    assert sorted(areas[1]) == [1, 2, 3, 4]
    totals = np.array([10.0, 20.0, 20.04, 30.0, 99.0])
    codes = np.array([2, 3, 4, 5])  # the distinct region ids, and each lead's position in them
    positions = np.array([0, 0, 1, 2, 3])
    counts = standing.area_counts(standing.bins_of(totals), positions, codes, areas)
    assert int(counts[2].sum()) == 3 and int(counts[1].sum()) == 4
    # In city 2 (10, 20, 30): one lower, one higher. In the province 20.04 ties with 20.0.
    assert standing.standing_in(counts[2], 20.0) == (50, 2, 3)
    assert standing.standing_in(counts[1], 20.0) == (50, 2, 4)
    assert standing.standing_in(counts[1], 30.0) == (100, 1, 4)
    assert standing.standing_in(counts[2], 99.0) is None  # not one of the area's leads


def test_array_bins_are_the_lead_pages_bins() -> None:
    totals = np.array([0.0, 0.04, 0.05, 12.34, 12.35, 49.95, 99.96, 100.0, 100.4])
    assert standing.bins_of(totals).tolist() == [standing.bin_of(t) for t in totals]


def test_top_percent_rounds_up_to_a_whole_percent() -> None:
    region = object()
    assert RowStanding(region, 98, 3, 120).top_percent == 3  # type: ignore[arg-type]
    assert RowStanding(region, 100, 1, 120).top_percent == 1  # type: ignore[arg-type]
    assert RowStanding(region, 0, 120, 120).top_percent == 100  # type: ignore[arg-type]
    assert RowStanding(region, 50, 2, 3).top_percent == 67  # type: ignore[arg-type]


def params_for(world: Scenario, weights: tuple[int, int, int]) -> ShortlistParams:
    form = ShortlistForm(
        {
            "scope": "region",
            "region": world.province.pk,
            "cutoff": "5",
            "status": "any",
            "w_local_fit": str(weights[0]),
            "w_chain_completion": str(weights[1]),
            "w_cluster_strength": str(weights[2]),
        }
    )
    assert form.is_valid(), form.errors
    return params_from_form(form)


def expected(row: ShortlistRow, params: ShortlistParams, area: int) -> tuple[int, int, int]:
    """By brute force from the database: every scored lead of the area weighted again."""
    region_ids = descendants_and_self([area])
    stored = LeadScore.objects.filter(region_id__in=region_ids)
    totals = [r.total for r in ranked_rows(stored, params.weights, params.pull_share)]
    mine = standing.bin_of(row.scores.total)
    bins = [standing.bin_of(t) for t in totals]
    below = sum(b < mine for b in bins)
    tied = sum(b == mine for b in bins) - 1
    above = len(bins) - 1 - below - tied
    return round(100 * (below + tied / 2) / (len(bins) - 1)), above + 1, len(bins)


@pytest.mark.parametrize("weights", [(34, 33, 33), (80, 10, 10), (0, 0, 100)])
def test_every_row_stands_in_its_city_and_the_province_under_the_shortlists_weights(
    world: Scenario, weights: tuple[int, int, int]
) -> None:
    params = params_for(world, weights)
    rows = build_shortlist(params).rows
    assert len(rows) >= 10
    for row in rows:
        city, province = row.standings
        assert city.region.pk == row.lead.region_id
        assert province.region == world.province
        assert (city.share_below, city.rank, city.scored) == expected(row, params, city.region.pk)
        assert (province.share_below, province.rank, province.scored) == expected(
            row, params, world.province.pk
        )
        assert province.scored == LeadScore.objects.count()
        assert province.top_percent == math.ceil(100 * province.rank / province.scored)
    # The province scope without filters ranks as the province standing does, but leads less
    # than 0.1 point apart share a standing.
    ranks = [row.standings[1].rank for row in rows]
    assert ranks == sorted(ranks)
    assert all(rank <= row.rank for rank, row in zip(ranks, rows, strict=True))
    assert ranks[0] == 1


def test_the_weights_move_the_standing(world: Scenario) -> None:
    local = {
        r.lead.pk: r.standings[1].rank for r in build_shortlist(params_for(world, (100, 0, 0))).rows
    }
    cluster = {
        r.lead.pk: r.standings[1].rank for r in build_shortlist(params_for(world, (0, 0, 100))).rows
    }
    both = local.keys() & cluster.keys()
    assert any(local[pk] != cluster[pk] for pk in both) or local.keys() != cluster.keys()


def test_standings_cost_no_query_per_row(world: Scenario) -> None:
    params = params_for(world, (34, 33, 33))
    rows = build_shortlist(replace(params, cutoff=20)).rows  # the copy of the scores is loaded
    asked = [StandingQuery(r.lead.pk, r.lead.region_id, r.scores.total) for r in rows]
    with CaptureQueriesContext(connection) as few:
        row_standings(asked[:2], params.weights, params.pull_share)
    with CaptureQueriesContext(connection) as many:
        found = row_standings(asked, params.weights, params.pull_share)
    assert len(many) == len(few) <= 5
    assert found == {r.lead.pk: r.standings for r in rows}


def test_the_shortlist_page_shows_each_rows_standing_and_says_what_it_means(
    manager: Client, world: Scenario
) -> None:
    params = params_for(world, (34, 33, 33))
    top = build_shortlist(params).rows[0]
    city, province = top.standings
    query: dict[str, str | int] = {
        "scope": "region",
        "region": world.province.pk,
        "cutoff": 5,
        "status": "any",
        "w_local_fit": 34,
        "w_chain_completion": 33,
        "w_cluster_strength": 33,
    }
    html = manager.get(reverse("shortlists:page"), query).content.decode()
    name = city.region.name
    assert f"{name} 第 {city.rank}/{city.scored} · 前 {city.top_percent}%" in html
    assert f"山东省 第 1/{province.scored} · 前 {province.top_percent}%" in html
    assert f"高于其中 {province.share_below}% 的线索" in html  # the tooltip
    assert "总分下的小字是它的位置" in html  # the legend
    manager.cookies["django_language"] = "en"
    html = manager.get(reverse("shortlists:page"), query).content.decode()
    assert f"{city.region.name_en} {city.rank}/{city.scored} · top {city.top_percent}%" in html
    assert f"Shandong 1/{province.scored} · top {province.top_percent}%" in html
    assert "The small print under a total is where the lead stands" in html


def test_a_saved_shortlist_keeps_the_standings_and_exports_them(
    manager: Client, world: Scenario
) -> None:
    weights = {"w_local_fit": 34, "w_chain_completion": 33, "w_cluster_strength": 33}
    saved = save_shortlist(manager, cutoff=5, status="any", region=world.province.pk, **weights)
    shown = build_shortlist(params_for(world, (34, 33, 33))).rows[:5]
    entries = list(saved.entries.order_by("rank"))
    for entry, row in zip(entries, shown, strict=True):
        city, province = row.standings
        assert entry.lead_id == row.lead.pk
        assert (entry.region_rank, entry.region_scored) == (city.rank, city.scored)
        assert (entry.province_rank, entry.province_scored) == (province.rank, province.scored)
    response = manager.get(reverse("shortlists:export_xlsx", args=[saved.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    col = columns(sheet)
    for offset, row in enumerate(shown, start=1):
        city, province = row.standings
        cells = sheet[HEADER_ROW + offset]
        assert cells[col["地区内名次/已评分"] - 1].value == f"{city.rank}/{city.scored}"
        assert cells[col["全省名次/已评分"] - 1].value == f"{province.rank}/{province.scored}"
