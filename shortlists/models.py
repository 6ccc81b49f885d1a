"""Saved shortlists: a ranked list of leads frozen at the moment a manager saved it.

A saved shortlist records what was decided on: the scope, the profile version and the weights
actually used, and per lead its rank, sub-scores, total, confidence, rank band and
explanation text as they were then. Later rescoring never touches these rows; only the
manager's decision and comment on an entry change (shortlists.services.entry_decide).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from projects.models import Stage


class ScopeKind(models.TextChoices):
    REGION = "region", _("地区")
    CLUSTER = "cluster", _("产业集群")
    CHAIN = "chain", _("产业链")


class Decision(models.TextChoices):
    PURSUE = "pursue", _("重点跟进")
    HOLD = "hold", _("暂缓")
    DROP = "drop", _("放弃")


class SavedShortlist(models.Model):
    name = models.CharField(_("名称"), max_length=120)
    scope_kind = models.CharField(_("范围类型"), max_length=10, choices=ScopeKind.choices)
    # The scope's objects, kept for "what has moved since"; the label keeps what they were
    # called when saved, so a renamed or deleted region does not rewrite the record.
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("地区"),
    )
    cluster = models.ForeignKey(
        "regions.Cluster",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("集群"),
    )
    industry = models.ForeignKey(
        "regions.Industry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("产业"),
    )
    scope_label = models.CharField(_("范围"), max_length=300)
    filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    profile = models.ForeignKey(
        "screening.ScoringProfile",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("评分方案版本"),
    )
    # The weights the ranking used (normalised to sum 1): the profile's, or what-if weights.
    local_fit_weight = models.FloatField(_("本地适配权重"))
    chain_completion_weight = models.FloatField(_("补链权重"))
    cluster_strength_weight = models.FloatField(_("强群权重"))
    # Share of anchor pull within cluster strengthening the ranking used.
    pull_share = models.FloatField(_("带动配套在强群中的占比"), default=0.5)
    cutoff = models.PositiveIntegerField(_("入围名额"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("保存人"),
    )
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("saved shortlist")
        verbose_name_plural = _("saved shortlists")
        constraints = (
            models.CheckConstraint(
                condition=Q(local_fit_weight__gte=0)
                & Q(chain_completion_weight__gte=0)
                & Q(cluster_strength_weight__gte=0),
                name="shortlist_weights_non_negative",
            ),
        )

    def __str__(self) -> str:
        return self.name

    def weights(self) -> tuple[float, float, float]:
        return (self.local_fit_weight, self.chain_completion_weight, self.cluster_strength_weight)


class ShortlistEntry(models.Model):
    """One lead of a saved shortlist as it stood when saved (all but decision/comment frozen)."""

    shortlist = models.ForeignKey(
        SavedShortlist, on_delete=models.CASCADE, related_name="entries", verbose_name=_("名单")
    )
    lead = models.ForeignKey(
        "projects.Lead",
        null=True,
        on_delete=models.SET_NULL,
        related_name="shortlist_entries",
        verbose_name=_("线索"),
    )
    rank = models.PositiveIntegerField(_("名次"))
    external_id = models.CharField(_("外部编号"), max_length=64)
    company = models.CharField(_("企业"), max_length=200)
    region_name = models.CharField(_("目标地区"), max_length=100)
    industry_name = models.CharField(_("产业"), max_length=120)
    stage = models.CharField(_("阶段"), max_length=16, choices=Stage.choices)
    capex = models.DecimalField(
        _("投资额（万，原币种）"), max_digits=16, decimal_places=2, null=True, blank=True
    )
    # The currency capex was reported in (万 units of it), as the lead had it when saved.
    currency = models.CharField(_("币种"), max_length=3, default="CNY")
    jobs = models.PositiveIntegerField(_("就业（人）"), null=True, blank=True)
    local_fit = models.FloatField(_("本地适配"))
    chain_completion = models.FloatField(_("补链"))
    cluster_strength = models.FloatField(_("强群"))
    # Its two parts; NULL in a snapshot saved before anchor pull existed.
    strengthen = models.FloatField(_("壮大集群"), null=True)
    pull = models.FloatField(_("带动配套"), null=True)
    total = models.FloatField(_("总分"))
    confidence = models.FloatField(_("置信度"))
    # The rank band of the ranking's uncertainty check (5th and 95th percentile of the rank).
    rank_p05 = models.PositiveIntegerField(_("名次区间最好（5%分位）"), null=True)
    rank_p95 = models.PositiveIntegerField(_("名次区间最差（95%分位）"), null=True)
    p_top_k = models.FloatField(_("入围概率"), null=True)
    crosses_cutoff = models.BooleanField(_("名次区间跨越入围线"), default=False)
    # Where the lead stood when saved, under the saved weights: its rank among the scored leads
    # of its region and of the province (shortlists.standing); NULL when nothing to compare
    # with, or saved before standings existed.
    region_rank = models.PositiveIntegerField(_("地区内名次"), null=True)
    region_scored = models.PositiveIntegerField(_("地区内已评分线索"), null=True)
    province_rank = models.PositiveIntegerField(_("全省名次"), null=True)
    province_scored = models.PositiveIntegerField(_("全省已评分线索"), null=True)
    explanation_zh = models.TextField(_("说明（中文）"), blank=True)
    explanation_en = models.TextField(_("说明（英文）"), blank=True)
    decision = models.CharField(_("决定"), max_length=10, choices=Decision.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)

    class Meta:
        ordering = ("shortlist", "rank")
        verbose_name = _("shortlist entry")
        verbose_name_plural = _("shortlist entries")
        constraints = (
            models.UniqueConstraint(fields=["shortlist", "rank"], name="shortlist_entry_rank"),
            models.UniqueConstraint(
                fields=["shortlist", "lead"],
                condition=Q(lead__isnull=False),
                name="shortlist_entry_lead",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["", *Decision.values]), name="shortlist_decision_valid"
            ),
        )

    def __str__(self) -> str:
        return f"{self.shortlist_id} #{self.rank}: {self.company}"

    def explanation(self, lang: str) -> str:
        return self.explanation_en if lang == "en" and self.explanation_en else self.explanation_zh
