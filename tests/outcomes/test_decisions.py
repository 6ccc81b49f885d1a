"""Decision scores: taken when a lead is decided, never moved by recomputation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoCaptureOnCommitCallbacks

from projects.models import Lead
from projects.services import lead_archive, lead_move_stage, lead_set_status, lead_update
from regions.models import Endowment
from screening import invalidation
from screening.decisions import decision_in_force, outcome_of, sync_all_decisions
from screening.models import LeadDecision, LeadScore
from screening.selectors.outcomes import decided_leads
from tests.recompute.conftest import SmallWorld

pytestmark = pytest.mark.django_db


@pytest.fixture
def scored(small_world: SmallWorld) -> SmallWorld:
    call_command("rescore", "--all", verbosity=0)
    return small_world


def write(capture: DjangoCaptureOnCommitCallbacks, change: Callable[[], object]) -> None:
    """One write in its transaction, then the (eager) recompute it enqueued on commit."""
    with capture(execute=True), transaction.atomic():
        change()


def fresh(lead: Lead) -> Lead:
    return Lead.objects.get(pk=lead.pk)


def test_it_keeps_the_score_at_signing_when_region_data_change_after(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    lead = scored.leads["B-0"]  # needs a port; B has none yet
    at_signing = LeadScore.objects.get(lead=lead)
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_move_stage(lead=fresh(lead), user=None, to_stage="signed"),
    )

    def give_b_a_port() -> None:
        port = Endowment.objects.get(region=scored.regions["B"], factor="port")
        port.value = 1
        port.save()
        invalidation.rows_written(Endowment, [port])

    write(django_capture_on_commit_callbacks, give_b_a_port)

    now = LeadScore.objects.get(lead=lead)
    decision = decision_in_force(lead.pk)
    assert decision is not None and decision.outcome == "won" and decision.stage == "signed"
    assert now.total > at_signing.total, "the port raised the current score"
    assert now.region_version > at_signing.region_version
    assert decision.total == at_signing.total
    assert decision.local_fit == at_signing.local_fit
    assert decision.region_version == at_signing.region_version
    assert decision.profile_id == at_signing.profile_id


def test_a_lead_reopened_after_lost_is_open_and_its_next_decision_takes_a_new_score(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    lead = scored.leads["A-1"]
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_set_status(lead=fresh(lead), user=None, status="lost", reason="went to Anhui"),
    )
    lost = decision_in_force(lead.pk)
    assert lost is not None and lost.outcome == "lost" and lost.total is not None

    write(
        django_capture_on_commit_callbacks,
        lambda: lead_set_status(lead=fresh(lead), user=None, status="active"),
    )
    assert decision_in_force(lead.pk) is None, "reopened: open again, left out of a backtest"
    closed = LeadDecision.objects.get(pk=lost.pk)
    assert closed.reopened_at is not None and closed.total == lost.total

    write(
        django_capture_on_commit_callbacks,
        lambda: lead_update(lead=fresh(lead), user=None, jobs=4000),
    )
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_move_stage(lead=fresh(lead), user=None, to_stage="signed"),
    )
    won = decision_in_force(lead.pk)
    assert won is not None and won.pk != lost.pk and won.outcome == "won"
    assert won.total == LeadScore.objects.get(lead=lead).total != lost.total
    assert LeadDecision.objects.filter(lead=lead).count() == 2


def test_moving_back_below_signed_reopens_and_signed_then_withdrawn_keeps_the_score(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    back, withdrawn = scored.leads["C-0"], scored.leads["C-1"]

    def sign_both() -> None:
        for lead in (back, withdrawn):
            lead_move_stage(lead=fresh(lead), user=None, to_stage="signed")

    write(django_capture_on_commit_callbacks, sign_both)
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_move_stage(lead=fresh(back), user=None, to_stage="negotiation"),
    )
    signed = decision_in_force(withdrawn.pk)
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_set_status(
            lead=fresh(withdrawn), user=None, status="withdrawn", reason="parent company cut capex"
        ),
    )

    assert decision_in_force(back.pk) is None
    kept = decision_in_force(withdrawn.pk)
    assert signed is not None and kept is not None and kept.pk == signed.pk
    assert kept.outcome == "won", "the record says how it was decided; the outcome is now"
    lead = fresh(withdrawn)
    assert outcome_of(lead.stage, lead.status, lead.status_reason) == "lost"


def test_a_decision_taken_on_a_stale_score_waits_for_the_next_one(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    lead = scored.leads["A-2"]

    def edit_and_sign() -> None:
        edited = lead_update(lead=fresh(lead), user=None, jobs=9000)
        lead_move_stage(lead=edited, user=None, to_stage="signed")
        decision = decision_in_force(lead.pk)
        assert decision is not None and decision.pending, "the stored score predates the edit"

    write(django_capture_on_commit_callbacks, edit_and_sign)

    decision = decision_in_force(lead.pk)
    score = LeadScore.objects.get(lead=lead)
    assert decision is not None and not decision.pending
    assert decision.total == score.total and decision.lead_revision == fresh(lead).score_revision


def test_lost_without_a_reason_is_left_out() -> None:
    assert outcome_of("negotiation", "lost", " ") is None
    assert outcome_of("negotiation", "lost", "price") == "lost"
    assert outcome_of("registered", "dormant", "") == "won"
    assert outcome_of("negotiation", "active", "") is None


def test_the_lead_page_shows_the_decision_score_beside_the_current_one_with_the_cause(
    scored: SmallWorld,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
    client: Client,
) -> None:
    lead = scored.leads["B-0"]
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_move_stage(lead=fresh(lead), user=None, to_stage="signed"),
    )
    page = reverse("lead_detail", args=[lead.pk])
    client.force_login(User.objects.create_superuser("chief", password="pw-Xuanshang-2026"))
    unchanged = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Score at decision" in unchanged and "same as the current score" in unchanged

    def give_b_a_port() -> None:
        port = Endowment.objects.get(region=scored.regions["B"], factor="port")
        port.value = 1
        port.save()
        invalidation.rows_written(Endowment, [port])

    write(django_capture_on_commit_callbacks, give_b_a_port)
    decision = decision_in_force(lead.pk)
    now = LeadScore.objects.get(lead=lead)
    assert decision is not None and decision.total is not None
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At signing" in html
    assert f"<strong>{decision.total:.0f}</strong>" in html
    assert f"now <strong>{now.total:.0f}</strong>" in html
    assert "clusters or endowments were edited" in html


def test_the_lead_page_explains_a_score_stored_by_a_bulk_rescore(
    scored: SmallWorld, client: Client, settings: Any
) -> None:
    """Adopting calibrated weights rescores every lead in bulk, which stores scores without
    their explanation; the lead page builds it on first read instead of showing none."""
    settings.EXPLAIN_INLINE_MAX = 0
    lead = scored.leads["A-0"]
    LeadScore.objects.update(explanation={})
    call_command("rescore", "--all", verbosity=0)

    client.force_login(User.objects.create_superuser("chief", password="pw-Xuanshang-2026"))
    html = client.get(reverse("lead_detail", args=[lead.pk])).content.decode()

    explanation = LeadScore.objects.get(lead=lead).explanation
    assert explanation, "built and stored on first read"
    for sentence in explanation["sentences"]["zh"][1:3]:
        assert sentence in html


def test_archiving_a_decided_lead_keeps_its_decision_and_drops_it_from_the_backtest(
    scored: SmallWorld, django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks
) -> None:
    lead = scored.leads["B-1"]
    write(
        django_capture_on_commit_callbacks,
        lambda: lead_move_stage(lead=fresh(lead), user=None, to_stage="signed"),
    )
    write(django_capture_on_commit_callbacks, lambda: lead_archive(lead=fresh(lead), user=None))
    sync_all_decisions()  # as after any import

    decision = LeadDecision.objects.get(lead_id=lead.pk)
    assert decision.reopened_at is None, "archiving hides a lead; it does not undo its signing"
    assert lead.pk not in set(decided_leads().frame["lead_id"])
