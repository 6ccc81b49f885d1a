"""Edits at national scale, the core's part split step by step (issue 17).

    .venv/bin/python bench/bench_national_edit.py [--leads 10000000] [--edits 5]

On the synthetic national World (bench_scoring.synthetic_world: 3,000 regions x 1,000
industries, 15,000 clusters) and N synthetic leads (bench_scoring.synthetic_leads), times:

- a region-level edit (one region's cluster members change; a new region version): the
  partial rebuild (build_world with the shared measures and the previous World), publishing
  its world layer to the store (screening/world_store.py; the measures are not rewritten),
  mapping it in another process, and scoring the region's leads (~3,300 at 10 M leads);
  p50 / p95 over --edits edits;
- a region-industry data edit (a new data version: every lead's score may move): the full
  build, publishing, mapping in another process, and scoring all N leads in chunks of
  SCORE_CHUNK_SIZE (20,000) as the Celery tasks do.

Writing the scores to PostgreSQL is not part of this script (a 10 M-lead database is not built
here); bench/README.md puts these figures beside the write rate bench_rescore.py measures.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_scoring import synthetic_leads, synthetic_world
from bench.bench_world_store import IDENTITY, store
from screening.scoring import LeadBatch, World, WorldInputs, build_world, score_leads
from screening.scoring.weights import PRESETS
from screening.world_store import Identity

CHUNK = 20_000


def _map_once(root: str, identity: Identity, out: multiprocessing.Queue) -> None:
    start = time.perf_counter()
    world = store(root).load(identity)
    out.put((time.perf_counter() - start, world is not None))


def map_elsewhere(root: str, identity: Identity) -> float:
    """Seconds a fresh process takes to map the published World."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_map_once, args=(root, identity, queue))
    child.start()
    seconds, found = queue.get(timeout=600)
    child.join(60)
    assert found, "the World was not published"
    return float(seconds)


def subset(batch: LeadBatch, rows: np.ndarray) -> LeadBatch:
    """The leads at `rows` of a batch (their named inputs included), vectorised."""
    starts = batch.inputs_indptr[rows]
    counts = batch.inputs_indptr[rows + 1] - starts
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    take = np.repeat(starts - indptr[:-1], counts) + np.arange(int(indptr[-1]))
    return LeadBatch(
        region=batch.region[rows],
        industry=batch.industry[rows],
        jobs=batch.jobs[rows],
        capex=batch.capex[rows],
        land_ha=batch.land_ha[rows],
        needs=batch.needs[rows],
        inputs_indptr=indptr,
        inputs_indices=batch.inputs_indices[take],
    )


def edited(world: World, region: int, seed: int) -> WorldInputs:
    """The inputs with one region's clusters given other members."""
    rng = np.random.default_rng(seed)
    members = world.inputs.cluster_members.copy()
    for k in np.flatnonzero(world.inputs.cluster_region == region):
        members[k, rng.integers(0, members.shape[1])] = 1.0
    return dataclasses.replace(world.inputs, cluster_members=members)


def _given(world: World) -> Callable[[World | None], World]:
    return lambda previous: world


def summary(label: str, times: list[float]) -> str:
    ms = sorted(1e3 * t for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"{label}: p50 {statistics.median(ms):,.0f} ms, p95 {p95:,.0f} ms ({len(ms)} edits)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=10_000_000)
    parser.add_argument("--edits", type=int, default=5)
    args = parser.parse_args()
    weights = PRESETS["balanced"]
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="national-edit-") as root:
        inputs = synthetic_world(3000, 1000, seed=2)
        start = time.perf_counter()
        world = build_world(inputs)
        build = time.perf_counter() - start
        # One store object, as a process keeps one: it knows which arrays are the published
        # measures, so a region edit's world layer references them instead of copying them.
        shared = store(root)
        start = time.perf_counter()
        world = shared.get_or_build(IDENTITY, _given(world), None)  # now the mapped World
        publish = time.perf_counter() - start
        mapped = map_elsewhere(root, IDENTITY)
        leads = synthetic_leads(world, args.leads)
        start = time.perf_counter()
        for first in range(0, args.leads, CHUNK):
            rows = np.arange(first, min(first + CHUNK, args.leads))
            score_leads(world, subset(leads, rows), weights)
        scoring = time.perf_counter() - start
        print(f"data edit (new data version), {args.leads:,} leads: build {build:.2f} s, publish "
              f"{publish:.2f} s, map in another process {mapped * 1e3:.0f} ms, score every lead "
              f"in chunks of {CHUNK:,} {scoring:.1f} s "
              f"({args.leads / scoring:,.0f} leads/s)")  # fmt: skip
        rebuild, publish_layer, map_layer, region_scoring, sizes = [], [], [], [], []
        for edit in range(args.edits):
            region = int(np.random.default_rng(edit).integers(0, world.n_regions))
            changed = edited(world, region, edit)
            start = time.perf_counter()
            after = build_world(changed, measures=world.measures, previous=world)
            rebuild.append(time.perf_counter() - start)
            identity = Identity(IDENTITY.measures, f"{IDENTITY.world} edit {edit}")
            start = time.perf_counter()
            shared.get_or_build(identity, _given(after), world)
            publish_layer.append(time.perf_counter() - start)
            map_layer.append(map_elsewhere(root, identity))
            rows = np.flatnonzero(leads.region == region)
            sizes.append(rows.size)
            batch = subset(leads, rows)
            start = time.perf_counter()
            score_leads(after, batch, weights)
            region_scoring.append(time.perf_counter() - start)
        print(f"region edit: {statistics.mean(sizes):,.0f} leads in the region on average")
        print(summary("region edit, partial rebuild (one region's clusters)", rebuild))
        print(summary("region edit, publish the world layer", publish_layer))
        print(summary("region edit, map in another process", map_layer))
        print(summary("region edit, score the region's leads", region_scoring))
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
