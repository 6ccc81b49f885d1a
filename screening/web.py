"""What every app's browser views share: the sign-in and role check, and choice fields that
label regions, industries and clusters in the active language."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django_htmx.http import HttpResponseClientRedirect

from regions.names import local_name
from screening.access import Role, has_role

ViewFunc = Callable[..., HttpResponse]


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


class LocalNameChoiceField(forms.ModelChoiceField):
    """Choices labelled with the name in the active language."""

    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)


class LocalNameMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)
