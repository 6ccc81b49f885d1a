"""The shared World (screening.world_store): build once, map in N processes, memory per process.

Builds the national synthetic World (bench_scoring.synthetic_world, 3,000 regions x 1,000
industries), publishes it to a temporary store, then starts N fresh processes (spawn) that each
map it, read every page of it (a full pass over every array, as scoring all leads would) and
report the time to map, their resident memory (RSS) and their proportional share of it (PSS:
shared pages divided among the processes mapping them). For comparison, the memory a process
holding its own built World needs. Target: mapping <= 0.5 s. Run:

    .venv/bin/python bench/bench_world_store.py [--processes 4] [--industries 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_scoring import synthetic_world
from screening.scoring import World, build_world
from screening.world_store import Artifacts, Identity

TARGET_MAP_SECONDS = 0.5
IDENTITY = Identity(measures="bench measures", world="bench measures\nbench regions")


def memory_mb() -> dict[str, float]:
    """This process's Rss, Pss and private pages (MB), from /proc/self/smaps_rollup."""
    fields: dict[str, float] = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2] == "kB":
            fields[parts[0].rstrip(":")] = int(parts[1]) / 1024
    private = fields.get("Private_Clean", 0.0) + fields.get("Private_Dirty", 0.0)
    return {"rss": fields.get("Rss", 0.0), "pss": fields.get("Pss", 0.0), "private": private}


def store(root: str) -> Artifacts[World]:
    return Artifacts[World](Path(root), split=lambda world: world.measures)


def touch_every_array(value: object, seen: set[int] | None = None) -> float:
    """Sum every array reachable from a (nested) dataclass: every page is read."""
    seen = set() if seen is None else seen
    total = 0.0
    if id(value) in seen:
        return total
    seen.add(id(value))
    if isinstance(value, np.ndarray):
        return float(np.nansum(value, dtype=np.float64)) if value.dtype.kind in "fiub" else 0.0
    if isinstance(value, tuple | list):
        return sum(touch_every_array(v, seen) for v in value)
    for name in getattr(value, "__dataclass_fields__", {}):
        total += touch_every_array(getattr(value, name), seen)
    return total


def mapper(
    root: str, start: multiprocessing.synchronize.Barrier, out: multiprocessing.Queue
) -> None:
    before = memory_mb()
    start.wait()
    began = time.perf_counter()
    world = store(root).load(IDENTITY)
    mapped = time.perf_counter() - began
    assert world is not None
    touch_every_array(world)
    start.wait()  # every process has read every page: now PSS divides the shared ones
    after = memory_mb()
    out.put((os.getpid(), mapped, before, after))
    start.wait()


def publish(root: str, world: World) -> float:
    """Seconds to publish a built World (pickle + one .npy per large array, atomic rename)."""
    start = time.perf_counter()
    store(root).get_or_build(IDENTITY, lambda previous: world, None)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--industries", type=int, default=1000)
    args = parser.parse_args()
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="world-store-bench-") as root:
        inputs = synthetic_world(3000, args.industries, seed=2)
        before = memory_mb()
        start = time.perf_counter()
        world = build_world(inputs)
        built = time.perf_counter() - start
        touch_every_array(world)
        own = memory_mb()["rss"] - before["rss"]
        written = publish(root, world)
        size = sum(f.stat().st_size for f in Path(root).rglob("*") if f.is_file()) / 2**20
        print(f"build_world 3,000 x {args.industries:,}: {built:.2f} s; publish: {written:.2f} s, "
              f"{size:,.0f} MB on disk")  # fmt: skip
        print(f"a process holding its own built World: +{own:,.0f} MB resident")
        del world  # this process's private copy: the children map the published one
        context = multiprocessing.get_context("spawn")
        barrier, queue = context.Barrier(args.processes), context.Queue()
        children = [
            context.Process(target=mapper, args=(root, barrier, queue))
            for _ in range(args.processes)
        ]
        for child in children:
            child.start()
        results = [queue.get(timeout=600) for _ in children]
        for child in children:
            child.join(60)
        slowest = 0.0
        for pid, mapped, before_map, after in sorted(results):
            slowest = max(slowest, mapped)
            print(f"process {pid}: mapped in {mapped * 1e3:.0f} ms; after reading every array "
                  f"RSS +{after['rss'] - before_map['rss']:,.0f} MB, PSS "
                  f"+{after['pss'] - before_map['pss']:,.0f} MB, private "
                  f"+{after['private'] - before_map['private']:,.0f} MB")  # fmt: skip
        print(f"map: slowest {slowest * 1e3:.0f} ms over {args.processes} processes "
              f"(target <= {TARGET_MAP_SECONDS * 1e3:.0f} ms)")  # fmt: skip
    print("load average (1, 5, 15 min): {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    return 0 if slowest <= TARGET_MAP_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
