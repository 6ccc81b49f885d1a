"""Write services for the reference data people edit: a cluster's profile and a region's
endowments (the cluster editor, the region page and the REST API all change them through
here), and choosing the scoring baseline (region-data vintage; admin and `set_baseline`).

Each service checks every value first, by the models' own rules (field limits, choices,
`regions.validators`, constraints: the rules the importer reads its column limits from), and
raises one ValidationError keyed by field, dotted for rows of a list (``members.2.role``), so
nothing is written when anything is wrong. Writes go through model saves and deletes, one row
at a time and only where something changed (row-level signals such as an audit trail see each
change), and mark the region's scores stale through screening.invalidation in the same
transaction; the recompute is enqueued on commit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from regions.models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    ClusterTargetLink,
    Endowment,
    Industry,
    Region,
    ScoringBaseline,
)
from regions.validators import first_repeat
from regions.vintages import Baseline, loaded_years, scoring_baseline
from screening import invalidation

Errors = dict[str, list[str]]
MAX_ID = 2**63 - 1  # the largest primary key (BigAutoField, signed 64-bit)


@dataclass(frozen=True)
class MemberDraft:
    industry_id: int
    role: str


@dataclass(frozen=True)
class AnchorDraft:
    name: str
    name_en: str = ""
    source: str = ""


@dataclass(frozen=True)
class ClusterDraft:
    """A cluster as an edit would leave it.

    `fields` maps Cluster fields to new values (the others keep theirs). A list left as None
    keeps the stored list; a given list replaces it (members, anchors, target links as
    industry ids).
    """

    fields: Mapping[str, Any] = field(default_factory=dict)
    members: tuple[MemberDraft, ...] | None = None
    anchors: tuple[AnchorDraft, ...] | None = None
    target_links: tuple[int, ...] | None = None


@dataclass(frozen=True)
class EndowmentDraft:
    factor: str
    value: float | None
    source: str = ""


@dataclass
class ValidCluster:
    """A draft that passed every check: unsaved model objects ready to be written."""

    cluster: Cluster
    members: list[ClusterIndustry] | None
    anchors: list[AnchorFirm] | None
    target_links: list[int] | None


def validate_cluster(cluster: Cluster | None, draft: ClusterDraft) -> ValidCluster:
    """Check a draft of a new (`cluster` None) or stored cluster; ValidationError if wrong."""
    errors: Errors = {}
    candidate = copy.copy(cluster) if cluster is not None else Cluster()
    for name, value in draft.fields.items():
        setattr(candidate, name, value)
    _collect(errors, "", candidate.full_clean)
    members = _members(candidate, draft.members, errors)
    anchors = _anchors(candidate, draft.anchors, errors)
    member_ids = (
        {m.industry_id for m in members}
        if members is not None
        else set(_stored_member_ids(cluster))
    )
    targets = _targets(draft.target_links, member_ids, errors)
    if errors:
        raise ValidationError(errors)
    return ValidCluster(candidate, members, anchors, targets)


@transaction.atomic
def cluster_save(cluster: Cluster | None, draft: ClusterDraft) -> Cluster:
    """Create or change a cluster with its lists; its region's scores (and, when the cluster
    moved, the old region's) are marked stale."""
    valid = validate_cluster(cluster, draft)
    old = Cluster.objects.filter(pk=cluster.pk).first() if cluster is not None else None
    saved = valid.cluster if cluster is None else cluster  # the caller's object, changed
    for name, value in draft.fields.items():
        setattr(saved, name, value)
    saved.save()
    if valid.members is not None:
        _replace_members(saved, valid.members)
    if valid.anchors is not None:
        _replace_anchors(saved, valid.anchors)
    if valid.target_links is not None:
        _replace_targets(saved, valid.target_links)
    saved._prefetched_objects_cache = {}  # type: ignore[attr-defined]  # lists just replaced
    invalidation.rows_written(Cluster, [o for o in (old, saved) if o is not None])
    return saved


def validate_endowments(region: Region, rows: Sequence[EndowmentDraft]) -> list[Endowment]:
    """Check a region's endowments as an edit would leave them (one row per factor)."""
    errors: Errors = {}
    stored = {e.factor: e for e in region.endowments.all()}
    candidates = []
    for i, row in enumerate(rows):
        kept = stored.get(row.factor)
        candidate = Endowment(
            pk=kept.pk if kept else None,
            region=region,
            factor=row.factor,
            value=row.value,
            source=row.source,
        )
        candidate._state.adding = kept is None  # a kept row is checked as the stored one
        _collect(errors, f"endowments.{i}.", candidate.full_clean)
        candidates.append(candidate)
    at = _repeated_at([row.factor for row in rows])
    if at is not None:
        errors.setdefault(f"endowments.{at}.factor", []).append(_("A factor is listed twice."))
    if errors:
        raise ValidationError(errors)
    return candidates


@transaction.atomic
def endowments_save(region: Region, rows: Sequence[EndowmentDraft]) -> None:
    """Replace a region's endowments with these rows; its scores are marked stale."""
    candidates = validate_endowments(region, rows)
    keep = {c.factor for c in candidates}
    touched: list[object] = []
    for gone in region.endowments.exclude(factor__in=keep):
        gone.delete()
        touched.append(gone)
    stored = {e.factor: e for e in region.endowments.all()}
    for candidate in candidates:
        old = stored.get(candidate.factor)
        if old is None or (old.value, old.source) != (candidate.value, candidate.source):
            candidate.save()
            touched.append(candidate)
    if touched:
        invalidation.rows_written(Endowment, touched)


def _collect(errors: Errors, prefix: str, check: Callable[[], None]) -> None:
    """Run a model check and file its messages under `prefix` + field name."""
    try:
        check()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            key = prefix.rstrip(".") if name == NON_FIELD_ERRORS and prefix else prefix + name
            errors.setdefault(key or NON_FIELD_ERRORS, []).extend(messages)


def _members(
    cluster: Cluster, drafts: Sequence[MemberDraft] | None, errors: Errors
) -> list[ClusterIndustry] | None:
    if drafts is None:
        return None
    members = []
    for i, draft in enumerate(drafts):
        member = ClusterIndustry(industry_id=draft.industry_id, role=draft.role)
        # Not the cluster: it may be unsaved, and the list is checked for repeats below.
        _collect(errors, f"members.{i}.", partial(member.full_clean, exclude=["cluster"]))
        members.append(member)
    at = _repeated_at([d.industry_id for d in drafts])
    if at is not None:
        errors.setdefault(f"members.{at}.industry", []).append(_("An industry is listed twice."))
    return members


def _anchors(
    cluster: Cluster, drafts: Sequence[AnchorDraft] | None, errors: Errors
) -> list[AnchorFirm] | None:
    if drafts is None:
        return None
    anchors = []
    for i, draft in enumerate(drafts):
        anchor = AnchorFirm(name=draft.name, name_en=draft.name_en, source=draft.source)
        _collect(errors, f"anchors.{i}.", partial(anchor.full_clean, exclude=["cluster"]))
        anchors.append(anchor)
    at = _repeated_at([d.name for d in drafts])
    if at is not None:
        errors.setdefault(f"anchors.{at}.name", []).append(_("An anchor firm is listed twice."))
    return anchors


def _targets(ids: Sequence[int] | None, members: set[int], errors: Errors) -> list[int] | None:
    if ids is None:
        return None
    # Only ids a primary key can hold are looked up (a database cannot even compare others).
    candidates = [i for i in ids if 0 < i <= MAX_ID]
    known = set(Industry.objects.filter(pk__in=candidates).values_list("pk", flat=True))
    for i, industry_id in enumerate(ids):
        if industry_id not in known:
            errors.setdefault(f"target_links.{i}", []).append(_("Unknown industry."))
        elif industry_id in members:
            errors.setdefault(f"target_links.{i}", []).append(
                _("A member of the cluster is not a link to fill.")
            )
    at = _repeated_at(list(ids))
    if at is not None:
        errors.setdefault(f"target_links.{at}", []).append(_("An industry is listed twice."))
    return list(ids)


def _repeated_at(keys: list[Any]) -> int | None:
    """The position of the first entry that repeats an earlier one (the row to mark)."""
    repeat = first_repeat(keys)
    return None if repeat is None else keys.index(repeat, keys.index(repeat) + 1)


def _stored_member_ids(cluster: Cluster | None) -> list[int]:
    if cluster is None or cluster.pk is None:
        return []
    return list(cluster.members.values_list("industry_id", flat=True))


def _replace_members(cluster: Cluster, members: list[ClusterIndustry]) -> None:
    stored = {m.industry_id: m for m in cluster.members.all()}
    wanted = {m.industry_id: m for m in members}
    for industry_id, old in stored.items():
        if industry_id not in wanted:
            old.delete()
    for industry_id, new in wanted.items():
        kept = stored.get(industry_id)
        if kept is None:
            new.cluster = cluster
            new.save()
        elif kept.role != new.role:
            kept.role = new.role
            kept.save(update_fields=["role"])


def _replace_anchors(cluster: Cluster, anchors: list[AnchorFirm]) -> None:
    stored = {a.name: a for a in cluster.anchors.all()}
    wanted = {a.name: a for a in anchors}
    for name, old in stored.items():
        if name not in wanted:
            old.delete()
    for name, new in wanted.items():
        kept = stored.get(name)
        if kept is None:
            new.cluster = cluster
            new.save()
        elif (kept.name_en, kept.source) != (new.name_en, new.source):
            kept.name_en, kept.source = new.name_en, new.source
            kept.save(update_fields=["name_en", "source"])


def _replace_targets(cluster: Cluster, industry_ids: list[int]) -> None:
    stored = {t.industry_id: t for t in cluster.target_links.all()}
    for industry_id, old in stored.items():
        if industry_id not in industry_ids:
            old.delete()
    for industry_id in industry_ids:
        if industry_id not in stored:
            ClusterTargetLink(cluster=cluster, industry_id=industry_id).save()


class BaselineError(ValueError):
    """A baseline year that cannot be used; the message says why."""


@transaction.atomic
def set_scoring_baseline(*, year: int | None, note: str = "") -> Baseline:
    """Choose the baseline year (None = back to the latest year) and mark every score stale.

    Raises BaselineError for a year before every loaded vintage (nothing would be dated at or
    before it, so every score would rest on undated rows alone).
    """
    years = loaded_years()
    if year is not None and years and year < years[0]:
        raise BaselineError(
            f"no region data is dated {year} or earlier (vintages loaded: "
            f"{', '.join(map(str, years))})"
        )
    ScoringBaseline.objects.update_or_create(pk=1, defaults={"year": year, "note": note})
    invalidation.measures_changed()
    return scoring_baseline()
