"""Chinese text on an English page is marked lang="zh-Hans" (WCAG 3.1.2), so a screen reader
reads a company's name with a Chinese voice instead of spelling it out."""

from __future__ import annotations

from django.template.defaultfilters import linebreaksbr
from django.test import Client
from django.urls import reverse
from django.utils import translation

from projects.templatetags.xs_ui import cjk
from tests.ui.scenario import Scenario


def test_chinese_text_is_marked_only_on_pages_in_another_language() -> None:
    with translation.override("en"):
        assert cjk("宁德时代（示例）") == '<span lang="zh-Hans">宁德时代（示例）</span>'
        assert cjk("<b>鲁泰</b>") == '<span lang="zh-Hans">&lt;b&gt;鲁泰&lt;/b&gt;</span>'
        assert cjk(linebreaksbr("第一行\n第二行")) == (
            '<span lang="zh-Hans">第一行<br>第二行</span>'  # already-safe text is kept
        )
        assert cjk("三合一电驱总成 / three-in-one e-drive units") == (
            "三合一电驱总成 / three-in-one e-drive units"  # mostly English: left alone
        )
        assert cjk("BYD") == "BYD"
        assert cjk(None) == ""
    with translation.override("zh-hans"):
        assert cjk("宁德时代（示例）") == "宁德时代（示例）"


def test_the_english_inbox_marks_company_names(scenario: Scenario, officer: Client) -> None:
    officer.cookies["django_language"] = "en"
    body = officer.get(reverse("inbox")).content.decode()
    company = scenario.leads["battery"].company
    assert f'<span lang="zh-Hans">{company}</span>' in body
    officer.cookies["django_language"] = "zh-hans"
    body = officer.get(reverse("inbox")).content.decode()
    assert company in body and f'<span lang="zh-Hans">{company}</span>' not in body
