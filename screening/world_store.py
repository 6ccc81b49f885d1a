"""One World per data version for every process of a host: built once, memory-mapped by all.

The first process that needs a version takes an exclusive lock on it (fcntl.flock: the kernel
releases it when the holder exits or crashes, so a dead builder never blocks the others), checks
again, builds, and publishes the World as an artifact: a small pickle of everything but the
large arrays, and each large array as a .npy file. The artifact is written into a temporary
directory and renamed into place (atomic), so nobody ever reads half of one. Every other
process maps it (np.load(mmap_mode="r")): no rebuild, and the pages are the operating system's
page cache, shared by every process that maps them instead of one private copy each.

Two layers, so that a region-level edit (a cluster, an endowment: a new region version, same
measures) does not rewrite the expensive part: ``measures/<key>`` holds the Measures (density,
chain and pull cells, phi: everything that depends only on sizes, links and levels) and
``worlds/<key>`` the rest, its arrays that belong to the measures stored as references to them.

Region edits write patches, not copies: a world built on another one (the previous region
version) compares each of its large arrays with the same array of that base, byte for byte and
row by row, and where few rows differ stores only those rows and a reference to the base's full
file (the cluster member matrix at national scale is 120 MB, of which an edit changes a few
rows). A patch is always taken against a full file (never a patch of a patch), so a world
depends on at most one level of other worlds; its manifest lists them, and cleaning keeps them
while a kept world needs them. A patched array is rebuilt on reading (a private copy of the
base with the rows put back: exact, and the same bytes as the full array), so it costs memory
per process that a mapping does not; once the rows that differ from the base exceed
PATCH_MAX_SHARE, the array is written whole again and becomes the next base.

Why files and not PostgreSQL or Redis (docs/engine-interface.md, "One World per data version,
shared"): a World at national scale is several hundred MB of arrays. From a database or Redis
each process would have to copy them into its own memory (seconds, and N private copies); a
mapped file costs
nothing until a page is read, and all processes of the host share one copy. The artifacts are a
cache, never a source of truth: a host without the directory, or a second host, builds its own
(once per host). In docker compose the web and worker containers share a named volume.

Keys: a digest of the format (FORMAT), the database, its DataVersion row's creation time (a
flushed and reloaded database starts its versions again) and the versions; each artifact's
manifest repeats the identity it was built for and is checked on every read, so an artifact of
another version (older, newer, another database) is never used. Old versions are removed after
each new one is published (the newest KEEP are kept; a process that still maps a removed one
keeps its pages: unlinking a mapped file does not unmap it).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import io
import json
import logging
import os
import pickle
import shutil
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import numpy as np

log = logging.getLogger(__name__)

# Bump when the World's layout changes (a field added, renamed or retyped): artifacts of an
# older format are then never read.
FORMAT = 2
# Arrays of at least this many bytes get their own mapped file; smaller ones stay in the pickle.
MIN_MAPPED_BYTES = 64 * 1024
# Newest world artifacts kept after publishing one (the one in force and the one before it).
KEEP = 2
# A world array is stored as a patch of its base when at most this share of its rows differ.
PATCH_MAX_SHARE = 0.125
# A temporary directory older than this was left by a crashed builder.
STALE_TEMP_SECONDS = 3600

Value = TypeVar("Value")
Ref = tuple[str, str, int]  # (layer, key, array number)
# (the full file a large array of a world is, or is a patch of; that file, mapped): in the
# order the pickle meets the arrays, so that a world built on this one finds its counterparts.
Layout = list[tuple[Ref, np.ndarray]]


@dataclass(frozen=True)
class Identity:
    """What an artifact was built from: equal identities, equal contents."""

    measures: str  # everything the Measures depend on, as text
    world: str  # everything the World depends on (includes `measures`)

    def keys(self) -> tuple[str, str]:
        return _digest(self.measures), _digest(self.world)


def _digest(text: str) -> str:
    return hashlib.sha256(f"format {FORMAT}\n{text}".encode()).hexdigest()[:32]


class _Pickler(pickle.Pickler):
    """Pickles with each large array written to its own .npy file (or referenced, when it is
    an array of another artifact already on disk, or written as a patch of its counterpart in
    `base`, the layout of the world this one was built on)."""

    def __init__(
        self,
        file: io.BytesIO,
        directory: Path,
        layer: str,
        key: str,
        known: dict[int, tuple[np.ndarray, Ref]],
        base: Layout | None = None,
        store_root: Path | None = None,
    ) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.directory, self.layer, self.key, self.known = directory, layer, key, known
        self.base = base or []
        self.store_root = store_root
        self.written: dict[int, tuple[np.ndarray, Ref]] = {}
        self.seen: dict[int, tuple[np.ndarray, Any]] = {}  # every large array, first sight order
        # Per large array in that order: its full file and, unless written here, that file
        # mapped (the layout of the value once published).
        self.order: list[tuple[Ref, np.ndarray | None]] = []
        self.patches = 0
        self.bases: set[str] = set()  # keys of the worlds whose files the patches stand on

    def persistent_id(self, obj: Any) -> Any:
        if type(obj) is not np.ndarray and not isinstance(obj, np.memmap):
            return None
        if obj.dtype.hasobject or obj.nbytes < MIN_MAPPED_BYTES:
            return None
        if id(obj) in self.seen and self.seen[id(obj)][0] is obj:
            return self.seen[id(obj)][1]
        position = len(self.seen)
        pid: Any = None
        if id(obj) in self.known and self.known[id(obj)][0] is obj:
            pid = self.known[id(obj)][1]
            self.order.append((pid, obj))
        elif position < len(self.base) and self.base[position][0][0] == "worlds":
            pid = self._patch(np.asarray(obj), *self.base[position])
            if pid is not None:
                self.order.append(self.base[position])
        if pid is None:
            ref: Ref = (self.layer, self.key, len(self.written))
            np.save(self.directory / f"a{ref[2]}.npy", np.asarray(obj), allow_pickle=False)
            self.written[id(obj)] = (obj, ref)
            self.order.append((ref, None))
            pid = ref
        self.seen[id(obj)] = (obj, pid)
        return pid

    def _patch(self, array: np.ndarray, root_ref: Ref, root: np.ndarray) -> Any:
        """A patch of `array` against the full file `root`, or None (write it whole) when they
        differ in shape or type or in more than PATCH_MAX_SHARE of their rows."""
        layer, key, number = root_ref
        root_file = self.store_root / layer / key / f"a{number}.npy" if self.store_root else None
        if root_file is None or not root_file.exists():
            return None  # the base was cleaned up meanwhile (this process read it long ago)
        rows = changed_rows(array, root)
        if rows is None or rows.size > PATCH_MAX_SHARE * array.shape[0]:
            return None
        number = self.patches
        self.patches += 1
        np.save(self.directory / f"p{number}-rows.npy", rows, allow_pickle=False)
        np.save(self.directory / f"p{number}-values.npy", array[rows], allow_pickle=False)
        self.bases.add(root_ref[1])
        return ("patch", *root_ref, self.layer, self.key, number)


def changed_rows(array: np.ndarray, root: np.ndarray) -> np.ndarray | None:
    """Indices of the rows (first axis) where `array` and `root` differ in any byte; None when
    their shapes or types differ. Bytes, not values: NaN equals itself, -0.0 differs from 0.0,
    so putting these rows back into `root` gives exactly `array`."""
    if array.shape != root.shape or array.dtype != root.dtype or array.ndim == 0:
        return None
    n = array.shape[0]
    a = np.ascontiguousarray(array).reshape(n, -1).view(np.uint8)
    b = np.ascontiguousarray(root).reshape(n, -1).view(np.uint8)
    width = a.shape[1]
    for size in (8, 4, 2):  # compare in words where the row length allows it (faster)
        if width % size == 0:
            word = np.dtype(f"u{size}")
            a, b = a.view(word), b.view(word)
            break
    return np.flatnonzero(np.any(a != b, axis=1)).astype(np.int64)


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BufferedReader, root: Path) -> None:
        super().__init__(file)
        self.root = root
        self.loaded: dict[Ref, np.ndarray] = {}  # full files, mapped
        self.layout: Layout = []
        self.seen: dict[tuple[Any, ...], np.ndarray] = {}

    def persistent_load(self, pid: Any) -> np.ndarray:
        key = tuple(pid)
        if key in self.seen:
            return self.seen[key]
        if key[0] == "patch":
            root_ref: Ref = (key[1], key[2], key[3])
            layer, owner, number = key[4], key[5], key[6]
            base = self._mapped(root_ref)
            directory = self.root / layer / owner
            rows = np.load(directory / f"p{number}-rows.npy", allow_pickle=False)
            values = np.load(directory / f"p{number}-values.npy", allow_pickle=False)
            array = np.array(base)  # a private copy of the base, with its changed rows put back
            array[rows] = values
            array.flags.writeable = False
            self.layout.append((root_ref, base))
        else:
            ref: Ref = (key[0], key[1], key[2])
            array = self._mapped(ref)
            self.layout.append((ref, array))
        self.seen[key] = array
        return array

    def _mapped(self, ref: Ref) -> np.ndarray:
        if ref not in self.loaded:
            layer, key, number = ref
            path = self.root / layer / key / f"a{number}.npy"
            # A plain read-only ndarray over the mapping (not an np.memmap: results of
            # arithmetic on it are ordinary arrays).
            self.loaded[ref] = np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
        return self.loaded[ref]


class Artifacts(Generic[Value]):
    """The store under one directory; see the module docstring.

    `build(previous)` makes a value; `split(value)` gives the part that is the measures layer
    (stored once per measures identity, referenced by every world built on it).
    """

    def __init__(self, root: Path, split: Callable[[Value], object], wait_seconds: float = 600.0):
        self.root = Path(root)
        self.split = split
        self.wait_seconds = wait_seconds
        # The arrays of the measures layer this process has mapped or written: a World built
        # on them references them instead of writing them again. Strong references, so that an
        # id() is never reused by another array while it is in here.
        self._known: dict[int, tuple[np.ndarray, Ref]] = {}
        self._known_key = ""
        # The layout of each world value this process read from the store (weakly held: an
        # entry lives as long as its value), for writing a world built on it as patches.
        self._layouts: dict[int, tuple[weakref.ref[Any], Layout]] = {}

    # -- reading ---------------------------------------------------------------------------

    def load(self, identity: Identity) -> Value | None:
        """The value published for exactly this identity, mapped; None if there is none."""
        _, world_key = identity.keys()
        directory = self.root / "worlds" / world_key
        try:
            manifest = json.loads((directory / "manifest.json").read_text())
        except FileNotFoundError:  # not published, or removed while we read it
            return None
        if not self._same_identity(manifest, identity):
            log.warning("world store: %s holds another version; not used", directory)
            return None
        start = time.perf_counter()
        try:
            value = self._unpickle(directory, identity)
        except FileNotFoundError:
            # Removed while we read it, or a base its patches stand on is gone: never usable
            # again, so removed (a process that needs this version builds and publishes it).
            log.warning("world store: %s is incomplete; removed", directory)
            shutil.rmtree(directory, ignore_errors=True)
            return None
        log.info("timing world map: %.3f s", time.perf_counter() - start)
        return value

    def _unpickle(self, directory: Path, identity: Identity) -> Value:
        with (directory / "object.pickle").open("rb") as file:
            unpickler = _Unpickler(file, self.root)
            value: Value = unpickler.load()
        measures_key, _ = identity.keys()
        self._remember(
            measures_key, {r: a for r, a in unpickler.loaded.items() if r[0] == "measures"}
        )
        self._layouts = {k: e for k, e in self._layouts.items() if e[0]() is not None}
        with contextlib.suppress(TypeError):  # a value that cannot be weakly referenced
            self._layouts[id(value)] = (weakref.ref(value), unpickler.layout)
        return value

    def layout_of(self, value: object) -> Layout | None:
        """The layout of a value read from this store (None for any other value)."""
        entry = self._layouts.get(id(value))
        return entry[1] if entry is not None and entry[0]() is value else None

    def _remember(self, measures_key: str, arrays: dict[Ref, np.ndarray]) -> None:
        if measures_key != self._known_key:
            self._known, self._known_key = {}, measures_key
        for ref, array in arrays.items():
            self._known[id(array)] = (array, ref)

    def _manifest(self, identity: Identity) -> dict[str, object]:
        return {"format": FORMAT, "measures": identity.measures, "world": identity.world}

    def _same_identity(self, manifest: dict[str, Any], identity: Identity) -> bool:
        expected = self._manifest(identity)
        return all(manifest.get(name) == value for name, value in expected.items())

    def latest_on(self, identity: Identity) -> Value | None:
        """The newest published value on the same measures (another region version): a
        builder reuses its measures and its unchanged cluster tables."""
        for directory in self._worlds_newest_first():
            try:
                manifest = json.loads((directory / "manifest.json").read_text())
                if (
                    manifest.get("format") != FORMAT
                    or manifest.get("measures") != identity.measures
                ):
                    continue
                return self._unpickle(directory, identity)
            except (FileNotFoundError, ValueError, pickle.UnpicklingError):
                continue
        return None

    # -- building --------------------------------------------------------------------------

    def get_or_build(
        self,
        identity: Identity,
        build: Callable[[Value | None], Value],
        previous: Value | None,
        publish: bool = True,
    ) -> Value:
        """The value for `identity`: mapped if published, else built here once (under the lock)
        and published. `previous` (same measures, or None) is handed to `build`. publish=False
        (the data read may not be committed): built here and kept private if not published."""
        found = self.load(identity)
        if found is not None:
            return found
        if not publish:
            return build(previous)
        _, world_key = identity.keys()
        with self._locked(world_key) as locked:
            if not locked:  # the holder is alive but stuck: build here, publish nothing
                log.warning(
                    "world store: waited %.0f s for %s; building here", self.wait_seconds, world_key
                )
                return build(previous)
            found = self.load(identity)  # another process published it while we waited
            if found is not None:
                return found
            base = previous if previous is not None else self.latest_on(identity)
            start = time.perf_counter()
            value = build(base)
            built = time.perf_counter()
            log.info("timing world build: %.3f s", built - start)
            layout = self._publish(
                identity, value, self.layout_of(base) if base is not None else None
            )
            log.info("timing world publish: %.3f s", time.perf_counter() - built)
        self._clean(keep={world_key})
        if layout is not None:
            # Built on measures already mapped here (a region edit): the value in hand is what
            # mapping it would give, and mapping would only copy its patched arrays again.
            self._layouts[id(value)] = (weakref.ref(value), layout)
            return value
        mapped = self.load(identity)
        return mapped if mapped is not None else value

    @contextlib.contextmanager
    def _locked(self, key: str) -> Iterator[bool]:
        """An exclusive flock on the key's lock file: True once held, False after waiting
        wait_seconds. The kernel drops it when this process exits, however it exits."""
        locks = self.root / "locks"
        locks.mkdir(parents=True, exist_ok=True)
        with (locks / f"{key}.lock").open("a") as handle:
            deadline = time.monotonic() + self.wait_seconds
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        yield False
                        return
                    time.sleep(0.05)
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _publish(
        self, identity: Identity, value: Value, base: Layout | None = None
    ) -> Layout | None:
        """Write the value's layers; with `base` (the layout of the world it was built on),
        its world arrays that differ from their counterparts in a few rows as patches.
        Returns the value's layout when only the world layer was written (else None)."""
        measures_key, world_key = identity.keys()
        measures = self.split(value)
        # Measures published by another process and not mapped here (two region versions on
        # new measures built at once): this world then keeps its own copy of those arrays.
        if not (self.root / "measures" / measures_key / "manifest.json").exists():
            self._write("measures", measures_key, measures, identity)
            self._write("worlds", world_key, value, identity, base)
            return None
        return self._write("worlds", world_key, value, identity, base)

    def _write(
        self, layer: str, key: str, value: object, identity: Identity, base: Layout | None = None
    ) -> Layout | None:
        """Write one layer (atomically); for the world layer, returns the value's layout."""
        final = self.root / layer / key
        temp = self.root / "tmp" / f"{key}-{uuid.uuid4().hex}"
        temp.mkdir(parents=True)
        try:
            buffer = io.BytesIO()
            known = self._known if layer == "worlds" else {}
            pickler = _Pickler(
                buffer, temp, layer, key, known, base if layer == "worlds" else None, self.root
            )
            pickler.dump(value)
            (temp / "object.pickle").write_bytes(buffer.getvalue())
            manifest = self._manifest(identity) | {"bases": sorted(pickler.bases)}
            (temp / "manifest.json").write_text(json.dumps(manifest))
            final.parent.mkdir(parents=True, exist_ok=True)
            try:
                temp.rename(final)  # atomic: a reader sees all of it or nothing
            except OSError as error:
                if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                    raise
                return None  # published meanwhile (equal contents): keep theirs
            if layer == "measures":
                self._remember(key, {ref: array for array, ref in pickler.written.values()})
                return None
            return [
                (ref, array if array is not None else self._map_file(ref))
                for ref, array in pickler.order
            ]
        finally:
            shutil.rmtree(temp, ignore_errors=True)

    def _map_file(self, ref: Ref) -> np.ndarray:
        layer, key, number = ref
        path = self.root / layer / key / f"a{number}.npy"
        return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))

    # -- cleaning --------------------------------------------------------------------------

    def _worlds_newest_first(self) -> list[Path]:
        worlds = self.root / "worlds"
        if not worlds.is_dir():
            return []
        entries = []
        for directory in worlds.iterdir():
            with contextlib.suppress(FileNotFoundError):
                entries.append((directory.stat().st_mtime, directory))
        return [d for _, d in sorted(entries, key=lambda e: e[0], reverse=True)]

    def _clean(self, keep: set[str]) -> None:
        """Remove all but the newest KEEP worlds (and `keep`), measures no kept world uses,
        and temporary directories a crashed builder left."""
        worlds = self._worlds_newest_first()
        kept: list[Path] = []
        for directory in worlds:
            if directory.name in keep or len(kept) < KEEP:
                kept.append(directory)
        used, bases = set(), set()
        for directory in kept:
            with contextlib.suppress(FileNotFoundError, ValueError, KeyError):
                manifest = json.loads((directory / "manifest.json").read_text())
                used.add(_digest(manifest["measures"]))
                bases.update(manifest.get("bases", []))  # worlds the kept ones' patches need
        for directory in worlds:
            if directory not in kept and directory.name not in bases:
                shutil.rmtree(directory, ignore_errors=True)
        measures_root = self.root / "measures"
        if measures_root.is_dir():
            for directory in measures_root.iterdir():
                if directory.name not in used:
                    shutil.rmtree(directory, ignore_errors=True)
        temp_root = self.root / "tmp"
        if temp_root.is_dir():
            for directory in temp_root.iterdir():
                with contextlib.suppress(FileNotFoundError):
                    if time.time() - directory.stat().st_mtime > STALE_TEMP_SECONDS:
                        shutil.rmtree(directory, ignore_errors=True)


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    return root
