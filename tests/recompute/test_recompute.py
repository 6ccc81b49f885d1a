"""Scores stay true: each kind of write rescores the leads it can affect, and only those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from importlib import import_module

import numpy as np
import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count, F
from pytest_django import DjangoCaptureOnCommitCallbacks, Settings

from projects.models import Lead
from projects.services import lead_update
from regions.models import ClusterIndustry, Endowment, IndustryLink, RegionIndustry
from screening import invalidation
from screening.models import LeadScore, ScoreHistory, ScoreRun
from screening.scoring.engine import score_leads
from screening.scoring.weights import PRESETS, SubScoreWeights
from screening.selectors.batches import read_lead_rows
from screening.selectors.staleness import stale_lead_ids
from screening.services.profiles import profile_save_version
from screening.tasks import rescore_chunk, rescore_stale
from screening.world import current_world
from tests.recompute.conftest import SmallWorld

pytestmark = pytest.mark.django_db

Snapshot = dict[int, tuple[dt.datetime, int, float]]


def snapshot() -> Snapshot:
    """Per lead: when its score was last written, how many history rows, its total."""
    history = dict(
        ScoreHistory.objects.values("lead_id").annotate(n=Count("id")).values_list("lead_id", "n")
    )
    return {
        s.lead_id: (s.computed_at, history.get(s.lead_id, 0), s.total)
        for s in LeadScore.objects.all()
    }


def rewritten(before: Snapshot, after: Snapshot) -> set[int]:
    return {lead for lead in after if after[lead][:2] != before.get(lead, (None, 0))[:2]}


def lead_ids(world: SmallWorld, *prefixes: str) -> set[int]:
    return {lead.pk for ext, lead in world.leads.items() if ext.split("-")[0] in prefixes}


@pytest.fixture
def scored(
    small_world: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> SmallWorld:
    call_command("rescore", "--all", verbosity=0)
    assert LeadScore.objects.count() == len(small_world.leads)
    assert stale_lead_ids() == []
    return small_world


def write(
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks, change: Callable[[], object]
) -> None:
    """Run a write in one transaction and the enqueued (eager) recomputation on commit."""
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        change()


def test_it_rescores_only_the_edited_lead(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    before = snapshot()
    lead = scored.leads["A-0"]
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_update(lead=Lead.objects.get(pk=lead.pk), user=None, jobs=5000),
    )
    after = snapshot()
    assert rewritten(before, after) == {lead.pk}
    assert after[lead.pk][2] != before[lead.pk][2]
    assert stale_lead_ids() == []


def test_a_cluster_edit_rescores_that_regions_leads_only(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    before = snapshot()

    def change() -> None:
        member = ClusterIndustry.objects.create(
            cluster=scored.cluster_a, industry=scored.leads["A-1"].industry, role="core"
        )
        invalidation.rows_written(ClusterIndustry, [member])

    write(django_capture_on_commit_callbacks, change)
    after = snapshot()
    changed = rewritten(before, after)
    assert changed, "adding the lead's industry to the region's cluster changes a score"
    assert changed <= lead_ids(scored, "A")
    assert stale_lead_ids() == []


def test_an_endowment_edit_rescores_that_regions_leads_only(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    before = snapshot()

    def change() -> None:
        port = Endowment.objects.get(region=scored.regions["B"], factor="port")
        port.value = 1
        port.save()
        invalidation.rows_written(Endowment, [port])

    write(django_capture_on_commit_callbacks, change)
    after = snapshot()
    changed = rewritten(before, after)
    assert changed == lead_ids(scored, "B"), "every B lead needs a port and now has one"
    assert all(after[k][2] > before[k][2] for k in changed)
    assert stale_lead_ids() == []


def test_a_region_industry_edit_recomputes_measures_and_writes_only_changed_scores(
    scored: SmallWorld,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    before = snapshot()

    def change() -> None:
        row = RegionIndustry.objects.get(region=scored.regions["C"], industry__code="I4")
        row.employment = 5
        row.save()
        invalidation.rows_written(RegionIndustry, [row])

    write(django_capture_on_commit_callbacks, change)
    after = snapshot()
    changed = rewritten(before, after)
    assert changed, "shrinking an industry in C changes measures and some scores"
    unchanged = set(after) - changed
    assert all(after[k][2] == before[k][2] for k in unchanged)
    assert stale_lead_ids() == []


def test_a_link_edit_rescores_and_leaves_unaffected_scores_unwritten(
    scored: SmallWorld,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    before = snapshot()

    def change() -> None:
        link = IndustryLink.objects.get(supplier__code="I5", customer__code="I6")
        link.weight = 0.05
        link.save()
        invalidation.rows_written(IndustryLink, [link])

    write(django_capture_on_commit_callbacks, change)
    after = snapshot()
    changed = rewritten(before, after)
    assert all(after[k][2] == before[k][2] for k in set(after) - changed)
    assert stale_lead_ids() == []


def test_a_new_weight_profile_changes_totals_under_it(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    before = snapshot()
    write(
        django_capture_on_commit_callbacks,
        lambda: profile_save_version(
            name="chain-heavy",
            weights=SubScoreWeights(0.1, 0.8, 0.1),
            region_id=scored.regions["C"].pk,
            user_id=None,
            reason="test",
        ),
    )
    after = snapshot()
    changed = rewritten(before, after)
    assert changed and changed <= lead_ids(scored, "C")
    assert stale_lead_ids() == []


def test_a_new_share_of_pull_remixes_cluster_strengthening_under_it(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    write(
        django_capture_on_commit_callbacks,
        lambda: profile_save_version(
            name="anchors",
            weights=SubScoreWeights(0.4, 0.3, 0.3, pull_share=1.0),
            region_id=scored.regions["C"].pk,
            user_id=None,
            reason="test",
        ),
    )
    in_c = LeadScore.objects.filter(lead_id__in=lead_ids(scored, "C"))
    assert in_c.exists()
    for score in in_c:
        assert score.pull is not None
        assert score.cluster_strength == pytest.approx(score.pull)
        expected = 0.4 * score.local_fit + 0.3 * score.chain_completion + 0.3 * score.pull
        assert score.total == pytest.approx(expected)
    for score in LeadScore.objects.filter(lead_id__in=lead_ids(scored, "A")):
        assert score.strengthen is not None and score.pull is not None
        assert score.cluster_strength == pytest.approx(0.5 * score.strengthen + 0.5 * score.pull)
    assert stale_lead_ids() == []


def test_the_anchor_pull_migration_has_every_score_recomputed_as_a_score_run(
    scored: SmallWorld,
) -> None:
    migration = import_module("screening.migrations.0004_anchor_pull")
    LeadScore.objects.update(strengthen=None, pull=None)  # as stored before the migration
    migration.mark_every_score_stale(django_apps, None)
    assert set(stale_lead_ids()) == {lead.pk for lead in scored.leads.values()}
    # What the periodic sweep does after the deploy (tasks run eagerly here).
    assert rescore_stale() == len(scored.leads)
    run = ScoreRun.objects.get()
    assert (run.reason, run.state, run.done) == ("stale scores", ScoreRun.State.DONE, run.total)
    assert not LeadScore.objects.filter(pull__isnull=True).exists()
    assert stale_lead_ids() == []


def test_a_chunk_delivered_twice_gives_the_same_result(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    ids = sorted(lead_ids(scored, "A", "B", "C"))

    def change() -> None:
        Lead.objects.filter(pk__in=ids).update(jobs=777)
        invalidation.leads_changed(ids)

    write(django_capture_on_commit_callbacks, change)
    first = snapshot()
    assert rescore_chunk(ids) == 0, "a second delivery finds nothing to change"
    assert snapshot() == first
    assert stale_lead_ids() == []


def test_verify_scores_passes_after_recomputation(scored: SmallWorld) -> None:
    call_command("verify_scores", verbosity=0)


def test_verify_scores_fails_on_a_tampered_score(scored: SmallWorld) -> None:
    from django.core.management.base import CommandError

    LeadScore.objects.filter(lead=scored.leads["B-1"]).update(total=1.0)
    with pytest.raises(CommandError, match="mismatch"):
        call_command("verify_scores", verbosity=0)


def test_a_bulk_rescore_leaves_explanations_to_first_read(
    small_world: SmallWorld, settings: Settings
) -> None:
    from screening.services.explanations import explanation_for

    settings.EXPLAIN_INLINE_MAX = 0
    call_command("rescore", "--all", verbosity=0)
    lead = Lead.objects.get(external_id="A-1")
    assert LeadScore.objects.get(lead=lead).explanation == {}
    explanation = explanation_for(lead)
    assert explanation is not None and explanation["sentences"]["en"]
    assert LeadScore.objects.get(lead=lead).explanation == explanation, "stored on first read"
    settings.EXPLAIN_INLINE_MAX = 10_000
    LeadScore.objects.all().delete()
    call_command("rescore", "--all", verbosity=0)
    assert LeadScore.objects.get(lead=lead).explanation == explanation, "same as inline"


def test_a_stale_score_has_no_explanation_to_show(scored: SmallWorld) -> None:
    from screening.services.explanations import explanation_for

    lead = scored.leads["C-2"]
    Lead.objects.filter(pk=lead.pk).update(score_revision=F("score_revision") + 1)
    assert explanation_for(Lead.objects.get(pk=lead.pk)) is None


def test_saving_an_old_copy_of_a_lead_never_moves_its_revision_back(scored: SmallWorld) -> None:
    old_copy = Lead.objects.get(pk=scored.leads["A-2"].pk)
    Lead.objects.filter(pk=old_copy.pk).update(score_revision=F("score_revision") + 5)
    old_copy.company = "新名称有限公司"
    old_copy.save()
    fresh = Lead.objects.get(pk=old_copy.pk)
    assert fresh.company == "新名称有限公司"
    assert fresh.score_revision == old_copy.score_revision + 5


def test_every_stored_figure_follows_the_profile_in_force(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    """Under a chain-heavy profile with its own share of pull, the stored cluster score, total
    and confidence are the engine's numbers under that profile (not the balanced preset's with
    only the total re-weighted), and the explanation shows the same figures."""
    weights = SubScoreWeights(0.1, 0.8, 0.1, pull_share=0.8)
    write(
        django_capture_on_commit_callbacks,
        lambda: profile_save_version(
            name="chain-heavy",
            weights=weights,
            region_id=scored.regions["C"].pk,
            user_id=None,
            reason="test",
        ),
    )
    ids = sorted(lead_ids(scored, "C"))
    loaded = current_world()
    rows = read_lead_rows(ids, loaded)
    expected = score_leads(loaded.world, rows.batch, weights)
    balanced = score_leads(loaded.world, rows.batch, PRESETS["balanced"])
    stored = {s.lead_id: s for s in LeadScore.objects.filter(lead_id__in=ids)}
    for i, lead_id in enumerate(rows.frame["id"]):
        score = stored[int(lead_id)]
        assert score.total == expected.total[i]
        assert score.confidence == expected.confidence[i]
        assert score.cluster_strength == expected.cluster_strength[i]
        assert (score.strengthen, score.pull) == (expected.strengthen[i], expected.pull[i])
        shown = score.explanation["scores"]
        assert shown["confidence"] == round(score.confidence, 2)
        assert shown["total"] == round(score.total, 1)
    assert not np.array_equal(expected.confidence, balanced.confidence)
