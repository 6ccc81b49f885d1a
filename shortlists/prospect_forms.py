"""The prospect page's filters (GET). They parse and validate; shortlists.prospecting ranks."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from regions.models import Cluster, Industry, Region
from screening.selectors.prospects import Presence
from screening.web import LocalNameChoiceField
from shortlists.prospecting import ProspectRequest

PAGE_SIZE = 50
EMPLOYEES_MAX = 10_000_000
PRESENCE_CHOICES = [
    (Presence.ANY.value, _("不限")),
    (Presence.ABSENT.value, _("省内尚无工厂")),
    (Presence.PRESENT.value, _("省内已有工厂")),
]


class ProspectForm(forms.Form):
    """A region (one the user may see) and the filters of its prospect list."""

    region = LocalNameChoiceField(Region.objects.none(), label=_("地区"), empty_label=None)
    chain = LocalNameChoiceField(
        Industry.objects.order_by("code"),
        required=False,
        label=_("产业链"),
        empty_label=_("不限产业链"),
    )
    cluster = LocalNameChoiceField(
        Cluster.objects.none(), required=False, label=_("产业集群"), empty_label=_("不限集群")
    )
    gap = LocalNameChoiceField(
        Industry.objects.none(), required=False, label=_("缺失环节"), empty_label=_("不限环节")
    )
    gaps_only = forms.BooleanField(required=False, label=_("只看能补链的企业"))
    min_employees = forms.IntegerField(
        required=False, min_value=0, max_value=EMPLOYEES_MAX, label=_("员工至少")
    )
    max_employees = forms.IntegerField(
        required=False, min_value=0, max_value=EMPLOYEES_MAX, label=_("员工至多")
    )
    country = forms.ChoiceField(required=False, label=_("国家/地区"))
    presence = forms.ChoiceField(choices=PRESENCE_CHOICES, required=False, label=_("省内工厂"))
    offset = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(
        self,
        data: QueryDict,
        *,
        regions: QuerySet[Region],
        region: Region | None,
        gap_ids: Sequence[int],
        countries: Sequence[str],
    ) -> None:
        super().__init__(data)
        fields: dict[str, Any] = self.fields
        fields["region"].queryset = regions
        fields["cluster"].queryset = Cluster.objects.filter(region=region).order_by("code")
        fields["gap"].queryset = Industry.objects.filter(pk__in=gap_ids).order_by("code")
        fields["country"].choices = [("", _("不限")), *((c, c) for c in countries if c)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("min_employees"), data.get("max_employees")
        if low is not None and high is not None and low > high:
            self.add_error("max_employees", _("上限不能小于下限。"))
        return data

    def prospect_request(self, *, limit: int = PAGE_SIZE) -> ProspectRequest:
        data = self.cleaned_data
        return ProspectRequest(
            region=data["region"],
            chain=data.get("chain"),
            cluster=data.get("cluster"),
            gap=data.get("gap"),
            gaps_only=bool(data.get("gaps_only")),
            min_employees=data.get("min_employees"),
            max_employees=data.get("max_employees"),
            country=data.get("country") or None,
            presence=Presence(data.get("presence") or Presence.ANY.value),
            limit=limit,
            offset=data.get("offset") or 0,
        )
