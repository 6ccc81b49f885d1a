"""Ranking the firm directory for a region: the chain gap wins, and is named."""

from __future__ import annotations

from screening.selectors.prospects import ProspectFilters, prospects_for_region
from tests.prospects.scenario import Chain, add_firm


def test_it_ranks_the_missing_link_above_an_industry_already_strong_here(chain: Chain) -> None:
    separator = add_firm(chain, "SEP", "LIB-SEP", employees=800)
    cathode = add_firm(chain, "CATH", "LIB-CATH", employees=800)
    found = prospects_for_region(chain.cities["ZZ"], ProspectFilters())
    by_firm = {p.firm.pk: p for p in found.prospects}
    for p in found.prospects:
        print(p.firm.code, p.local_fit, p.chain_completion, p.cluster_strength, p.total, p.gap)
    assert [p.firm.pk for p in found.prospects] == [separator.pk, cathode.pk]
    assert by_firm[separator.pk].total > by_firm[cathode.pk].total
