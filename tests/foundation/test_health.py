"""The compose health probe gets its answer under the production settings.

docker-compose.yml's web service probes http://127.0.0.1:8000/healthz from inside the
container: neither an allowed host (ALLOWED_HOSTS is the site's name) nor HTTPS. It answered
400 (or a redirect to https://127.0.0.1), so the web service never became healthy.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_the_compose_probe_asks_the_container_itself() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    probe = " ".join(compose["services"]["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in probe


def test_the_probe_is_answered_whatever_the_allowed_host_and_scheme(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["leads.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_other_pages_still_check_the_host_and_redirect(settings: Any) -> None:
    settings.ALLOWED_HOSTS = ["leads.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    response = Client().get("/accounts/login/", HTTP_HOST="leads.example.org")
    assert response.status_code == 301
    assert response["Location"].startswith("https://leads.example.org/")
