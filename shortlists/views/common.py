"""The access rule of every shortlist page, and small helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast
from urllib.parse import urlencode

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from screening.access import can_manage_shortlists
from screening.web import to_login

ViewFunc = Callable[..., HttpResponse]


def manager_required(view: ViewFunc) -> ViewFunc:
    """Managers and admins only: anonymous users sign in first, everyone else gets 403."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return to_login(request)
        if not can_manage_shortlists(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def signed_in(request: HttpRequest) -> User:
    """The signed-in user of a view behind `manager_required`."""
    return cast(User, request.user)


def hidden_pairs(query: dict[str, Any]) -> list[tuple[str, str]]:
    """GET parameters as (name, value) pairs for hidden inputs (lists give several pairs)."""
    pairs = []
    for key, value in query.items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((key, str(item)))
    return pairs


def query_string(query: dict[str, Any], **changes: Any) -> str:
    merged = {**query, **{k: v for k, v in changes.items() if v is not None}}
    return urlencode(merged, doseq=True)


def is_partial(request: HttpRequest, target: str) -> bool:
    """True for an htmx request that swaps only the element `target`."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and htmx.target == target  # type: ignore[union-attr]
