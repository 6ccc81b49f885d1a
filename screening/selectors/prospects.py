"""Prospect lists: the firms of the directory ranked by how well a plant of theirs would fit a
region, with the chain gap each would fill.

A firm is scored exactly as a lead would be (screening.scoring.score_leads on the World in
force, at the scoring baseline, under the profile in force for the region: its weights and its
share of anchor pull): its industry, the region, and its employees standing in for the plant's
jobs; no capex, land, needs or inputs are known, so those are unknown as for a lead that gives
none. Courting the firm (projects.services.lead_court_firm)
makes a lead with exactly these inputs, so its stored score is the prospect's score.

The directory and the World are arrays kept per process (screening.selectors.firms,
screening.world); a list is one vectorised scoring pass over the firms that pass the filters,
then names, plants and leads are read for the page's rows only. Every region at once:
screening.selectors.prospects_everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from django.db.models import Q

from projects.models import Lead
from regions.models import Firm, Plant, Region, RegionLevel
from screening.access import descendants_and_self
from screening.scoring import LeadBatch, ScoreArrays, SubScoreWeights, World, score_leads
from screening.selectors.firms import FirmDirectory, current_directory
from screening.selectors.gaps import ChainGap, cluster_gaps, region_gaps
from screening.selectors.profiles import profiles_in_force
from screening.world import LoadedWorld, current_world

MAX_LIMIT = 500


class Presence(StrEnum):
    """The "already present in the province" filter."""

    ANY = "any"
    ABSENT = "absent"  # no plant anywhere in the region's province
    PRESENT = "present"  # a plant somewhere in the province (the region itself included)


@dataclass(frozen=True)
class ProspectFilters:
    """Which firms to rank. `industry_ids` (Industry pks; None = any) is where a chain, a
    cluster or a gap link chosen by the caller ends up; `gaps_only` keeps the industries that
    are a gap here. Employees bounds are inclusive; a firm of unknown size passes no bound."""

    industry_ids: frozenset[int] | None = None
    gaps_only: bool = False
    min_employees: int | None = None
    max_employees: int | None = None
    country: str | None = None
    presence: Presence = Presence.ANY
    firm_ids: frozenset[int] | None = None  # these firms only (one firm's explanation)


@dataclass(frozen=True)
class ScoredFirms:
    """Directory rows in rank order with their scores (row k of `scores` is `rows[k]`)."""

    rows: np.ndarray
    scores: ScoreArrays
    matched: int  # firms that passed the filters (before the limit)


def firm_batch(region: int, industries: np.ndarray, employees: np.ndarray) -> LeadBatch:
    """Firms as leads placed in World region `region`: employees for jobs, nothing else known."""
    n = int(industries.shape[0])
    unknown = np.full(n, np.nan)
    return LeadBatch(
        region=np.full(n, region, dtype=np.int64),
        industry=industries,
        jobs=employees,
        capex=unknown,
        land_ha=unknown,
        needs=np.zeros(n, dtype=np.uint64),
        inputs_indptr=np.zeros(n + 1, dtype=np.int64),
        inputs_indices=np.zeros(0, dtype=np.int32),
    )


def industry_positions(loaded: LoadedWorld, directory: FirmDirectory) -> np.ndarray:
    """Each firm's industry as a World position (-1: not in the World, never ranked)."""
    ids = loaded.industry_ids
    top = int(max(ids.max(initial=0), directory.industry_ids.max(initial=0)))
    lookup = np.full(top + 1, -1, dtype=np.int64)  # Industry.pk -> World position
    lookup[ids] = np.arange(ids.size)
    return lookup[directory.industry_ids]


def best_first(
    total: np.ndarray, employees: np.ndarray, firm_ids: np.ndarray, count: int
) -> np.ndarray:
    """Indices of the `count` best: total descending, then employees descending (unknown
    last), then firm id; only the candidates that can reach the cut are sorted."""
    n = total.shape[0]
    if count <= 0 or n == 0:
        return np.zeros(0, dtype=np.int64)
    if count < n:
        cut = np.partition(total, n - count)[n - count]
        candidates = np.flatnonzero(total >= cut)
    else:
        candidates = np.arange(n)
    size = np.nan_to_num(employees[candidates], nan=-1.0)
    order = np.lexsort((firm_ids[candidates], -size, -total[candidates]))
    return candidates[order][:count].astype(np.int64)


@dataclass(frozen=True)
class RegionProfile:
    """What a stored score of the region is weighed by: the (3,) normalised weights of the
    profile in force and its share of anchor pull within cluster strengthening."""

    weights: np.ndarray
    pull_share: float

    def sub_score_weights(self) -> SubScoreWeights:
        """As the engine's explanation takes them (the weights already normalised, as stored)."""
        lf, cc, cs = (float(w) for w in self.weights)
        return SubScoreWeights(lf, cc, cs, pull_share=self.pull_share)


def score_firms(
    world: World,
    region: int,
    industries: np.ndarray,
    employees: np.ndarray,
    profile: RegionProfile,
) -> ScoreArrays:
    """The engine's scores of these firms placed in `region`, under one region's profile (the
    same call as a rescore makes: per-lead weight rows and the profile's share of pull)."""
    batch = firm_batch(region, industries, employees)
    weights = np.broadcast_to(profile.weights, (len(batch), 3))
    return score_leads(world, batch, weights, profile.pull_share)


def profile_for(region_id: int) -> RegionProfile:
    """The profile in force for the region, read as a rescore reads it (compute_rows)."""
    _ids, weights, pull_share = profiles_in_force().arrays(np.array([region_id], dtype=np.int64))
    return RegionProfile(np.asarray(weights[0], dtype=np.float64), float(pull_share[0]))


def profiles_for(region_ids: np.ndarray) -> list[RegionProfile]:
    """The profiles in force for these regions (one read of the profiles)."""
    _ids, weights, pull_share = profiles_in_force().arrays(np.asarray(region_ids, dtype=np.int64))
    return [
        RegionProfile(np.asarray(w, dtype=np.float64), float(m))
        for w, m in zip(weights, pull_share, strict=True)
    ]


@dataclass(frozen=True)
class RegionScope:
    """The region, its World position, and the regions its presence and leads are read in."""

    region: Region
    position: int
    here_ids: list[int]  # the region and the regions below it
    province_ids: list[int]  # every region of its province (the region's subtree included)


def region_scope(loaded: LoadedWorld, region: Region) -> RegionScope:
    """The region's scope; position -1 when the World in force does not know it yet."""
    return RegionScope(
        region=region,
        position=loaded.region_pos.get(region.pk, -1),
        here_ids=descendants_and_self([region.pk]),
        province_ids=descendants_and_self([province_of(region).pk]),
    )


def province_of(region: Region) -> Region:
    """The region's province (the nearest ancestor of that level, else the top ancestor)."""
    chain = region.ancestors(include_self=True)
    return next((r for r in chain if r.level == RegionLevel.PROVINCE), chain[-1])


def region_gap_industry_ids(region: Region) -> list[int]:
    """Industry ids of every gap of the region (for choosing one), best-named first."""
    loaded = current_world()
    if region.pk not in loaded.region_pos:
        return []
    gaps = region_gaps(loaded.world, loaded.region_pos[region.pk])
    return [int(loaded.industry_ids[i]) for i in gaps]


def _candidates(
    loaded: LoadedWorld,
    directory: FirmDirectory,
    scope: RegionScope,
    filters: ProspectFilters,
    positions: np.ndarray,
) -> np.ndarray:
    """Directory rows that pass the filters (and whose industry the World knows)."""
    allowed = np.ones(loaded.world.n_industries, dtype=bool)
    if filters.industry_ids is not None:
        wanted = [loaded.industry_pos[i] for i in filters.industry_ids if i in loaded.industry_pos]
        allowed[:] = False
        allowed[wanted] = True
    if filters.gaps_only:
        gaps = np.zeros_like(allowed)
        gaps[list(region_gaps(loaded.world, scope.position))] = True
        allowed &= gaps
    keep = (positions >= 0) & allowed[np.maximum(positions, 0)]
    emp = directory.employees
    if filters.min_employees is not None:
        keep &= emp >= filters.min_employees  # NaN compares False: unknown size is left out
    if filters.max_employees is not None:
        keep &= emp <= filters.max_employees
    if filters.country is not None:
        countries = directory.countries
        code = countries.index(filters.country) if filters.country in countries else -1
        keep &= directory.country == code
    if filters.firm_ids is not None:
        keep &= np.isin(directory.firm_ids, np.fromiter(filters.firm_ids, dtype=np.int64))
    if filters.presence is not Presence.ANY:
        in_province = directory.with_plant_in(scope.province_ids)
        keep &= in_province if filters.presence is Presence.PRESENT else ~in_province
    return np.flatnonzero(keep)


def rank_firms(
    loaded: LoadedWorld,
    directory: FirmDirectory,
    scope: RegionScope,
    filters: ProspectFilters,
    profile: RegionProfile,
    *,
    limit: int,
    offset: int = 0,
) -> ScoredFirms:
    """Score every firm that passes the filters in the region under its profile; keep the
    rows ranked offset..offset+limit."""
    positions = industry_positions(loaded, directory)
    rows = _candidates(loaded, directory, scope, filters, positions)
    scores = score_firms(
        loaded.world, scope.position, positions[rows], directory.employees[rows], profile
    )
    best = best_first(
        scores.total, directory.employees[rows], directory.firm_ids[rows], offset + limit
    )[offset:]
    return ScoredFirms(rows=rows[best], scores=take_scores(scores, best), matched=int(rows.size))


def take_scores(scores: ScoreArrays, index: np.ndarray) -> ScoreArrays:
    """The rows `index` of a ScoreArrays."""
    return ScoreArrays(
        local_fit=scores.local_fit[index],
        chain_completion=scores.chain_completion[index],
        cluster_strength=scores.cluster_strength[index],
        total=scores.total[index],
        confidence=scores.confidence[index],
        neutral=scores.neutral[index],
        strengthen=scores.strengthen[index],
        pull=scores.pull[index],
        part_confidence=scores.part_confidence[index],
    )


# --- The rows of a page: names, gaps, plants, leads --------------------------------------


@dataclass(frozen=True)
class Prospect:
    """One ranked firm in one region; scores 0-100, confidence 0-1."""

    rank: int
    firm: Firm
    local_fit: float
    chain_completion: float
    cluster_strength: float  # the mix of its two parts under the profile's share of pull
    strengthen: float
    pull: float
    total: float
    confidence: float
    gap: ChainGap | None
    plant_here: bool
    plants_in_province: list[Region] = field(default_factory=list)  # outside this region
    leads_here: list[Lead] = field(default_factory=list)
    leads_elsewhere: list[Lead] = field(default_factory=list)  # the cross-city conflict rule


@dataclass(frozen=True)
class ProspectList:
    scope: RegionScope
    profile: RegionProfile
    matched: int
    offset: int
    prospects: list[Prospect]
    gaps: dict[int, ChainGap]  # every gap of the region, by World industry position
    loaded: LoadedWorld


def prospects_for_region(
    region: Region, filters: ProspectFilters, *, limit: int = 50, offset: int = 0
) -> ProspectList:
    """The region's best prospects under the filters, best first (`limit` at most MAX_LIMIT)."""
    loaded, directory = current_world(), current_directory()
    scope, profile = region_scope(loaded, region), profile_for(region.pk)
    if scope.position < 0:  # a region newer than the World in force: nothing to rank yet
        return ProspectList(scope, profile, 0, 0, [], {}, loaded)
    found = rank_firms(
        loaded,
        directory,
        scope,
        filters,
        profile,
        limit=min(limit, MAX_LIMIT),
        offset=max(offset, 0),
    )
    gaps = region_gaps(loaded.world, scope.position)
    return ProspectList(
        scope=scope,
        profile=profile,
        matched=found.matched,
        offset=max(offset, 0),
        prospects=_hydrate(loaded, directory, scope, found, gaps, max(offset, 0)),
        gaps=gaps,
        loaded=loaded,
    )


def _hydrate(
    loaded: LoadedWorld,
    directory: FirmDirectory,
    scope: RegionScope,
    found: ScoredFirms,
    gaps: dict[int, ChainGap],
    offset: int,
) -> list[Prospect]:
    ids = [int(i) for i in directory.firm_ids[found.rows]]
    firms = Firm.objects.select_related("industry").in_bulk(ids)
    plants = _plants_by_firm(ids, scope)
    leads = _leads_by_firm([firms[i] for i in ids if i in firms])
    here = set(scope.here_ids)
    out = []
    s = found.scores
    for k, firm_id in enumerate(ids):
        firm = firms.get(firm_id)
        if firm is None:  # deleted since the directory was read
            continue
        regions = plants.get(firm_id, [])
        courted = leads.get(firm_id, [])
        out.append(
            Prospect(
                rank=offset + k + 1,
                firm=firm,
                local_fit=float(s.local_fit[k]),
                chain_completion=float(s.chain_completion[k]),
                cluster_strength=float(s.cluster_strength[k]),
                strengthen=float(s.strengthen[k]),
                pull=float(s.pull[k]),
                total=float(s.total[k]),
                confidence=float(s.confidence[k]),
                gap=gaps.get(loaded.industry_pos.get(firm.industry_id, -1)),
                plant_here=any(r.pk in here for r in regions),
                plants_in_province=[r for r in regions if r.pk not in here],
                leads_here=[lead for lead in courted if lead.region_id in here],
                leads_elsewhere=[lead for lead in courted if lead.region_id not in here],
            )
        )
    return out


def _plants_by_firm(firm_ids: list[int], scope: RegionScope) -> dict[int, list[Region]]:
    found: dict[int, list[Region]] = {}
    plants = (
        Plant.objects.filter(firm_id__in=firm_ids, region_id__in=scope.province_ids)
        .select_related("region")
        .order_by("region__code")
    )
    for plant in plants:
        regions = found.setdefault(plant.firm_id, [])
        if plant.region not in regions:
            regions.append(plant.region)
    return found


def _leads_by_firm(firms: list[Firm]) -> dict[int, list[Lead]]:
    """Leads made from each firm, or of a company with the firm's name (the rule the lead page
    uses to warn that two regions court one investor)."""
    by_name = {firm.name: firm.pk for firm in firms}
    found: dict[int, list[Lead]] = {}
    ids = {firm.pk for firm in firms}
    leads = (
        Lead.objects.filter(Q(firm_id__in=ids) | Q(company__in=list(by_name)))
        .select_related("region")
        .order_by("region__code", "pk")
    )
    for lead in leads:
        owner = lead.firm_id if lead.firm_id in ids else by_name[lead.company]
        found.setdefault(owner, []).append(lead)
    return found


# --- Who could fill a cluster's missing links ---------------------------------------------


@dataclass(frozen=True)
class GapProspects:
    """One gap of a cluster and the best firms of the gap's industry for the cluster's region."""

    gap: ChainGap
    matched: int  # firms of the gap's industry in the directory
    prospects: list[Prospect]


def prospects_for_cluster_gaps(
    region: Region, cluster_key: str, *, per_gap: int = 3, max_gaps: int = 8
) -> list[GapProspects]:
    """For each of the cluster's gaps (most direct first, at most `max_gaps`), its `per_gap`
    best firms; one scoring pass over the firms of all the gaps' industries."""
    loaded, directory = current_world(), current_directory()
    codes = loaded.world.inputs.cluster_codes
    if cluster_key not in codes or region.pk not in loaded.region_pos:
        return []
    gaps = cluster_gaps(loaded.world, codes.index(cluster_key))[:max_gaps]
    scope = region_scope(loaded, region)
    industries = industry_positions(loaded, directory)
    rows = np.flatnonzero(np.isin(industries, [g.industry for g in gaps]))
    scores = score_firms(
        loaded.world,
        scope.position,
        industries[rows],
        directory.employees[rows],
        profile_for(region.pk),
    )
    out = []
    for gap in gaps:
        mine = np.flatnonzero(industries[rows] == gap.industry)
        best = mine[
            best_first(
                scores.total[mine],
                directory.employees[rows[mine]],
                directory.firm_ids[rows[mine]],
                per_gap,
            )
        ]
        found = ScoredFirms(
            rows=rows[best], scores=take_scores(scores, best), matched=int(mine.size)
        )
        prospects = _hydrate(loaded, directory, scope, found, {gap.industry: gap}, 0)
        out.append(GapProspects(gap=gap, matched=found.matched, prospects=prospects))
    return out
