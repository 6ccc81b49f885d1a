"""A walk through every page a user can reach, as each demo role, at a phone's 390 px and a
desktop's 1280 px, in Chinese and in English (issue 15: "screenshots of every page ... look at
each of them yourself").

Each page is saved as test-artifacts/walk/{page}-{width}-{lang}.png for a person to look at,
and checked on the spot:
- the HTTP status is the expected one (200, or 403 / 404 for the error pages);
- the page does not scroll sideways (`scrollWidth <= innerWidth`);
- one language per page: a Chinese page shows no run of three or more English words, an
  English page no Han character, outside data (what users and imports typed: company names,
  products, notes, list names; an element marked with another `lang` is data too);
- no console error and no failed request (a missing static file, a broken fragment URL).

One browser context per role, language and width; the problems of all pages are gathered and
reported together, so one run shows everything that is wrong.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import models

from projects.models import Lead, LeadActivity
from regions.models import AnchorFirm, Cluster, Firm, Region
from screening.world import forget_world
from shortlists import ranking
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.models import SavedShortlist, ShortlistEntry
from shortlists.services import build_shortlist, shortlist_fingerprint, shortlist_save
from tests.browser.conftest import ARTIFACTS, settled
from tests.browser.test_phones import OVERFLOW_JS
from tests.shortlists.conftest import build_world
from tests.ui.scenario import PASSWORD, Scenario

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
LANGUAGES = {"zh-hans": "zh-CN", "en": "en-US"}
WALK = ARTIFACTS / "walk"
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
# Three or more English words in a row, as prose has them (a lone "Excel", "PDF" or "AHP" is a
# name; "docs/scoring.md", "YYYY-MM-DD" and a list of codes "lead, contact, signed" are not
# prose).
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z’'-]+(?: [A-Za-z][A-Za-z’'-]*){2,}")

# The page's visible text nodes and user-visible attributes, leaving out what is data by markup:
# an element whose `lang` differs from the page's, code, and form values (typed by a user).
TEXTS_JS = """() => {
  const page = (document.documentElement.lang || '').toLowerCase();
  // The logo's mark, and the admin's column of the Chinese name (beside the English one).
  const skip = 'script, style, noscript, template, code, pre, textarea, .swagger-ui, ' +
    '.brand-mark, #result_list td.field-name, #result_list td.field-name_en';
  const foreign = el => {
    const marked = el.closest('[lang]');
    return marked && marked !== document.documentElement &&
      (marked.getAttribute('lang') || '').toLowerCase().slice(0, 2) !== page.slice(0, 2);
  };
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ')[0] : '');
  const where = el => [el.parentElement, el].filter(Boolean).map(name).join(' > ');
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    const text = node.textContent.trim();
    if (!text || !el || el.closest(skip) || foreign(el)) continue;
    if (el.getClientRects().length === 0 && !el.closest('.visually-hidden, option')) continue;
    out.push([text, where(el)]);
  }
  for (const el of document.body.querySelectorAll('[title], [aria-label], [placeholder], [alt]')) {
    if (el.closest(skip) || foreign(el)) continue;
    for (const name of ['title', 'aria-label', 'placeholder', 'alt']) {
      const value = (el.getAttribute(name) || '').trim();
      if (value) out.push([value, where(el) + '@' + name]);
    }
  }
  return out;
}"""


# At a desktop's width every table fits its box (a phone may scroll one inside its box).
DESKTOP_WIDTH = 1280
WIDE_TABLES_JS = """() => [...document.querySelectorAll('.table-wrap, .chart-data')]
  .filter(box => box.getClientRects().length && box.scrollWidth > box.clientWidth + 1)
  .map(box => `${box.querySelector('table')?.id || box.className}: ` +
    `${box.scrollWidth} px in ${box.clientWidth} px`)"""


@dataclass(frozen=True)
class Stop:
    """One page of the walk: its name (the screenshot's), its path and the status it answers."""

    name: str
    path: str
    status: int = 200
    one_language: bool = True  # False: a third party's page (Swagger UI) in its own language
    idle: bool = False  # wait until the network is idle (a page that loads more by script)


@dataclass
class Visit:
    """What the browser reported while one page loaded."""

    console: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


# --- The data of the walk --------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    scenario: Scenario
    lead: Lead
    other: Lead
    cluster: Cluster
    region: Region
    saved: SavedShortlist


@pytest.fixture
def places(transactional_db: None) -> Iterator[Places]:
    forget_world()
    ranking.forget_cache()
    world = build_world()
    form = ShortlistForm({"scope": "region", "cutoff": "5", "status": "any"})
    assert form.is_valid(), form.errors
    params = params_from_form(form)
    saved = shortlist_save(
        params=params,
        name="一季度重点",
        user=world.users["manager"],
        fingerprint=shortlist_fingerprint(build_shortlist(params, extra_rows=0)),
    )
    yield Places(
        world,
        lead=world.leads["battery"],
        other=world.leads["parts"],
        cluster=world.clusters["JN-NEV"],
        region=world.cities["JN"],
        saved=saved,
    )
    ranking.forget_cache()


def data_texts() -> list[str]:
    """What users and imports typed, in whatever language they typed it: text fields of the
    leads, notes, firms and saved lists. A field with an English twin (`name` beside
    `name_en`) is not data: the page must show the twin of its language."""
    found: set[str] = set()
    for model in (Lead, LeadActivity, SavedShortlist, ShortlistEntry, AnchorFirm, Firm):
        names = {f.name for f in model._meta.get_fields()}
        texts = [
            f.name
            for f in model._meta.get_fields()
            if isinstance(f, models.CharField | models.TextField)
            and f"{f.name}_en" not in names
            and not f.name.endswith("_en")
            and not getattr(f, "choices", None)
        ]
        for row in model.objects.values_list(*texts):
            for value in row:
                for part in str(value or "").replace(" / ", "\n").splitlines():
                    if part.strip():
                        found.add(part.strip())
    return sorted(found, key=len, reverse=True)  # the longest first: a name inside a name


def language_problems(texts: list[list[str]], language: str, data: list[str]) -> list[str]:
    problems = []
    for text, where in texts:
        rest = text
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
        if language == "en" and HAN.search(rest):
            problems.append(f"Chinese on an English page: {text[:80]!r} ({where})")
        elif language == "zh-hans" and (run := ENGLISH_RUN.search(rest)):
            problems.append(
                f"English on a Chinese page: {run.group(0)[:80]!r} in {text[:80]!r} ({where})"
            )
    return sorted(set(problems))


def upload_file(folder: Path, name: str, rows: str) -> Path:
    header = (
        "external_id,company,industry_code,region_code,capex,currency,jobs,land_ha,needs,"
        "input_codes,stage,status,received_on\n"
    )
    path = folder / f"{name}.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("leads.csv", (header + rows).encode("utf-8"))
    return path


# --- The walk ----------------------------------------------------------------------------------


class Walker:
    """One browser context (role, language, width) walking its stops."""

    def __init__(self, browser: Any, url: str, language: str, width: int, data: list[str]):
        self.url, self.language, self.width, self.data = url, language, width, data
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, locale=LANGUAGES[language]
        )
        self.context.set_default_timeout(15_000)
        self.context.add_cookies([{"name": "django_language", "value": language, "url": url}])
        self.tab = self.context.new_page()
        self.visit = Visit()
        self.problems: list[str] = []
        self.tab.on("console", self._console)
        self.tab.on("requestfailed", self._request_failed)
        self.tab.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.visit.console.append(message.text)

    def _request_failed(self, request: Any) -> None:
        # A load the next navigation cuts off (the favicon, say) fails with ERR_ABORTED: that
        # is the browser's doing, not the page's. A missing file answers 4xx (see _response).
        if "ERR_ABORTED" in (request.failure or ""):
            return
        self.visit.failed.append(f"{request.url} ({request.failure})")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            self.visit.failed.append(f"{response.url} answered {response.status}")

    def sign_in(self, username: str) -> None:
        self.tab.goto(f"{self.url}/accounts/login/")
        self.tab.locator("#id_username").fill(username)
        self.tab.locator("#id_password").fill(PASSWORD)
        self.tab.locator("form.stack button[type=submit]").click()
        self.tab.wait_for_url(f"{self.url}/")

    def go(self, stop: Stop) -> None:
        self.visit = Visit()
        response = self.tab.goto(f"{self.url}{stop.path}")
        status = response.status if response is not None else 0
        if status != stop.status:
            self.problem(stop, f"answered {status}, expected {stop.status}")
        self.check(stop)

    def check(self, stop: Stop) -> None:
        """Check the page as it is now and save its screenshot."""
        self.tab.wait_for_load_state("networkidle" if stop.idle else "load")
        settled(self.tab)
        overflow = self.tab.evaluate(OVERFLOW_JS)
        if overflow["scroll"] > overflow["width"]:
            self.problem(
                stop,
                f"scrolls sideways: {overflow['scroll']} px in {overflow['width']} px "
                f"(widest: {overflow['widest']})",
            )
        if self.width >= DESKTOP_WIDTH:
            for wide in self.tab.evaluate(WIDE_TABLES_JS):
                self.problem(stop, f"a table scrolls sideways in its box at this width: {wide}")
        if stop.one_language:
            texts = self.tab.evaluate(TEXTS_JS)
            for found in language_problems(texts, self.language, self.data):
                self.problem(stop, found)
        for message in self.visit.console:
            if stop.status != 200 and f"status of {stop.status}" in message:
                continue  # the error page's own status, logged by Chromium
            self.problem(stop, f"console error: {message[:200]}")
        for failed in self.visit.failed:
            self.problem(stop, f"failed request: {failed}")
        WALK.mkdir(parents=True, exist_ok=True)
        self.tab.screenshot(
            path=str(WALK / f"{stop.name}-{self.width}-{self.language}.png"), full_page=True
        )

    def problem(self, stop: Stop, text: str) -> None:
        self.problems.append(f"{stop.name} at {self.width} px in {self.language}: {text}")

    def close(self) -> None:
        self.context.close()


def walk(
    browser: Any, url: str, username: str | None, stops: list[Stop], extra: Any = None
) -> list[str]:
    """Every stop in both languages at both widths; the problems found."""
    problems: list[str] = []
    for language in LANGUAGES:
        for width in WIDTHS:
            walker = Walker(browser, url, language, width, data_texts())
            try:
                if username is not None:
                    walker.sign_in(username)
                for stop in stops:
                    walker.go(stop)
                if extra is not None:
                    extra(walker)
            finally:
                walker.close()
            problems += walker.problems
    return problems


def test_walk_signed_out(browser: Any, live_server: Any, places: Places) -> None:
    stops = [Stop("login", "/accounts/login/"), Stop("login-next", "/shortlists/")]
    problems = walk(browser, live_server.url, None, stops)
    assert not problems, "\n".join(problems)


def test_walk_as_an_officer(browser: Any, live_server: Any, places: Places) -> None:
    lead, cluster = places.lead.pk, places.cluster.pk
    stops = [
        Stop("inbox", "/"),
        Stop("inbox-filtered", "/?stage=contact&sort=-total"),
        Stop("lead", f"/leads/{lead}/"),
        Stop("lead-second", f"/leads/{places.other.pk}/"),
        Stop("where-else", f"/leads/{lead}/elsewhere/"),
        Stop("lead-edit", f"/leads/{lead}/edit/"),
        Stop("clusters", "/clusters/"),
        Stop("cluster", f"/clusters/{cluster}/"),
        Stop("region", f"/regions/{places.region.pk}/"),
        Stop("prospects-officer", "/shortlists/prospects/"),
        Stop("password-change", "/accounts/password_change/"),
        Stop("password-change-done", "/accounts/password_change/done/"),
        Stop("forbidden", "/shortlists/", status=403),
        Stop("not-found", "/leads/99999999/", status=404),
    ]
    problems = walk(browser, live_server.url, "officer_jinan", stops)
    assert not problems, "\n".join(problems)


def test_walk_as_a_manager(browser: Any, live_server: Any, places: Places) -> None:
    world, saved = places.scenario, places.saved
    a, b = places.lead.pk, places.other.pk
    stops = [
        Stop("shortlist", "/shortlists/?cutoff=5&status=any"),
        Stop("shortlist-city", f"/shortlists/?region={places.region.pk}&cutoff=3&status=any"),
        Stop("shortlist-cluster", f"/shortlists/?scope=cluster&cluster={places.cluster.pk}"),
        Stop("shortlist-empty", "/shortlists/?cutoff=5&min_confidence=99"),
        Stop("compare", f"/shortlists/compare/?lead={a}&lead={b}"),
        Stop("ahp", "/shortlists/ahp/"),
        Stop("ahp-result", "/shortlists/ahp/?lf_cc=3&lf_cs=5&cc_cs=2&st_pu=1"),
        Stop("saved-lists", "/shortlists/saved/"),
        Stop("saved-list", f"/shortlists/saved/{saved.pk}/"),
        Stop("charts", "/shortlists/charts/?cutoff=5&status=any"),
        Stop("calibration", "/shortlists/calibration/"),
        Stop("prospects", f"/shortlists/prospects/?region={world.cities['JN'].pk}"),
        Stop("runs", "/runs/"),
        Stop("inbox-manager", "/"),
        Stop("forbidden-upload", "/data/upload/", status=403),
    ]
    problems = walk(browser, live_server.url, "manager", stops)
    assert not problems, "\n".join(problems)


def test_walk_as_an_admin(browser: Any, live_server: Any, places: Places, tmp_path: Path) -> None:
    lead, cluster, region = places.lead.pk, places.cluster.pk, places.region.pk
    stops = [
        Stop("inbox-admin", "/"),
        Stop("upload", "/data/upload/"),
        Stop("cluster-editor", f"/clusters/{cluster}/edit/"),
        Stop("region-editor", f"/regions/{region}/endowments/"),
        Stop("admin-index", "/admin/"),
        Stop("admin-leads", "/admin/projects/lead/"),
        Stop("admin-lead", f"/admin/projects/lead/{lead}/change/"),
        Stop("admin-lead-history", f"/admin/projects/lead/{lead}/history/"),
        Stop("admin-clusters", "/admin/regions/cluster/"),
        Stop("api-docs", "/api/docs/", one_language=False, idle=True),
        Stop("admin-not-found", "/clusters/99999999/", status=404),
    ]
    bad = upload_file(
        tmp_path,
        "bad",
        "B-1,坏数据一,NO-SUCH,SD-JN,abc,CNY,10,,,,lead,active,2026-02-01\n"
        "B-2,坏数据二,TEXT,SD-XX,100,CNY,-4,,,,moon,active,2026-13-01\n",
    )
    counter = iter(range(100))

    def upload(walker: Walker) -> None:
        tab = walker.tab
        walker.visit = Visit()
        tab.goto(f"{walker.url}/data/upload/")
        tab.locator("input[type=file]").set_input_files(str(bad))
        tab.locator("form[enctype] button[type=submit]").first.click()
        tab.locator("table.errors").wait_for()
        walker.check(Stop("upload-errors", "/data/upload/"))
        n = next(counter)
        good = upload_file(
            tmp_path,
            f"good{n}",
            "".join(
                f"G{n}-{i},上传企业{n}-{i},TEXT,SD-JN,1000,CNY,50,,,,lead,active,2026-02-01\n"
                for i in range(5)
            ),
        )
        walker.visit = Visit()
        tab.goto(f"{walker.url}/data/upload/")
        tab.locator("input[type=file]").set_input_files(str(good))
        tab.locator("form[enctype] button[type=submit]").first.click()
        walker.check(Stop("upload-report", "/data/upload/"))
        walker.visit = Visit()
        tab.locator("#import-panel button[type=submit], form button[type=submit]").filter(
            has_text=re.compile("确认导入|Confirm")
        ).first.click()
        tab.locator("#import-panel progress").first.wait_for()
        settled(tab)
        walker.data = data_texts()
        walker.check(Stop("upload-done", "/data/upload/"))

    problems = walk(browser, live_server.url, "admin", stops, extra=upload)
    assert not problems, "\n".join(problems)
