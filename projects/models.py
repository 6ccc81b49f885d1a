"""Investment leads: who wants to build what, where; their pipeline stage and activities."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.audit import AuditedRecords
from regions.models import TEXT, Firm, Industry, Region, known_factors
from regions.validators import (
    LONG_TEXT,
    LONG_TEXT_MAX,
    known_currency,
    known_needs,
    names_list,
    plausible_date,
)


class Stage(models.TextChoices):
    """The investment-promotion pipeline used by Chinese agencies, in order."""

    LEAD = "lead", _("线索")
    CONTACT = "contact", _("接洽/考察")
    NEGOTIATION = "negotiation", _("洽谈")
    SIGNED = "signed", _("签约")
    REGISTERED = "registered", _("注册")
    CONSTRUCTION = "construction", _("在建")
    PRODUCTION = "production", _("投产")


STAGE_ORDER: list[str] = [s.value for s in Stage]


class Status(models.TextChoices):
    ACTIVE = "active", _("跟进中")
    ON_HOLD = "on_hold", _("暂缓")
    DORMANT = "dormant", _("休眠")
    LOST = "lost", _("流失")
    WITHDRAWN = "withdrawn", _("撤回")


class InvestorType(models.TextChoices):
    PRIVATE = "private", _("民营")
    SOE = "soe", _("国有")
    FOREIGN = "foreign", _("外资")
    JV = "jv", _("合资")
    OTHER = "other", _("其他")


class LeadQuerySet(models.QuerySet["Lead"]):
    def in_regions(self, region_ids: list[int]) -> LeadQuerySet:
        return self.filter(region_id__in=region_ids)

    def active(self) -> LeadQuerySet:
        return self.filter(status=Status.ACTIVE)


_LeadManager = models.Manager.from_queryset(LeadQuerySet)


class CurrentLeadManager(_LeadManager["Lead"]):
    """Leads not archived: every list, ranking, shortlist, score run and page reads these."""

    def get_queryset(self) -> LeadQuerySet:
        return cast(LeadQuerySet, super().get_queryset().filter(archived_at__isnull=True))


class Lead(models.Model):
    """An incoming investment project aimed at one target region.

    Amounts are in 10,000 units of `currency` (万元), as agencies report them. NULL amounts are
    unknown, and scoring treats them as unknown (lower confidence), never as zero.
    """

    external_id = models.CharField(_("external id"), max_length=64, unique=True, validators=TEXT)
    company = models.CharField(_("company"), max_length=200, validators=TEXT)
    investor_origin = models.CharField(
        _("investor origin"), max_length=100, blank=True, validators=TEXT
    )
    investor_type = models.CharField(
        _("investor type"), max_length=10, choices=InvestorType.choices, blank=True
    )
    # No automatic FK indexes on industry and owner: Meta.indexes declares the same ones
    # (lead_industry, lead_owner); duplicates only slow down bulk imports.
    industry = models.ForeignKey(
        Industry,
        on_delete=models.PROTECT,
        related_name="leads",
        db_index=False,
        verbose_name=_("industry"),
    )
    products = models.TextField(
        _("products"), blank=True, max_length=LONG_TEXT_MAX, validators=LONG_TEXT
    )
    input_industries = models.ManyToManyField(
        Industry, blank=True, related_name="leads_buying", verbose_name=_("input industries")
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="leads", verbose_name=_("target region")
    )
    capex = models.DecimalField(
        _("capex (10k)"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, default="CNY", validators=[known_currency]
    )
    jobs = models.PositiveIntegerField(_("jobs"), null=True, blank=True)
    land_ha = models.DecimalField(
        _("land need (ha)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    power_mw = models.DecimalField(
        _("power need (MW)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    needs = models.JSONField(_("needs"), default=list, blank=True, validators=[names_list])
    source = models.CharField(_("source"), max_length=200, blank=True, validators=TEXT)
    # The directory firm this lead was made from when an officer chose to court it (prospects).
    firm = models.ForeignKey(
        Firm,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="leads",
        verbose_name=_("firm"),
    )
    received_on = models.DateField(
        _("received on"), null=True, blank=True, validators=[plausible_date]
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices, default=Stage.LEAD)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(
        _("status reason"), max_length=300, blank=True, validators=TEXT
    )
    lost_to = models.CharField(
        _("lost to (where it went)"), max_length=200, blank=True, validators=TEXT
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_leads",
        verbose_name=_("owner"),
        db_index=False,
    )
    # Bumped (F() + 1) by every write that changes a scoring input of this lead; a stored
    # score remembers the revision it was computed from, so an edit made while a worker is
    # computing can never be lost: the older revision stays visibly stale.
    score_revision = models.PositiveIntegerField(_("score revision"), default=1, editable=False)
    # A lead is archived, never deleted, by the UI, the API and the admin: it leaves every list,
    # ranking and shortlist (its stored score is dropped) and keeps its stage history,
    # activities and audit trail. Only a superuser may purge it in the admin (recorded too).
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # `objects` (the default manager: every list, page, ranking and score run) sees current
    # leads only; `all_objects` archived ones too (the admin, imports matching external ids).
    objects = CurrentLeadManager()
    all_objects = _LeadManager()
    # Every change of a lead's fields (owner, stage and status included) and of its input
    # industries, with who, when and through which path (regions.audit). The score revision and
    # the update time are bookkeeping, not changes anyone made.
    history = AuditedRecords(
        excluded_fields=["score_revision", "updated_at"], m2m_fields=["input_industries"]
    )

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["region", "stage"], name="lead_region_stage"),
            models.Index(fields=["region", "status"], name="lead_region_status"),
            models.Index(fields=["owner"], name="lead_owner"),
            models.Index(fields=["received_on"], name="lead_received_on"),
            models.Index(fields=["industry"], name="lead_industry"),
            # The API pages a region's leads by id; the lead page looks up the same company
            # courted by other regions.
            models.Index(fields=["region", "id"], name="lead_region_id"),
            models.Index(fields=["company"], name="lead_company"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(capex__gte=0) | Q(capex__isnull=True), name="lead_capex_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(land_ha__gte=0) | Q(land_ha__isnull=True),
                name="lead_land_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(power_mw__gte=0) | Q(power_mw__isnull=True),
                name="lead_power_non_negative",
            ),
            models.CheckConstraint(condition=Q(stage__in=STAGE_ORDER), name="lead_stage_valid"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in Status]), name="lead_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.external_id})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # score_revision only ever moves forward through F() + 1 (screening.invalidation). A
        # plain save of an instance loaded earlier would write its old value back and could
        # make an outdated stored score look current, so updates never write that column.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "score_revision"
            ]
        elif kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = [f for f in kwargs["update_fields"] if f != "score_revision"]
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Needs name endowment factors; the importer checks the same set (plus the factors
        # its endowments file adds), so a need saved here is one an import accepts.
        if isinstance(self.needs, list) and self.needs:
            try:
                known_needs(self.needs, known_factors())
            except ValidationError as exc:
                raise ValidationError({"needs": exc.messages}) from exc


class ActivityKind(models.TextChoices):
    NOTE = "note", _("备注")
    VISIT = "visit", _("考察")
    MEETING = "meeting", _("会谈")
    CALL = "call", _("电话")


class LeadActivity(models.Model):
    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="activities", verbose_name=_("lead")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ActivityKind.choices)
    happened_on = models.DateField(_("date"), validators=[plausible_date])
    text = models.TextField(_("text"), max_length=LONG_TEXT_MAX, validators=LONG_TEXT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["-happened_on", "-created_at"]
        verbose_name = _("lead activity")
        verbose_name_plural = _("lead activities")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.happened_on}"


class StageChange(models.Model):
    """One move of a lead between stages, so time-in-stage can be reported."""

    lead = models.ForeignKey(
        Lead, on_delete=models.CASCADE, related_name="stage_changes", verbose_name=_("lead")
    )
    from_stage = models.CharField(_("from stage"), max_length=16, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to stage"), max_length=16, choices=Stage.choices)
    changed_at = models.DateTimeField(_("changed at"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        ordering = ["changed_at"]
        indexes = [models.Index(fields=["lead", "changed_at"], name="stage_change_lead_time")]
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")

    def __str__(self) -> str:
        # The admin's inline heads each row with this: stage names, not codes.
        before = self.get_from_stage_display() if self.from_stage else _("新建")
        return f"{before} → {self.get_to_stage_display()}"
