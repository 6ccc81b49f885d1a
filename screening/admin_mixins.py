"""Admin write paths mark scores stale like every other write path (no signals needed)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from screening import invalidation


class MarksScoresStaleAdmin(admin.ModelAdmin):
    """Saves, inline saves and deletes in the admin call screening.invalidation in the same
    transaction (the admin wraps each change view in one)."""

    def save_model(self, request: HttpRequest, obj: Model, form: Any, change: bool) -> None:
        old = type(obj)._default_manager.filter(pk=obj.pk).first() if obj.pk else None
        super().save_model(request, obj, form, change)
        invalidation.rows_written(type(obj), [o for o in (old, obj) if o is not None])

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        invalidation.rows_written(type(obj), [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        invalidation.rows_written(queryset.model, list(queryset))
        super().delete_queryset(request, queryset)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.save()
        touched = [
            *formset.new_objects,
            *(obj for obj, _ in formset.changed_objects),
            *formset.deleted_objects,
        ]
        if touched:
            invalidation.rows_written(formset.model, touched)
