"""The impact preview: the engine on a copy of the region's World, writing nothing, and
predicting exactly the scores a save then stores."""

from __future__ import annotations

from typing import Any

import pytest

from projects.models import Lead
from regions.models import ClusterIndustry, Endowment, Industry
from regions.services import (
    ClusterDraft,
    EndowmentDraft,
    MemberDraft,
    cluster_save,
    endowments_save,
)
from screening.models import LeadScore
from screening.services.impact import Impact, region_edit_impact
from screening.world import RegionDraft, current_world
from tests.ui.scenario import Scenario


def stored_totals(region_id: int) -> dict[int, float]:
    return dict(LeadScore.objects.filter(lead__region_id=region_id).values_list("lead_id", "total"))


def predicted(impact: Impact) -> dict[int, float]:
    rows = [*impact.up, *impact.down]
    found = {m.lead.pk: m.after.total for m in rows}
    found |= {r.lead.pk: r.after for r in impact.shortlist}
    return found


def member_draft(scenario: Scenario, extra: str, role: str = "core") -> list[tuple[int, str]]:
    cluster = scenario.clusters["JN-NEV"]
    members = [(m.industry_id, m.role) for m in cluster.members.order_by("pk")]
    return [*members, (scenario.industries[extra].pk, role)]


def test_a_preview_writes_nothing_and_names_the_movers(scenario: Scenario) -> None:
    cluster, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    before_totals = stored_totals(jinan.pk)
    members_before = list(cluster.members.values_list("industry_id", "role"))
    draft = RegionDraft(
        region_id=jinan.pk,
        cluster_id=cluster.pk,
        members=tuple(member_draft(scenario, "LIB-CELL")),
    )
    impact = region_edit_impact(draft)

    battery = scenario.leads["battery"]
    assert impact.leads == Lead.objects.filter(region=jinan).count()
    assert 0 < impact.changed <= impact.leads
    assert battery.pk in [m.lead.pk for m in impact.up]
    mover = next(m for m in impact.up if m.lead.pk == battery.pk)
    assert mover.after.cluster_strength > mover.before.cluster_strength
    assert mover.before.total == pytest.approx(before_totals[battery.pk])
    # Nothing was written: members, the region's version and the stored scores stand.
    assert list(cluster.members.values_list("industry_id", "role")) == members_before
    jinan.refresh_from_db()
    assert jinan.score_version == 1
    assert stored_totals(jinan.pk) == before_totals


def test_the_shortlist_lists_active_leads_only_with_their_ranks(scenario: Scenario) -> None:
    cluster, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    draft = RegionDraft(
        region_id=jinan.pk,
        cluster_id=cluster.pk,
        members=tuple(member_draft(scenario, "LIB-CELL")),
    )
    impact = region_edit_impact(draft)
    assert impact.shortlist
    assert all(row.lead.status == "active" for row in impact.shortlist)
    assert [row.rank_after for row in impact.shortlist] == list(range(1, len(impact.shortlist) + 1))
    totals = [row.after for row in impact.shortlist]
    assert totals == sorted(totals, reverse=True)
    assert {row.rank_before for row in impact.shortlist} <= set(range(1, 21))


def test_saving_stores_the_scores_the_preview_predicted(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    cluster, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    members = member_draft(scenario, "LIB-CELL", role="support")
    impact = region_edit_impact(
        RegionDraft(region_id=jinan.pk, cluster_id=cluster.pk, members=tuple(members))
    )
    with django_capture_on_commit_callbacks(execute=True):
        cluster_save(
            cluster,
            ClusterDraft(members=tuple(MemberDraft(i, role) for i, role in members)),
        )
    assert ClusterIndustry.objects.filter(
        cluster=cluster, industry=scenario.industries["LIB-CELL"], role="support"
    ).exists()
    current_world()  # rebuilt from the saved rows
    stored = stored_totals(jinan.pk)
    expected = predicted(impact)
    assert expected
    for lead_id, total in expected.items():
        assert stored[lead_id] == pytest.approx(total, abs=1e-6)


def test_an_endowment_preview_with_a_new_factor_matches_the_save(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    """A factor no region had before changes the World's factor list (and so every lead's
    needs mask): the preview must re-read needs against it, as the save's rescore does."""
    jinan = scenario.cities["JN"]
    parts = scenario.leads["parts"]
    with django_capture_on_commit_callbacks(execute=True):
        parts.needs = ["port", "rail"]  # Jinan has no port
        parts.save(update_fields=["needs"])
        from screening import invalidation

        invalidation.leads_changed([parts.pk])
    rows = [(e.factor, e.value) for e in Endowment.objects.filter(region=jinan)]
    rows.append(("rail", 1.0))
    impact = region_edit_impact(RegionDraft(region_id=jinan.pk, endowments=tuple(rows)))
    assert parts.pk in [m.lead.pk for m in impact.up]
    with django_capture_on_commit_callbacks(execute=True):
        endowments_save(jinan, [EndowmentDraft(f, v) for f, v in rows])
    stored = stored_totals(jinan.pk)
    for lead_id, total in predicted(impact).items():
        assert stored[lead_id] == pytest.approx(total, abs=1e-6)


def test_a_region_without_leads_previews_empty(scenario: Scenario) -> None:
    yantai = scenario.cities["YT"]
    impact = region_edit_impact(RegionDraft(region_id=yantai.pk, endowments=(("port", 0.0),)))
    assert (impact.leads, impact.changed, impact.shortlist) == (0, 0, [])
    assert Industry.objects.exists()
