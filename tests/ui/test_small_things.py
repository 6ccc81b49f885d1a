"""Small things that made the product feel unfinished (issue 15, item 8): a favicon instead of
a 404, thousands separators on Chinese pages, an upload label that names .csv, the page title
after an import, one way of showing confidence (percent), a readable confidence sentence."""

from __future__ import annotations

import re

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from screening.scoring.explain_text import _confidence, _headline
from tests.ui.scenario import Scenario
from tests.ui.test_regions_pages import ENDOWMENTS_OK, bundle

pytestmark = pytest.mark.django_db


def test_there_is_a_favicon(scenario: Scenario, officer: Client) -> None:
    page = officer.get(reverse("inbox")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page
    assert finders.find("favicon.svg"), "static/favicon.svg is missing"
    answer = Client().get("/favicon.ico")
    assert answer.status_code == 301 and answer["Location"] == "/static/favicon.svg"


def test_chinese_pages_group_thousands(scenario: Scenario, officer: Client) -> None:
    # The Jinan NEV cluster employs 22,500 (its members in the baseline year).
    url = reverse("cluster_profile", args=[scenario.clusters["JN-NEV"].pk])
    page = officer.get(url, headers={"Accept-Language": "zh-hans"}).content.decode()
    kpis = re.findall(r"kpi-value\">([^<]*)", page)
    assert "22,500" in kpis and "22500" not in page, kpis
    with translation.override("zh-hans"):
        assert intcomma(730000) == "730,000"


def test_the_upload_label_names_every_kind_of_file(
    scenario: Scenario, admin_client_: Client
) -> None:
    page = admin_client_.get(reverse("data_upload")).content.decode()
    label = re.search(r'<label for="id_file">([^<]*)<', page)
    assert label is not None and ".csv" in label.group(1), label
    upload = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    refused = admin_client_.post(reverse("data_upload"), {"file": upload}).content.decode()
    assert ".csv" in refused


@pytest.mark.django_db(transaction=True)  # the import commits, then rescoring starts
def test_the_page_title_follows_a_finished_import(
    scenario: Scenario, admin_client_: Client
) -> None:
    checked = admin_client_.post(
        reverse("data_upload"), {"file": bundle({"endowments.csv": ENDOWMENTS_OK})}
    )
    assert "<title>检查结果" in checked.content.decode()
    url = reverse("data_upload_confirm", kwargs={"token": checked.context["token"]})
    done = admin_client_.post(url, headers={"HX-Request": "true"}).content.decode()
    assert "<title>导入结果 · " in done  # htmx puts a fragment's <title> on the page
    assert '<h1 id="upload-title" hx-swap-oob="true">导入结果</h1>' in done


EXPLAINED = {
    "scores": {
        "total": 72.4,
        "confidence": 0.82,
        "local_fit": 95.0,
        "chain_completion": 94.0,
        "cluster_strength": 20.0,
        "strengthen": 38.0,
        "pull": 2.0,
    },
    "confidence": {
        "value": 0.82,
        "reasons": [{"code": "land_need_unknown"}, {"code": "jobs_unknown"}],
    },
}


@pytest.mark.parametrize(
    ("lang", "headline", "reasons"),
    [
        (
            "zh",
            "总分 72（置信度 82%）",
            "置信度 82%：用地面积未知（只核对了有无工业用地）；就业人数和投资额未知。",
        ),
        (
            "en",
            "Total 72 (confidence 82%)",
            "Confidence 82%: land need in ha unknown (only whether industrial land exists was "
            "checked); jobs and capex unknown.",
        ),
    ],
)
def test_confidence_reads_as_a_percent_in_whole_clauses(
    lang: str, headline: str, reasons: str
) -> None:
    assert _headline(EXPLAINED, lang).startswith(headline)
    assert _confidence(EXPLAINED, lang) == [reasons]
