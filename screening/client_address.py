"""The address a request really came from, for counting login failures and API requests.

Behind N reverse proxies that each append the address they received the request from to
`X-Forwarded-For`, the client's address is the N-th entry from the right; everything to its
left was sent by the client and may be anything. With no trusted proxy (the default) only the
socket's address (`REMOTE_ADDR`) counts: a header a client can set never decides whose
counter a request adds to, so varying it cannot escape a lockout or a throttle.

`TRUSTED_PROXY_COUNT` (settings, from the environment) says how many proxies to trust.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

# No socket address at all (a request built by hand, e.g. the test client's force_login). The
# unspecified address, not a word: axes stores the address in an IP column, which PostgreSQL
# checks ("unknown" made every such sign-in fail there when axes counts in the database).
UNKNOWN = "0.0.0.0"  # noqa: S104 (an address to count by, never bound to)


def client_address(request: HttpRequest) -> str:
    """The client's IP address as the trusted proxies saw it, else the socket's address."""
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or UNKNOWN
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        # Fewer entries than proxies: the request did not pass through all of them (or a
        # proxy does not append), so none of the entries is vouched for.
        return remote
    return _valid(forwarded[-proxies]) or remote


def _valid(text: str) -> str:
    """The address in canonical form, or "" when `text` is not an IP address."""
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return ""
