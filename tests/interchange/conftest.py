"""Fixtures for the import/export tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from projects.interchange.importer import import_bundle
from regions.interchange.report import ImportReport
from tests.interchange.bundles import write_bundle


@pytest.fixture
def imported(tmp_path: Path, db: None) -> ImportReport:
    """The BASE bundle, imported."""
    report = import_bundle(write_bundle(tmp_path / "base"), dry_run=False)
    assert report.ok, report.as_text()
    return report
