"""Fixtures of the prospect tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from screening.selectors.firms import forget_directory
from screening.world import forget_world
from tests.prospects.scenario import Chain, build_chain


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    """No test sees another test's World or firm directory (SQLite reuses ids)."""
    forget_world()
    forget_directory()
    yield
    forget_world()
    forget_directory()


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def chain(db: None) -> Chain:
    return build_chain()
