"""Forms of the shortlist pages. They parse and validate; shortlists.services decides."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from projects.models import Stage, Status
from regions.models import Cluster, Industry, Region
from regions.names import local_name
from screening.models import ScoringProfile
from screening.scoring import SubScoreWeights
from screening.selectors.profiles import normalised
from screening.web import LocalNameChoiceField
from shortlists.models import Decision, ScopeKind
from shortlists.ranking import LeadFilters
from shortlists.scopes import regions_with_scored_leads
from shortlists.services import (
    ANY_STATUS,
    ShortlistParams,
    percents_of,
    profile_for,
    scope_from,
)

WEIGHT_FIELDS = ("w_local_fit", "w_chain_completion", "w_cluster_strength")
# Share (0-100 %) of anchor pull within cluster strengthening; not part of the weights' sum.
PULL_SHARE_FIELD = "w_pull_share"
CUTOFF_DEFAULT = 20
CUTOFF_MAX = 200
DEFAULTS = {
    "scope": ScopeKind.REGION.value,
    "cutoff": str(CUTOFF_DEFAULT),
    "status": Status.ACTIVE.value,
}
# Saaty's 1-9 scale: how much more important the first criterion is than the second.
SAATY_CHOICES = [
    ("9", _("9：前者极端重要")),
    ("8", "8"),
    ("7", _("7：前者非常重要")),
    ("6", "6"),
    ("5", _("5：前者明显重要")),
    ("4", "4"),
    ("3", _("3：前者稍微重要")),
    ("2", "2"),
    ("1", _("1：同等重要")),
    ("1/2", "1/2"),
    ("1/3", _("1/3：后者稍微重要")),
    ("1/4", "1/4"),
    ("1/5", _("1/5：后者明显重要")),
    ("1/6", "1/6"),
    ("1/7", _("1/7：后者非常重要")),
    ("1/8", "1/8"),
    ("1/9", _("1/9：后者极端重要")),
]
AHP_PAIRS = (("lf_cc", 0, 1), ("lf_cs", 0, 2), ("cc_cs", 1, 2))


class ProfileSelect(forms.Select):
    """Options carry the profile's weights and share of pull in cluster strengthening
    (data-weights="40,30,30,50") for the sliders' script."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        profile = getattr(value, "instance", None)
        if isinstance(profile, ScoringProfile):
            total = sum(profile.weights()) or 1.0
            percents = [round(100 * w / total) for w in profile.weights()]
            option["attrs"]["data-weights"] = ",".join(
                str(p) for p in [*percents, round(100 * profile.pull_share)]
            )
        return option


class ProfileChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        label = str(obj)
        if obj.region_id is not None:
            label += f" · {local_name(obj.region)}"
        in_force = _("在用")  # not inside the f-string: xgettext would not find it there
        return label + (f" · {in_force}" if obj.is_active else "")


class RegionPickField(LocalNameChoiceField):
    """Regions labelled with their name, and marked when nothing there has been scored (a
    county without leads or data): picked, it gives an empty shortlist."""

    with_leads: set[int] | None = None  # read once, when the first option is labelled

    def label_from_instance(self, obj: Any) -> str:
        if self.with_leads is None:
            self.with_leads = regions_with_scored_leads()
        label = super().label_from_instance(obj)
        if obj.pk in self.with_leads:
            return label
        return _("%(region)s（无已评分线索）") % {"region": label}


class ShortlistForm(forms.Form):
    """The shortlist's scope, profile, what-if weights, cut-off and lead filters (GET)."""

    scope = forms.ChoiceField(label=_("范围"), choices=ScopeKind.choices)
    region = RegionPickField(
        Region.objects.order_by("code"), required=False, label=_("地区"), empty_label=_("全部地区")
    )
    cluster = LocalNameChoiceField(
        Cluster.objects.select_related("region"),
        required=False,
        label=_("产业集群"),
        empty_label=_("（选择集群）"),
    )
    industry = LocalNameChoiceField(
        Industry.objects.order_by("code"),
        required=False,
        label=_("产业链核心产业"),
        empty_label=_("（选择产业）"),
    )
    profile = ProfileChoiceField(
        ScoringProfile.objects.select_related("region").order_by("name", "-version"),
        required=False,
        label=_("评分方案"),
        empty_label=_("当前在用方案"),
        widget=ProfileSelect,
    )
    w_local_fit = forms.IntegerField(
        label=_("本地适配"), min_value=0, max_value=100, required=False
    )
    w_chain_completion = forms.IntegerField(
        label=_("补链"), min_value=0, max_value=100, required=False
    )
    w_cluster_strength = forms.IntegerField(
        label=_("强群"), min_value=0, max_value=100, required=False
    )
    w_pull_share = forms.IntegerField(
        label=_("其中带动"), min_value=0, max_value=100, required=False
    )
    cutoff = forms.IntegerField(label=_("入围名额"), min_value=1, max_value=CUTOFF_MAX)
    stage = forms.MultipleChoiceField(
        label=_("阶段"), choices=Stage.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[*Status.choices, (ANY_STATUS, _("全部状态"))]
    )
    min_confidence = forms.IntegerField(
        label=_("最低置信度（%）"), min_value=0, max_value=100, required=False
    )

    def __init__(self, data: QueryDict | dict[str, Any] | None = None, **kwargs: Any) -> None:
        super().__init__(with_defaults(data), **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        scope = data.get("scope")
        if scope == ScopeKind.CLUSTER and not data.get("cluster"):
            self.add_error("cluster", _("请选择一个产业集群。"))
        if scope == ScopeKind.CHAIN and not data.get("industry"):
            self.add_error("industry", _("请选择产业链的核心产业。"))
        weights = [data.get(name) for name in WEIGHT_FIELDS]
        given = [w for w in weights if w is not None]
        if given and len(given) < len(weights):
            self.add_error(None, _("三项权重须同时给出。"))
        elif given and sum(given) == 0:
            self.add_error(None, _("权重不能全为 0。"))
        return data

    def weights_given(self) -> tuple[int, int, int] | None:
        values = [self.cleaned_data.get(name) for name in WEIGHT_FIELDS]
        if any(v is None for v in values):
            return None
        return (int(values[0]), int(values[1]), int(values[2]))  # type: ignore[arg-type]


def with_defaults(data: QueryDict | dict[str, Any] | None) -> QueryDict:
    """The submitted data with the defaults for missing keys (scope, cut-off, status)."""
    merged = QueryDict(mutable=True)
    if data is not None:
        for key in data:
            values = data.getlist(key) if isinstance(data, QueryDict) else [data[key]]
            merged.setlist(key, [str(v) for v in values])
    for key, value in DEFAULTS.items():
        if not merged.get(key):
            merged[key] = value
    return merged


class SaveShortlistForm(forms.Form):
    name = forms.CharField(label=_("名单名称"), max_length=120)


class SaveProfileForm(forms.Form):
    """Save the what-if weights as the next version of a profile (who, when, why)."""

    name = forms.CharField(label=_("方案名称"), max_length=80)
    region = LocalNameChoiceField(
        Region.objects.order_by("code"),
        required=False,
        label=_("适用地区"),
        empty_label=_("全部地区（默认方案）"),
    )
    reason = forms.CharField(label=_("调整理由"), max_length=300)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("决定"), required=False, choices=[("", _("未决定")), *Decision.choices]
    )
    comment = forms.CharField(
        label=_("意见"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AhpForm(forms.Form):
    """Three pairwise judgements between the sub-scores on Saaty's scale, and one within
    cluster strengthening (strengthening an existing cluster against anchor pull)."""

    lf_cc = forms.ChoiceField(label=_("本地适配 相对 补链"), choices=SAATY_CHOICES, initial="1")
    lf_cs = forms.ChoiceField(label=_("本地适配 相对 强群"), choices=SAATY_CHOICES, initial="1")
    cc_cs = forms.ChoiceField(label=_("补链 相对 强群"), choices=SAATY_CHOICES, initial="1")
    # Optional: a link made before this judgement existed counts both parts equally.
    st_pu = forms.ChoiceField(
        label=_("强群之内：壮大现有集群 相对 带动配套"),
        choices=SAATY_CHOICES,
        initial="1",
        required=False,
    )

    def matrix(self) -> list[list[float]]:
        """The reciprocal 3x3 comparison matrix of the judgements."""
        m = [[1.0] * 3 for _row in range(3)]
        for name, i, j in AHP_PAIRS:
            value = float(Fraction(self.cleaned_data[name]))
            m[i][j], m[j][i] = value, 1.0 / value
        return m

    def pull_matrix(self) -> list[list[float]]:
        """The 2x2 comparison of strengthening an existing cluster against anchor pull."""
        value = float(Fraction(self.cleaned_data.get("st_pu") or "1"))
        return [[1.0, value], [1.0 / value, 1.0]]


def params_from_form(form: ShortlistForm) -> ShortlistParams:
    """Parameters from a valid ShortlistForm; the profile defaults to the one in force."""
    data = form.cleaned_data
    scope = scope_from(data["scope"], data.get("region"), data.get("cluster"), data.get("industry"))
    profile = data.get("profile") or profile_for(scope)
    given = form.weights_given()
    weights = (
        tuple(SubScoreWeights.normalised(*given).as_array().tolist())
        if given
        else normalised(profile)
    )
    sliders = given or percents_of(normalised(profile))
    share = data.get(PULL_SHARE_FIELD)
    pull_share = share / 100 if share is not None else profile.pull_share
    status = data["status"]
    filters = LeadFilters(
        stages=tuple(data.get("stage") or ()),
        statuses=() if status == ANY_STATUS else (status,),
        min_confidence=(
            data["min_confidence"] / 100 if data.get("min_confidence") is not None else None
        ),
    )
    return ShortlistParams(
        scope,
        profile,
        weights,
        data["cutoff"],
        filters,
        sliders,
        pull_share,
    )
