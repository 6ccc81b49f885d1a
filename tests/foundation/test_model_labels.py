"""Every model label reads in the page's language (issue 15, item 2).

A field without a verbose_name gets one Django derives from its name ("local fit", "history
date"): English on a Chinese page, in the admin, the history views and any form built from the
model. This walks every model of our apps, the audit-trail copies (simple-history's Historical*
models and the copies of many-to-many lists) included, and fails on a field or model name that
is not a lazy translation with a Chinese and an English text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from django.apps import apps
from django.db.models import Field, Model
from django.utils import translation
from django.utils.functional import Promise

OUR_APPS = ("screening", "regions", "projects", "shortlists")
HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
# Lower-case Latin words on a Chinese page are untranslated English; capitals are
# abbreviations the Chinese text keeps (RCA, GDP).
ENGLISH_WORD = re.compile(r"\b[a-z]{2,}\b")


def _automatic_key(model: type[Model], field: Field) -> bool:
    """Django's automatic "id" (no label can be given without declaring it on every model),
    and simple-history's copy of it."""
    original = getattr(model, "instance_type", model)
    key = original._meta.pk
    return field.name == key.name and key.auto_created


def _labels(model: type[Model]) -> Iterator[tuple[str, object]]:
    yield "(model)", model._meta.verbose_name
    yield "(plural)", model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        if field.concrete and not _automatic_key(model, field):
            yield field.name, field.verbose_name


def unreadable(label: object) -> str | None:
    """Why a label would show the wrong language, or None if it reads right in both."""
    if not isinstance(label, Promise):
        return "not a translation"
    with translation.override("zh-hans"):
        chinese = str(label)
    with translation.override("en"):
        english = str(label)
    if not HAN.search(chinese) or ENGLISH_WORD.search(chinese):
        return f"Chinese page shows {chinese!r}"
    if HAN.search(english):
        return f"English page shows {english!r}"
    return None


def _models() -> list[type[Model]]:
    return [m for app in OUR_APPS for m in apps.get_app_config(app).get_models()]


def test_every_field_and_model_name_reads_in_both_languages() -> None:
    problems = []
    for model in _models():
        for name, label in _labels(model):
            reason = unreadable(label)
            if reason:
                problems.append(f"{model._meta.label}.{name}: {reason}")
    assert problems == [], f"{len(problems)} labels:\n" + "\n".join(problems)


def test_the_walk_covers_the_audit_copies_and_the_score_records() -> None:
    names = {model.__name__ for model in _models()}
    expected = {"LeadScore", "ScoreHistory", "LeadDecision", "ShortlistEntry", "HistoricalLead"}
    assert expected <= names
    assert "HistoricalUser_groups" in names  # a copy of a many-to-many list
    history_date = apps.get_model("projects", "HistoricalLead")._meta.get_field("history_date")
    assert unreadable(history_date.verbose_name) is None


def test_the_check_tells_a_derived_or_half_translated_label() -> None:
    from django.utils.text import format_lazy
    from django.utils.translation import gettext_lazy

    assert unreadable("local fit") == "not a translation"
    assert unreadable(gettext_lazy("no such msgid anywhere")) is not None
    assert unreadable(format_lazy("historical {}", gettext_lazy("lead"))) is not None
    assert unreadable(gettext_lazy("lead")) is None
