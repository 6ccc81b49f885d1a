"""Every response carries the Content-Security-Policy and the Permissions-Policy (issue 14, 7).

The browser test (tests/browser/test_content_security_policy.py) shows the pages work under
the policy; this checks the headers themselves on pages, API answers and error pages.
"""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize(
    ("path", "status"),
    [("/accounts/login/", 200), ("/", 302), ("/api/v1/me/", 401), ("/no/such/page/", 404)],
)
def test_each_answer_carries_both_policies(path: str, status: int) -> None:
    response = Client().get(path)
    assert response.status_code == status
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    features = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in features
