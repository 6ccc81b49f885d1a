"""Forms of the cluster and endowment editors: they read what was posted into drafts for the
write services (regions.services) and show the services' errors beside their fields.

The forms only parse types (a number, a whole number); every rule on the values is the
service's (the models' rules, which the importer and the API share), so an edit is refused
here exactly when the API or an import would refuse it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from regions.models import ClusterRole, Industry
from regions.services import MAX_ID, AnchorDraft, ClusterDraft, EndowmentDraft, MemberDraft

RowErrors = dict[str, list[str]]


class ClusterFieldsForm(forms.Form):
    """The cluster's own fields (its code and region are changed by import or the API)."""

    name = forms.CharField(label=_("名称"), required=False)
    name_en = forms.CharField(label=_("英文名称"), required=False)
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    priority = forms.BooleanField(label=_("重点集群"), required=False)
    target_capex = forms.DecimalField(label=_("年度签约投资目标（万元）"), required=False)
    target_projects = forms.IntegerField(label=_("年度落地项目目标（个）"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["aria-required"] = "true"


# A hidden field every editor form posts: without it (a hand-made or truncated post) an empty
# list would read as "remove them all", so such a post is refused instead.
LISTED = "listed"
INCOMPLETE = _("表单不完整，未保存任何内容。请重新打开编辑器。")


def new_key() -> str:
    """A key for a row added in the browser (rows are told apart by key, not position)."""
    return "n" + secrets.token_hex(4)


@dataclass
class MemberRow:
    key: str
    industry_id: int | None
    industry: Industry | None
    role: str
    removed: bool = False
    errors: RowErrors = field(default_factory=dict)

    @property
    def is_new(self) -> bool:
        return self.key.startswith("n")


@dataclass
class AnchorRow:
    key: str
    name: str = ""
    name_en: str = ""
    source: str = ""
    removed: bool = False
    errors: RowErrors = field(default_factory=dict)


@dataclass
class EndowmentRow:
    key: str
    factor: str = ""
    value: str = ""  # as typed; parsed into the draft
    source: str = ""
    removed: bool = False
    errors: RowErrors = field(default_factory=dict)


def posted_id(text: str) -> int | None:
    """A posted id, or None when it is no number a primary key can hold."""
    text = text.strip()
    value = int(text) if text.isdecimal() else None
    return value if value is not None and 0 < value <= MAX_ID else None


def read_members(data: QueryDict) -> list[MemberRow]:
    rows = []
    for key in data.getlist("member"):
        industry_id = posted_id(data.get(f"member-{key}-industry", ""))
        rows.append(
            MemberRow(
                key=key,
                industry_id=industry_id,
                industry=None,
                role=data.get(f"member-{key}-role", ClusterRole.CORE),
                removed=bool(data.get(f"member-{key}-remove")),
            )
        )
    industries = Industry.objects.in_bulk([r.industry_id for r in rows if r.industry_id])
    for row in rows:
        row.industry = industries.get(row.industry_id) if row.industry_id else None
    return rows


def read_anchors(data: QueryDict) -> list[AnchorRow]:
    return [
        AnchorRow(
            key=key,
            name=data.get(f"anchor-{key}-name", "").strip(),
            name_en=data.get(f"anchor-{key}-name_en", "").strip(),
            source=data.get(f"anchor-{key}-source", "").strip(),
            removed=bool(data.get(f"anchor-{key}-remove")),
        )
        for key in data.getlist("anchor")
    ]


def read_targets(data: QueryDict) -> list[int]:
    return [i for i in (posted_id(v) for v in data.getlist("target")) if i is not None]


def read_endowments(data: QueryDict) -> list[EndowmentRow]:
    return [
        EndowmentRow(
            key=key,
            factor=data.get(f"endowment-{key}-factor", "").strip(),
            value=data.get(f"endowment-{key}-value", "").strip(),
            source=data.get(f"endowment-{key}-source", "").strip(),
            removed=bool(data.get(f"endowment-{key}-remove")),
        )
        for key in data.getlist("endowment")
    ]


@dataclass
class ClusterEdit:
    """Everything posted by the cluster editor, its draft, and where each error goes."""

    form: ClusterFieldsForm
    members: list[MemberRow]
    anchors: list[AnchorRow]
    targets: list[int]
    target_errors: list[str] = field(default_factory=list)
    complete: bool = True  # the post carried the editor's lists (see LISTED)

    @classmethod
    def read(cls, data: QueryDict) -> ClusterEdit:
        members = read_members(data)
        member_ids = {m.industry_id for m in members if not m.removed}
        # Adding a targeted link as a member supersedes its target mark.
        targets = [t for t in read_targets(data) if t not in member_ids]
        edit = cls(ClusterFieldsForm(data), members, read_anchors(data), targets)
        edit.complete = LISTED in data
        return edit

    def kept_members(self) -> list[MemberRow]:
        return [m for m in self.members if not m.removed]

    def kept_anchors(self) -> list[AnchorRow]:
        return [a for a in self.anchors if not a.removed]

    def draft(self) -> ClusterDraft | None:
        """The draft, or None when a value could not even be read (errors are then set)."""
        if not self.form.is_valid():
            return None
        if not self.complete:
            self.form.add_error(None, str(INCOMPLETE))
            return None
        unreadable = False
        for row in self.kept_members():
            if row.industry is None:
                row.errors.setdefault("industry", []).append(str(_("未知产业。")))
                unreadable = True
        if unreadable:
            return None
        return ClusterDraft(
            fields=dict(self.form.cleaned_data),
            members=tuple(
                MemberDraft(row.industry_id, row.role)
                for row in self.kept_members()
                if row.industry_id is not None
            ),
            anchors=tuple(AnchorDraft(a.name, a.name_en, a.source) for a in self.kept_anchors()),
            target_links=tuple(self.targets),
        )

    def show(self, error: ValidationError) -> None:
        """File a service's errors beside their field or row."""
        members, anchors = self.kept_members(), self.kept_anchors()
        for key, messages in error.message_dict.items():
            head, _dot, rest = key.partition(".")
            index, _dot, name = rest.partition(".")
            if head == "members" and index.isdecimal():
                members[int(index)].errors.setdefault(name or "industry", []).extend(messages)
            elif head == "anchors" and index.isdecimal():
                anchors[int(index)].errors.setdefault(name or "name", []).extend(messages)
            elif head == "target_links":
                self.target_errors.extend(messages)
            elif head in self.form.fields:
                self.form.add_error(head, messages)
            else:
                self.form.add_error(None, messages)

    @property
    def has_errors(self) -> bool:
        rows: list[MemberRow | AnchorRow] = [*self.members, *self.anchors]
        return bool(self.form.errors or self.target_errors or any(r.errors for r in rows))


@dataclass
class EndowmentEdit:
    rows: list[EndowmentRow]
    errors: list[str] = field(default_factory=list)
    complete: bool = True

    @classmethod
    def read(cls, data: QueryDict) -> EndowmentEdit:
        return cls(read_endowments(data), complete=LISTED in data)

    def kept(self) -> list[EndowmentRow]:
        return [r for r in self.rows if not r.removed]

    def draft(self) -> list[EndowmentDraft] | None:
        if not self.complete:
            self.errors.append(str(INCOMPLETE))
            return None
        drafts, unreadable = [], False
        number = forms.FloatField(required=False)
        for row in self.kept():
            try:
                value = number.clean(row.value)
            except ValidationError as exc:
                row.errors.setdefault("value", []).extend(exc.messages)
                unreadable = True
                continue
            drafts.append(EndowmentDraft(row.factor, value, row.source))
        return None if unreadable else drafts

    def show(self, error: ValidationError) -> None:
        kept = self.kept()
        for key, messages in error.message_dict.items():
            head, _dot, rest = key.partition(".")
            index, _dot, name = rest.partition(".")
            if head == "endowments" and index.isdecimal():
                kept[int(index)].errors.setdefault(name or "factor", []).extend(messages)
            else:
                self.errors.extend(messages)

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or any(r.errors for r in self.rows))
