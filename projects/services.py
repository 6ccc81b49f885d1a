"""Write services for leads. Views, the API, the admin and imports change leads through here.

Each service runs in one transaction, records what a person would want to see later (stage
history, status reasons), and marks the lead's score stale when a scoring input changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.models import (
    STAGE_ORDER,
    ActivityKind,
    Lead,
    LeadActivity,
    Stage,
    StageChange,
    Status,
)
from regions.models import Firm, Industry, Region
from screening import invalidation

# Fields whose change changes the lead's score.
SCORING_FIELDS = {
    "industry",
    "industry_id",
    "region",
    "region_id",
    "capex",
    "currency",
    "jobs",
    "land_ha",
    "needs",
}
# What a lead must have filled before it may enter a stage (and every later stage).
STAGE_REQUIREMENTS: dict[str, list[str]] = {
    Stage.NEGOTIATION: ["industry", "region"],
    Stage.SIGNED: ["capex", "jobs"],
    Stage.REGISTERED: ["capex", "jobs", "land_ha"],
}


@transaction.atomic
def lead_create(
    *, user: AbstractBaseUser | None, inputs: Iterable[Industry] = (), **fields: Any
) -> Lead:
    lead = Lead(**fields)
    if lead.owner_id is None and user is not None and user.is_authenticated:
        lead.owner_id = user.pk
    lead.full_clean()
    lead.save()
    lead.input_industries.set(list(inputs))
    StageChange.objects.create(
        lead=lead,
        from_stage="",
        to_stage=lead.stage,
        changed_at=timezone.now(),
        changed_by=_user_or_none(user),
    )
    # A new lead has no score yet: it is stale by definition; enqueue it now.
    invalidation.leads_changed([lead.pk])
    invalidation.pipeline_changed([lead.pk])  # created decided (e.g. signed): decision pending
    return lead


@transaction.atomic
def lead_update(
    *,
    lead: Lead,
    user: AbstractBaseUser | None,
    inputs: Iterable[Industry] | None = None,
    **fields: Any,
) -> Lead:
    """Change fields of a lead; a stage given here goes through lead_move_stage's checks."""
    new_stage = fields.pop("stage", None)
    changed_scoring = any(getattr(lead, k) != v for k, v in fields.items() if k in SCORING_FIELDS)
    for name, value in fields.items():
        setattr(lead, name, value)
    lead.full_clean()
    lead.save()
    if inputs is not None:
        before = set(lead.input_industries.values_list("pk", flat=True))
        lead.input_industries.set(list(inputs))
        changed_scoring |= before != set(lead.input_industries.values_list("pk", flat=True))
    if new_stage and new_stage != lead.stage:
        lead_move_stage(lead=lead, user=user, to_stage=new_stage)
    if changed_scoring:
        invalidation.leads_changed([lead.pk])
    if "status" in fields:
        invalidation.pipeline_changed([lead.pk])
    return lead


@transaction.atomic
def lead_court_firm(*, firm: Firm, region: Region, user: AbstractBaseUser | None) -> Lead:
    """Make a lead of a directory firm for a region: the officer decided to court it.

    The lead carries what the prospect list scored (the firm's industry, its employees as the
    plant's jobs, nothing else known), so its score is the prospect's score; it remembers the
    firm. One lead per firm and region: a second is refused.
    """
    if Lead.all_objects.filter(firm=firm, region=region).exists():  # archived ones too
        raise ValidationError(
            {
                "firm": _("%(firm)s is already a lead of %(region)s.")
                % {"firm": firm.name, "region": region.name}
            }
        )
    return lead_create(
        user=user,
        external_id=f"P-{region.pk}-{firm.pk}",
        company=firm.name,
        firm=firm,
        industry_id=firm.industry_id,
        region=region,
        jobs=firm.employees,
        investor_origin=firm.hq_region or firm.country,
        source=_("firm directory %(id)s") % {"id": firm.code},
        received_on=timezone.localdate(),
    )


def missing_for_stage(lead: Lead, to_stage: str) -> list[str]:
    """The fields a lead still lacks for `to_stage` (requirements accumulate along the pipe)."""
    target = STAGE_ORDER.index(to_stage)
    missing: list[str] = []
    for stage, names in STAGE_REQUIREMENTS.items():
        if STAGE_ORDER.index(stage) <= target:
            missing += [
                n
                for n in names
                if getattr(lead, n if n not in {"industry", "region"} else f"{n}_id") in (None, "")
            ]
    return sorted(set(missing))


@transaction.atomic
def lead_move_stage(*, lead: Lead, user: AbstractBaseUser | None, to_stage: str) -> Lead:
    if to_stage not in STAGE_ORDER:
        raise ValidationError({"stage": _("Unknown stage %(stage)s.") % {"stage": to_stage}})
    missing = missing_for_stage(lead, to_stage)
    if missing:
        labels = ", ".join(
            str(getattr(Lead._meta.get_field(n), "verbose_name", n)) for n in missing
        )
        raise ValidationError(
            {"stage": _("Fill in %(fields)s before moving to this stage.") % {"fields": labels}}
        )
    if to_stage == lead.stage:
        return lead
    StageChange.objects.create(
        lead=lead,
        from_stage=lead.stage,
        to_stage=to_stage,
        changed_at=timezone.now(),
        changed_by=_user_or_none(user),
    )
    lead.stage = to_stage
    lead.save(update_fields=["stage", "updated_at"])
    # Reaching signed keeps the score in force as the decision score; moving back reopens.
    invalidation.pipeline_changed([lead.pk])
    return lead


@transaction.atomic
def lead_set_status(
    *, lead: Lead, user: AbstractBaseUser | None, status: str, reason: str = "", lost_to: str = ""
) -> Lead:
    if status not in Status.values:
        raise ValidationError({"status": _("Unknown status %(s)s.") % {"s": status}})
    if status in {Status.LOST, Status.ON_HOLD, Status.WITHDRAWN} and not reason.strip():
        raise ValidationError({"status_reason": _("Give a reason for this status.")})
    lead.status, lead.status_reason, lead.lost_to = status, reason.strip(), lost_to.strip()
    _clean_fields(lead, {"status_reason", "lost_to"})
    lead.save(update_fields=["status", "status_reason", "lost_to", "updated_at"])
    LeadActivity.objects.create(
        lead=lead,
        kind=ActivityKind.NOTE,
        happened_on=timezone.localdate(),
        text=_("Status set to %(status)s. %(reason)s")
        % {"status": lead.get_status_display(), "reason": reason},
        author=_user_or_none(user),
    )
    # Lost or withdrawn keeps the score in force as the decision score; reopening closes it.
    invalidation.pipeline_changed([lead.pk])
    return lead


@transaction.atomic
def lead_assign_owner(
    *, lead: Lead, user: AbstractBaseUser | None, owner: AbstractBaseUser | None
) -> Lead:
    """Give the lead to an owner (None: unassigned); a change is noted in the lead's timeline
    (who gave it from whom to whom, in the words of the language in use)."""
    before = lead.owner
    lead.owner_id = owner.pk if owner is not None else None
    if lead.owner_id == (before.pk if before is not None else None):
        return lead
    lead.save(update_fields=["owner", "updated_at"])
    LeadActivity.objects.create(
        lead=lead,
        kind=ActivityKind.NOTE,
        happened_on=timezone.localdate(),
        text=_("负责人：%(before)s → %(after)s")
        % {"before": _owner_name(before), "after": _owner_name(owner)},
        author=_user_or_none(user),
    )
    return lead


def _owner_name(user: AbstractBaseUser | None) -> str:
    return user.get_username() if user is not None else str(_("未分配"))


@transaction.atomic
def lead_add_activity(
    *,
    lead: Lead,
    user: AbstractBaseUser | None,
    kind: str,
    text: str,
    happened_on: dt.date | None = None,
) -> LeadActivity:
    if kind not in ActivityKind.values:
        raise ValidationError({"kind": _("Unknown activity kind.")})
    if not text.strip():
        raise ValidationError({"text": _("Write something.")})
    activity = LeadActivity(
        lead=lead,
        kind=kind,
        text=text.strip(),
        happened_on=happened_on or timezone.localdate(),
        author=_user_or_none(user),
    )
    activity.full_clean(exclude=["author"])  # None: written by the system, not a person
    activity.save()
    return activity


def _clean_fields(lead: Lead, names: set[str]) -> None:
    """Run the model's rules (regions.validators) on the fields a workflow action sets."""
    lead.clean_fields(exclude=[f.name for f in Lead._meta.fields if f.name not in names])


@transaction.atomic
def lead_archive(*, lead: Lead, user: AbstractBaseUser | None) -> Lead:
    """What deleting a lead does in the UI, the API and the admin: the lead leaves every list,
    ranking and shortlist (its stored score is dropped; its score history stays) and keeps its
    stage history, activities and audit trail. Archiving twice changes nothing."""
    if lead.archived_at is not None:
        return lead
    lead.archived_at = timezone.now()
    lead.save(update_fields=["archived_at", "updated_at"])
    invalidation.leads_archived([lead.pk])
    return lead


@transaction.atomic
def lead_restore(*, lead: Lead, user: AbstractBaseUser | None) -> Lead:
    """Bring an archived lead back into the lists; it is scored again."""
    if lead.archived_at is None:
        return lead
    lead.archived_at = None
    lead.save(update_fields=["archived_at", "updated_at"])
    invalidation.leads_changed([lead.pk])
    return lead


@transaction.atomic
def lead_purge(*, lead: Lead, user: AbstractBaseUser | None) -> None:
    """Delete a lead for good with its stage history and activities: superusers only (e.g. a
    record that must be erased). The audit trail keeps the deletion, who made it and the
    lead's last values."""
    if user is None or not getattr(user, "is_superuser", False):
        raise PermissionDenied(_("Only a superuser may purge a lead."))
    lead.delete()


def _user_or_none(user: AbstractBaseUser | None) -> Any:
    return user if user is not None and user.is_authenticated else None
