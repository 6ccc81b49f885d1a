"""A small but complete world in the database: 6 cities, 6 industries, links, clusters, leads."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from projects.models import Lead
from regions.models import Cluster, Region
from screening.world import forget_world
from tests.factories import (
    ClusterFactory,
    ClusterIndustryFactory,
    EndowmentFactory,
    IndustryFactory,
    IndustryLinkFactory,
    LeadFactory,
    RegionFactory,
    RegionIndustryFactory,
)

# Employment per city (rows) and industry (columns); 0 = the industry is not there.
EMPLOYMENT = {
    "A": [900, 500, 0, 300, 50, 10],
    "B": [100, 800, 700, 20, 40, 300],
    "C": [50, 40, 30, 600, 500, 10],
    "D": [400, 10, 10, 10, 700, 600],
    "E": [300, 300, 300, 300, 300, 300],
    "F": [0, 0, 900, 800, 10, 10],
}
LINKS = [
    ("I1", "I2", 0.6),
    ("I2", "I3", 0.5),
    ("I3", "I4", 0.4),
    ("I1", "I3", 0.3),
    ("I5", "I6", 0.7),
    ("I4", "I2", 0.2),
]


@dataclass
class SmallWorld:
    regions: dict[str, Region]
    leads: dict[str, Lead]
    cluster_a: Cluster


@pytest.fixture
def small_world() -> SmallWorld:
    forget_world()
    province = RegionFactory.create(code="P", level="province")
    regions = {code: RegionFactory.create(code=code, parent=province) for code in EMPLOYMENT}
    industries = [IndustryFactory.create(code=f"I{k}") for k in range(1, 7)]
    for code, row in EMPLOYMENT.items():
        for industry, employment in zip(industries, row, strict=True):
            if employment:
                RegionIndustryFactory(
                    region=regions[code], industry=industry, employment=employment
                )
    by_code = {i.code: i for i in industries}
    for supplier, customer, weight in LINKS:
        IndustryLinkFactory(supplier=by_code[supplier], customer=by_code[customer], weight=weight)
    cluster_a = ClusterFactory.create(region=regions["A"], code="CHAIN")
    ClusterIndustryFactory(cluster=cluster_a, industry=by_code["I1"], role="core")
    ClusterIndustryFactory(cluster=cluster_a, industry=by_code["I2"], role="support")
    cluster_b = ClusterFactory.create(region=regions["B"], code="CHAIN")
    ClusterIndustryFactory(cluster=cluster_b, industry=by_code["I3"], role="core")
    EndowmentFactory(region=regions["A"], factor="port", value=1)
    EndowmentFactory(region=regions["B"], factor="port", value=0)
    leads: dict[str, Lead] = {}
    for code in ["A", "B", "C"]:
        for k, industry_code in enumerate(["I2", "I3", "I6"]):
            lead = LeadFactory.create(
                external_id=f"{code}-{k}",
                region=regions[code],
                industry=by_code[industry_code],
                needs=["port"],
                jobs=100 * (k + 1),
            )
            leads[lead.external_id] = lead
    return SmallWorld(regions=regions, leads=leads, cluster_a=cluster_a)
