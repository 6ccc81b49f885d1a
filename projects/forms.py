"""Forms of the browser app: the inbox filter, the lead editor and the inline workflow actions.

Forms only parse and validate input; writes go through projects.services, whose
ValidationErrors are shown beside the field they name.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from projects.models import ActivityKind, Lead, Stage, Status
from projects.templatetags.xs_ui import factor_label
from regions.models import Cluster, Endowment, Industry, Region
from regions.validators import LONG_TEXT_MAX
from screening.web import LocalNameChoiceField, LocalNameMultipleChoiceField

SORTS = {
    "total": "score__total",
    "local_fit": "score__local_fit",
    "chain_completion": "score__chain_completion",
    "cluster_strength": "score__cluster_strength",
    "received": "received_on",
}
SORT_LABELS = [
    ("total", _("总分")),
    ("local_fit", _("本地适配")),
    ("chain_completion", _("补链")),
    ("cluster_strength", _("强群")),
    ("received", _("收到日期")),
]
# Score bands of the total: (lowest included, highest excluded).
BANDS: dict[str, tuple[float | None, float | None]] = {
    "high": (80, None),
    "good": (60, 80),
    "mid": (40, 60),
    "low": (None, 40),
}
BAND_LABELS = [
    ("high", _("80 以上")),
    ("good", _("60–80")),
    ("mid", _("40–60")),
    ("low", _("40 以下")),
]


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class InboxFilterForm(forms.Form):
    """The inbox filters. Invalid values are reported and ignored; valid ones still apply."""

    q = forms.CharField(label=_("搜索企业或产品"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("阶段"), required=False, choices=[("", _("全部阶段")), *Stage.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices]
    )
    industry = LocalNameChoiceField(
        label=_("产业"),
        required=False,
        empty_label=_("全部产业"),
        queryset=Industry.objects.order_by("code"),
    )
    cluster = LocalNameChoiceField(
        label=_("集群"), required=False, empty_label=_("全部集群"), queryset=Cluster.objects.none()
    )
    owner = forms.ChoiceField(label=_("负责人"), required=False)
    band = forms.ChoiceField(
        label=_("总分区间"), required=False, choices=[("", _("全部分数")), *BAND_LABELS]
    )
    received_from = forms.DateField(
        label=_("收到日期自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("收到日期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_LABELS)
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, data: Any, *, clusters: QuerySet[Cluster], owners: list[User]) -> None:
        super().__init__(data)
        self.fields["cluster"].queryset = clusters  # type: ignore[attr-defined]
        owner_choices: list[tuple[str, Any]] = [
            ("", _("全部负责人")),
            ("me", _("我负责的")),
            ("none", _("未分配")),
        ]
        owner_choices += [(str(u.pk), u.get_full_name() or u.get_username()) for u in owners]
        self.fields["owner"].choices = owner_choices  # type: ignore[attr-defined]

    def value(self, name: str) -> Any:
        """A cleaned value, or None when the field was empty or invalid."""
        return self.cleaned_data.get(name) or None


def factor_choices(current: Iterable[str] = ()) -> list[tuple[str, str]]:
    """The endowment factors regions record (what a lead's needs can name), labelled in the
    active language, plus any factor the lead already names."""
    factors = set(Endowment.objects.values_list("factor", flat=True).distinct()) | set(current)
    return [(f, factor_label(f)) for f in sorted(factors)]


class NeedsField(forms.MultipleChoiceField):
    """A lead's needs as checkboxes of the known endowment factors: the product's lead form
    and the Django admin both use it (call `offer` with the lead's current needs)."""

    widget = forms.CheckboxSelectMultiple

    def offer(self, current: Iterable[str] | None) -> None:
        self.choices = factor_choices(current or ())


# A lead's amount is in 万 (10,000s) of the currency given beside it, whichever that is.
CAPEX_LABEL = _("投资额（万，按所填币种）")


class LeadAdminForm(forms.ModelForm):
    """The Django admin's lead form: needs as checkboxes, not a raw JSON list."""

    needs = NeedsField(label=_("需求"), required=False)

    class Meta:
        model = Lead
        fields = "__all__"  # noqa: DJ007 - the admin shows every field of a lead

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        needs = self.fields["needs"]
        assert isinstance(needs, NeedsField)
        needs.offer(self.instance.needs)
        # The amount is in 万 of the lead's own currency, not always 万元 (the model's name).
        self.fields["capex"].label = CAPEX_LABEL


class LeadForm(forms.ModelForm):
    """Every editable field of a lead (stage, status and owner change through the workflow)."""

    industry = LocalNameChoiceField(label=_("产业"), queryset=Industry.objects.order_by("code"))
    region = LocalNameChoiceField(label=_("目标地区"), queryset=Region.objects.none())
    input_industries = LocalNameMultipleChoiceField(
        label=_("投入产业"),
        required=False,
        queryset=Industry.objects.order_by("code"),
        help_text=_("项目需要从哪些产业采购；按住 Ctrl（Mac 上为 ⌘）可多选。"),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    capex = forms.DecimalField(
        label=CAPEX_LABEL, required=False, min_value=0, max_digits=16, decimal_places=2
    )
    jobs = forms.IntegerField(label=_("就业（人）"), required=False, min_value=0)
    land_ha = forms.DecimalField(
        label=_("用地需求（公顷）"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    power_mw = forms.DecimalField(
        label=_("用电需求（兆瓦）"), required=False, min_value=0, max_digits=10, decimal_places=2
    )
    needs = NeedsField(label=_("需求"), required=False)

    class Meta:
        model = Lead
        fields: ClassVar[list[str]] = [
            "company",
            "investor_origin",
            "investor_type",
            "industry",
            "products",
            "input_industries",
            "region",
            "capex",
            "currency",
            "jobs",
            "land_ha",
            "power_mw",
            "needs",
            "source",
            "received_on",
        ]
        labels: ClassVar[dict[str, Any]] = {
            "company": _("企业"),
            "investor_origin": _("投资方来源地"),
            "investor_type": _("投资方类型"),
            "products": _("产品"),
            "currency": _("币种"),
            "source": _("来源"),
            "received_on": _("收到日期"),
        }
        widgets: ClassVar[dict[str, Any]] = {
            "products": forms.Textarea(attrs={"rows": 3}),
            "received_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, regions: QuerySet[Region], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions  # type: ignore[attr-defined]
        needs = self.fields["needs"]
        assert isinstance(needs, NeedsField)
        needs.offer(self.instance.needs)

    def clean_currency(self) -> str:
        return str(self.cleaned_data["currency"]).strip().upper()

    def service_fields(self) -> dict[str, Any]:
        """The cleaned fields as lead_update takes them (input industries apart)."""
        fields = dict(self.cleaned_data)
        fields.pop("input_industries", None)
        return fields


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("阶段"), choices=Stage.choices)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=Status.choices)
    reason = forms.CharField(label=_("原因"), required=False, max_length=300)
    lost_to = forms.CharField(label=_("流向何处"), required=False, max_length=200)


class OwnerForm(forms.Form):
    owner = UserChoiceField(
        label=_("负责人"), required=False, empty_label=_("未分配"), queryset=User.objects.none()
    )

    def __init__(self, *args: Any, owners: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类型"), choices=ActivityKind.choices, initial=ActivityKind.NOTE
    )
    text = forms.CharField(
        label=_("内容"), max_length=LONG_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    happened_on = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ClusterListFilter(forms.Form):
    """The cluster list's filters (GET): a region (and the regions below it) and a chain."""

    region = LocalNameChoiceField(
        Region.objects.filter(level__in=["province", "city"]).order_by("code"),
        required=False,
        label=_("地区"),
        empty_label=_("全部地区"),
    )
    chain = LocalNameChoiceField(
        Industry.objects.filter(parent__isnull=True).order_by("code"),
        required=False,
        label=_("产业链"),
        empty_label=_("全部产业链"),
    )
