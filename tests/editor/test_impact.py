"""The impact preview: the engine on a copy of the region's World, writing nothing, and
predicting exactly the scores a save then stores."""

from __future__ import annotations

from typing import Any

import pytest

from projects.models import Lead
from regions.models import ClusterIndustry, Endowment, Industry, IndustryReference, RegionIndustry
from regions.services import (
    ClusterDraft,
    EndowmentDraft,
    MemberDraft,
    cluster_save,
    endowments_save,
    set_scoring_baseline,
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


PARTS = ("local_fit", "chain_completion", "cluster_strength", "strengthen", "pull", "total")


def stored_parts(region_id: int) -> dict[int, dict[str, float]]:
    rows = LeadScore.objects.filter(lead__region_id=region_id).values("lead_id", *PARTS)
    return {row.pop("lead_id"): row for row in rows}


def test_the_preview_reads_the_baseline_vintage_and_predicts_every_stored_part(
    scenario: Scenario, django_capture_on_commit_callbacks: Any
) -> None:
    """With vintages (the baseline year before the latest), firm counts (anchor pull's typical
    plant) and a reference economy, the preview stands on the World in force: its "before"
    is what is stored, and its "after", pull and strengthen included, is what the save
    stores."""
    jinan, cluster = scenario.cities["JN"], scenario.clusters["JN-NEV"]
    undated = list(RegionIndustry.objects.all())
    with django_capture_on_commit_callbacks(execute=True):
        # 2023: the sizes in force, with firm counts; 2024: a Jinan that the baseline ignores.
        RegionIndustry.objects.bulk_create(
            RegionIndustry(
                region_id=row.region_id,
                industry_id=row.industry_id,
                employment=row.employment,
                firms=None if row.employment is None else 3 + row.pk % 7,
                year=2023,
            )
            for row in undated
        )
        RegionIndustry.objects.bulk_create(
            RegionIndustry(region=jinan, industry=industry, employment=40000, firms=2, year=2024)
            for industry in scenario.industries.values()
        )
        IndustryReference.objects.bulk_create(
            IndustryReference(industry=industry, employment=10000 * (i + 1), source="test")
            for i, industry in enumerate(list(scenario.industries.values())[:-2])
        )
        set_scoring_baseline(year=2023)
    loaded = current_world()
    assert loaded.world.inputs.baseline_year == 2023
    assert loaded.world.inputs.reference_size is not None
    lib_cell = scenario.industries["LIB-CELL"]
    size = loaded.world.inputs.size
    assert size[loaded.region_pos[jinan.pk], loaded.industry_pos[lib_cell.pk]] == 1500
    before = stored_parts(jinan.pk)
    assert any(abs(parts["pull"] - 50) > 1 for parts in before.values())  # pull has a say

    members = member_draft(scenario, "LIB-CELL")
    impact = region_edit_impact(
        RegionDraft(region_id=jinan.pk, cluster_id=cluster.pk, members=tuple(members))
    )
    assert impact.up
    for mover in [*impact.up, *impact.down]:
        for name in PARTS:
            assert getattr(mover.before, name) == pytest.approx(
                before[mover.lead.pk][name], abs=1e-6
            ), name
    with django_capture_on_commit_callbacks(execute=True):
        cluster_save(
            cluster, ClusterDraft(members=tuple(MemberDraft(i, role) for i, role in members))
        )
    assert current_world().world.inputs.baseline_year == 2023
    after = stored_parts(jinan.pk)
    for mover in [*impact.up, *impact.down]:
        for name in PARTS:
            assert after[mover.lead.pk][name] == pytest.approx(
                getattr(mover.after, name), abs=1e-6
            ), name
    for row in impact.shortlist:
        assert after[row.lead.pk]["total"] == pytest.approx(row.after, abs=1e-6)
    # As many leads changed as the preview said (the store's comparison: 6 decimals).
    changed = {
        pk
        for pk in after
        if any(round(after[pk][name], 6) != round(before[pk][name], 6) for name in PARTS)
    }
    assert len(changed) == impact.changed
