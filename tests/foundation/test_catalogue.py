"""One language per page (issue 15, item 2): the catalogues leave nothing untranslated or fuzzy,
and no template shows text that does not go through them.

- zh-hans: every msgid written in English (model fields, service messages, validators) has a
  Chinese translation; a msgid already in Chinese needs none (gettext falls back to it).
- en: every msgid written in Chinese has an English translation.
- No entry of either catalogue is fuzzy (a fuzzy entry is not used: the page would show the
  source language).
- Templates: text between tags and the user-visible attributes (title, aria-label, alt,
  placeholder) hold no words outside {% translate %} / {% blocktranslate %}; template
  variables are data (names in the active language come from regions.names).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
CATALOGUES = {
    "zh_Hans": BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po",
    "en": BASE / "locale" / "en" / "LC_MESSAGES" / "django.po",
}
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}|[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass
class Entry:
    msgid: str = ""
    plural: str = ""
    strings: list[str] = field(default_factory=list)
    fuzzy: bool = False
    line: int = 0


def _unquote(text: str) -> str:
    return str(ast.literal_eval(text))


def read_po(path: Path) -> list[Entry]:
    """The catalogue's live entries (obsolete "#~" ones left out), header excluded."""
    entries: list[Entry] = []
    current = Entry()
    target: str | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#,") and "fuzzy" in line:
            if current.msgid or current.strings:
                entries.append(current)
                current = Entry()
            current.fuzzy = True
        elif line.startswith("#") or line.startswith("msgctxt "):
            continue
        elif line.startswith("msgid "):
            if current.msgid or current.strings:
                entries.append(current)
                current = Entry(fuzzy=current.fuzzy and not current.msgid)
            current.msgid, current.line, target = _unquote(line[6:]), number, "msgid"
        elif line.startswith("msgid_plural "):
            current.plural, target = _unquote(line[13:]), "plural"
        elif line.startswith("msgstr"):
            current.strings.append(_unquote(line.split(" ", 1)[1]))
            target = "msgstr"
        elif line.startswith('"'):
            text = _unquote(line)
            if target == "msgid":
                current.msgid += text
            elif target == "plural":
                current.plural += text
            elif target == "msgstr":
                current.strings[-1] += text
    if current.msgid or current.strings:
        entries.append(current)
    return [entry for entry in entries if entry.msgid]


PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sdf]|<[^>]+>|&\w+;")


def source_language(msgid: str) -> str | None:
    """'zh' for a msgid with Chinese in it, 'en' for one with words, None for neither
    ("60–80", "、": the same in every language). Placeholders and markup are not words."""
    if HAN.search(msgid):
        return "zh"
    return "en" if re.search("[A-Za-z]", PLACEHOLDER.sub("", msgid)) else None


def untranslated(language: str) -> list[str]:
    """Entries whose source is in the other language and that have no translation."""
    problems = []
    for entry in read_po(CATALOGUES[language]):
        source = source_language(entry.msgid)
        needs_translation = source == ("en" if language == "zh_Hans" else "zh")
        if needs_translation and not all(entry.strings):
            problems.append(f"line {entry.line}: {entry.msgid[:70]!r}")
    return problems


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_no_msgid_is_left_untranslated(language: str) -> None:
    problems = untranslated(language)
    assert not problems, f"{len(problems)} untranslated in {language}:\n" + "\n".join(problems)


@pytest.mark.parametrize("language", list(CATALOGUES))
def test_no_entry_is_fuzzy(language: str) -> None:
    fuzzy = [f"line {e.line}: {e.msgid[:70]!r}" for e in read_po(CATALOGUES[language]) if e.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}:\n" + "\n".join(fuzzy)


def test_the_reader_finds_what_it_should() -> None:
    """The checks above rest on the reader: it must see an untranslated and a fuzzy entry."""
    sample = (
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '#, fuzzy\nmsgid "must not be negative"\nmsgstr ""\n\n'
        'msgid "保存"\nmsgstr ""\n"Save"\n\n'
        'msgid "第 %(n)s 页"\nmsgid_plural "第 %(n)s 页"\nmsgstr[0] "Page %(n)s"\nmsgstr[1] ""\n'
    )
    path = BASE / "test-artifacts" / "sample.po"
    path.parent.mkdir(exist_ok=True)
    path.write_text(sample, encoding="utf-8")
    entries = read_po(path)
    assert [(e.msgid, e.fuzzy, e.strings) for e in entries] == [
        ("must not be negative", True, [""]),
        ("保存", False, ["Save"]),
        ("第 %(n)s 页", False, ["Page %(n)s", ""]),
    ]


# --- Templates ------------------------------------------------------------------------------

TEMPLATES = BASE / "templates"
TRANSLATED_BLOCK = re.compile(
    r"{%-?\s*blocktranslate\b.*?%}.*?{%-?\s*endblocktranslate\s*-?%}", re.S
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
# Blocks that fill a class attribute of the base template, not text.
CLASS_BLOCK = re.compile(r"{%\s*block \w+_class\s*%}.*?{%\s*endblock\s*%}", re.S)
ENTITY = re.compile(r"&#?\w+;")
SCRIPT_OR_STYLE = re.compile(r"<(script|style)\b.*?</\1>", re.S | re.I)
COMMENT = re.compile(r"<!--.*?-->", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
VISIBLE_ATTRIBUTES = re.compile(r'\b(title|aria-label|alt|placeholder)="([^"]*)"')
# Text that is the same in every language: symbols, units and names of things.
SAME_IN_EVERY_LANGUAGE = {
    "LQ",  # the location quotient, named so in both languages ("集群区位商 (LQ)")
    "选",  # the brand mark in the top bar (aria-hidden; the name beside it is translated)
    "AUC",  # area under the ROC curve, so named in Chinese texts too
    "CI",  # AHP notation: consistency index and ratio, λmax, as in the literature
    "CR",
    "max",
}


def visible_words(source: str) -> list[str]:
    """Words a template shows that do not go through the catalogue."""
    text = CLASS_BLOCK.sub(" ", TRANSLATED_BLOCK.sub(" ", source))
    text = TEMPLATE_CODE.sub(" ", text)  # {% translate %}, variables, other tags, comments
    text = ENTITY.sub(" ", SCRIPT_OR_STYLE.sub(" ", COMMENT.sub(" ", text)))
    attributes = [value for _name, value in VISIBLE_ATTRIBUTES.findall(text)]
    found = []
    for chunk in [TAG.sub(" ", text), *attributes]:
        found += [w for w in WORD.findall(chunk) if w not in SAME_IN_EVERY_LANGUAGE]
    return found


def test_templates_show_no_text_outside_the_catalogue() -> None:
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        words = visible_words(path.read_text(encoding="utf-8"))
        if words:
            problems.append(f"{path.relative_to(BASE)}: {' '.join(words)[:120]}")
    assert not problems, "text outside {% translate %}:\n" + "\n".join(problems)


def test_the_scanner_finds_untranslated_text() -> None:
    source = (
        '{% load i18n %}<p title="Stage">{% translate "阶段" %} · {{ lead.company }}</p>'
        "<span>未保存</span>{% blocktranslate %}共 {{ n }} 条{% endblocktranslate %}"
        '<button aria-label="{% translate "关闭" %}">Close</button>'
    )
    assert visible_words(source) == ["未", "保", "存", "Close", "Stage"]
    assert source_language("%(label)s（%(when)s）<strong>%(then)s</strong>") is None
    assert source_language("must not be negative") == "en"
    assert source_language("%(file)s：%(reason)s") is None
