"""No raw factor code on a page (issue 15, item 2): a lead's needs and the region conditions
behind them show by name ("工业用地" / "industrial land"), never as `industrial_land_ha`, on the
lead page (its fields, score card and explanation) and the shortlist, in both languages."""

from __future__ import annotations

import csv
import html
import re
from itertools import cycle
from pathlib import Path

from django.conf import settings
from django.test import Client
from django.urls import reverse

from projects.models import Lead
from regions.models import Endowment
from screening.scoring import FACTOR_LABELS
from screening.services.scores import rescore_leads
from tests.ui.scenario import Scenario

DEMO_ENDOWMENTS = Path(settings.BASE_DIR) / "projects" / "demo" / "data" / "endowments.csv"


def visible_text(page: str) -> str:
    """What a reader sees: no scripts, styles, tags or attribute values."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def raw_codes(text: str, *, english: bool) -> list[str]:
    """Factor codes in the text. On an English page a code that is its own English label
    ("port") is a word, not a code; an underscore code ("skilled_workforce_k") never is."""
    for zh, en in FACTOR_LABELS.values():  # a label may hold a code's word ("natural gas")
        text = re.sub(rf"(?<![\w-]){re.escape(en if english else zh)}(?![\w-])", " ", text)
    found = []
    for code, (_zh, en) in FACTOR_LABELS.items():
        if english and code == en:
            continue
        if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text):
            found.append(code)
    return found


def test_every_factor_of_the_demo_has_a_name_in_both_languages() -> None:
    with DEMO_ENDOWMENTS.open(encoding="utf-8") as handle:
        factors = {row["factor"] for row in csv.DictReader(handle)}
    assert len(factors) > 10
    assert sorted(factors - set(FACTOR_LABELS)) == []


def test_no_page_of_a_lead_needing_every_factor_shows_a_code(
    scenario: Scenario, officer: Client, manager: Client
) -> None:
    lead = scenario.leads["battery"]
    jinan = lead.region
    present = set(Endowment.objects.filter(region=jinan).values_list("factor", flat=True))
    values = cycle([1.0, 0.0, None])  # met, unmet, unknown in turn
    Endowment.objects.bulk_create(
        Endowment(region=jinan, factor=factor, value=next(values))
        for factor in FACTOR_LABELS
        if factor not in present
    )
    Lead.objects.filter(pk=lead.pk).update(needs=list(FACTOR_LABELS))
    rescore_leads([lead.pk])

    detail = reverse("lead_detail", kwargs={"pk": lead.pk})
    shortlist = reverse("shortlists:page")
    pages: dict[str, tuple[Client, str, dict[str, str | int]]] = {
        "lead": (officer, detail, {}),
        "shortlist": (manager, shortlist, {"region": jinan.pk}),
        "compare": (manager, reverse("shortlists:compare"), {"lead": str(lead.pk)}),
    }
    for language in ("zh-hans", "en"):
        for name, (client, url, query) in pages.items():
            response = client.get(url, query, headers={"Accept-Language": language})
            assert response.status_code == 200, name
            text = visible_text(response.content.decode())
            found = raw_codes(text, english=language == "en")
            assert found == [], f"{name} ({language}) shows {found}"
    # The page did name the needs: the check above looked at a page that lists them.
    chinese = visible_text(
        officer.get(detail, headers={"Accept-Language": "zh-hans"}).content.decode()
    )
    assert "技能人才" in chinese and "工业用地" in chinese
    english = visible_text(officer.get(detail, headers={"Accept-Language": "en"}).content.decode())
    assert "skilled workforce" in english and "industrial land" in english


def test_the_check_finds_a_code() -> None:
    assert raw_codes("需求：skilled_workforce_k、港口", english=False) == ["skilled_workforce_k"]
    assert raw_codes("Needs: port, power", english=True) == []
    assert raw_codes("Needs: port", english=False) == ["port"]
    assert raw_codes("port_throughput_mt, natural gas", english=True) == ["port_throughput_mt"]
