"""Access decorators and small helpers shared by the browser views.

Every view is wrapped in `role_required`; leads are always fetched through
`screening.access.visible_leads`, so a lead the user may not read answers 404 (its existence
is never confirmed), and a lead the user may read but not change answers 403.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, resolve_url
from django.utils.translation import get_language
from django_htmx.http import HttpResponseClientRedirect

from projects.models import Lead
from screening.access import Role, can_edit_lead, has_role, visible_leads

ViewFunc = Callable[..., HttpResponse]
LEAD_RELATED = ("region", "industry", "owner", "score")


def role_required(*wanted: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Let signed-in users with one of `wanted` roles through (any role when none is given).

    Anonymous users are sent to sign in (an htmx request gets a client-side redirect, so a
    sign-in page is never swapped into a table row); users without the role get 403.
    """
    allowed = wanted or tuple(Role)

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return to_login(request)
            if not has_role(request.user, *allowed):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def to_login(request: HttpRequest) -> HttpResponse:
    if getattr(request, "htmx", False):
        current = request.htmx.current_url_abs_path or "/"  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(f"{resolve_url('login')}?{urlencode({'next': current})}")
    return redirect_to_login(request.get_full_path())


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


def is_english() -> bool:
    return (get_language() or "").startswith("en")


def explanation_lang() -> str:
    """The key of the stored explanation sentences for the active language ('zh' or 'en')."""
    return "en" if is_english() else "zh"


def add_service_errors(form: BaseForm, error: ValidationError, aliases: dict[str, str]) -> None:
    """Show a service's ValidationError beside the form field it names (else above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        field = aliases.get(name, name)
        form.add_error(field if field in form.fields else None, messages)
