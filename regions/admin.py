"""Admin for reference data: a region with its endowments, a cluster with members and anchors,
a firm of the firm directory with its plants."""

from django.contrib import admin

from screening.admin_mixins import MarksScoresStaleAdmin

from .models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    Endowment,
    Firm,
    Industry,
    IndustryLink,
    OfficerRegion,
    Plant,
    Region,
    RegionIndustry,
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
    list_filter = ["region"]
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


@admin.register(Cluster)
class ClusterAdmin(MarksScoresStaleAdmin):
    list_display = ["code", "name", "region", "priority"]
    list_filter = ["priority", "region"]
    search_fields = ["code", "name", "name_en"]
    autocomplete_fields = ["region"]
    inlines = [ClusterIndustryInline, AnchorFirmInline]


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
