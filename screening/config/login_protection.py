"""The login lockout (django-axes): its authentication backend and its refusal.

The browser (login page, Django admin) gets a page that says why and for how long; the API
(its token endpoint) gets the API's JSON error body. Both answer 429 Too Many Requests.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from screening.api.errors import error_body
from screening.api.throttling import LockedOut

TOO_MANY = 429


class LockoutBackend(AxesStandaloneBackend):
    """Refuses every sign-in of a locked-out address or username (before the password is
    checked). A call without a request comes from code, not from a client (the test client's
    login(), a shell); there is nobody to count it against, so it is left to the next backend
    instead of failing as axes' own backend does."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the refusal, in the API's body under /api/, else as a page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(error_body(LockedOut()), status=TOO_MANY)
    else:
        context = {"minutes": cooloff_minutes()}
        response = render(request, "registration/locked_out.html", context, status=TOO_MANY)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
