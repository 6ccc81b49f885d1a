"""The audit trail: who changed what, when, through which path, with old and new values.

Every model a user can change is registered with `AuditedRecords` (django-simple-history):
each save and delete of a row writes a historical copy of it with the user, the time, the path
(`via`: the browser UI, the REST API, the Django admin, an import, or the system) and, for
imports, the batch id. Old and new values of a change are two consecutive copies of the row
(screening.selectors.changes turns them into field-level changes).

Why django-simple-history: it keeps one ordinary table per audited model, written in the
writer's own transaction by plain ORM saves, so it works the same on the embedded SQLite
default and on PostgreSQL (pghistory needs PostgreSQL triggers), the history is queryable with
the ORM per object (the /changes/ endpoints filter by lead or cluster id on indexed columns),
and bulk paths can write their rows with one bulk insert (`record_bulk`). django-reversion
stores whole serialised revisions (JSON blobs): diffing needs deserialising every version, and
nothing records a row written outside a revision block. django-auditlog stores a diff per
save, but has no bulk API and a JSON diff cannot be filtered by the cluster a member belonged
to.

The path and the batch come from a context (a context variable, so it is per thread and per
task): the request middleware (`screening.config.audit.AuditMiddleware`) installs the request,
and `acting(via=…, batch=…)` marks a block of writes, e.g. an import. Both are read when a
historical row is built, as the default values of its `history_via` and `history_batch`.
"""

from __future__ import annotations

import contextvars
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from django.apps import apps
from django.db import models
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Via(models.TextChoices):
    """Through which path a change was made."""

    UI = "ui", _("网页")
    API = "api", _("接口")
    ADMIN = "admin", _("管理后台")
    IMPORT = "import", _("导入")
    SYSTEM = "system", _("系统")


@dataclass(frozen=True)
class AuditContext:
    request: HttpRequest | None = None
    via: str | None = None  # None: from the request (UI, API or admin), else the system
    batch: str = ""
    user: Any = None  # who acts when no signed-in request does (a command's user, if any)


_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "xs_audit",
    default=AuditContext(),  # noqa: B039 - immutable default
)


@contextmanager
def in_request(request: HttpRequest) -> Iterator[None]:
    """Writes inside this block were made by the request's user, through its path."""
    token = _context.set(replace(_context.get(), request=request))
    try:
        yield
    finally:
        _context.reset(token)


@contextmanager
def acting(*, via: str, batch: str = "", user: Any = None) -> Iterator[str]:
    """Writes inside this block were made through `via` (e.g. an import with its batch id);
    the request's user still counts unless `user` is given. Yields the batch id."""
    outer = _context.get()
    token = _context.set(replace(outer, via=via, batch=batch, user=user or outer.user))
    try:
        yield batch
    finally:
        _context.reset(token)


def new_batch_id() -> str:
    """A fresh import batch id (32 hex digits, like an upload token)."""
    return uuid.uuid4().hex


def current_via() -> str:
    """The path of the writes now being made (the default of `history_via`)."""
    context = _context.get()
    if context.via:
        return context.via
    return _via_of(context.request) if context.request is not None else Via.SYSTEM


def current_batch() -> str:
    """The import batch of the writes now being made, or "" (the default of `history_batch`)."""
    return _context.get().batch


def current_user(instance: Any = None, request: Any = None, **kwargs: Any) -> Any:
    """Who is making the writes now: the signed-in user of the request (DRF's token user too:
    DRF sets it on the underlying request), else the context's user, else nobody."""
    context = _context.get()
    user = getattr(context.request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    return context.user


def _via_of(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    namespaces = set(match.namespaces) if match is not None else set()
    if "admin" in namespaces:
        return Via.ADMIN
    if "v1" in namespaces or request.path_info.startswith("/api/"):
        return Via.API
    return Via.UI


class AuditFields(models.Model):
    """What every historical row adds to simple-history's who/when/type: the path and batch."""

    history_via = models.CharField(
        _("via"), max_length=8, choices=Via.choices, default=current_via, db_index=True
    )
    history_batch = models.CharField(
        _("import batch"), max_length=64, blank=True, default=current_batch, db_index=True
    )

    class Meta:
        abstract = True


def _label(field: models.Field, label: Any) -> None:
    """Label a field made without one, as if the label had been given to its constructor
    (`_verbose_name` is what the field's deconstruction, hence its migrations, records)."""
    field.verbose_name = field._verbose_name = label  # type: ignore[attr-defined]


def _model_label(link: Any) -> str:
    """The verbose name of the model a link points to, looked up when shown: the link of an
    automatic through table may still name its model as a string while models load."""

    def label() -> str:
        target = link.remote_field.model
        model = apps.get_model(target) if isinstance(target, str) else target
        return str(model._meta.verbose_name)

    return lazy(label, str)()


class AuditedRecords(HistoricalRecords):
    """simple-history's HistoricalRecords with the path and batch, the context's user, and
    saves that only touch bookkeeping columns (`ignored_updates`, e.g. a login's last_login)
    left out."""

    def __init__(self, *, ignored_updates: Sequence[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("bases", [AuditFields])
        kwargs.setdefault("get_user", current_user)
        super().__init__(**kwargs)
        self.ignored_updates = frozenset(ignored_updates) | frozenset(
            kwargs.get("excluded_fields") or ()
        )

    # simple-history leaves its own columns unlabelled (Django derives "history date" from the
    # name) and names a copy "historical <name>" in the language active at import time, so a
    # Chinese page would read English or a mix; they are labelled here like our own fields.
    HISTORY_LABELS = {
        "history_id": _("history record id"),
        "history_date": _("changed at"),
        "history_change_reason": _("change reason"),
        "history_type": _("change type"),
        "history_user": _("changed by"),
        "history": _("history record"),
        "m2m_history_id": _("history record id"),
    }

    def get_extra_fields(self, model: type[models.Model], fields: Any) -> dict[str, Any]:
        return self._labelled(super().get_extra_fields(model, fields))

    def get_extra_fields_m2m(
        self, model: type[models.Model], through_model: type[models.Model], fields: Any
    ) -> dict[str, Any]:
        # The copied links of an automatic through table ("lead", "industry") carry no label.
        for name, field in fields.items():
            if isinstance(field, models.ForeignKey):
                _label(field, _model_label(through_model._meta.get_field(name)))
        return self._labelled(super().get_extra_fields_m2m(model, through_model, fields))

    def _labelled(self, extra: dict[str, Any]) -> dict[str, Any]:
        for name, label in self.HISTORY_LABELS.items():
            if isinstance(extra.get(name), models.Field):
                _label(extra[name], label)
        return extra

    def get_meta_options(self, model: type[models.Model]) -> dict[str, Any]:
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy(_("history of {}"), model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy(
                _("history of {}"), model._meta.verbose_name_plural
            )
        return options

    def get_meta_options_m2m(self, through_model: type[models.Model]) -> dict[str, Any]:
        owner, target = (
            _model_label(field)
            for field in through_model._meta.local_fields
            if isinstance(field, models.ForeignKey)
        )
        name = format_lazy(_("history of {owner}: {target}"), owner=owner, target=target)
        options = super().get_meta_options_m2m(through_model)
        return {**options, "verbose_name": name, "verbose_name_plural": name}

    def post_save(self, instance: Any, created: bool, using: Any = None, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if not created and update_fields and set(update_fields) <= self.ignored_updates:
            return
        super().post_save(instance, created, using=using, **kwargs)


def record_bulk(model: type[models.Model], pks: Sequence[int], *, created: bool) -> int:
    """Write the history of rows a bulk path (an import) just created or updated.

    The rows are read back as stored (an upsert's objects hold only the file's columns) and
    their historical copies written with one bulk insert per chunk, many-to-many lists too
    (a lead's input industries). Returns how many historical rows were written.
    """
    history = getattr(model, "history", None)
    if history is None or not pks:
        return 0
    user = current_user()
    written = 0
    for start in range(0, len(pks), BULK_CHUNK):
        # The base manager: a default manager may hide rows (archived leads) an import updates.
        rows = list(model._base_manager.filter(pk__in=pks[start : start + BULK_CHUNK]))
        copies = history.bulk_history_create(
            rows, batch_size=BULK_CHUNK, update=not created, default_user=user
        )
        _record_m2m(model, history.model, copies or [])
        written += len(rows)
    return written


BULK_CHUNK = 1000


def _record_m2m(model: type[models.Model], historical: Any, copies: list[Any]) -> None:
    """The many-to-many lists of freshly written historical copies, as simple-history's own
    saves record them (one row per related object, pointing at the copy)."""
    for field in getattr(historical, "_history_m2m_fields", ()):
        m2m_model = HistoricalRecords.m2m_models[field]
        through = field.remote_field.through
        source = f"{field.m2m_field_name()}_id"
        target = f"{field.m2m_reverse_field_name()}_id"
        pk = model._meta.pk.attname
        copy_of = {getattr(copy, pk): copy for copy in copies}
        links = through.objects.filter(**{f"{source}__in": list(copy_of)}).values_list(
            "id", source, target
        )
        m2m_model.objects.bulk_create(
            [
                m2m_model(history=copy_of[owner], id=link_id, **{source: owner, target: related})
                for link_id, owner, related in links
            ],
            batch_size=BULK_CHUNK,
        )
