"""The lead page's decision score: what the lead scored when it was decided, against now.

A read only: the record is taken by screening.decisions. `decision_view` says which inputs
moved since (weights, the region's data, shared data, the lead's own fields) and which
sub-score moved most, so "at signing 71 → now 64" comes with its because.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from screening.models import LeadDecision, LeadScore, Outcome

SUB_SCORES = ["local_fit", "chain_completion", "cluster_strength"]
# Totals are shown rounded; below this they read the same and the page says "unchanged".
SAME_BELOW = 0.5


@dataclass(frozen=True)
class DecisionView:
    decision: LeadDecision
    label: str  # "at signing", "when lost", "when withdrawn"
    differs: bool = False
    because: list[str] = field(default_factory=list)

    @property
    def because_text(self) -> str:
        separator = "；" if (get_language() or "").startswith("zh") else "; "
        return separator.join(self.because)


def decision_label(decision: LeadDecision) -> str:
    if decision.outcome == Outcome.WON:
        return _("签约时")
    return _("撤回时") if decision.status == "withdrawn" else _("流失时")


def decision_view(lead_id: int, score: LeadScore | None) -> DecisionView | None:
    """The lead's decision in force compared with its current score (None while open)."""
    decision = (
        LeadDecision.objects.select_related("profile")
        .filter(lead_id=lead_id, reopened_at__isnull=True)
        .first()
    )
    if decision is None:
        return None
    label = decision_label(decision)
    if decision.total is None or score is None:
        return DecisionView(decision, label)
    differs = abs(score.total - decision.total) >= SAME_BELOW
    return DecisionView(decision, label, differs, _because(decision, score) if differs else [])


def _because(decision: LeadDecision, score: LeadScore) -> list[str]:
    reasons = []
    if decision.profile_id != score.profile_id:
        reasons.append(
            _("评分方案由 %(old)s 改为 %(new)s") % {"old": decision.profile, "new": score.profile}
        )
    if decision.region_version != score.region_version:
        reasons.append(_("本地区的集群或要素数据已修改"))
    if decision.measures_version != score.measures_version:
        reasons.append(_("共享数据（地区产业数据、产业链）已更新"))
    if decision.lead_revision != score.lead_revision:
        reasons.append(_("线索本身的数据已修改"))
    moved = max(SUB_SCORES, key=lambda n: abs(getattr(score, n) - (getattr(decision, n) or 0)))
    names = {
        "local_fit": _("本地适配"),
        "chain_completion": _("补链"),
        "cluster_strength": _("强群"),
    }
    reasons.append(
        _("变化最大的分项：%(name)s %(old).0f → %(new).0f")
        % {"name": names[moved], "old": getattr(decision, moved), "new": getattr(score, moved)}
    )
    return reasons
