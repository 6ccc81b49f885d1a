"""Template helpers: names in the active language, score bars, factor labels."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from projects.interchange.lead_format import BUNDLE_TABLES
from projects.markup import band, bar_width, cjk, percent, score_bar
from regions.names import is_english, local_name
from screening.access import roles
from screening.scoring import PRESETS, factor_name

register = template.Library()


register.filter("local_name", local_name)
register.filter("cjk", cjk)
register.filter("bar_width", bar_width)
register.filter("band", band)
register.filter("percent", percent)
register.simple_tag(score_bar)

# "用地指标不足 / no land quota available": a text given in both languages (the demo's status
# reasons and products, imports that follow it): Chinese first, then " / " and the English.
BILINGUAL = re.compile(r"^(?P<zh>.*[\u4e00-\u9fff].*?)\s+/\s+(?P<en>[^\u4e00-\u9fff]+)$", re.S)


@register.filter
def own_language(text: object) -> str:
    """The half of a "中文 / English" text in the active language; any other text as is."""
    value = "" if text is None else str(text)
    found = BILINGUAL.match(value)
    if found is None:
        return value
    return found["en"].strip() if is_english() else found["zh"].strip()


@register.filter
def factor_label(name: str) -> str:
    """The display name of an endowment factor ('port' -> 港口 / port)."""
    return factor_name(name, "en" if is_english() else "zh")


@register.simple_tag(takes_context=True)
def query_with(context: template.Context, **changes: Any) -> str:
    """The current query string with some parameters replaced (None/'' removes one)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    return params.urlencode()


@register.simple_tag(takes_context=True)
def user_roles(context: template.Context) -> set[str]:
    """The signed-in user's roles as plain strings ('officer', 'manager', 'admin')."""
    request = context.get("request")
    return {role.value for role in roles(request.user)} if request is not None else set()


@register.simple_tag
def options(choices: Iterable[tuple[Any, Any]], selected: Any) -> str:
    """<option> elements for (value, label) pairs, the one equal to `selected` selected."""
    chosen = "" if selected is None else str(selected)
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, mark_safe(" selected") if str(value) == chosen else "", label)
            for value, label in choices
        ),
    )


@register.simple_tag
def owner_options(owners: Iterable[Any], lead: Any) -> str:
    """The owner choices of an inbox row: unassigned, the officers offered, the current owner."""
    pairs = [(u.pk, u.get_full_name() or u.get_username()) for u in owners]
    if lead.owner_id and all(pk != lead.owner_id for pk, _name in pairs):
        pairs.append((lead.owner_id, lead.owner.get_username()))
    return options([("", _("未分配")), *pairs], lead.owner_id or "")


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key)


# Sentences the system itself wrote in English into the database: score-run reasons
# (screening.tasks) and the seeded default profile's reason. They are shown in the page's
# language; any other text (a person's words) is shown as written.
SYSTEM_TEXTS: list[tuple[re.Pattern[str], Any]] = [
    (
        re.compile(r"^(\d+) lead\(s\) changed$"),
        lambda n: ngettext("%(n)s 条线索有变更", "%(n)s 条线索有变更", n) % {"n": n},
    ),
    (
        re.compile(r"^region data changed \((\d+) region\(s\)\)$"),
        lambda n: (
            ngettext("地区数据有变更（%(n)s 个地区）", "地区数据有变更（%(n)s 个地区）", n)
            % {"n": n}
        ),
    ),
    (re.compile(r"^stale scores$"), lambda: _("补算过期的分数")),
    (
        re.compile(r"^Default profile: balanced weights( \(docs/scoring\.md\))?\.$"),
        lambda *_groups: _balanced_note(),
    ),
]


def _balanced_note() -> str:
    """What the default profile weighs, said on the page rather than pointing at a file."""
    weights = PRESETS["balanced"]
    return _("默认方案：均衡权重，本地适配 %(lf)s%%、补链 %(cc)s%%、强群 %(cs)s%%。") % {
        "lf": round(100 * weights.local_fit),
        "cc": round(100 * weights.chain_completion),
        "cs": round(100 * weights.cluster_strength),
    }


@register.filter
def system_text(text: object) -> str:
    """A sentence the system stored in English, in the active language; other text as is."""
    value = "" if text is None else str(text)
    for pattern, say in SYSTEM_TEXTS:
        found = pattern.match(value)
        if found:
            return str(say(*(int(g) if g and g.isdigit() else g for g in found.groups())))
    return value


# The importer writes its reasons in English (the command line prints them as they are); the
# upload pages show them in the page's language. Each reason: its pattern, and the sentence
# in the catalogue with the pattern's named parts as placeholders. An unknown reason is shown
# as written.
REPORT_REASONS: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(pattern), message)
    for pattern, message in [
        (r"a value is required", gettext_lazy("必须填写")),
        (r"expected 1 or 0", gettext_lazy("应为 1 或 0")),
        (r"must be a whole number", gettext_lazy("必须是整数")),
        (r"must not be negative", gettext_lazy("不能为负数")),
        (r"not a number", gettext_lazy("不是数字")),
        (
            r"not a valid date \(expected YYYY-MM-DD, e\.g\. 2026-01-15\)",
            gettext_lazy("不是有效日期（应为 YYYY-MM-DD，如 2026-01-15）"),
        ),
        (r"too large", gettext_lazy("数值过大")),
        (
            r"contains a control character \(U\+(?P<code>[0-9A-F]+)\)",
            gettext_lazy("含有控制字符（U+%(code)s）"),
        ),
        (r"not one of: (?P<choices>.+)", gettext_lazy("不是以下之一：%(choices)s")),
        (
            r"too large: at most (?P<n>\d+) digits before the decimal point",
            gettext_lazy("数值过大：整数部分最多 %(n)s 位"),
        ),
        (r"too large: at most (?P<n>\S+)", gettext_lazy("数值过大：最大为 %(n)s")),
        (r"too large: the limit is (?P<n>\S+)", gettext_lazy("数值过大：上限为 %(n)s")),
        (
            r"too many decimal places: at most (?P<n>\d+)",
            gettext_lazy("小数位数过多：最多 %(n)s 位"),
        ),
        (r"file is empty, expected a header row", gettext_lazy("文件为空，应有表头行")),
        (r"outside the regions you administer", gettext_lazy("不在您管理的地区范围内")),
        (
            r"this lead is in region (?P<region>\S+), outside the regions you administer",
            gettext_lazy("该线索属于地区 %(region)s，不在您管理的地区范围内"),
        ),
        (
            r"decoded as GBK/GB18030 \(not UTF-8\); please save the file as UTF-8",
            gettext_lazy("已按 GBK/GB18030 解码（不是 UTF-8）；请将文件另存为 UTF-8"),
        ),
        (
            r"unknown lead \(not in the database or in leads\.csv\)",
            gettext_lazy("未知线索（数据库和 leads.csv 中都没有）"),
        ),
        (
            r"unknown region code \(not in the database or in regions\.csv\)",
            gettext_lazy("未知地区代码（数据库和 regions.csv 中都没有）"),
        ),
        (
            r"unknown industry code \(not in the database or in industries\.csv\)",
            gettext_lazy("未知产业代码（数据库和 industries.csv 中都没有）"),
        ),
        (
            r"unknown firm code \(not in the database or in firms\.csv\)",
            gettext_lazy("未知企业代码（数据库和 firms.csv 中都没有）"),
        ),
        (r"the column appears twice", gettext_lazy("该列出现了两次")),
        (r"required column is missing", gettext_lazy("缺少必需的列")),
        (r"ignored: not a \.csv file", gettext_lazy("已忽略：不是 .csv 文件")),
    ]
]


@register.filter
def report_reason(text: object) -> str:
    """An import report's reason in the active language (as written when not known)."""
    value = "" if text is None else str(text)
    for pattern, message in REPORT_REASONS:
        found = pattern.fullmatch(value)
        if found:
            return str(message) % found.groupdict() if found.groupdict() else str(message)
    return value


@register.filter
def table_label(name: str) -> SafeString:
    """A bundle table named for people, then its file in code font: "线索 leads.csv"."""
    table = BUNDLE_TABLES.get(name)
    if table is None:
        return format_html("<code>{}</code>", name)
    label = capfirst(str(table.model._meta.verbose_name_plural))
    return format_html("{} <code>{}</code>", label, table.filename)
