"""The shortlist's rows built in Python (shortlists_ui.ranking_rows, issue 17) are byte for byte
what the row template gave: the template below is the loop _ranking.html had, kept here as the
reference, rendered beside the tag for rows that exercise every branch, in both languages."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from projects.markup import band, bar_width, score_bar
from screening.selectors.landing import Landing
from shortlists.forms import ShortlistForm, params_from_form
from shortlists.services import Shortlist, ShortlistRow, build_shortlist
from tests.ui.scenario import Scenario

# The row loop of templates/shortlists/_ranking.html before the tag, with the score-bar labels its
# first line defined.
REFERENCE = (Path(__file__).parent / "ranking_rows_reference.html").read_text(encoding="utf-8")
# The tag as _ranking.html holds it: on its own line, indented like the loop was.
TAG = (
    "{% load shortlists_ui %}\n"
    "  {% ranking_rows shortlist.rows params.cutoff band_scale landing %}\n"
)


def _shortlist() -> Shortlist:
    form = ShortlistForm({"status": "any", "cutoff": "3"})
    assert form.is_valid(), form.errors
    return build_shortlist(params_from_form(form))


def _varied(shortlist: Shortlist) -> list[ShortlistRow]:
    """The real rows, then copies that take every branch: ties (also on the last row), stale,
    across the cut-off, no band, a foreign amount, unknown jobs, text that needs escaping."""
    rows = list(shortlist.rows)
    assert len(rows) >= 6
    odd = []
    for i, row in enumerate(rows[:6]):
        lead = dataclasses.replace(row).lead
        lead.company = ["<b>A&B \"厂\"</b>", "电驱总成 / e-drive", "宁德时代新能源科技", "X'Y",
                        "", "天津 & Co"][i]  # fmt: skip
        lead.currency = ["USD", "CNY", "EUR", "", "USD", "HKD"][i]
        lead.capex = [Decimal("1234.5"), None, Decimal("70000"), Decimal("1"), Decimal("0"),
                      Decimal("88")][i]  # fmt: skip
        lead.jobs = [None, 0, 12345, 7, None, 1][i]
        odd.append(
            dataclasses.replace(
                row,
                rank=len(rows) + i + 1,
                tied_with_next=i % 2 == 0,
                stale=i % 3 == 0,
                crosses_cutoff=i in (1, 2, 5),
                above_cutoff=i < 3,
                band_low=None if i == 4 else row.band_low,
                p_top_k=[0.5, 0.123, 1.0, None, 0.0, 0.999][i],
            )
        )
    return rows + odd


def _render(source: str, rows: list[ShortlistRow], shortlist: Shortlist, landing: dict) -> str:
    request = RequestFactory().get("/shortlists/")
    context = Context(
        {
            "shortlist": shortlist,
            "params": shortlist.params,
            "band_scale": shortlist.band_scale,
            "landing": landing,
            "request": request,
        }
    )
    context["shortlist"] = dataclasses.replace(shortlist, rows=rows)
    return Template(source).render(context)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_rows_are_those_of_the_row_template(world: Scenario, language: str) -> None:
    with translation.override(language):
        shortlist = _shortlist()
        rows = _varied(shortlist)
        ids = [row.lead.pk for row in rows]
        landing = {ids[0]: Landing(0.345, 681, 1), ids[2]: Landing(0.9999, 12, 2)}
        for cutoff in (shortlist.params.cutoff, rows[-1].rank, 1):
            varied = dataclasses.replace(
                shortlist, params=dataclasses.replace(shortlist.params, cutoff=cutoff)
            )
            for chosen in (rows, rows[:1], []):
                expected = _render(REFERENCE, chosen, varied, landing)
                got = _render(TAG, chosen, varied, landing)
                assert got == expected
        html = _render(TAG, rows, shortlist, landing)
        assert 'class="tie"' in html and "is-stale" in html and "badge-flag" in html
        assert "cutoff-row" in html and "landing-note" in html and 'class="cny"' in html
        assert "row-standing" in html
        assert "&lt;b&gt;A&amp;B" in html and "<b>A" not in html


def _score_bar_before(
    value: float | None, label: object = "", cell: bool = True, wide: bool = False
) -> str:
    """score_bar as it was written with format_html (the reference for the f-string one)."""
    number = "–" if value is None else f"{float(value):.0f}"
    bar = format_html(
        '<span class="scorebar{wide}" role="img" aria-label="{label} {number}/100"'
        ' title="{label} {number}">{caption}<span class="scorebar-track">'
        '<span class="scorebar-fill fill-{band}" style="width: {width}%"></span></span>'
        '<span class="scorebar-num" aria-hidden="true">{number}</span></span>',
        label=label,
        number=number,
        band=band(value),
        width=bar_width(value),
        wide=" scorebar-wide" if wide else "",
        caption=format_html('<span class="scorebar-label">{}</span>', label) if label else "",
    )
    return format_html('<td class="col-score">{}</td>', bar) if cell else bar


@pytest.mark.parametrize("value", [None, -3.0, 0.0, 0.5, 39.99, 40.0, 59.5, 60.0, 79.9, 80.0, 100.0,
                                   123.4, Decimal("55.5")])  # fmt: skip
def test_the_score_bar_is_the_one_format_html_gave(value: float | None) -> None:
    labels: list[Any] = ["", "本地适配", mark_safe("补链"), "<b>&'\"", gettext_lazy("强群")]
    for label in labels:
        for cell in (True, False):
            for wide in (True, False):
                got = score_bar(value, label, cell=cell, wide=wide)
                assert got == _score_bar_before(value, label, cell=cell, wide=wide)
                assert isinstance(got, SafeString)
