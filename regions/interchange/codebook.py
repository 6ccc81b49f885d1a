"""The codes an import may refer to: those in the database plus those the import itself adds."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from regions.interchange.formats import FIRM, INDUSTRY, REGION, USER, Column
from regions.models import Cluster, Firm, Industry, Region, known_factors

ClusterKey = tuple[str, str]  # (region code, cluster code)


@dataclass
class CodeBook:
    """Code → id maps of the stored regions, industries and clusters, and the codes the files
    being imported define. Small (one entry per region, industry or cluster); the firm
    directory can be large, so its map is read only when a file refers to firms."""

    regions: dict[str, int] = field(default_factory=dict)
    industries: dict[str, int] = field(default_factory=dict)
    clusters: dict[ClusterKey, int] = field(default_factory=dict)
    new_regions: set[str] = field(default_factory=set)
    new_industries: set[str] = field(default_factory=set)
    new_clusters: set[ClusterKey] = field(default_factory=set)
    new_firms: set[str] = field(default_factory=set)
    # Endowment factors (what a lead's needs may name): stored, and those endowments.csv adds.
    factors: set[str] = field(default_factory=set)
    new_factors: set[str] = field(default_factory=set)
    _firms: dict[str, int] | None = None
    _users: dict[str, int] | None = None

    @classmethod
    def from_db(cls) -> CodeBook:
        book = cls()
        book.refresh()
        return book

    def refresh(self) -> None:
        """Re-read the id maps (after a write added regions, industries or clusters)."""
        self.regions = dict(Region.objects.values_list("code", "id"))
        self.industries = dict(Industry.objects.values_list("code", "id"))
        self.clusters = {
            (region_code, code): pk
            for region_code, code, pk in Cluster.objects.values_list("region__code", "code", "id")
        }
        self.factors = known_factors()
        self._firms = None  # read again on first use

    @property
    def firms(self) -> dict[str, int]:
        """Firm id (the file's `firm_id`) → stored Firm id, read on first use."""
        if self._firms is None:
            self._firms = dict(Firm.objects.values_list("code", "id"))
        return self._firms

    @property
    def users(self) -> dict[str, int]:
        """Username → user id (users are not imported: they must exist), read on first use."""
        if self._users is None:
            self._users = dict(get_user_model().objects.values_list("username", "id"))
        return self._users

    def knows(self, ref: str, code: str) -> bool:
        """Whether a region, industry or firm code exists in the database or in this import,
        or a username in the database."""
        if ref == USER:
            return code in self.users
        if ref == REGION:
            return code in self.regions or code in self.new_regions
        if ref == FIRM:
            return code in self.new_firms or code in self.firms
        assert ref == INDUSTRY
        return code in self.industries or code in self.new_industries

    def knows_factor(self, name: str) -> bool:
        return name in self.factors or name in self.new_factors

    def knows_cluster(self, key: ClusterKey) -> bool:
        return key in self.clusters or key in self.new_clusters

    def region_codes(self) -> dict[int, str]:
        return {pk: code for code, pk in self.regions.items()}

    def industry_codes(self) -> dict[int, str]:
        return {pk: code for code, pk in self.industries.items()}

    def id_of(self, ref: str, code: str) -> int:
        """The id of a stored region, industry or firm (after the import wrote the new ones)."""
        if ref == FIRM:
            return self.firms[code]
        if ref == USER:
            return self.users[code]
        return self.regions[code] if ref == REGION else self.industries[code]

    def model_values(self, columns: Iterable[Column], values: dict[str, Any]) -> dict[str, Any]:
        """Model attribute → value for these columns of a parsed row, codes turned into ids."""
        return {
            column.target: self._ref_id(column.ref, values[column.name])
            if column.ref
            else _stored(column, values[column.name])
            for column in columns
            if column.target
        }

    def _ref_id(self, ref: str, code: str) -> int | None:
        """The id a code points to; an empty optional reference (no owner, no firm) is None."""
        return self.id_of(ref, code) if code else None


def _stored(column: Column, value: Any) -> Any:
    """The value as the model field stores it (an empty year is stored as "undated")."""
    return column.empty_stored_as if value is None and column.empty_stored_as is not None else value
