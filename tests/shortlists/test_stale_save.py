"""A shortlist is saved only as it was on screen (issue 15, item 4): the save form carries a
fingerprint of the ranking shown (settings, data version, the leads chosen), and a save whose
ranking differs now is refused with a message and writes nothing."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from projects.models import Status
from projects.services import lead_set_status
from shortlists.models import SavedShortlist
from tests.shortlists.test_pages import HTMX, fingerprint_on_screen
from tests.ui.scenario import Scenario

pytestmark = pytest.mark.django_db
REFUSED = "名单未保存"


def jinan(world: Scenario) -> dict[str, Any]:
    return {"scope": "region", "region": world.cities["JN"].pk, "cutoff": 3, "status": "active"}


def save_fields(html: str) -> list[tuple[str, str]]:
    """The hidden (name, value) pairs of the save form as a page or an htmx answer has it."""
    block = re.search(r'<div id="save-params"[^>]*>(.*?)</div>', html, re.S)
    assert block is not None, "no save form parameters in the answer"
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', block.group(1))


def post_save(client: Client, fields: list[tuple[str, str]], name: str) -> object:
    data: dict[str, list[str]] = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    data["save-name"] = [name]
    return client.post(reverse("shortlists:save"), data)


def test_it_saves_the_ranking_on_screen(world: Scenario, manager: Client) -> None:
    html = manager.get(reverse("shortlists:page"), jinan(world)).content.decode()
    response = post_save(manager, save_fields(html), "济南一季度")
    assert response.status_code == 302  # type: ignore[attr-defined]
    saved = SavedShortlist.objects.get(name="济南一季度")
    assert saved.region == world.cities["JN"] and saved.cutoff == 3


def test_it_refuses_the_old_ranking_after_an_invalid_choice(
    world: Scenario, manager: Client
) -> None:
    """The issue's steps: the Jinan ranking, then 产业集群 chosen without a cluster (an error
    instead of a ranking), then 保存为名单: the Jinan list must not be saved."""
    page = manager.get(reverse("shortlists:page"), jinan(world)).content.decode()
    fields = dict(save_fields(page))
    chosen = {**jinan(world), "scope": "cluster"}
    answer = manager.get(reverse("shortlists:page"), chosen, headers=HTMX).content.decode()
    assert "请选择一个产业集群" in answer
    # The browser swaps the save form's parameters out of band: they follow the choices.
    swapped = save_fields(answer)
    assert ("scope", "cluster") in swapped
    assert dict(swapped)["fingerprint"] == "" != fields["fingerprint"]
    response = post_save(manager, swapped, "集群名单")
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert REFUSED in response.content.decode()  # type: ignore[attr-defined]
    assert not SavedShortlist.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        {"cutoff": 4},
        {"region": "QD"},
        {"scope": "chain", "industry": "NEV-ASM"},
        {"status": "any"},
        {"w_local_fit": 80, "w_chain_completion": 10, "w_cluster_strength": 10},
    ],
)
def test_it_refuses_settings_that_are_not_those_of_the_ranking_shown(
    world: Scenario, manager: Client, change: dict[str, Any]
) -> None:
    shown = fingerprint_on_screen(manager, jinan(world))
    values = {
        key: world.cities[str(v)].pk
        if key == "region"
        else world.industries[str(v)].pk
        if key == "industry"
        else v
        for key, v in change.items()
    }
    data = {**jinan(world), **values, "fingerprint": shown, "save-name": "别的名单"}
    response = manager.post(reverse("shortlists:save"), data)
    assert response.status_code == 409
    html = response.content.decode()
    assert REFUSED in html
    # The page comes back ranked by the submitted settings, with their own fingerprint.
    assert dict(save_fields(html))["fingerprint"] == fingerprint_on_screen(
        manager, {**jinan(world), **values}
    )
    assert not SavedShortlist.objects.exists()


def test_it_refuses_when_the_leads_moved_since_the_ranking_was_shown(
    world: Scenario, manager: Client
) -> None:
    html = manager.get(reverse("shortlists:page"), jinan(world)).content.decode()
    fields = save_fields(html)
    first = re.search(r'<tr class="sl-row[^"]*" data-lead="(\d+)"', html)
    assert first is not None
    lead = next(lead for lead in world.leads.values() if lead.pk == int(first.group(1)))
    lead_set_status(lead=lead, user=None, status=Status.ON_HOLD, reason="等待土地指标")
    response = post_save(manager, fields, "济南一季度")
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert not SavedShortlist.objects.exists()


def test_it_refuses_a_save_without_a_fingerprint(world: Scenario, manager: Client) -> None:
    data = {**jinan(world), "save-name": "没有指纹"}
    response = manager.post(reverse("shortlists:save"), data)
    assert response.status_code == 409
    assert not SavedShortlist.objects.exists()
