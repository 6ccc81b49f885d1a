"""One World per data version, shared by processes through memory-mapped files (issue 17).

Processes here are real (fork): two asking for the same new version build it once; a builder
that dies holding the lock does not block the next; an artifact of another version is never
used; a region-level version reuses the measures layer; old versions are cleaned up.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from screening import world_store
from screening.scoring import World, build_world, score_leads
from screening.world_store import Artifacts, Identity
from tests.scoring.engine_worlds import EQUAL, random_inputs, random_leads
from tests.scoring.test_fast_build import assert_identical

FORK = multiprocessing.get_context("fork")


@pytest.fixture(autouse=True)
def _small_arrays_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test worlds are small: map every array, as a national World maps its large ones."""
    monkeypatch.setattr(world_store, "MIN_MAPPED_BYTES", 1)


def identity(measures: int, regions: int = 1) -> Identity:
    text = f"test measures v{measures}"
    return Identity(measures=text, world=f"{text}\nregions v{regions}")


def store(root: Path, wait: float = 30.0) -> Artifacts[World]:
    return Artifacts[World](root, split=lambda world: world.measures, wait_seconds=wait)


def counting_build(log: Path, seed: int = 0, pause: float = 0.0) -> Callable[[World | None], World]:
    def build(previous: World | None) -> World:
        with log.open("a") as f:
            f.write(f"{os.getpid()} {'reuse' if previous is not None else 'fresh'}\n")
        time.sleep(pause)
        return build_world(random_inputs(seed), measures=previous.measures if previous else None)

    return build


def _ask(root: str, log: str, out: str) -> None:
    value = store(Path(root)).get_or_build(identity(1), counting_build(Path(log), pause=1.0), None)
    np.save(out, value.density_score)
    os._exit(0)


def test_two_processes_asking_for_the_same_new_version_build_it_once(tmp_path: Path) -> None:
    log = tmp_path / "builds.log"
    children = [
        FORK.Process(
            target=_ask, args=(str(tmp_path / "store"), str(log), str(tmp_path / f"{i}.npy"))
        )
        for i in range(2)
    ]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
        assert child.exitcode == 0
    assert len(log.read_text().splitlines()) == 1, log.read_text()
    expected = build_world(random_inputs(0)).density_score
    for i in range(2):
        assert np.array_equal(np.load(tmp_path / f"{i}.npy"), expected, equal_nan=True)


def _die_while_building(root: str, started: str) -> None:
    def build(previous: World | None) -> World:
        Path(started).touch()
        time.sleep(0.5)
        os._exit(3)  # killed mid-build, holding the lock, its temporary files left behind

    store(Path(root)).get_or_build(identity(1), build, None)


def test_a_crashed_builder_does_not_block_the_others(tmp_path: Path) -> None:
    root, started = tmp_path / "store", tmp_path / "started"
    child = FORK.Process(target=_die_while_building, args=(str(root), str(started)))
    child.start()
    deadline = time.monotonic() + 30
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert started.exists()
    begin = time.monotonic()
    value = store(root, wait=60).get_or_build(identity(1), counting_build(tmp_path / "log"), None)
    child.join(10)
    assert child.exitcode == 3
    assert time.monotonic() - begin < 30  # waited for the dead process's lock, not for 60 s
    assert_identical(value, build_world(random_inputs(0)))
    assert store(root).load(identity(1)) is not None  # and published it


def _hold_the_lock(root: str, started: str) -> None:
    def build(previous: World | None) -> World:
        Path(started).touch()
        time.sleep(30)
        raise AssertionError("unreachable")

    store(Path(root)).get_or_build(identity(1), build, None)


def test_a_stuck_builder_makes_the_others_build_their_own_after_the_wait(tmp_path: Path) -> None:
    root, started = tmp_path / "store", tmp_path / "started"
    child = FORK.Process(target=_hold_the_lock, args=(str(root), str(started)))
    child.start()
    try:
        while not started.exists():
            time.sleep(0.02)
        value = store(root, wait=0.5).get_or_build(
            identity(1), counting_build(tmp_path / "log"), None
        )
        assert_identical(value, build_world(random_inputs(0)))
    finally:
        child.kill()
        child.join()


def test_an_artifact_of_another_version_is_never_used(tmp_path: Path) -> None:
    root = tmp_path / "store"
    log = tmp_path / "log"
    old = store(root).get_or_build(identity(1), counting_build(log, seed=1), None)
    # A newer measures version: built, not the old artifact.
    new = store(root).get_or_build(identity(2), counting_build(log, seed=2), None)
    assert not np.array_equal(new.density_score, old.density_score, equal_nan=True)
    assert len(log.read_text().splitlines()) == 2
    # The old artifact copied under the key of a third version (a stale or foreign directory
    # where the new one should be): its manifest says what it is, so it is not read.
    _, third_key = identity(3).keys()
    _, first_key = identity(1).keys()
    shutil.copytree(root / "worlds" / first_key, root / "worlds" / third_key)
    assert store(root).load(identity(3)) is None
    third = store(root).get_or_build(identity(3), counting_build(log, seed=3), None)
    assert_identical(third, build_world(random_inputs(3)))


def test_a_region_version_reuses_the_measures_and_maps_in_another_process(tmp_path: Path) -> None:
    root, log = tmp_path / "store", tmp_path / "log"
    first = store(root).get_or_build(identity(1, regions=1), counting_build(log), None)
    # Another process (a fresh store object) needs the next region version of the same
    # measures: it starts from the newest published world on them, and writes no measures.
    second = store(root).get_or_build(identity(1, regions=2), counting_build(log), None)
    assert log.read_text().splitlines()[-1].endswith("reuse")
    assert len(list((root / "measures").iterdir())) == 1
    assert_identical(second, first)
    mapped = store(root).load(identity(1, regions=2))
    assert mapped is not None and not mapped.density_score.flags.writeable  # a mapping
    leads = random_leads(mapped, 100, 0)
    a, b = score_leads(mapped, leads, EQUAL), score_leads(first, leads, EQUAL)
    assert np.array_equal(a.total, b.total) and np.array_equal(a.confidence, b.confidence)
    # The second world's directory holds only its own arrays, not the measures' again.
    _, key = identity(1, regions=2).keys()
    own = sum(f.stat().st_size for f in (root / "worlds" / key).iterdir())
    shared = sum(f.stat().st_size for f in (root / "measures" / identity(1).keys()[0]).iterdir())
    assert own < shared


def test_old_versions_are_cleaned_up(tmp_path: Path) -> None:
    root, log = tmp_path / "store", tmp_path / "log"
    for version in range(1, 6):
        store(root).get_or_build(identity(version), counting_build(log, seed=version), None)
        time.sleep(0.01)  # distinct modification times
    worlds = sorted(p.name for p in (root / "worlds").iterdir())
    assert len(worlds) == world_store.KEEP
    assert identity(5).keys()[1] in worlds and identity(4).keys()[1] in worlds
    assert len(list((root / "measures").iterdir())) == world_store.KEEP
    assert store(root).load(identity(1)) is None


def test_the_stored_world_is_the_built_world(tmp_path: Path) -> None:
    world = build_world(random_inputs(4))
    value = store(tmp_path).get_or_build(identity(1), lambda previous: world, None)
    assert_identical(value, world)
    assert dataclasses.asdict(value.inputs).keys() == dataclasses.asdict(world.inputs).keys()
