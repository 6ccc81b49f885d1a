"""Small hand-made worlds for the engine tests (no database). Not a test module."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from screening.scoring.engine import (
    LeadBatch,
    ScoreArrays,
    World,
    WorldInputs,
    build_world,
    score_leads,
)
from screening.scoring.weights import SubScoreWeights

EQUAL = SubScoreWeights.normalised(1, 1, 1)


def world_inputs(
    size: ArrayLike,
    *,
    industries: Sequence[str] | None = None,
    links: dict[tuple[str, str], float] | None = None,
    levels: Sequence[str] | None = None,
    factors: Sequence[str] = (),
    endowment: ArrayLike | None = None,
    clusters: Sequence[tuple[int, str, dict[str, float]]] = (),
    capex_per_job: float = float("nan"),
    firms: ArrayLike | None = None,
    reference_proximity: ArrayLike | None = None,
    proximity_source: str = "",
    customer_links: dict[tuple[str, str], float] | None = None,
    reference_size: ArrayLike | None = None,
) -> WorldInputs:
    """WorldInputs with regions R1.., industries named as given (I1.. by default).

    links maps (supplier, customer) codes to weights; clusters are (region index, code,
    {industry code: 1.0 core / 0.5 support}). reference_proximity (I, I) is a given phi (the
    reference industry space); without it phi is estimated from these few regions.
    customer_links gives customer-side weights of links (the others are unknown). firms (R, I)
    are firm counts (NaN unknown).
    """
    sizes = np.asarray(size, dtype=np.float64)
    n_r, n_i = sizes.shape
    codes = list(industries) if industries is not None else [f"I{i + 1}" for i in range(n_i)]
    pos = {c: i for i, c in enumerate(codes)}
    weights = np.zeros((n_i, n_i))
    for (supplier, customer), w in (links or {}).items():
        weights[pos[supplier], pos[customer]] = w
    sales = None
    if customer_links is not None:
        sales = np.full((n_i, n_i), np.nan)
        for (supplier, customer), v in customer_links.items():
            sales[pos[supplier], pos[customer]] = v
    members = np.zeros((len(clusters), n_i))
    for k, (_, _, member_map) in enumerate(clusters):
        for code, role in member_map.items():
            members[k, pos[code]] = role
    regions = [f"R{r + 1}" for r in range(n_r)]
    return WorldInputs(
        region_codes=regions,
        region_levels=list(levels) if levels is not None else ["city"] * n_r,
        region_parent=np.full(n_r, -1, dtype=np.int64),
        region_names={c: (f"{c}市", f"{c} City") for c in regions},
        industry_codes=codes,
        industry_names={c: (f"{c}业", f"{c} industry") for c in codes},
        size=sizes,
        link_weight=weights,
        factor_names=list(factors),
        endowment=(
            np.zeros((n_r, 0))
            if endowment is None
            else np.asarray(endowment, dtype=np.float64).reshape(n_r, len(factors))
        ),
        cluster_region=np.array([c[0] for c in clusters], dtype=np.int64),
        cluster_codes=[c[1] for c in clusters],
        cluster_names={c[1]: (f"{c[1]}集群", f"{c[1]} cluster") for c in clusters},
        cluster_members=members,
        capex_per_job=capex_per_job,
        firms=None if firms is None else np.asarray(firms, dtype=np.float64),
        reference_proximity=(
            None
            if reference_proximity is None
            else np.asarray(reference_proximity, dtype=np.float64)
        ),
        proximity_source=proximity_source,
        customer_weight=sales,
        reference_size=(
            None if reference_size is None else np.asarray(reference_size, dtype=np.float64)
        ),
    )


def make_world(size: ArrayLike, **kwargs: object) -> World:
    return build_world(world_inputs(size, **kwargs))  # type: ignore[arg-type]


def score(world: World, *leads: dict[str, object], weights: SubScoreWeights = EQUAL) -> ScoreArrays:
    """Score leads given as dicts (see LeadBatch.from_dicts)."""
    return score_leads(world, LeadBatch.from_dicts(world, list(leads)), weights)


def random_inputs(seed: int, n_regions: int = 12, n_industries: int = 15) -> WorldInputs:
    """A random world with unknown cells, links, endowments and clusters (for properties)."""
    rng = np.random.default_rng(seed)
    size = np.round(rng.lognormal(3, 1.5, (n_regions, n_industries)))
    size[rng.random(size.shape) < 0.35] = 0.0
    size[rng.random(size.shape) < 0.05] = np.nan
    codes = [f"I{i + 1}" for i in range(n_industries)]
    links = {
        (codes[i], codes[j]): float(rng.lognormal())
        for i in range(n_industries)
        for j in range(n_industries)
        if i != j and rng.random() < 0.2
    }
    factors = ["port", "industrial_land_ha", "power", "rail"]
    endowment = (rng.random((n_regions, 4)) < 0.6) * rng.lognormal(3, 1, (n_regions, 4))
    endowment[rng.random(endowment.shape) < 0.1] = np.nan
    clusters = []
    for r in range(n_regions):
        for k in range(int(rng.integers(0, 3))):
            picked = rng.choice(codes, size=4, replace=False)
            clusters.append((r, f"K{r}_{k}", {c: float(rng.choice([1.0, 0.5])) for c in picked}))
    return world_inputs(size, links=links, factors=factors, endowment=endowment, clusters=clusters)


def random_leads(world: World, n: int, seed: int) -> LeadBatch:
    """n random leads with some unknown jobs/capex/land and some named inputs."""
    rng = np.random.default_rng(seed)
    n_i = world.n_industries
    jobs = np.where(rng.random(n) < 0.2, np.nan, np.round(rng.lognormal(4, 1, n)))
    counts = np.where(rng.random(n) < 0.5, rng.integers(1, 4, n), 0)
    indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    return LeadBatch(
        region=rng.integers(0, world.n_regions, n),
        industry=rng.integers(0, n_i, n),
        jobs=jobs,
        capex=np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(8, 1, n)),
        land_ha=np.where(rng.random(n) < 0.3, np.nan, rng.lognormal(2, 1, n)),
        needs=rng.integers(0, 16, n).astype(np.uint64),
        inputs_indptr=indptr,
        inputs_indices=rng.integers(0, n_i, int(indptr[-1])).astype(np.int32),
    )
