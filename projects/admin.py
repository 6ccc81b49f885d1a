from typing import Any, cast

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from projects import services
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


class ArchivedFilter(admin.SimpleListFilter):
    title = _("archived")
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("no", _("current")), ("yes", _("archived"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() in ("yes", "no"):
            return queryset.filter(archived_at__isnull=self.value() == "no")
        return queryset


@admin.register(Lead)
class LeadAdmin(MarksScoresStaleAdmin):
    """Deleting here archives (as in the UI and the API); a superuser may purge for good with
    the "purge" action. Every change is in the lead's audit trail (regions.audit)."""

    form = LeadAdminForm
    list_display = [
        "external_id",
        "company",
        "region",
        "industry",
        "stage",
        "status",
        "owner",
        "archived_at",
    ]
    list_filter = [ArchivedFilter, "stage", "status", "region"]
    search_fields = ["external_id", "company", "products"]
    autocomplete_fields = ["region", "industry", "owner", "input_industries", "firm"]
    list_select_related = ["region", "industry", "owner"]
    readonly_fields = ["archived_at"]
    inlines = [LeadActivityInline, StageChangeInline]
    actions = ["restore", "purge"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lead]:
        """Archived leads too (filter "archived"), so they can be restored or purged."""
        return Lead.all_objects.select_related("region", "industry", "owner")

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        services.lead_archive(lead=cast(Lead, obj), user=request.user)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for lead in queryset:
            services.lead_archive(lead=lead, user=request.user)  # type: ignore[arg-type]

    @admin.action(description=_("Restore the selected archived leads"))
    def restore(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        for lead in queryset:
            services.lead_restore(lead=lead, user=request.user)  # type: ignore[arg-type]

    @admin.action(
        description=_("Purge the selected leads for good (superusers; recorded)"),
        permissions=["purge"],
    )
    def purge(self, request: HttpRequest, queryset: QuerySet[Lead]) -> None:
        count = 0
        for lead in queryset:
            services.lead_purge(lead=lead, user=request.user)  # type: ignore[arg-type]
            count += 1
        message = ngettext("%(n)d lead purged.", "%(n)d leads purged.", count) % {"n": count}
        self.message_user(request, message, messages.SUCCESS)

    def has_purge_permission(self, request: HttpRequest) -> bool:
        return bool(getattr(request.user, "is_superuser", False))
