"""Stored scores, their history, scoring profiles, score runs and the shared data version."""

from __future__ import annotations

import simple_history
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.audit import AuditedRecords
from screening.scoring import SubScoreWeights


class DataVersion(models.Model):
    """One row: the version of the shared measures (region-industry data and chain links).

    Changing those changes RCA, proximity and density for every region, so instead of marking
    a million leads stale row by row the version is bumped once; a stored score computed under
    an older version is stale by comparison.
    """

    measures_version = models.PositiveIntegerField(_("measures version"), default=1)
    # The firm directory (firms, plants): no stored score depends on it, but prospect lists
    # keep the directory in memory per process and reload it when this moves.
    firms_version = models.PositiveIntegerField(_("firm directory version"), default=1)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"measures v{self.measures_version}"


# The built-in presets' names (screening.scoring.PRESETS) as people read them; a profile a
# person named keeps that name.
PRESET_LABELS = {
    "balanced": _("均衡"),
    "soil_first": _("因地制宜优先"),
    "chain_first": _("补链优先"),
    "cluster_first": _("强群优先"),
}


class ScoringProfile(models.Model):
    """Named, versioned weights of the three sub-scores; a profile may belong to a region.

    ``pull_share`` is the share of anchor pull within cluster strengthening (the rest is
    strengthening an existing cluster; docs/scoring.md). A change of weights is saved as a new
    version (who, when, why); the newest active version of a name is the one in force.
    """

    name = models.CharField(_("name"), max_length=80)
    version = models.PositiveIntegerField(_("version"), default=1)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="scoring_profiles",
        verbose_name=_("region"),
    )
    local_fit = models.FloatField(_("local fit weight"))
    chain_completion = models.FloatField(_("chain completion weight"))
    cluster_strength = models.FloatField(_("cluster strengthening weight"))
    pull_share = models.FloatField(
        _("share of anchor pull in cluster strengthening"),
        default=0.5,
        help_text=_("0–1; the rest is strengthening an existing cluster."),
    )
    is_active = models.BooleanField(_("in force"), default=True)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = AuditedRecords()

    class Meta:
        ordering = ["name", "-version"]
        verbose_name = _("scoring profile")
        verbose_name_plural = _("scoring profiles")
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="profile_version_unique"),
            models.CheckConstraint(
                condition=Q(local_fit__gte=0)
                & Q(chain_completion__gte=0)
                & Q(cluster_strength__gte=0),
                name="profile_weights_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(pull_share__gte=0) & Q(pull_share__lte=1),
                name="profile_pull_share_0_1",
            ),
            # At most one profile in force per region, and one default (region NULL).
            models.UniqueConstraint(
                fields=["region"], condition=Q(is_active=True), name="profile_one_active_per_region"
            ),
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, region__isnull=True),
                name="profile_one_active_default",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} v{self.version}"

    @property
    def display_name(self) -> str:
        """The name in the page's language for a built-in preset, as named otherwise."""
        return str(PRESET_LABELS.get(self.name, self.name))

    def weights(self) -> tuple[float, float, float]:
        return (self.local_fit, self.chain_completion, self.cluster_strength)

    def sub_score_weights(self) -> SubScoreWeights:
        """The profile's weights, normalised to sum 1, with its share of pull in cluster."""
        return SubScoreWeights.normalised(*self.weights(), pull_share=self.pull_share)


# The figures a stored score carries, and the version stamps that say what it was computed
# from: one list for the score store, the decision records and the backtest.
SCORE_FIELDS = [
    "local_fit",
    "chain_completion",
    "cluster_strength",
    "strengthen",
    "pull",
    "total",
    "confidence",
]
STAMP_FIELDS = ["profile_id", "lead_revision", "region_version", "measures_version"]


class LeadScore(models.Model):
    """The stored score of a lead in its target region, with the versions it came from."""

    lead = models.OneToOneField(
        "projects.Lead",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="score",
        verbose_name=_("lead"),
    )
    # Denormalised from the lead so the inbox can sort a region's leads by score on one index.
    # No separate FK indexes here or on profile: the (region, score) indexes cover region
    # look-ups, profiles are deleted almost never, and every index costs the bulk write path.
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        verbose_name=_("region"),
    )
    local_fit = models.FloatField(_("local fit"))
    chain_completion = models.FloatField(_("chain completion"))
    cluster_strength = models.FloatField(_("cluster strength"))
    # The two parts of cluster_strength (mixed by the profile's pull_share); NULL for a score
    # stored before anchor pull existed, until it is recomputed.
    strengthen = models.FloatField(_("strengthen cluster"), null=True)
    pull = models.FloatField(_("supplier pull"), null=True)
    total = models.FloatField(_("total score"))
    confidence = models.FloatField(_("confidence"))
    explanation = models.JSONField(_("explanation"), default=dict)
    profile = models.ForeignKey(
        ScoringProfile,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("scoring profile"),
    )
    lead_revision = models.PositiveIntegerField(_("lead revision"))
    region_version = models.PositiveIntegerField(_("region version"))
    measures_version = models.PositiveIntegerField(_("measures version"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("lead score")
        verbose_name_plural = _("lead scores")
        indexes = [
            models.Index(fields=["region", "-total"], name="score_region_total"),
            models.Index(fields=["-total"], name="score_total"),
            models.Index(fields=["region", "-local_fit"], name="score_region_fit"),
            models.Index(fields=["region", "-chain_completion"], name="score_region_chain"),
            models.Index(fields=["region", "-cluster_strength"], name="score_region_cluster"),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.total:.1f}"


class ScoreHistory(models.Model):
    """An earlier score of a lead, written whenever its stored score actually changes."""

    # Indexed by (lead, -computed_at) below; no separate FK indexes (see LeadScore).
    lead = models.ForeignKey(
        "projects.Lead",
        on_delete=models.CASCADE,
        related_name="score_history",
        db_index=False,
        verbose_name=_("lead"),
    )
    local_fit = models.FloatField(_("local fit"))
    chain_completion = models.FloatField(_("chain completion"))
    cluster_strength = models.FloatField(_("cluster strength"))
    # NULL: computed before anchor pull existed
    strengthen = models.FloatField(_("strengthen cluster"), null=True)
    pull = models.FloatField(_("supplier pull"), null=True)
    total = models.FloatField(_("total score"))
    confidence = models.FloatField(_("confidence"))
    profile = models.ForeignKey(
        ScoringProfile,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("scoring profile"),
    )
    measures_version = models.PositiveIntegerField(_("measures version"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-computed_at"]
        indexes = [models.Index(fields=["lead", "-computed_at"], name="score_history_lead")]
        verbose_name = _("score history")
        verbose_name_plural = _("score history")

    def __str__(self) -> str:
        return f"{self.lead_id} @ {self.computed_at:%Y-%m-%d %H:%M}: {self.total:.1f}"


class ScoreRun(models.Model):
    """Progress of one recomputation, for the UI's progress bar."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("计算中")
        DONE = "done", _("完成")
        FAILED = "failed", _("失败")

    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("leads to score"), default=0)
    done = models.PositiveIntegerField(_("leads scored"), default=0)
    failed = models.PositiveIntegerField(_("leads failed"), default=0)
    changed = models.PositiveIntegerField(_("scores changed"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("score run")
        verbose_name_plural = _("score runs")

    def __str__(self) -> str:
        return f"{self.reason}: {self.done}/{self.total}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else round(100 * (self.done + self.failed) / self.total)


class Outcome(models.TextChoices):
    """How a decided lead ended: landed (signed or later) or lost (lost or withdrawn)."""

    WON = "won", _("落地")
    LOST = "lost", _("未落地")


class LeadDecision(models.Model):
    """The score a lead had when it was decided: first signed, or lost / withdrawn.

    Taken once when the lead becomes decided and never touched by recomputation, so a backtest
    asks what the agency knew then, not what the data say now. A lead moved back below signed
    or reopened after lost is undecided again: its record is closed (`reopened_at`) and kept,
    and the next decision takes a new one. The score fields are NULL while the decision waits
    for a current score (the lead had none, or only a stale one, when it was decided); the
    next score stored for the lead fills them (screening.decisions).
    """

    lead = models.ForeignKey(
        "projects.Lead",
        on_delete=models.CASCADE,
        related_name="decisions",
        db_index=False,
        verbose_name=_("lead"),
    )
    outcome = models.CharField(_("outcome at decision"), max_length=4, choices=Outcome.choices)
    stage = models.CharField(_("stage at decision"), max_length=16)
    status = models.CharField(_("status at decision"), max_length=12)
    decided_at = models.DateTimeField(_("decided at"))
    reopened_at = models.DateTimeField(_("reopened at"), null=True, blank=True)
    local_fit = models.FloatField(_("local fit"), null=True)
    chain_completion = models.FloatField(_("chain completion"), null=True)
    cluster_strength = models.FloatField(_("cluster strength"), null=True)
    strengthen = models.FloatField(_("strengthen cluster"), null=True)
    pull = models.FloatField(_("supplier pull"), null=True)
    total = models.FloatField(_("total score"), null=True)
    confidence = models.FloatField(_("confidence"), null=True)
    profile = models.ForeignKey(
        ScoringProfile,
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        verbose_name=_("scoring profile"),
    )
    lead_revision = models.PositiveIntegerField(_("lead revision"), null=True)
    region_version = models.PositiveIntegerField(_("region version"), null=True)
    measures_version = models.PositiveIntegerField(_("measures version"), null=True)
    computed_at = models.DateTimeField(_("computed at"), null=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("lead decision")
        verbose_name_plural = _("lead decisions")
        indexes = [
            models.Index(fields=["lead", "-decided_at"], name="decision_lead"),
            # The score store looks for pending decisions after every write: few rows.
            models.Index(
                fields=["lead"],
                condition=Q(total__isnull=True, reopened_at__isnull=True),
                name="decision_pending",
            ),
        ]
        constraints = [
            # One decision in force per lead; closed ones are history.
            models.UniqueConstraint(
                fields=["lead"], condition=Q(reopened_at__isnull=True), name="decision_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_id} {self.get_outcome_display()} @ {self.decided_at:%Y-%m-%d}"

    @property
    def pending(self) -> bool:
        """Decided, but no current score was stored yet to keep as the decision score."""
        return self.total is None


class CalibrationRun(models.Model):
    """One backtest of decision scores against outcomes (the `calibrate` command, the
    calibration page): its figures, and the profile version made from it if a manager adopted
    its weights (who, when). Read-only once written, except for the adoption."""

    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The region and everything below it; empty: every region."),
    )
    since = models.DateField(_("decided since"), null=True, blank=True)
    n_won = models.PositiveIntegerField(_("landed"))
    n_lost = models.PositiveIntegerField(_("lost"))
    result = models.JSONField(_("result"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # The profile versions made from this run: one for the region, or one for each region
    # below it that has leads (profiles are per region; a province's leads sit in its cities).
    adopted_profiles = models.ManyToManyField(
        ScoringProfile, blank=True, related_name="+", verbose_name=_("adopted profiles")
    )
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    adopted_at = models.DateTimeField(_("adopted at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("calibration run")
        verbose_name_plural = _("calibration runs")

    def __str__(self) -> str:
        return f"calibration #{self.pk}: {self.n_won} landed, {self.n_lost} lost"


# Users' roles (groups, superuser, staff, active) and names: who may do what is part of the
# audit trail. The password hash is never copied; a login's last_login update is not a change.
simple_history.register(
    User,
    app="screening",
    records_class=AuditedRecords,
    excluded_fields=["password", "last_login"],
    ignored_updates=["last_login"],
    m2m_fields=["groups"],
)
