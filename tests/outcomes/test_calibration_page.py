"""The calibration page, adopting weights, the probability of landing and the runs API."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from screening.models import CalibrationRun, ScoringProfile
from shortlists.ranking import forget_cache
from tests.api.helpers import store_score
from tests.factories import LeadFactory, UserFactory
from tests.outcomes.test_calibrate_command import decided_world

pytestmark = pytest.mark.django_db
PAGE = reverse("shortlists:calibration")
RUN = reverse("shortlists:calibration_run")


def person(name: str, role: str) -> User:
    user: User = UserFactory.create(username=name)
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


@pytest.fixture
def chief(client: Client) -> Client:
    client.force_login(person("chief", "manager"))
    return client


def test_a_manager_runs_the_backtest_and_reads_it_in_plain_words(chief: Client) -> None:
    regions = decided_world(900)
    assert "此范围还没有回测" in chief.get(PAGE).content.decode()

    response = chief.post(RUN, {"region": regions["P"].pk})

    run = CalibrationRun.objects.get()
    assert response.status_code == 302 and f"run={run.pk}" in response["Location"]
    assert run.region == regions["P"] and run.created_by is not None
    html = chief.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Does each score tell landed from lost leads" in html
    assert "predicts nothing" in html  # anchor pull was generated with no effect
    assert f"{run.result['auc']['local_fit']['auc']:.3f}" in html
    assert "Calibration curve" in html and "Adopt these weights" in html


def test_adopting_creates_profile_versions_recording_who_when_and_why(chief: Client) -> None:
    regions = decided_world(900)
    chief.post(RUN, {"region": regions["P"].pk})
    run = CalibrationRun.objects.get()
    adopt = reverse("shortlists:calibration_adopt", args=[run.pk])

    chief.post(adopt, {"reason": "annual review"})

    run.refresh_from_db()
    made = list(run.adopted_profiles.order_by("region__code"))
    assert [p.region for p in made] == [regions["A"], regions["B"]], "the cities with leads"
    fitted = run.result["profile"]
    for profile in made:
        assert profile.is_active and profile.created_by == run.adopted_by
        assert f"#{run.pk}" in profile.reason and "annual review" in profile.reason
        assert profile.sub_score_weights().local_fit == pytest.approx(fitted["local_fit"])
    assert run.adopted_at is not None
    chief.post(adopt, {"reason": "again"})
    assert ScoringProfile.objects.filter(reason__contains="again").count() == 0


def test_the_lead_page_and_shortlist_show_the_probability_of_landing_once_adopted(
    chief: Client,
) -> None:
    regions = decided_world(900)
    industry = Lead.objects.values_list("industry_id", flat=True).first()
    lead = LeadFactory.create(region=regions["A"], industry_id=industry, company="新线索")
    store_score(lead, local_fit=90, chain_completion=80, cluster_strength=10, strengthen=5, pull=15)
    page = reverse("lead_detail", args=[lead.pk])
    assert "landing-probability" not in chief.get(page).content.decode()

    chief.post(RUN, {"region": regions["P"].pk})
    run = CalibrationRun.objects.get()
    chief.post(reverse("shortlists:calibration_adopt", args=[run.pk]), {"reason": ""})

    html = chief.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "landing-probability" in html
    assert f"from {run.n_won + run.n_lost} decided leads" in html
    forget_cache()  # shortlists rank from a per-process copy of the scores
    shortlist = chief.get(
        reverse("shortlists:page"), {"scope": "region", "region": str(regions["A"].pk)}
    ).content.decode()
    assert lead.company in shortlist
    assert "landing-note" in shortlist and "landing-legend" in shortlist


def test_too_few_outcomes_are_refused_with_how_many_more(chief: Client) -> None:
    decided_world(60)
    response = chief.post(RUN, {})
    html = response.content.decode()
    assert response.status_code == 422
    assert "还需要落地" in html and not CalibrationRun.objects.exists()


def test_officers_cannot_see_or_run_calibrations(client: Client) -> None:
    decided_world(60)
    client.force_login(person("officer", "officer"))
    assert client.get(PAGE).status_code == 403
    assert client.post(RUN, {}).status_code == 403
    assert client.get("/api/v1/calibration-runs/").status_code == 403


def test_the_api_lists_calibration_runs_read_only(chief: Client) -> None:
    regions = decided_world(900)
    chief.post(RUN, {"region": regions["A"].pk})
    rows = chief.get("/api/v1/calibration-runs/").json()["results"]
    assert len(rows) == 1 and rows[0]["region"] == regions["A"].pk
    assert rows[0]["result"]["weights"]["local_fit"] > rows[0]["result"]["weights"]["pull"]
    assert chief.post("/api/v1/calibration-runs/", {}).status_code in {403, 405}
