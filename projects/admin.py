from django.contrib import admin

from projects.forms import LeadAdminForm
from screening.admin_mixins import MarksScoresStaleAdmin

from .models import Lead, LeadActivity, StageChange


class LeadActivityInline(admin.TabularInline):
    model = LeadActivity
    extra = 0


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "changed_at", "changed_by"]
    can_delete = False


@admin.register(Lead)
class LeadAdmin(MarksScoresStaleAdmin):
    form = LeadAdminForm
    list_display = ["external_id", "company", "region", "industry", "stage", "status", "owner"]
    list_filter = ["stage", "status", "region"]
    search_fields = ["external_id", "company", "products"]
    autocomplete_fields = ["region", "industry", "owner", "input_industries", "firm"]
    list_select_related = ["region", "industry", "owner"]
    inlines = [LeadActivityInline, StageChangeInline]
