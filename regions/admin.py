"""Admin for reference data: a region with its endowments, a cluster with members and anchors,
a firm of the firm directory with its plants."""

from typing import Any

from django import forms
from django.contrib import admin

from screening.admin_mixins import MarksScoresStaleAdmin

from .models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    ClusterTargetLink,
    Endowment,
    Firm,
    Industry,
    IndustryLink,
    IndustryProximity,
    IndustryReference,
    OfficerRegion,
    Plant,
    Region,
    RegionIndustry,
    ScoringBaseline,
)


class EndowmentInline(admin.TabularInline):
    model = Endowment
    extra = 0


class RegionIndustryInline(admin.TabularInline):
    model = RegionIndustry
    extra = 0
    autocomplete_fields = ["industry"]


@admin.register(Region)
class RegionAdmin(MarksScoresStaleAdmin):
    list_display = ["code", "name", "name_en", "level", "parent"]
    list_filter = ["level"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]
    inlines = [EndowmentInline, RegionIndustryInline]


@admin.register(Industry)
class IndustryAdmin(MarksScoresStaleAdmin):
    list_display = ["code", "name", "name_en", "parent"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["parent"]


@admin.register(RegionIndustry)
class RegionIndustryAdmin(MarksScoresStaleAdmin):
    list_display = ["region", "industry", "employment", "output", "firms", "year", "source"]
    list_filter = ["region", "year"]
    search_fields = ["region__code", "industry__code", "industry__name"]
    autocomplete_fields = ["region", "industry"]


@admin.register(IndustryLink)
class IndustryLinkAdmin(MarksScoresStaleAdmin):
    list_display = ["supplier", "customer", "weight", "source"]
    search_fields = ["supplier__code", "customer__code", "supplier__name", "customer__name"]
    autocomplete_fields = ["supplier", "customer"]


class ClusterIndustryInline(admin.TabularInline):
    model = ClusterIndustry
    extra = 0
    autocomplete_fields = ["industry"]


class AnchorFirmInline(admin.TabularInline):
    model = AnchorFirm
    extra = 0


class ClusterTargetLinkInline(admin.TabularInline):
    model = ClusterTargetLink
    extra = 0
    autocomplete_fields = ["industry"]


class IndustryProximityForm(forms.ModelForm):
    class Meta:
        model = IndustryProximity
        fields = ["industry_1", "industry_2", "proximity", "source"]

    def clean(self) -> dict[str, Any]:
        """Store the pair in code order, as imports do (a-b and b-a are one pair)."""
        data = super().clean() or {}
        first, second = data.get("industry_1"), data.get("industry_2")
        if first is not None and second is not None and second.code < first.code:
            data["industry_1"], data["industry_2"] = second, first
            self.instance.industry_1, self.instance.industry_2 = second, first
        return data


@admin.register(IndustryProximity)
class IndustryProximityAdmin(MarksScoresStaleAdmin):
    """The reference industry space (industry_relatedness.csv); any row replaces estimated phi."""

    form = IndustryProximityForm
    list_display = ["industry_1", "industry_2", "proximity", "source"]
    search_fields = ["industry_1__code", "industry_2__code", "industry_1__name", "industry_2__name"]
    autocomplete_fields = ["industry_1", "industry_2"]


@admin.register(IndustryReference)
class IndustryReferenceAdmin(MarksScoresStaleAdmin):
    """National industry sizes (industry_reference.csv): RCA against the nation when present."""

    list_display = ["industry", "employment", "source"]
    search_fields = ["industry__code", "industry__name"]
    autocomplete_fields = ["industry"]


@admin.register(ScoringBaseline)
class ScoringBaselineAdmin(MarksScoresStaleAdmin):
    """The region-data vintage scores use (one row; empty year = the latest loaded)."""

    list_display = ["year", "note"]

    def has_add_permission(self, request: Any) -> bool:
        return not ScoringBaseline.objects.exists()

    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        obj.pk = 1  # the one row
        super().save_model(request, obj, form, change)


@admin.register(Cluster)
class ClusterAdmin(MarksScoresStaleAdmin):
    list_display = ["code", "name", "name_en", "region", "priority"]
    list_filter = ["priority", "region"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["region"]
    inlines = [ClusterIndustryInline, AnchorFirmInline, ClusterTargetLinkInline]


@admin.register(Endowment)
class EndowmentAdmin(MarksScoresStaleAdmin):
    list_display = ["region", "factor", "value", "source"]
    list_filter = ["factor"]
    search_fields = ["region__code", "factor"]
    autocomplete_fields = ["region"]


class PlantInline(admin.TabularInline):
    model = Plant
    extra = 0
    autocomplete_fields = ["region", "industry"]


@admin.register(Firm)
class FirmAdmin(MarksScoresStaleAdmin):
    """The firm directory; a change reloads prospect lists (no stored score depends on it)."""

    list_display = ["code", "name", "name_en", "industry", "country", "employees", "listed"]
    list_filter = ["listed", "country"]
    search_fields = ["code", "name", "name_en", "industry__code"]
    autocomplete_fields = ["industry"]
    list_select_related = ["industry"]
    inlines = [PlantInline]


@admin.register(Plant)
class PlantAdmin(MarksScoresStaleAdmin):
    list_display = ["firm", "region", "industry", "employees", "source"]
    list_filter = ["region"]
    search_fields = ["firm__code", "firm__name", "region__code", "industry__code"]
    autocomplete_fields = ["firm", "region", "industry"]
    list_select_related = ["firm", "region", "industry"]


@admin.register(OfficerRegion)
class OfficerRegionAdmin(admin.ModelAdmin):
    """Which regions an officer works for (what their inbox shows); no score depends on it."""

    list_display = ("user", "region")
    list_filter = ("region",)
    search_fields = ("user__username", "region__code", "region__name")
    autocomplete_fields = ("user", "region")
