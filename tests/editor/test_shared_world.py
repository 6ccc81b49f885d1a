"""The app with WORLD_STORE_DIR set: the World comes from the host's store (issue 17).

A second process maps the published World instead of building it; previews, saves and the
recompute they enqueue work on the read-only mapped arrays and store the scores the preview
predicted; a region edit publishes a new world on the same measures.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pytest

from regions.services import ClusterDraft, MemberDraft, cluster_save
from screening import world_store
from screening.services.impact import region_edit_impact
from screening.world import RegionDraft, current_world, forget_world
from tests.editor.test_impact import member_draft, predicted, stored_totals
from tests.ui.scenario import Scenario


@pytest.fixture
def store(
    settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, transactional_db: None
) -> Iterator[Path]:
    """The store on, and the database committed as in production (a World read inside a
    transaction is never published: its rows may be rolled back)."""
    settings.WORLD_STORE_DIR = str(tmp_path / "worlds")
    # The scenario is small: map every array, as a national World maps its large ones.
    monkeypatch.setattr(world_store, "MIN_MAPPED_BYTES", 1)
    forget_world()
    yield tmp_path / "worlds"
    forget_world()


def test_another_process_maps_the_published_world(scenario: Scenario, store: Path) -> None:
    built = current_world()
    forget_world()  # as a process that never built it
    with mock.patch("screening.world.build_world", side_effect=AssertionError("rebuilt")):
        mapped = current_world()
    assert mapped.version == built.version
    assert (
        not mapped.world.density_score.flags.writeable or mapped.world.density_score.nbytes < 65536
    )
    for name in ("density_score", "presence", "mcp"):
        assert np.array_equal(
            getattr(mapped.world, name), getattr(built.world, name), equal_nan=True
        )
    assert mapped.region_pos == built.region_pos


def test_an_edit_with_the_store_stores_what_the_preview_predicted(
    scenario: Scenario, store: Path, django_capture_on_commit_callbacks: Any
) -> None:
    cluster, jinan = scenario.clusters["JN-NEV"], scenario.cities["JN"]
    current_world()
    members = member_draft(scenario, "LIB-CELL", role="support")
    impact = region_edit_impact(
        RegionDraft(region_id=jinan.pk, cluster_id=cluster.pk, members=tuple(members))
    )
    with django_capture_on_commit_callbacks(execute=True):
        cluster_save(
            cluster,
            ClusterDraft(members=tuple(MemberDraft(i, role) for i, role in members)),
        )
    current_world()
    stored, expected = stored_totals(jinan.pk), predicted(impact)
    assert expected
    for lead_id, total in expected.items():
        assert stored[lead_id] == pytest.approx(total, abs=1e-6)
    # The edit made a new world version on the same measures: one measures layer.
    assert len(list((store / "measures").iterdir())) == 1
    assert len(list((store / "worlds").iterdir())) == 2


def test_a_world_read_inside_a_transaction_is_not_published(
    scenario: Scenario, settings: Any, tmp_path: Path
) -> None:
    settings.WORLD_STORE_DIR = str(tmp_path / "worlds")
    forget_world()
    try:
        current_world()  # the test runs in a transaction (rolled back at its end)
        assert not (tmp_path / "worlds" / "worlds").exists()
    finally:
        forget_world()
