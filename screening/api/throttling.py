"""Request rates for the whole API: per signed-in user, per anonymous address, token requests.

The counts live in Django's cache (Redis when REDIS_URL is set), so every gunicorn worker and
every host share them. Anonymous requests are counted per client address as
`screening.client_address` finds it (behind the configured number of trusted proxies), never
by a header the client sets. Rates come from settings.API_THROTTLE_RATES (environment
variables, README "Configuration") and are read on each request, so a test or an operator's
settings change takes effect without a restart of the class machinery; a rate of None turns a
scope off.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from screening.client_address import client_address


class _ConfiguredRate(SimpleRateThrottle):
    """A throttle whose rate is settings.API_THROTTLE_RATES[scope] and whose client is the
    real address."""

    def get_rate(self) -> str | None:
        rates: dict[str, str | None] = getattr(settings, "API_THROTTLE_RATES", {})
        return rates.get(str(self.scope))

    def get_ident(self, request: Request) -> str:
        return client_address(request._request)

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        raise NotImplementedError


class UserRateThrottle(_ConfiguredRate):
    """Signed-in users, counted per user (whichever address they come from)."""

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not (request.user and request.user.is_authenticated):
            return None  # the anonymous throttle counts these
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonRateThrottle(_ConfiguredRate):
    """Requests without a signed-in user, counted per client address."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenRequestThrottle(_ConfiguredRate):
    """Token requests (username and password), per client address, on top of the lockout."""

    scope = "token"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LockedOut(APIException):
    """A sign-in refused by the lockout (too many failed attempts), even with the right
    password, until the cool-off has passed."""

    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_detail = _("Too many failed sign-in attempts; try again later.")
    default_code = "locked_out"
