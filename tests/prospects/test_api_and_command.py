"""`GET /api/v1/regions/{id}/prospects/` and `manage.py prospects`: the page's ranking."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from screening.api.tokens import issue_token
from tests.prospects.scenario import Chain, add_firm


@pytest.fixture
def firms(chain: Chain) -> Chain:
    add_firm(chain, "SEP", "LIB-SEP", employees=800, name="=隔膜科技", plants=("JNG",))
    add_firm(chain, "CATH", "LIB-CATH", employees=800)
    add_firm(chain, "TEXT", "TEXT", employees=None, country="JP")
    return chain


def api(chain: Chain, username: str) -> APIClient:
    client = APIClient()
    token, _ = issue_token(chain.users[username])
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def url(chain: Chain, city: str) -> str:
    return f"/api/v1/regions/{chain.cities[city].pk}/prospects/"


def test_the_api_ranks_like_the_page(firms: Chain) -> None:
    response = api(firms, "manager").get(url(firms, "ZZ"), {"explain": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["region"] == "SD-ZZ" and body["matched"] == 3
    first = body["results"][0]
    assert [r["firm_id"] for r in body["results"]][:2] == ["SEP", "CATH"]
    assert first["gap_filled"] == "补齐枣庄锂电池产业集群的缺失环节：隔膜。"
    assert first["plants_in_province"] == ["SD-JNG"]
    assert first["explanation"][1] == first["gap_filled"]
    assert body["results"][2]["employees"] is None


def test_the_api_filters_and_checks_its_parameters(firms: Chain) -> None:
    client = api(firms, "manager")
    assert [
        r["firm_id"] for r in client.get(url(firms, "ZZ"), {"country": "JP"}).json()["results"]
    ] == ["TEXT"]
    chain_only = client.get(url(firms, "ZZ"), {"chain": "LIB-CELL"}).json()["results"]
    assert {r["firm_id"] for r in chain_only} == {"SEP", "CATH"}
    bad = client.get(url(firms, "ZZ"), {"chain": "NOPE", "limit": "0"})
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"chain", "limit"}


def test_the_api_keeps_officers_and_regional_admins_to_their_regions(firms: Chain) -> None:
    officer = api(firms, "officer_jn")
    assert officer.get(url(firms, "JN")).status_code == 200
    assert officer.get(url(firms, "ZZ")).status_code == 403
    assert officer.get("/api/v1/regions/999999/prospects/").status_code == 404
    regional_admin = api(firms, "admin_zz")
    assert regional_admin.get(url(firms, "ZZ")).status_code == 200
    assert regional_admin.get(url(firms, "JN")).status_code == 403
    assert APIClient().get(url(firms, "ZZ")).status_code == 401


def test_the_command_writes_the_issues_columns(firms: Chain, tmp_path: Path) -> None:
    out = tmp_path / "zz.csv"
    call_command("prospects", "SD-ZZ", "--out", str(out), "--chain", "LIB-CELL", "--limit", "1")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == [
        "firm_id",
        "name",
        "industry_code",
        "local_fit",
        "chain_completion",
        "cluster_strength",
        "total",
        "gap_filled",
    ]
    assert len(rows) == 2
    assert rows[1][:3] == ["SEP", "'=隔膜科技", "LIB-SEP"]  # CSV injection neutralised
    assert rows[1][7] == "补齐枣庄锂电池产业集群的缺失环节：隔膜。"


def test_the_command_refuses_unknown_codes(firms: Chain, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="unknown region"):
        call_command("prospects", "SD-XX", "--out", str(tmp_path / "x.csv"))
    with pytest.raises(CommandError, match="unknown industry"):
        call_command("prospects", "SD-ZZ", "--out", str(tmp_path / "x.csv"), "--chain", "NOPE")
