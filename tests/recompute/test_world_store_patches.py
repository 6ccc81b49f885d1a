"""A region edit's World is stored as a patch of the World it was built on (issue 17).

The patch must give exactly the World a full rebuild gives, must never stand in for another
version, must not outlive the files it stands on silently, and its base must survive cleaning
while a kept World needs it.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from screening import world_store
from screening.scoring import World, WorldInputs, build_world, score_leads
from screening.world_store import Artifacts, Identity, changed_rows
from tests.scoring.engine_worlds import EQUAL, random_inputs, random_leads
from tests.scoring.test_fast_build import assert_identical

REGIONS = 40


@pytest.fixture(autouse=True)
def _small_arrays_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test worlds are small: map every array, as a national World maps its large ones."""
    monkeypatch.setattr(world_store, "MIN_MAPPED_BYTES", 1)


def identity(regions: int, measures: int = 1) -> Identity:
    text = f"test measures v{measures}"
    return Identity(measures=text, world=f"{text}\nregions v{regions}")


def store(root: Path) -> Artifacts[World]:
    return Artifacts[World](root, split=lambda world: world.measures, wait_seconds=30)


def base_inputs() -> WorldInputs:
    return random_inputs(5, n_regions=REGIONS, n_industries=15)


def edited(inputs: WorldInputs, region: int, seed: int) -> WorldInputs:
    """One region's clusters given another member each (a region-level edit)."""
    rng = np.random.default_rng(seed)
    members = np.array(inputs.cluster_members, copy=True)
    ks = np.flatnonzero(inputs.cluster_region == region)
    assert ks.size, "the edited region has clusters"
    for k in ks:
        members[k, rng.integers(0, members.shape[1])] = 1.0
    return dataclasses.replace(inputs, cluster_members=members)


def region_with_clusters(inputs: WorldInputs, nth: int) -> int:
    return int(np.unique(inputs.cluster_region)[nth])


def on(inputs: WorldInputs) -> Callable[[World | None], World]:
    """A build as current_world does it: on the measures and cluster tables of `previous`."""
    return lambda previous: build_world(
        inputs,
        measures=previous.measures if previous is not None else None,
        previous=previous,
    )


def world_dir(root: Path, ident: Identity) -> Path:
    return root / "worlds" / ident.keys()[1]


def assert_same_world(got: World, want: World) -> None:
    assert_identical(got, want)
    for name in ("cluster_members", "cluster_region", "endowment"):
        a, b = getattr(got.inputs, name), getattr(want.inputs, name)
        assert np.array_equal(a, b, equal_nan=True), name
    leads = random_leads(want, 300, 1)
    a, b = score_leads(got, leads, EQUAL), score_leads(want, leads, EQUAL)
    assert np.array_equal(a.total, b.total, equal_nan=True)
    assert np.array_equal(a.confidence, b.confidence, equal_nan=True)


def test_a_region_edit_is_stored_as_a_patch_equal_to_a_full_rebuild(tmp_path: Path) -> None:
    root, inputs = tmp_path / "store", base_inputs()
    shared = store(root)
    first = shared.get_or_build(identity(1), on(inputs), None)
    after = edited(inputs, region_with_clusters(inputs, 3), seed=1)
    shared.get_or_build(identity(2), on(after), first)
    patched_dir = world_dir(root, identity(2))
    assert list(patched_dir.glob("p*-rows.npy")), "nothing was stored as a patch"
    manifest = json.loads((patched_dir / "manifest.json").read_text())
    assert manifest["bases"] == [identity(1).keys()[1]]
    size = sum(f.stat().st_size for f in patched_dir.iterdir())
    full = sum(f.stat().st_size for f in world_dir(root, identity(1)).iterdir())
    assert size < full
    # Read by another process (a fresh store): exactly the World built from scratch.
    mapped = store(root).load(identity(2))
    assert mapped is not None
    assert_same_world(mapped, build_world(after))
    assert not mapped.inputs.cluster_members.flags.writeable


def test_patches_chain_on_the_full_file_and_stay_exact(tmp_path: Path) -> None:
    """Edit after edit, each World patched against the last full file (never a patch of a
    patch), each equal to its full rebuild; the base survives cleaning while needed."""
    root, inputs = tmp_path / "store", base_inputs()
    shared = store(root)
    previous = shared.get_or_build(identity(1), on(inputs), None)
    for version in range(2, 6):
        inputs = edited(inputs, region_with_clusters(inputs, version), seed=version)
        previous = shared.get_or_build(identity(version), on(inputs), previous)
        manifest = json.loads((world_dir(root, identity(version)) / "manifest.json").read_text())
        assert manifest["bases"] == [identity(1).keys()[1]]
    # Only the newest KEEP worlds are kept, and the base their patches stand on.
    assert world_dir(root, identity(1)).is_dir()
    assert not world_dir(root, identity(2)).exists()
    mapped = store(root).load(identity(5))
    assert mapped is not None
    assert_same_world(mapped, build_world(inputs))


def test_a_patch_is_never_used_for_another_version(tmp_path: Path) -> None:
    root, inputs = tmp_path / "store", base_inputs()
    shared = store(root)
    first = shared.get_or_build(identity(1), on(inputs), None)
    second_inputs = edited(inputs, region_with_clusters(inputs, 0), seed=2)
    shared.get_or_build(identity(2), on(second_inputs), first)
    # A newer region version is not the patched world, even copied under its key.
    shutil.copytree(world_dir(root, identity(2)), world_dir(root, identity(3)))
    assert store(root).load(identity(3)) is None
    third_inputs = edited(second_inputs, region_with_clusters(inputs, 1), seed=3)
    third = store(root).get_or_build(identity(3), on(third_inputs), None)
    assert_same_world(third, build_world(third_inputs))
    # Nor for other measures (a new data version).
    assert store(root).load(identity(2, measures=2)) is None


def test_a_patch_whose_base_is_gone_is_not_used_and_is_rebuilt(tmp_path: Path) -> None:
    root, inputs = tmp_path / "store", base_inputs()
    shared = store(root)
    first = shared.get_or_build(identity(1), on(inputs), None)
    after = edited(inputs, region_with_clusters(inputs, 2), seed=4)
    shared.get_or_build(identity(2), on(after), first)
    shutil.rmtree(world_dir(root, identity(1)))  # e.g. removed by hand
    assert store(root).load(identity(2)) is None
    assert not world_dir(root, identity(2)).exists()  # removed: it can be published again
    rebuilt = store(root).get_or_build(identity(2), on(after), None)
    assert_same_world(rebuilt, build_world(after))
    assert store(root).load(identity(2)) is not None


def test_arrays_that_changed_in_too_many_rows_are_written_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(world_store, "PATCH_MAX_SHARE", -1.0)  # no share is small enough
    root, inputs = tmp_path / "store", base_inputs()
    shared = store(root)
    first = shared.get_or_build(identity(1), on(inputs), None)
    after = edited(inputs, region_with_clusters(inputs, 0), seed=5)
    shared.get_or_build(identity(2), on(after), first)
    directory = world_dir(root, identity(2))
    assert json.loads((directory / "manifest.json").read_text())["bases"] == []
    assert not list(directory.glob("p*"))
    mapped = store(root).load(identity(2))
    assert mapped is not None
    assert_same_world(mapped, build_world(after))


def rows_of(a: np.ndarray, b: np.ndarray) -> list[int]:
    rows = changed_rows(a, b)
    assert rows is not None
    return [int(r) for r in rows]


def test_changed_rows_compares_bytes() -> None:
    a = np.array([[0.0, np.nan], [1.0, 2.0], [3.0, 4.0]])
    b = a.copy()
    assert rows_of(a, b) == []  # NaN is the same bytes as itself
    b[2, 0] = -3.0
    b[1, 0] = -0.0 + 1.0
    assert rows_of(a, b) == [2]
    c = a.copy()
    c[0, 0] = -0.0  # equal as a value, not as bytes
    assert rows_of(a, c) == [0]
    assert changed_rows(a, a[:2]) is None
    assert changed_rows(a, a.astype(np.float32)) is None
    odd = np.zeros((4, 3), dtype=np.uint8)
    other = odd.copy()
    other[3, 2] = 1
    assert rows_of(odd, other) == [3]
