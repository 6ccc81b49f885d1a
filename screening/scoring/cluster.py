"""Cluster strengthening: how much a lead would strengthen a region's industrial cluster.

Cluster strength follows the US Cluster Mapping Project (Delgado, Porter & Stern 2016): the
cluster location quotient LQ[r,k] = (E[r,k] / E[r]) / (E[level,k] / E[level]), compared with
the same cluster definition (member industries) evaluated in every region of the same level.
'Strong' means LQ >= the 75th percentile across those regions, LQ >= 1, and cluster employment
above the 25th percentile (establishment counts are usually unknown here, so that part of the
US definition is not applied).

The effect of a lead grows with relatedness (Greenstone, Hornbeck & Moretti 2010: spillovers
from a large new plant are larger where labour and technology pools are shared) and, with
diminishing returns, with its size relative to the cluster:
    size_effect = 1 - 2 ** (-(jobs / cluster_employment) / SIZE_HALF_SATURATION).
Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]

# A lead that adds this share to the cluster's employment gets half the maximum size effect
# (1% -> 0.13, 5% -> 0.50, 10% -> 0.75, 20% -> 0.94).
SIZE_HALF_SATURATION = 0.05
# Size effect used when neither jobs nor capex is known: the value of a lead adding
# SIZE_HALF_SATURATION to the cluster, i.e. the middle of the 0-1 range.
NEUTRAL_SIZE_EFFECT = 0.5
STRONG_LQ_PERCENTILE = 75.0
STRONG_EMPLOYMENT_PERCENTILE = 25.0


@dataclass(frozen=True)
class ClusterTables:
    """Per-cluster measures (K,) and, per (region, industry), the best cluster to strengthen.

    employment is member-weighted (core 1.0, support 0.5) over known cells; coverage is the
    member-weighted share of known cells; strength is the share of same-level regions whose
    LQ for this member set is at or below this one (0 when the cluster has no employment, NaN
    when none of its member cells is known);
    relatedness (K, I) is 1 for members and the member-weighted mean phi otherwise.
    best (R, I) is the region's cluster with the highest strength x relatedness (-1: region has
    no clusters), base its strength x relatedness (NaN: strength unknown).
    """

    employment: FloatArray
    lq: FloatArray
    lq_p75: FloatArray
    employment_p25: FloatArray
    strong: BoolArray
    strength: FloatArray
    coverage: FloatArray
    relatedness: FloatArray
    best: IntArray
    base: FloatArray


def size_effect(jobs: FloatArray, employment: FloatArray) -> FloatArray:
    """0-1 effect of adding `jobs` to a cluster of `employment` (both in jobs; diminishing).

    Strictly increasing in jobs when employment > 0; 1 when the cluster has no employment
    yet (the lead would found it). NaN jobs give NaN (the caller substitutes a neutral value).
    """
    ratio = np.divide(jobs, employment, out=np.full(np.shape(jobs), np.inf), where=employment > 0)
    return 1.0 - np.exp2(-ratio / SIZE_HALF_SATURATION)


def _share_at_or_below(values: FloatArray, own: float) -> float:
    return float(np.count_nonzero(values <= own)) / values.size


def _member_relatedness(members: FloatArray, phi: FloatArray) -> FloatArray:
    """(I,) relatedness of each industry to one cluster: 1 if member, else weighted mean phi."""
    weight = members.sum()
    mean_phi = phi @ members / weight if weight > 0 else np.zeros(phi.shape[0])
    return np.where(members > 0, 1.0, mean_phi)


def _cluster_rows(
    k: int,
    level_rows: IntArray,
    own_row: int,
    cluster_emp: FloatArray,
    total_emp: FloatArray,
) -> tuple[float, float, float, float, bool, float]:
    """LQ, its 75th percentile, employment p25, strong flag and strength for one cluster."""
    emp = cluster_emp[level_rows, k]
    tot = total_emp[level_rows]
    national = emp.sum() / tot.sum() if tot.sum() > 0 else 0.0
    lq = np.zeros(emp.shape)
    np.divide(emp / np.where(tot > 0, tot, 1.0), national, out=lq, where=(tot > 0) & (national > 0))
    own = int(np.flatnonzero(level_rows == own_row)[0])
    p75 = float(np.percentile(lq, STRONG_LQ_PERCENTILE))
    p25 = float(np.percentile(emp, STRONG_EMPLOYMENT_PERCENTILE))
    strong = bool(lq[own] >= p75 and lq[own] >= 1.0 and emp[own] > p25)
    strength = _share_at_or_below(lq, lq[own]) if emp[own] > 0 else 0.0
    return float(lq[own]), p75, p25, float(emp[own]), strong, strength


def cluster_tables(
    sizes: FloatArray,
    known: BoolArray,
    region_level: IntArray,
    proximity: list[FloatArray],
    cluster_region: IntArray,
    members: FloatArray,
) -> ClusterTables:
    """Cluster measures from sizes (R, I; unknown cells already 0 and flagged in `known`).

    proximity[l] is the phi matrix used for regions of level l. Unknown cells are left out of
    employment (an under-estimate, reflected in coverage), never imputed.
    """
    n_clusters = cluster_region.shape[0]
    cluster_emp = sizes @ members.T  # (R, K)
    total_emp = sizes.sum(axis=1)
    member_weight = members.sum(axis=1)
    known_weight = known.astype(np.float64) @ members.T
    rows = np.zeros((n_clusters, 6))
    relatedness = np.zeros(members.shape)
    for k in range(n_clusters):
        r = int(cluster_region[k])
        level_rows = np.flatnonzero(region_level == region_level[r])
        rows[k] = _cluster_rows(k, level_rows, r, cluster_emp, total_emp)
        relatedness[k] = _member_relatedness(members[k], proximity[region_level[r]])
    coverage = np.zeros(n_clusters)
    if n_clusters:
        own_known = known_weight[cluster_region, np.arange(n_clusters)]
        np.divide(own_known, member_weight, out=coverage, where=member_weight > 0)
    # With no member cell known the cluster's strength is unknown, not zero.
    strength = np.where(coverage > 0, rows[:, 5], np.nan)
    best, base = _best_clusters(sizes.shape, cluster_region, strength, relatedness)
    return ClusterTables(
        lq=rows[:, 0],
        lq_p75=rows[:, 1],
        employment_p25=rows[:, 2],
        employment=rows[:, 3],
        strong=rows[:, 4].astype(bool),
        strength=strength,
        coverage=coverage,
        relatedness=relatedness,
        best=best,
        base=base,
    )


def _best_clusters(
    shape: tuple[int, ...], cluster_region: IntArray, strength: FloatArray, rel: FloatArray
) -> tuple[IntArray, FloatArray]:
    """Per (region, industry): the region's cluster with the largest strength x relatedness.

    Clusters of unknown strength are chosen only when no other is known (base NaN then).
    Ties go to the cluster listed first, so the choice never depends on anything but the data.
    """
    best = np.full(shape, -1, dtype=np.int64)
    base = np.zeros(shape)
    for r in np.unique(cluster_region):
        ks = np.flatnonzero(cluster_region == r)
        candidates = strength[ks, np.newaxis] * rel[ks]
        pick = np.argmax(np.nan_to_num(candidates, nan=-1.0), axis=0)
        best[r] = ks[pick]
        base[r] = candidates[pick, np.arange(shape[1])]
    return best, base


def related_clusters(
    tables: ClusterTables, cluster_region: IntArray, region: int, industry: int
) -> IntArray:
    """Indices of the region's clusters related to the industry, best (strength x rel) first."""
    ks = np.flatnonzero((cluster_region == region) & (tables.relatedness[:, industry] > 0))
    score = np.nan_to_num(tables.strength[ks] * tables.relatedness[ks, industry], nan=-1.0)
    return ks[np.argsort(-score, kind="stable")]
