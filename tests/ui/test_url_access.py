"""Every URL pattern, walked as anonymous and as each role: the answer is the expected one.

The patterns are enumerated from the resolver, so a new page without an entry in EXPECTED
fails here until someone decides who may open it. Lead URLs use a Jinan lead: the Qingdao
officer must get 404 (never a hint that it exists), a manager may read but not change it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from screening.models import LeadScore, ScoreRun
from tests.ui.scenario import Scenario

WHO = ("anonymous", "officer_jinan", "officer_qingdao", "manager", "admin", "nobody")
LOGIN = "login"  # a redirect to the sign-in page
A = "API_DENIED"  # the API refuses anonymous callers: 401 or 403
TOKEN = "0" * 32


def row(
    anonymous: Any, jinan: Any, qingdao: Any, manager: Any, admin: Any, nobody: Any
) -> dict[str, Any]:
    return dict(zip(WHO, (anonymous, jinan, qingdao, manager, admin, nobody), strict=True))


def same(anonymous: Any, everyone: Any) -> dict[str, Any]:
    return row(anonymous, everyone, everyone, everyone, everyone, everyone)


READ_LEAD = row(LOGIN, 200, 404, 200, 200, 403)
EDIT_LEAD = row(LOGIN, 200, 404, 403, 200, 403)
ANY_ROLE = row(LOGIN, 200, 200, 200, 200, 403)
MANAGERS = row(LOGIN, 403, 403, 200, 200, 403)
MANAGERS_NOT_FOUND = row(LOGIN, 403, 403, 404, 404, 403)
ADMINS = row(LOGIN, 403, 403, 403, 200, 403)
POST_ONLY = same(405, 405)
API_ANY_ROLE = row(A, 200, 200, 200, 200, 403)
API_READ_LEAD = row(A, 200, 404, 200, 200, 403)
API_POST_ONLY = row(A, 405, 405, 405, 405, 403)

# GET answers by URL name (or route, for unnamed patterns).
EXPECTED: dict[str, dict[str, Any]] = {
    "healthz": same(200, 200),
    "favicon": same(301, 301),  # to the static icon, for anyone
    "set_language": same(302, 302),  # GET only redirects back; switching needs POST
    "login": same(200, 302),
    "logout": POST_ONLY,
    "password_change": same(LOGIN, 200),
    "password_change_done": same(LOGIN, 200),
    "inbox": ANY_ROLE,
    "lead_detail": READ_LEAD,
    "lead_scorecard": READ_LEAD,
    "lead_elsewhere": READ_LEAD,
    "lead_duplicates": READ_LEAD,
    "lead_edit": EDIT_LEAD,
    "lead_archive": POST_ONLY,
    "lead_panel": EDIT_LEAD,
    "lead_stage": POST_ONLY,
    "lead_status": POST_ONLY,
    "lead_owner": POST_ONLY,
    "lead_note": POST_ONLY,
    "runs": MANAGERS,
    "run_progress": MANAGERS,
    "rescore_stale": POST_ONLY,
    "cluster_list": ANY_ROLE,
    "cluster_profile": ANY_ROLE,
    "cluster_edit": ADMINS,
    "cluster_preview": POST_ONLY,
    "cluster_industries": ADMINS,
    "cluster_member_row": ADMINS | {"admin": 404},  # no industry chosen
    "cluster_anchor_row": ADMINS,
    "region_page": ANY_ROLE,
    "region_endowments": ADMINS,
    "region_endowments_preview": POST_ONLY,
    "region_endowment_row": ADMINS,
    "data_upload": ADMINS,
    "data_upload_confirm": POST_ONLY,
    "data_upload_progress": ADMINS,
    # The REST API (its own tests cover writes and filters; here: who may read at all).
    "api-schema": same(200, 200),
    "api-docs": same(200, 200),
    "v1:auth-token": same(401, 405),
    "v1:me": row(A, 200, 200, 200, 200, 200),
    "v1:region-list": API_ANY_ROLE,
    "v1:region-detail": API_ANY_ROLE,
    "v1:industry-list": API_ANY_ROLE,
    "v1:industry-detail": API_ANY_ROLE,
    "v1:cluster-list": API_ANY_ROLE,
    "v1:cluster-detail": API_ANY_ROLE,
    "v1:cluster-changes": API_ANY_ROLE,
    "v1:link-list": API_ANY_ROLE,
    "v1:link-detail": API_ANY_ROLE,
    "v1:endowment-list": API_ANY_ROLE,
    "v1:endowment-detail": API_ANY_ROLE,
    "v1:lead-list": API_ANY_ROLE,
    "v1:lead-detail": API_READ_LEAD,
    "v1:lead-activities": API_READ_LEAD,
    "v1:lead-score-history": API_READ_LEAD,
    "v1:lead-decisions": API_READ_LEAD,
    "v1:calibration-run-list": row(A, 403, 403, 200, 200, 403),
    "v1:calibration-run-detail": row(A, 403, 403, 404, 404, 403),  # no run here
    "v1:lead-best-regions": API_READ_LEAD,
    "v1:lead-changes": API_READ_LEAD,
    "v1:lead-owner": API_POST_ONLY,
    "v1:lead-set-status": API_POST_ONLY,
    "v1:lead-stage": API_POST_ONLY,
    "v1:score-list": API_ANY_ROLE,
    "v1:score-detail": API_READ_LEAD,
    # Score runs cover the whole province: officers get an empty list and no run (404).
    "v1:score-run-list": API_ANY_ROLE,
    "v1:score-run-detail": row(A, 404, 404, 200, 200, 403),
    "v1:shortlist": row(A, 403, 403, 200, 200, 403),
    "v1:imports": row(A, 403, 403, 403, 405, 403),
    "v1:import-status": row(A, 403, 403, 403, 404, 403),  # unknown token
    "v1:import-confirm": row(A, 403, 403, 403, 405, 403),
    "api/^": same(404, 404),  # unknown API paths: the API's own 404 body
    # Managers' shortlists (no saved shortlist exists here: its pages answer 404 to managers).
    "shortlists:page": MANAGERS,
    "shortlists:ahp": MANAGERS,
    "shortlists:compare": MANAGERS,
    "shortlists:charts": MANAGERS,
    "shortlists:calibration": MANAGERS,
    "shortlists:calibration_run": POST_ONLY,
    "shortlists:calibration_adopt": POST_ONLY,
    "shortlists:saved_list": MANAGERS,
    "shortlists:saved": MANAGERS_NOT_FOUND,
    "shortlists:export_xlsx": MANAGERS_NOT_FOUND,
    "shortlists:export_pdf": MANAGERS_NOT_FOUND,
    "shortlists:save": POST_ONLY,
    "shortlists:profile_save": POST_ONLY,
    "shortlists:decide": POST_ONLY,
    # Prospects: managers and admins for any region, officers for their own (the page falls
    # back to an officer's own region; the API refuses another region).
    "shortlists:prospects": ANY_ROLE,
    "shortlists:prospects_export": ANY_ROLE,
    "shortlists:prospect_explain": row(LOGIN, 404, 404, 404, 404, 403),  # no region, firm
    "shortlists:prospect_court": POST_ONLY,
    "shortlists:cluster_prospects": ANY_ROLE,  # empty for an officer of another region
    "v1:region-prospects": row(A, 200, 403, 200, 200, 403),
}
# Unnamed patterns cannot be reversed: the path requested for each.
UNNAMED_PATHS = {"api/^": "/api/no-such-endpoint/"}

# POST answers (empty form) of the write-only URLs: bad input re-renders, never writes.
EXPECTED_POST: dict[str, dict[str, Any]] = {
    "lead_stage": row(LOGIN, 302, 404, 403, 302, 403),
    "lead_status": row(LOGIN, 302, 404, 403, 302, 403),
    "lead_owner": row(LOGIN, 302, 404, 403, 302, 403),
    "lead_note": row(LOGIN, 302, 404, 403, 302, 403),
    "rescore_stale": row(LOGIN, 403, 403, 403, 302, 403),
    "data_upload_confirm": row(LOGIN, 403, 403, 403, 404, 403),  # unknown token: 404
    # The editors: an empty post is refused and re-rendered (nothing written).
    "cluster_edit": row(LOGIN, 403, 403, 403, 200, 403),
    "cluster_preview": row(LOGIN, 403, 403, 403, 200, 403),
    "region_endowments": row(LOGIN, 403, 403, 403, 200, 403),
    "region_endowments_preview": row(LOGIN, 403, 403, 403, 200, 403),
    "logout": same(302, 302),
    "shortlists:prospect_court": row(LOGIN, 404, 404, 404, 404, 403),  # no region, firm
    # Too few decided leads here: the backtest is refused (422); no run to adopt (404).
    "shortlists:calibration_run": row(LOGIN, 403, 403, 422, 422, 403),
    "shortlists:calibration_adopt": row(LOGIN, 403, 403, 404, 404, 403),
}

# The Django admin guards itself (staff only); its pages without arguments are walked.
ADMIN_SITE = row("admin_login", "admin_login", "admin_login", "admin_login", 200, "admin_login")
ADMIN_SITE_OPEN = {
    "admin:login": row(200, 200, 200, 200, 302, 200),
    "admin:logout": same(302, 302) | {"admin": 405},  # signing out needs POST
    "admin:autocomplete": ADMIN_SITE | {"admin": 403},  # 403 without its query parameters
}


@dataclass(frozen=True)
class Route:
    key: str
    name: str | None
    route: str
    arguments: tuple[str, ...]


def routes(
    resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[Route]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(x for x in (namespace, entry.namespace or "") if x)
            yield from routes(entry, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            arguments = tuple(entry.pattern.regex.groupindex)
            yield Route(name or route, name, route, arguments)


def expectation(route: Route) -> dict[str, Any] | None:
    if route.key in EXPECTED:
        return EXPECTED[route.key]
    if route.key in ADMIN_SITE_OPEN:
        return ADMIN_SITE_OPEN[route.key]
    if route.route.startswith("admin/"):
        return ADMIN_SITE
    return None


def test_every_url_pattern_has_an_expectation() -> None:
    missing = [f"{r.key}  ({r.route})" for r in routes() if expectation(r) is None]
    assert not missing, (
        "URL patterns without an access expectation; add them to EXPECTED in "
        f"tests/ui/test_url_access.py: {missing}"
    )


def test_no_expectation_is_left_over() -> None:
    names = {r.key for r in routes()}
    stale = sorted(
        (set(EXPECTED) | set(EXPECTED_POST) | set(ADMIN_SITE_OPEN) | set(UNNAMED_PATHS)) - names
    )
    assert not stale, f"expectations for URL names that no longer exist: {stale}"


def sample_kwargs(route: Route, scenario: Scenario) -> dict[str, Any] | None:
    """Arguments for a route; None for admin pages that need an object (not walked)."""
    lead = scenario.leads["battery"]
    by_basename = {
        "region": scenario.cities["JN"].pk,
        "industry": scenario.industries["LIB-CELL"].pk,
        "cluster": scenario.clusters["JN-NEV"].pk,
        "lead": lead.pk,
        "score": lead.pk,
        "link": _first_pk("regions", "IndustryLink"),
        "endowment": _first_pk("regions", "Endowment"),
        "score-run": ScoreRun.objects.order_by("pk").values_list("pk", flat=True).first(),
        "calibration-run": 1,  # none exists here: managers get 404
    }
    values: dict[str, Any] = {}
    for argument in route.arguments:
        if route.route.startswith("admin/"):
            return None
        if argument == "token":
            values[argument] = TOKEN
        elif argument == "lead_id":
            values[argument] = lead.pk
        elif route.name and (
            route.name.startswith("cluster_") or route.name == "shortlists:cluster_prospects"
        ):
            values[argument] = scenario.clusters["JN-NEV"].pk
        elif route.name and route.name.startswith("region_"):
            values[argument] = scenario.cities["JN"].pk
        elif route.name in {"run_progress"}:
            values[argument] = by_basename["score-run"]
        elif route.name and route.name.startswith("v1:"):
            basename = max((b for b in by_basename if route.name[3:].startswith(b + "-")), key=len)
            values[argument] = by_basename[basename]
        else:
            values[argument] = lead.pk
    return values


def _first_pk(app: str, model: str) -> int:
    from django.apps import apps

    return apps.get_model(app, model).objects.order_by("pk").values_list("pk", flat=True)[0]


def check(response: Any, expected: Any, who: str) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and "/accounts/login/" in response["Location"]
    if expected == "admin_login":
        return response.status_code == 302 and "/admin/login/" in response["Location"]
    if expected == A:
        return response.status_code in {401, 403}
    return bool(response.status_code == expected)


def walk(
    scenario: Scenario,
    client_for: Callable[[str], Client],
    method: str,
    table: Callable[[Route], dict[str, Any] | None],
) -> list[str]:
    ScoreRun.objects.create(reason="test", total=1, done=1, state=ScoreRun.State.DONE)
    assert LeadScore.objects.filter(lead=scenario.leads["battery"]).exists()
    clients = {who: client_for(who) for who in WHO}
    wrong = []
    for route in routes():
        expected = table(route)
        kwargs = sample_kwargs(route, scenario) if expected else None
        if expected is None or kwargs is None:
            continue
        url = reverse(route.name, kwargs=kwargs) if route.name else UNNAMED_PATHS.get(route.key)
        if url is None:
            continue
        for who in WHO:
            response = getattr(clients[who], method)(url)
            if "logout" in url:  # signed out: sign in again for the routes that follow
                clients[who] = client_for(who)
            if not check(response, expected[who], who):
                wrong.append(
                    f"{method.upper()} {url} as {who}: got {response.status_code} "
                    f"{response.get('Location', '')}, expected {expected[who]}"
                )
    return wrong


def test_every_page_answers_each_role_as_expected(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    wrong = walk(scenario, client_for, "get", expectation)
    assert not wrong, "\n".join(wrong)


def test_every_write_answers_each_role_as_expected(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    wrong = walk(scenario, client_for, "post", lambda route: EXPECTED_POST.get(route.key))
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("name", ["lead_stage", "lead_status", "lead_owner", "lead_note"])
def test_it_changes_nothing_for_a_reader_or_another_region(
    name: str, scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    lead = scenario.leads["battery"]
    before = (lead.stage, lead.status, lead.owner_id, lead.activities.count())
    data = {
        "stage": "negotiation",
        "status": "lost",
        "reason": "x",
        "owner": "",
        "kind": "note",
        "text": "hello",
    }
    for who in ("manager", "officer_qingdao", "nobody", "anonymous"):
        client_for(who).post(reverse(name, kwargs={"pk": lead.pk}), data)
    lead.refresh_from_db()
    assert (lead.stage, lead.status, lead.owner_id, lead.activities.count()) == before
