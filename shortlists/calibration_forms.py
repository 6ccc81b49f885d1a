"""Forms of the calibration page: which region to backtest, since when; adopting weights."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from regions.models import Region
from screening.web import LocalNameChoiceField


class CalibrationForm(forms.Form):
    region = LocalNameChoiceField(
        Region.objects.filter(level__in=["province", "city"]).order_by("code"),
        required=False,
        label=_("地区"),
        empty_label=_("全部地区"),
    )
    since = forms.DateField(
        required=False,
        label=_("决策日期不早于"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("留空：全部已决策线索。"),
    )


class AdoptForm(forms.Form):
    reason = forms.CharField(
        label=_("采用理由"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("例如：年度复盘后调整")}),
    )
