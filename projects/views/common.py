"""Small helpers shared by the browser's lead views.

Every view is wrapped in `screening.web.role_required`; leads are always fetched through
`screening.access.visible_leads`, so a lead the user may not read answers 404 (its existence
is never confirmed), and a lead the user may read but not change answers 403.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from projects.models import Lead
from screening.access import can_edit_lead, visible_leads

ViewFunc = Callable[..., HttpResponse]
LEAD_RELATED = ("region", "industry", "owner", "score")


def acting_user(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user of a view behind `role_required` (who is recorded as the author)."""
    user = request.user
    if not isinstance(user, AbstractBaseUser):
        raise PermissionDenied
    return user


def visible_lead_or_404(request: HttpRequest, pk: int) -> Lead:
    """The lead if this user may read it; 404 otherwise (never leaks that it exists)."""
    queryset = visible_leads(request.user).select_related(*LEAD_RELATED)
    return get_object_or_404(queryset, pk=pk)


def editable_lead(request: HttpRequest, pk: int) -> Lead:
    """The lead if this user may change it: 404 when not visible, 403 when read-only."""
    lead = visible_lead_or_404(request, pk)
    if not can_edit_lead(request.user, lead):
        raise PermissionDenied
    return lead


def add_service_errors(form: BaseForm, error: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's ValidationError beside the form field it names (else above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
