"""The Django admin speaks the page's language: column headers and field labels are translated.

Issue 15 found INDUSTRY, REGION and FROM STAGE in the Chinese admin: foreign keys and a few
fields had no verbose_name, so Django derived an English one from the field name.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field, Model
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from tests.ui.scenario import Scenario

APPS = {"regions", "projects", "screening", "shortlists"}


def _names(entries: object) -> Iterator[str]:
    for entry in entries or ():  # type: ignore[attr-defined]
        if isinstance(entry, str):
            yield entry.split("__")[0]
        elif isinstance(entry, tuple) and isinstance(entry[0], str):
            yield entry[0].split("__")[0]


def _shown_fields() -> Iterator[tuple[type[Model], Field[object, object] | object]]:
    """Every model field a registered admin of our apps shows as a column, filter or inline."""
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in APPS:
            continue
        shown = [(model, name) for name in _names(model_admin.list_display)]
        shown += [(model, name) for name in _names(model_admin.list_filter)]
        for inline in model_admin.inlines:
            names = list(_names(inline.readonly_fields)) + list(_names(inline.fields))
            shown += [(inline.model, name) for name in names]
        for owner, name in shown:
            try:
                yield owner, owner._meta.get_field(name)
            except FieldDoesNotExist:
                continue  # a method or annotation column: labelled by its own description


def test_every_field_the_admin_shows_has_a_translated_label() -> None:
    untranslated = []
    checked = 0
    for model, field in _shown_fields():
        label = getattr(field, "verbose_name", None)
        with translation.override("en"):
            english = str(label)
        with translation.override("zh-hans"):
            chinese = str(label)
        checked += 1
        if not isinstance(label, Promise) or chinese == english:
            untranslated.append(f"{model.__name__}.{getattr(field, 'name', '?')}: {english}")
    assert checked > 20  # the walk found the admin's columns, not an empty registry
    assert untranslated == []


def _header(body: str, column: str) -> str:
    match = re.search(rf'<th[^>]*class="[^"]*column-{column}[^"]*"[^>]*>(.*?)</th>', body, re.S)
    assert match, f"no column {column}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def test_admin_changelists_show_chinese_column_headers(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    client = client_for("admin")
    leads = client.get(reverse("admin:projects_lead_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert leads.status_code == 200
    assert _header(leads.content.decode(), "industry") == "产业"
    plants = client.get(reverse("admin:regions_regionindustry_changelist"))
    body = plants.content.decode()
    assert _header(body, "region") == "地区"
    assert _header(body, "industry") == "产业"


def test_the_stage_history_inline_has_chinese_headers(
    scenario: Scenario, client_for: Callable[[str], Client]
) -> None:
    lead = scenario.leads["battery"]
    body = client_for("admin").get(reverse("admin:projects_lead_change", args=[lead.pk]))
    text = body.content.decode()
    for label in ("原阶段", "新阶段", "变更时间", "变更人"):
        assert label in text
    assert "From stage" not in text and "Changed by" not in text


# Every model of every app, the audit-trail copies included: tests/foundation/test_model_labels.py.
FULLY_LABELLED_APPS = ("regions", "projects")


def test_every_field_of_the_reference_and_lead_models_has_a_translated_label() -> None:
    from django.apps import apps

    untranslated = []
    for app in FULLY_LABELLED_APPS:
        for model in apps.get_app_config(app).get_models():
            if model.__name__.startswith("Historical"):
                continue
            labels = [("", model._meta.verbose_name), ("(plural)", model._meta.verbose_name_plural)]
            labels += [
                (field.name, field.verbose_name)
                for field in model._meta.get_fields()
                if field.concrete and not field.auto_created  # the automatic "id" is not shown
            ]
            for name, label in labels:
                with translation.override("en"):
                    english = str(label)
                with translation.override("zh-hans"):
                    chinese = str(label)
                if not isinstance(label, Promise) or chinese == english:
                    untranslated.append(f"{model.__name__}.{name}: {english}")
    assert untranslated == []
