"""What changed, field by field: the audit trail (regions.audit) of a lead or a cluster, read as
a list of changes, newest first. The lead page's and cluster page's history panels and the
/changes/ endpoints show the same list.

A change is one field of one row: who, when, through which path (and import batch), the old and
the new value. Old values come from the row's previous historical copy; a row created shows as
one "created" change, a row deleted as one "deleted" change. The first copy of a row that
existed before the audit trail was installed has no previous copy: it shows as "recorded"
(values as they were then, earlier values unknown). A lead's changes include its activities; a
cluster's include its members, anchor firms and target links.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from simple_history.models import HistoricalRecords

from projects.models import Lead, LeadActivity
from projects.money import format_exact_amount
from regions.audit import Via
from regions.models import AnchorFirm, Cluster, ClusterIndustry, ClusterTargetLink, Industry
from regions.names import is_english, local_name
from screening.scoring import factor_name

CREATED, CHANGED, DELETED, RECORDED = "created", "changed", "deleted", "recorded"
_ACTION = {"+": CREATED, "~": CHANGED, "-": DELETED}


@dataclass(frozen=True)
class Change:
    """One change of one field (or the creation or deletion of a row, `field` empty).

    `old`/`new` are the stored values made JSON-safe (ids for references, codes for choices,
    decimals as text); `old_label`/`new_label` are what a person reads, in the active language.
    """

    history_id: int
    at: dt.datetime
    user: str | None
    via: str
    batch: str
    subject: str  # "lead", "activity", "cluster", "member", "anchor", "target_link"
    subject_id: int
    subject_label: str
    action: str
    field: str
    field_label: str
    old: Any
    new: Any
    old_label: str
    new_label: str

    @property
    def via_label(self) -> str:
        return str(Via(self.via).label) if self.via in Via.values else self.via

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))

    @property
    def subject_name(self) -> str:
        return str(SUBJECT_NAMES.get(self.subject, self.subject))

    @property
    def is_part(self) -> bool:
        """A row belonging to the page's object (an activity, a member), not the object."""
        return self.subject not in {"lead", "cluster"}


ACTION_LABELS: dict[str, Any] = {
    CREATED: gettext_lazy("新建"),
    CHANGED: gettext_lazy("修改"),
    DELETED: gettext_lazy("删除"),
    RECORDED: gettext_lazy("记录"),
}
SUBJECT_NAMES: dict[str, Any] = {
    "lead": pgettext_lazy("change subject", "线索"),
    "activity": pgettext_lazy("change subject", "跟进记录"),
    "cluster": pgettext_lazy("change subject", "集群"),
    "member": pgettext_lazy("change subject", "成员产业"),
    "anchor": pgettext_lazy("change subject", "龙头企业"),
    "target_link": pgettext_lazy("change subject", "目标链环"),
}
ACTIVITY_EXCERPT = 40  # characters of an activity's text named in its changes


def lead_changes(lead_id: int) -> list[Change]:
    """Every change of a lead and of its activities, newest first."""
    return _newest_first(
        [
            *_changes("lead", Lead, {"id": lead_id}, label=lambda row: row.company),
            *_changes(
                "activity",
                LeadActivity,
                {"lead_id": lead_id},
                label=_activity_label,
            ),
        ]
    )


def cluster_changes(cluster_id: int) -> list[Change]:
    """Every change of a cluster, its members, anchor firms and target links, newest first."""
    scope = {"cluster_id": cluster_id}
    return _newest_first(
        [
            *_changes("cluster", Cluster, {"id": cluster_id}, label=local_name),
            *_changes("member", ClusterIndustry, scope, label=_industry_label),
            *_changes("anchor", AnchorFirm, scope, label=local_name),
            *_changes("target_link", ClusterTargetLink, scope, label=_industry_label),
        ]
    )


def _newest_first(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.at, c.history_id), reverse=True)


def _activity_label(row: Any) -> str:
    text = " ".join(row.text.split())
    short = text if len(text) <= ACTIVITY_EXCERPT else text[: ACTIVITY_EXCERPT - 1] + "…"
    return f"{row.get_kind_display()} · {short}"


def _industry_label(row: Any) -> str:
    return _row_label(Industry, row.industry_id)


def _changes(subject: str, model: type[models.Model], scope: dict[str, int], label: Any) -> list:
    """The changes of the rows of `model` matching `scope`, from their historical copies."""
    history = model.history  # type: ignore[attr-defined]
    copies = list(
        history.filter(**scope).select_related("history_user").order_by("history_date", "pk")
    )
    if not copies:
        return []
    fields = [f for f in history.model.tracked_fields if f.editable and not f.primary_key]
    m2m = _m2m_values(history.model, copies)
    labels = _Labels()
    previous: dict[int, Any] = {}
    found: list[Change] = []
    pk_name = model._meta.pk.attname
    for copy in copies:
        row_id = getattr(copy, pk_name)
        before = previous.get(row_id)
        previous[row_id] = copy
        head = _Head(copy, subject, row_id, label(copy))
        action = _ACTION.get(copy.history_type, CHANGED)
        if action != CHANGED or before is None:
            found.append(head.change(RECORDED if action == CHANGED else action))
            continue
        for field in fields:
            old, new = getattr(before, field.attname), getattr(copy, field.attname)
            if old != new:
                found.append(head.field_change(field, old, new, labels, (before, copy)))
        for field, values in m2m.items():
            old, new = values.get(before.pk, []), values.get(copy.pk, [])
            if sorted(old) != sorted(new):
                found.append(head.field_change(field, sorted(old), sorted(new), labels))
    return found


def _m2m_values(historical: Any, copies: Sequence[Any]) -> dict[Any, dict[int, list[int]]]:
    """Per many-to-many field, the related ids each historical copy recorded."""
    values: dict[Any, dict[int, list[int]]] = {}
    for field in getattr(historical, "_history_m2m_fields", ()):
        m2m_model = HistoricalRecords.m2m_models[field]
        target = f"{field.m2m_reverse_field_name()}_id"
        found: dict[int, list[int]] = defaultdict(list)
        rows = m2m_model.objects.filter(history_id__in=[c.pk for c in copies])
        for history_id, related in rows.values_list("history_id", target):
            found[history_id].append(related)
        values[field] = found
    return values


@dataclass
class _Head:
    """Who, when, how and what row: the part every change of one historical copy shares."""

    copy: Any
    subject: str
    row_id: int
    row_label: str

    def change(self, action: str, **fields: Any) -> Change:
        values: dict[str, Any] = {
            "field": "",
            "field_label": "",
            "old": None,
            "new": None,
            "old_label": "",
            "new_label": "",
        } | fields
        user = self.copy.history_user
        return Change(
            history_id=self.copy.pk,
            at=self.copy.history_date,
            user=user.get_username() if user is not None else None,
            via=self.copy.history_via,
            batch=self.copy.history_batch,
            subject=self.subject,
            subject_id=self.row_id,
            subject_label=self.row_label,
            action=action,
            **values,
        )

    def field_change(
        self,
        field: Any,
        old: Any,
        new: Any,
        labels: _Labels,
        copies: tuple[Any, Any] = (None, None),
    ) -> Change:
        if field.name == "capex":  # an amount reads with the currency it was given in
            return self.change(
                CHANGED,
                field=field.name,
                field_label=str(CAPEX_LABEL),
                old=_json_safe(old),
                new=_json_safe(new),
                old_label=_amount(old, copies[0]),
                new_label=_amount(new, copies[1]),
            )
        return self.change(
            CHANGED,
            field=field.name,
            field_label=str(field.verbose_name),
            old=_json_safe(old),
            new=_json_safe(new),
            old_label=labels.of(field, old),
            new_label=labels.of(field, new),
        )


CAPEX_LABEL = gettext_lazy("投资额")


def _amount(value: Any, copy: Any) -> str:
    """A lead's capex in the currency of that version, every digit kept ("12,000.5 万美元",
    "USD 120.005 m": an audit trail shows what was entered, not a rounded display figure)."""
    if value is None:
        return "—"
    return format_exact_amount(value, getattr(copy, "currency", ""), english=is_english())


def _json_safe(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


class _Labels:
    """Display text of stored values; referenced rows are looked up once each."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type[models.Model], int], str] = {}

    def of(self, field: Any, value: Any) -> str:
        if value is None or value == "" or value == []:
            return "—"
        if field.many_to_many:
            return ", ".join(self.reference(field, v) for v in value)
        if field.is_relation:
            return self.reference(field, value)
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.name == "needs":
            return ", ".join(factor_name(name, "en" if is_english() else "zh") for name in value)
        if isinstance(value, bool):
            return _("是") if value else _("否")
        if isinstance(value, list | dict):
            return json.dumps(value, ensure_ascii=False)
        return str(_json_safe(value))

    def reference(self, field: Any, pk: int) -> str:
        model = field.related_model
        key = (model, pk)
        if key not in self._cache:
            self._cache[key] = _row_label(model, pk)
        return self._cache[key]


def _row_label(model: type[models.Model], pk: int) -> str:
    row = model._default_manager.filter(pk=pk).first()
    if row is None:
        return _("#%(id)s（已删除）") % {"id": pk}
    if model is get_user_model():
        return str(row.get_username())  # type: ignore[attr-defined]
    code = getattr(row, "code", "")
    name = local_name(row) if hasattr(row, "name") else str(row)
    return f"{name} ({code})" if code else name


@dataclass(frozen=True)
class ChangeGroup:
    """The changes one save made to one row (the history panels show one entry per save)."""

    head: Change
    fields: list[Change]


def grouped(changes: Sequence[Change]) -> list[ChangeGroup]:
    """Consecutive changes of one historical record (they are adjacent, newest first) as one
    group; a creation, deletion or "recorded" entry is a group without fields."""
    groups: list[ChangeGroup] = []
    for change in changes:
        if groups and groups[-1].head.history_id == change.history_id:
            groups[-1].fields.append(change)
        else:
            groups.append(ChangeGroup(change, [change] if change.field else []))
    return groups


@dataclass(frozen=True)
class HistoryPanel:
    """What a page's history panel shows: the newest groups, and whether there are more."""

    groups: list[ChangeGroup]
    total: int
    more: bool


def history_panel(changes: Sequence[Change], *, show_all: bool, limit: int = 20) -> HistoryPanel:
    groups = grouped(changes)
    shown = groups if show_all else groups[:limit]
    return HistoryPanel(shown, len(groups), len(shown) < len(groups))
