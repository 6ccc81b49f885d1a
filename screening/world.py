"""The boundary between the ORM and the numeric core: the World (all region-level measures).

The World is built once per data version and kept per process: a worker that scores many
chunks reads regions, sizes, links, clusters and endowments once, not per lead.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import connection
from django.db.models import Count

from regions.models import (
    UNDATED,
    Cluster,
    ClusterIndustry,
    Endowment,
    Industry,
    IndustryLink,
    IndustryProximity,
    IndustryReference,
    Region,
    RegionIndustry,
)
from regions.vintages import scoring_baseline
from screening.frames import read_frame, read_frame_for_ids
from screening.models import DataVersion
from screening.scoring import World, WorldInputs, build_world
from screening.world_store import Artifacts, Identity

_lock = threading.Lock()
_cache: dict[str, object] = {}

ROLE_WEIGHT = {"core": 1.0, "support": 0.5}
# Above this many regions changed since the previous World, its clusters and endowments are
# read whole again instead of region by region.
REREAD_MAX_REGIONS = 200


@dataclass(frozen=True)
class WorldVersion:
    """What a World was built from; a stored score remembers the same numbers."""

    measures_version: int
    region_versions: tuple[tuple[int, int], ...]  # (region id, score_version), sorted

    def region_version(self, region_id: int) -> int:
        return dict(self.region_versions)[region_id]


@dataclass(frozen=True)
class RegionDraft:
    """One region's clusters or endowments as an unsaved edit would leave them.

    `load_world` reads everything else from the database as usual and these rows instead of
    the stored ones, so a preview's World is built by the same code as the one a save leads
    to. `endowments` is the region's whole list of (factor, value); a cluster draft gives the
    cluster's id, its (code, name, name_en) and its whole member list of (industry id, role).
    None leaves that part as stored.
    """

    region_id: int
    endowments: tuple[tuple[str, float | None], ...] | None = None
    cluster_id: int | None = None
    cluster_names: tuple[str, str, str] | None = None
    members: tuple[tuple[int, str], ...] | None = None


@dataclass(frozen=True)
class LoadedWorld:
    world: World
    version: WorldVersion
    region_ids: np.ndarray  # position -> Region.pk
    industry_ids: np.ndarray  # position -> Industry.pk
    region_pos: dict[int, int]
    industry_pos: dict[int, int]
    factor_pos: dict[str, int]
    cluster_ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    # Regions whose clusters or endowments came from a draft (an edit's preview), not from
    # the database: a World built on this one reads them again.
    drafted_regions: frozenset[int] = frozenset()


def current_version() -> WorldVersion:
    """Read the versions now in force (one small query per table)."""
    measures = DataVersion.objects.filter(pk=1).values_list("measures_version", flat=True).first()
    regions = tuple(Region.objects.order_by("pk").values_list("pk", "score_version"))
    return WorldVersion(measures_version=measures or 1, region_versions=regions)


def current_world() -> LoadedWorld:
    """The World for the data now in force, built at most once per version in this process,
    and with WORLD_STORE_DIR set, once per version for every process of the host (the first
    to need it builds and publishes it, the others map it: screening.world_store)."""
    version = current_version()
    with _lock:
        cached = _cache.get("world")
        if isinstance(cached, LoadedWorld) and cached.version == version:
            return cached
        previous = cached if isinstance(cached, LoadedWorld) else None
        store = _store()
        if store is None:
            loaded = load_world(version, previous=previous)
        else:
            identity = store_identity(version)
            same = previous is not None and previous.version.measures_version == (
                version.measures_version
            )
            loaded = store.get_or_build(
                identity,
                lambda base: load_world(version, previous=base),
                previous if same else None,
                # Inside a transaction the rows read may never be committed (and their version
                # numbers may come again with other data): such a World stays private.
                publish=not connection.in_atomic_block,
            )
        _cache["world"] = loaded
        return loaded


def forget_world() -> None:
    """Drop the per-process World (tests that rewrite data under the same version use it)."""
    with _lock:
        _cache.pop("world", None)
        _cache.pop("store", None)


def _store() -> Artifacts[LoadedWorld] | None:
    """The host's World store (WORLD_STORE_DIR), or None when the setting is empty."""
    root = getattr(settings, "WORLD_STORE_DIR", "")
    if not root:
        return None
    store = _cache.get("store")
    if not isinstance(store, Artifacts) or store.root != Path(root):
        store = Artifacts[LoadedWorld](
            Path(root),
            split=lambda loaded: loaded.world.measures,
            wait_seconds=settings.WORLD_BUILD_WAIT_SECONDS,
        )
        _cache["store"] = store
    return store


def store_identity(version: WorldVersion) -> Identity:
    """What a stored World stands for: this database (and its DataVersion row's creation,
    which a flushed and reloaded database does not share), the measures version, the regions
    and industries it spans, and for the world layer every region's version."""
    database = settings.DATABASES["default"]
    epoch = DataVersion.objects.filter(pk=1).values_list("changed_at", flat=True).first()
    measures = {
        "database": [str(database.get(k, "")) for k in ("ENGINE", "NAME", "HOST", "PORT")],
        "epoch": str(epoch),
        "measures_version": version.measures_version,
        "regions": [pk for pk, _ in version.region_versions],
        "industries": list(Industry.objects.order_by("pk").values_list("pk", flat=True)),
    }
    text = json.dumps(measures, sort_keys=True)
    return Identity(measures=text, world=f"{text}\n{json.dumps(version.region_versions)}")


def load_world(
    version: WorldVersion, previous: LoadedWorld | None = None, draft: RegionDraft | None = None
) -> LoadedWorld:
    """Read the World's inputs and build it.

    When only region-level data changed since `previous` (same shared measures version), the
    employment matrix and chain links are not read again and the expensive measures are
    reused: a cluster or endowment edit then costs a fraction of a second, not a rebuild.
    With a `draft`, one region's clusters or endowments are taken from it instead of the
    database (an edit's preview: never cached, nothing written).

    On the same measures, only the clusters and endowments of the regions whose version moved
    since `previous` are read (and the draft's region); the other regions' rows are taken from
    `previous`. A region's clusters and endowments change only with its version (every write
    path marks them through screening.invalidation), so this is what reading everything gives,
    without reading hundreds of thousands of member rows at national scale for one edit.
    """
    regions = list(
        Region.objects.order_by("pk").values("pk", "code", "name", "name_en", "level", "parent_id")
    )
    industries = list(Industry.objects.order_by("pk").values("pk", "code", "name", "name_en"))
    reuse = previous if _same_measures(previous, version, regions, industries) else None
    baseline = reuse.world.inputs.baseline_year if reuse else scoring_baseline().year
    region_pos = {r["pk"]: i for i, r in enumerate(regions)}
    industry_pos = {p["pk"]: i for i, p in enumerate(industries)}
    reread = _regions_to_reread(reuse, version, draft) if reuse is not None else None
    region_data = (
        _region_data_since(reuse, reread, region_pos, industry_pos, draft)
        if reuse is not None and reread is not None
        else None
    )
    if region_data is None:
        endowments = _endowment_rows(draft)
        factors = sorted({factor for _region, factor, _value in endowments})
        region_data = RegionData(
            factors,
            _endowment_matrix(endowments, region_pos, {f: i for i, f in enumerate(factors)}),
            *_cluster_arrays(region_pos, industry_pos, draft),
        )
    factors = region_data.factor_names
    factor_pos = {f: i for i, f in enumerate(factors)}
    inputs = WorldInputs(
        region_codes=[r["code"] for r in regions],
        region_levels=[r["level"] for r in regions],
        region_parent=np.array(
            [region_pos.get(r["parent_id"], -1) if r["parent_id"] else -1 for r in regions],
            dtype=np.int64,
        ),
        region_names={r["code"]: (r["name"], r["name_en"] or r["name"]) for r in regions},
        industry_codes=[p["code"] for p in industries],
        industry_names={p["code"]: (p["name"], p["name_en"] or p["name"]) for p in industries},
        size=reuse.world.inputs.size if reuse else _size_matrix(region_pos, industry_pos, baseline),
        firms=(
            reuse.world.inputs.firms if reuse else _firm_matrix(region_pos, industry_pos, baseline)
        ),
        baseline_year=baseline,
        **_link_matrices(reuse, industry_pos),  # type: ignore[arg-type]
        **_reference_space(reuse, industry_pos),  # type: ignore[arg-type]
        **_reference_economy(reuse, industry_pos),  # type: ignore[arg-type]
        factor_names=factors,
        endowment=region_data.endowment,
        cluster_region=region_data.cluster_region,
        cluster_codes=region_data.cluster_codes,
        cluster_names=region_data.cluster_names,
        cluster_members=region_data.cluster_members,
    )
    return LoadedWorld(
        world=build_world(
            inputs,
            measures=reuse.world.measures if reuse else None,
            previous=reuse.world if reuse else None,
        ),
        version=version,
        region_ids=np.array([r["pk"] for r in regions], dtype=np.int64),
        industry_ids=np.array([p["pk"] for p in industries], dtype=np.int64),
        region_pos=region_pos,
        industry_pos=industry_pos,
        factor_pos=factor_pos,
        cluster_ids=region_data.cluster_ids,
        drafted_regions=frozenset([draft.region_id]) if draft is not None else frozenset(),
    )


def _same_measures(
    previous: LoadedWorld | None,
    version: WorldVersion,
    regions: Sequence[Mapping[str, Any]],
    industries: Sequence[Mapping[str, Any]],
) -> bool:
    """Whether `previous` was built from the same shared data (and the same units)."""
    return (
        previous is not None
        and previous.version.measures_version == version.measures_version
        and previous.region_ids.tolist() == [r["pk"] for r in regions]
        and previous.industry_ids.tolist() == [p["pk"] for p in industries]
    )


def _size_matrix(
    region_pos: dict[int, int], industry_pos: dict[int, int], baseline: int | None
) -> np.ndarray:
    """Employment (R, I) as of the baseline year: per region and industry, the latest row
    dated at or before it (undated rows count as the oldest; baseline None: undated only).

    0 where no such row exists, NaN where it says employment is unknown. Convention
    (docs/data-format.md): leaving an industry out of a region's table says it is not there;
    listing it with an empty employment says it is there in unknown size, like a suppressed
    statistics cell. The engine lowers confidence for unknown cells.
    """
    return _cell_matrix(region_pos, industry_pos, baseline, "employment", no_row=0.0)


def _firm_matrix(
    region_pos: dict[int, int], industry_pos: dict[int, int], baseline: int | None
) -> np.ndarray:
    """Firm counts (R, I) from the same rows as employment (as of the baseline year), NaN where
    unknown (no row, or a row without a count).

    Only the typical plant size of each industry for anchor pull reads them (employment per
    firm); a missing row is unknown here, not zero, since no row says nothing about firms.
    """
    return _cell_matrix(region_pos, industry_pos, baseline, "firms", no_row=np.nan)


def _cell_matrix(
    region_pos: dict[int, int],
    industry_pos: dict[int, int],
    baseline: int | None,
    column: str,
    *,
    no_row: float,
) -> np.ndarray:
    """One RegionIndustry column as an (R, I) matrix, each cell from its latest row dated at or
    before the baseline year (see _size_matrix): `no_row` where a cell has no such row, NaN
    where its row leaves the column empty. `column` is a field name from this module."""
    matrix = np.full((len(region_pos), len(industry_pos)), no_row)
    frame = read_frame(
        f"SELECT region_id, industry_id, {column}, year FROM {RegionIndustry._meta.db_table} "
        "WHERE year <= %s",
        columns=["region_id", "industry_id", column, "year"],
        params=[baseline or UNDATED],
    )
    frame = frame.sort_values("year", kind="stable").drop_duplicates(
        ["region_id", "industry_id"], keep="last"
    )
    if len(frame):
        rows = frame["region_id"].map(region_pos).to_numpy()
        cols = frame["industry_id"].map(industry_pos).to_numpy()
        matrix[rows, cols] = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    return matrix


def _link_matrices(reuse: LoadedWorld | None, industry_pos: dict[int, int]) -> dict[str, object]:
    """Supplier-side weights (I, I) and customer-side weights (NaN where a link has none;
    None when no link has one)."""
    if reuse is not None:
        inputs = reuse.world.inputs
        return {"link_weight": inputs.link_weight, "customer_weight": inputs.customer_weight}
    n = len(industry_pos)
    weights, sales = np.zeros((n, n)), np.zeros((n, n))
    any_sales = False
    for supplier, customer, weight, customer_weight in IndustryLink.objects.values_list(
        "supplier_id", "customer_id", "weight", "customer_weight"
    ):
        i, j = industry_pos[supplier], industry_pos[customer]
        weights[i, j] = weight
        sales[i, j] = np.nan if customer_weight is None else customer_weight
        any_sales = any_sales or customer_weight is not None
    return {"link_weight": weights, "customer_weight": sales if any_sales else None}


def _reference_space(reuse: LoadedWorld | None, industry_pos: dict[int, int]) -> dict[str, object]:
    """The reference industry space (phi, source label), or None when none is loaded."""
    if reuse is not None:
        inputs = reuse.world.inputs
        return {
            "reference_proximity": inputs.reference_proximity,
            "proximity_source": inputs.proximity_source,
        }
    rows = list(
        IndustryProximity.objects.values_list("industry_1_id", "industry_2_id", "proximity")
    )
    if not rows:
        return {"reference_proximity": None, "proximity_source": ""}
    n = len(industry_pos)
    phi = np.zeros((n, n))
    first = np.array([industry_pos[a] for a, _, _ in rows])
    second = np.array([industry_pos[b] for _, b, _ in rows])
    values = np.array([v for _, _, v in rows], dtype=np.float64)
    phi[first, second] = phi[second, first] = values
    return {"reference_proximity": phi, "proximity_source": proximity_source_label()}


def _reference_economy(
    reuse: LoadedWorld | None, industry_pos: dict[int, int]
) -> dict[str, object]:
    """National industry sizes (NaN where not given), or None when none are loaded."""
    if reuse is not None:
        inputs = reuse.world.inputs
        return {
            "reference_size": inputs.reference_size,
            "reference_size_source": inputs.reference_size_source,
        }
    rows = list(IndustryReference.objects.values_list("industry_id", "employment", "source"))
    if not rows:
        return {"reference_size": None, "reference_size_source": ""}
    size = np.full(len(industry_pos), np.nan)
    for industry_id, employment, _source in rows:
        size[industry_pos[industry_id]] = float(employment)
    sources = sorted({source for _, _, source in rows if source})
    return {"reference_size": size, "reference_size_source": "; ".join(sources)}


def proximity_source_label() -> str:
    """The sources the reference space names, most rows first ("; "-joined)."""
    counts = (
        IndustryProximity.objects.values("source")
        .annotate(rows=Count("pk"))
        .order_by("-rows", "source")
    )
    return "; ".join(c["source"] for c in counts if c["source"])


EndowmentRow = tuple[int, str, float | None]  # (region id, factor, value)


@dataclass(frozen=True)
class RegionData:
    """The region-level inputs edits change: endowments and clusters (see WorldInputs)."""

    factor_names: list[str]
    endowment: np.ndarray
    cluster_ids: np.ndarray  # position -> Cluster.pk
    cluster_region: np.ndarray
    cluster_codes: list[str]
    cluster_names: dict[str, tuple[str, str]]
    cluster_members: np.ndarray


def _endowment_rows(
    draft: RegionDraft | None, regions: set[int] | None = None
) -> list[EndowmentRow]:
    """Every endowment row (or those of `regions`), with the draft's in place of its region's."""
    stored = Endowment.objects.all() if regions is None else Endowment.objects.filter(
        region_id__in=sorted(regions)
    )  # fmt: skip
    rows: list[EndowmentRow] = list(stored.values_list("region_id", "factor", "value"))
    if draft is None or draft.endowments is None:
        return rows
    kept = [row for row in rows if row[0] != draft.region_id]
    return kept + [(draft.region_id, factor, value) for factor, value in draft.endowments]


def _endowment_matrix(
    rows: list[EndowmentRow], region_pos: dict[int, int], factor_pos: dict[str, int]
) -> np.ndarray:
    endowment = np.full((len(region_pos), len(factor_pos)), np.nan)
    _fill_endowments(endowment, rows, region_pos, factor_pos)
    return endowment


def _fill_endowments(
    endowment: np.ndarray,
    rows: list[EndowmentRow],
    region_pos: dict[int, int],
    factor_pos: dict[str, int],
) -> None:
    for region_id, factor, value in rows:
        endowment[region_pos[region_id], factor_pos[factor]] = np.nan if value is None else value


def _cluster_arrays(
    region_pos: dict[int, int], industry_pos: dict[int, int], draft: RegionDraft | None = None
) -> tuple[np.ndarray, np.ndarray, list[str], dict[str, tuple[str, str]], np.ndarray]:
    """(cluster ids, cluster_region, cluster_codes, cluster_names, cluster_members), all read."""
    clusters: list[dict[str, Any]] = [
        dict(c)
        for c in Cluster.objects.order_by("pk").values("pk", "region_id", "code", "name", "name_en")
    ]
    member_rows = read_frame(
        f"SELECT cluster_id, industry_id, role FROM {ClusterIndustry._meta.db_table}",
        columns=["cluster_id", "industry_id", "role"],
    )
    if draft is not None and draft.cluster_id is not None:
        clusters, member_rows = _with_cluster_draft(draft, clusters, member_rows)
    cluster_pos = {c["pk"]: k for k, c in enumerate(clusters)}
    members = np.zeros((len(clusters), len(industry_pos)))
    _fill_members(members, member_rows, cluster_pos, industry_pos)
    # Cluster codes repeat across regions (every city may have "NEV"): key them by region too.
    keys = [cluster_key(c["region_id"], c["code"]) for c in clusters]
    return (
        np.array([c["pk"] for c in clusters], dtype=np.int64),
        np.array([region_pos[c["region_id"]] for c in clusters], dtype=np.int64),
        keys,
        {
            key: (c["name"], c["name_en"] or c["name"])
            for key, c in zip(keys, clusters, strict=True)
        },
        members,
    )


def _fill_members(
    members: np.ndarray,
    member_rows: pd.DataFrame,
    cluster_pos: dict[int, int],
    industry_pos: dict[int, int],
) -> None:
    if len(member_rows):
        rows = member_rows["cluster_id"].map(cluster_pos).to_numpy()
        cols = member_rows["industry_id"].map(industry_pos).to_numpy()
        members[rows, cols] = member_rows["role"].map(ROLE_WEIGHT).fillna(0.5).to_numpy()


def _regions_to_reread(
    reuse: LoadedWorld, version: WorldVersion, draft: RegionDraft | None
) -> set[int] | None:
    """Regions whose clusters or endowments may differ from `reuse`'s: their version moved, or
    a draft stands (or stood, in `reuse`) for them. None: read every region again."""
    if len(reuse.cluster_ids) != len(reuse.world.inputs.cluster_codes):
        return None  # not built by this module (no cluster ids)
    before = dict(reuse.version.region_versions)
    regions = {pk for pk, v in version.region_versions if before.get(pk) != v}
    regions |= reuse.drafted_regions
    if draft is not None:
        regions.add(draft.region_id)
        if draft.cluster_id is not None:
            stored = (
                Cluster.objects.filter(pk=draft.cluster_id)
                .values_list("region_id", flat=True)
                .first()
            )
            if stored is None:
                return None
            regions.add(stored)
    return regions if len(regions) <= REREAD_MAX_REGIONS else None


def _region_data_since(
    reuse: LoadedWorld,
    regions: set[int],
    region_pos: dict[int, int],
    industry_pos: dict[int, int],
    draft: RegionDraft | None,
) -> RegionData | None:
    """`reuse`'s endowments and clusters with those of `regions` read again (None: the list of
    endowment factors changed, read everything)."""
    before = reuse.world.inputs
    rows = _endowment_rows(draft, regions)
    others = Endowment.objects.exclude(region_id__in=sorted(regions))
    factors = sorted(
        set(others.values_list("factor", flat=True).distinct()) | {f for _, f, _ in rows}
    )
    if factors != list(before.factor_names):
        return None
    endowment = np.array(before.endowment, dtype=np.float64, copy=True)
    endowment[[region_pos[r] for r in sorted(regions)]] = np.nan
    _fill_endowments(endowment, rows, region_pos, {f: i for i, f in enumerate(factors)})
    # Clusters: the other regions' rows as they were, these regions' as stored (or drafted).
    fresh: list[dict[str, Any]] = [
        dict(c)
        for c in Cluster.objects.filter(region_id__in=sorted(regions))
        .order_by("pk")
        .values("pk", "region_id", "code", "name", "name_en")
    ]
    member_rows = read_frame_for_ids(
        f"SELECT m.cluster_id, m.industry_id, m.role FROM {ClusterIndustry._meta.db_table} m "
        f"JOIN {Cluster._meta.db_table} c ON c.id = m.cluster_id WHERE c.region_id {{ids}}",
        sorted(regions),
        columns=["cluster_id", "industry_id", "role"],
    )
    if draft is not None and draft.cluster_id is not None:
        fresh, member_rows = _with_cluster_draft(draft, fresh, member_rows)
    reread = np.isin(np.asarray(before.cluster_region), [region_pos[r] for r in regions])
    kept = np.flatnonzero(~reread)
    fresh_ids = np.array([c["pk"] for c in fresh], dtype=np.int64)
    ids = np.concatenate([reuse.cluster_ids[kept], fresh_ids])
    order = np.argsort(ids, kind="stable")
    position = np.empty(len(ids), dtype=np.int64)
    position[order] = np.arange(len(ids))
    members = np.zeros((len(ids), len(industry_pos)))
    members[position[: len(kept)]] = np.asarray(before.cluster_members)[kept]
    _fill_members(
        members,
        member_rows,
        {int(pk): int(p) for pk, p in zip(fresh_ids, position[len(kept) :], strict=True)},
        industry_pos,
    )
    fresh_keys = [cluster_key(c["region_id"], c["code"]) for c in fresh]
    keys = [before.cluster_codes[k] for k in kept] + fresh_keys
    cluster_region = np.concatenate(
        [
            np.asarray(before.cluster_region, dtype=np.int64)[kept],
            np.array([region_pos[c["region_id"]] for c in fresh], dtype=np.int64),
        ]
    )
    names = {key: before.cluster_names[key] for key in keys[: len(kept)]}
    names |= {
        k: (c["name"], c["name_en"] or c["name"]) for k, c in zip(fresh_keys, fresh, strict=True)
    }
    return RegionData(
        factor_names=factors,
        endowment=endowment,
        cluster_ids=ids[order],
        cluster_region=cluster_region[order],
        cluster_codes=[keys[i] for i in order],
        cluster_names=names,
        cluster_members=members,
    )


def _with_cluster_draft(
    draft: RegionDraft, clusters: list[dict[str, Any]], member_rows: pd.DataFrame
) -> tuple[list[dict[str, Any]], pd.DataFrame]:
    """The stored cluster rows with the draft's cluster (names, members) in place of its own."""
    if draft.cluster_names is not None:
        code, name, name_en = draft.cluster_names
        clusters = [
            c | {"code": code, "name": name, "name_en": name_en}
            if c["pk"] == draft.cluster_id
            else c
            for c in clusters
        ]
    cluster_id = draft.cluster_id
    if draft.members is not None and cluster_id is not None:
        drafted = pd.DataFrame(
            [(cluster_id, industry, role) for industry, role in draft.members],
            columns=member_rows.columns,
        )
        kept = member_rows[member_rows["cluster_id"] != cluster_id]
        member_rows = pd.concat([kept, drafted], ignore_index=True) if len(drafted) else kept
    return clusters, member_rows


def cluster_key(region_id: int, code: str) -> str:
    return f"{region_id}:{code}"
