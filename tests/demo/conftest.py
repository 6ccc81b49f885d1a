"""The demo tests are pure (files and stdlib only): no Django settings, no Celery app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True)
def _eager_celery() -> Iterator[None]:
    """Shadow the project-wide fixture, which imports the Celery app and so needs settings."""
    yield
