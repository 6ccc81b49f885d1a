"""Admin for reference data: a region with its endowments, a cluster with members and anchors."""

from django.contrib import admin

from screening.admin_mixins import MarksScoresStaleAdmin

from .models import (
    AnchorFirm,
    Cluster,
    ClusterIndustry,
    ClusterTargetLink,
    Endowment,
    Industry,
    IndustryLink,
    OfficerRegion,
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


class ClusterTargetLinkInline(admin.TabularInline):
    model = ClusterTargetLink
    extra = 0
    autocomplete_fields = ["industry"]


@admin.register(Cluster)
class ClusterAdmin(MarksScoresStaleAdmin):
    list_display = ["code", "name", "region", "priority"]
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


@admin.register(OfficerRegion)
class OfficerRegionAdmin(admin.ModelAdmin):
    """Which regions an officer works for (what their inbox shows); no score depends on it."""

    list_display = ("user", "region")
    list_filter = ("region",)
    search_fields = ("user__username", "region__code", "region__name")
    autocomplete_fields = ("user", "region")
