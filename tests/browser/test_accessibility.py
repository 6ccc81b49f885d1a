"""WCAG 2.2 A/AA with axe-core on every main page, in Chinese and English: zero violations.

Each page is audited as a user sees it (htmx parts loaded), and in the states an action leaves
behind (an opened row panel with an error, a row just saved, a refused stage on the lead page),
so a regression in any of them fails here with the rule, the element and axe's message. The
counts per page go to test-artifacts/axe-<language>.json for the before/after note.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import F
from playwright.sync_api import expect

from projects.models import Lead
from regions.models import Firm, Plant
from screening.selectors.firms import forget_directory
from tests.browser.a11y import axe_violations, describe, node_count
from tests.browser.conftest import ARTIFACTS, DESKTOP, settled
from tests.shortlists.conftest import build_world
from tests.ui.scenario import PASSWORD, Scenario

pytestmark = pytest.mark.browser

LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}


@pytest.fixture
def world(transactional_db: None) -> Scenario:
    from shortlists import ranking

    ranking.forget_cache()
    return build_world()


def new_tab(browser: Any, url: str, language: str) -> Any:
    context = browser.new_context(viewport=DESKTOP, locale=LANGUAGES[language])
    context.set_default_timeout(10_000)
    context.add_cookies([{"name": "django_language", "value": language, "url": url}])
    return context.new_page()


def sign_in_as(tab: Any, url: str, username: str) -> None:
    tab.goto(f"{url}/accounts/login/")
    tab.locator("#id_username").fill(username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form.stack button[type=submit]").click()
    tab.wait_for_url(f"{url}/")


def visit(tab: Any, url: str, wait_for: str = "main") -> None:
    tab.goto(url)
    expect(tab.locator(wait_for).first).to_be_visible()
    settled(tab)


LOADING = {"zh-hans": "加载中…", "en": "Loading…"}


def add_directory(world: Scenario) -> list[Firm]:
    """A few directory firms for the prospect pages: a Chinese name only (read with a Chinese
    voice on English pages), a plant in a sibling city, one of unknown size."""
    industries = world.industries
    firms = [
        Firm.objects.create(
            code="A11Y-1", name="示例正极材料股份有限公司", industry=industries["LIB-CATH"],
            country="CN", employees=600, source="generated (test)",
        ),
        Firm.objects.create(
            code="A11Y-2", name="示例动力电池有限公司", name_en="Example Cells Ltd.",
            industry=industries["LIB-CELL"], country="JP", employees=None, listed=True,
            source="generated (test)",
        ),
        Firm.objects.create(
            code="A11Y-3", name="示例零部件集团", industry=industries["NEV-PART"], country="CN",
            employees=2400, source="generated (test)",
        ),
    ]  # fmt: skip
    Plant.objects.create(firm=firms[2], region=world.cities["QD"], industry=industries["NEV-PART"])
    forget_directory()
    return firms


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_main_page_has_no_wcag_violation(
    browser: Any, live_server: Any, world: Scenario, language: str, shot: Callable[..., Any]
) -> None:
    url = live_server.url
    found: dict[str, list[dict[str, Any]]] = {}

    def audit(name: str) -> None:
        found[name] = axe_violations(tab)

    tab = new_tab(browser, url, language)
    visit(tab, f"{url}/accounts/login/")
    audit("login")
    sign_in_as(tab, url, "admin")

    battery = world.leads["battery"]
    parts = world.leads["parts"]
    cluster = world.clusters["JN-NEV"]
    firms = add_directory(world)
    # One score waiting for its rescore (its badge and faded bars must stay legible).
    Lead.objects.filter(pk=world.leads["textile"].pk).update(score_revision=F("score_revision") + 1)
    visit(tab, f"{url}/", "#lead-table")
    expect(tab.locator("tbody.lead.is-stale")).not_to_have_count(0)
    audit("inbox")

    # The row panel opened, a refused status (reason missing), then a saved stage.
    row = tab.locator(f"#lead-{parts.pk}")
    row.locator(".col-more button").click()
    settled(tab)
    panel = tab.locator(f"#panel-{parts.pk}")
    panel.locator("select[name=status]").select_option("on_hold")
    panel.locator("form").first.locator("button[type=submit]").click()
    expect(tab.locator(f"#panel-{parts.pk} .field-error")).to_be_visible()
    settled(tab)
    audit("inbox: panel with an error")
    tab.locator(f"#lead-{parts.pk} .col-stage select").select_option("contact")
    tab.locator(f"#lead-{parts.pk} .col-stage button[type=submit]").click()
    expect(tab.locator("#live-status")).not_to_be_empty()
    settled(tab)
    audit("inbox: row saved")

    visit(tab, f"{url}/leads/{battery.pk}/", "#elsewhere table")
    audit("lead page")
    visit(tab, f"{url}/leads/{world.leads['nocapex'].pk}/", "#elsewhere")
    workflow = tab.locator("#workflow")
    workflow.locator("select[name=stage]").select_option("signed")
    workflow.locator("form:has(select[name=stage]) button[type=submit]").click()
    expect(workflow.locator(".field-error").first).to_be_visible()
    settled(tab)
    audit("lead page: refused stage")

    visit(tab, f"{url}/leads/{battery.pk}/edit/")
    tab.locator("#id_jobs").fill("-20")
    tab.locator("form.form-grid button[type=submit]").click()
    expect(tab.locator("#id_jobs_error")).to_be_visible()
    audit("lead edit: error")

    visit(tab, f"{url}/clusters/")
    audit("cluster list")
    visit(tab, f"{url}/clusters/{cluster.pk}/", "#fill-gaps-title")
    audit("cluster page")

    # Prospects: the ranked directory, a firm's explanation open, then a firm just courted.
    jinan = world.cities["JN"].pk
    visit(tab, f"{url}/shortlists/prospects/?region={jinan}", ".pr-table")
    audit("prospects")
    row = tab.locator("tr", has=tab.locator(f"#court-{firms[0].pk}"))
    row.locator(".explain-box summary").click()
    expect(row.locator(".why p").first).not_to_have_text(LOADING[language])
    audit("prospects: explanation open")
    row.locator(f"#court-{firms[0].pk} button[type=submit]").click()
    expect(tab.locator(f"#court-lead-{firms[0].pk}")).to_be_focused()
    expect(tab.locator("#live-status")).not_to_be_empty()
    settled(tab)
    audit("prospects: firm courted")
    shot(tab, f"a11y-prospects-{language}")

    visit(tab, f"{url}/shortlists/?cutoff=5&status=any", "#shortlist-table")
    audit("shortlist")
    for pick in tab.locator(".compare-pick").all()[:2]:
        pick.check()
    tab.locator("#compare-button").click()
    tab.wait_for_url("**/shortlists/compare/**")
    audit("compare")
    tab.go_back()
    expect(tab.locator("#shortlist-table")).to_be_visible()
    tab.locator("#save-panel summary").click()
    tab.locator("#save-panel input[name=save-name]").fill("a11y")
    tab.locator("#save-panel button[type=submit]").click()
    tab.wait_for_url("**/shortlists/saved/*/")
    settled(tab)
    audit("saved shortlist")
    visit(tab, f"{url}/shortlists/saved/")
    audit("saved lists")
    visit(tab, f"{url}/shortlists/charts/?cutoff=5&status=any", "svg.chart")
    for summary in tab.locator(".chart-card details > summary").all():
        summary.click()  # the data tables, open
    audit("charts")
    visit(tab, f"{url}/shortlists/ahp/?lf_cc=1&lf_cs=2&cc_cs=1", "#ahp-result")
    audit("AHP")
    visit(tab, f"{url}/data/upload/")
    audit("upload")
    shot(tab, f"a11y-upload-{language}")
    tab.context.close()

    ARTIFACTS.mkdir(exist_ok=True)
    counts = {name: node_count(violations) for name, violations in found.items()}
    (ARTIFACTS / f"axe-{language}.json").write_text(json.dumps(counts, indent=1))
    failing = {name: v for name, v in found.items() if v}
    assert not failing, "\n".join(f"{name}:\n{describe(v)}" for name, v in failing.items())
