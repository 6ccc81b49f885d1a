"""The stored data in file terms: one dict per row, with codes instead of ids.

Export writes these rows; the importer compares a file's rows with them to tell created,
updated and unchanged rows apart. Rows are sorted by business key in Python (code-point order,
the same on every database), so exports are deterministic.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from regions.interchange.formats import Table
from regions.models import (
    AnchorFirm,
    ClusterIndustry,
    ClusterTargetLink,
    Endowment,
    Firm,
    Industry,
    IndustryLink,
    IndustryProximity,
    IndustryReference,
    Plant,
    Region,
    RegionIndustry,
)

Row = dict[str, Any]

# For each reference table: the model rows come from and the ORM path of each column.
_PATHS: dict[str, tuple[type[Model], dict[str, str]]] = {
    "regions": (
        Region,
        {
            "code": "code",
            "name": "name",
            "name_en": "name_en",
            "level": "level",
            "parent_code": "parent__code",
        },
    ),
    "industries": (
        Industry,
        {"code": "code", "name": "name", "name_en": "name_en", "parent_code": "parent__code"},
    ),
    "region_industries": (
        RegionIndustry,
        {
            "region_code": "region__code",
            "industry_code": "industry__code",
            "employment": "employment",
            "output": "output",
            "firms": "firms",
            "year": "year",
            "source": "source",
        },
    ),
    "industry_reference": (
        IndustryReference,
        {"industry_code": "industry__code", "employment": "employment", "source": "source"},
    ),
    "industry_links": (
        IndustryLink,
        {
            "supplier_code": "supplier__code",
            "customer_code": "customer__code",
            "weight": "weight",
            "source": "source",
            "customer_weight": "customer_weight",
        },
    ),
    "industry_relatedness": (
        IndustryProximity,
        {
            "industry_1": "industry_1__code",
            "industry_2": "industry_2__code",
            "proximity": "proximity",
            "source": "source",
        },
    ),
    "clusters": (
        ClusterIndustry,
        {
            "region_code": "cluster__region__code",
            "cluster_code": "cluster__code",
            "name": "cluster__name",
            "industry_code": "industry__code",
            "role": "role",
            "name_en": "cluster__name_en",
            "priority": "cluster__priority",
            "source": "cluster__source",
            "description": "cluster__description",
            "target_capex": "cluster__target_capex",
            "target_projects": "cluster__target_projects",
        },
    ),
    "cluster_target_links": (
        ClusterTargetLink,
        {
            "region_code": "cluster__region__code",
            "cluster_code": "cluster__code",
            "industry_code": "industry__code",
        },
    ),
    "anchor_firms": (
        AnchorFirm,
        {
            "region_code": "cluster__region__code",
            "cluster_code": "cluster__code",
            "name": "name",
            "name_en": "name_en",
            "source": "source",
        },
    ),
    "endowments": (
        Endowment,
        {"region_code": "region__code", "factor": "factor", "value": "value", "source": "source"},
    ),
    "firms": (
        Firm,
        {
            "firm_id": "code",
            "name": "name",
            "name_en": "name_en",
            "industry_code": "industry__code",
            "hq_region": "hq_region",
            "country": "country",
            "employees": "employees",
            "revenue": "revenue",
            "listed": "listed",
            "source": "source",
        },
    ),
    "plants": (
        Plant,
        {
            "firm_id": "firm__code",
            "region_code": "region__code",
            "industry_code": "industry__code",
            "employees": "employees",
            "source": "source",
        },
    ),
}


def key_of(table: Table, row: Row) -> tuple[Any, ...]:
    """A row's business key; an optional key column the file leaves out reads as empty."""
    return tuple(row.get(name) for name in table.key)


def stored_rows(table: Table) -> list[Row]:
    """All stored rows of a reference table (not leads), sorted by business key."""
    model, paths = _PATHS[table.name]
    columns = list(paths)
    stored_empty = {
        c.name: c.empty_stored_as for c in table.columns if c.empty_stored_as is not None
    }
    rows = [
        {
            column: _file_value(column, value, stored_empty)
            for column, value in zip(columns, values, strict=True)
        }
        for values in model._default_manager.values_list(*paths.values())
    ]
    rows.sort(key=lambda row: key_of(table, row))
    return rows


def _file_value(column: str, value: object, stored_empty: dict[str, object]) -> object:
    """A stored value in file terms: a missing parent is "" (as an empty parent_code cell
    reads); a stored stand-in for empty (year 0, undated) is empty (None) again."""
    if value is None and column == "parent_code":
        return ""
    if column in stored_empty and value == stored_empty[column]:
        return None
    return value


def stored_by_key(table: Table) -> dict[tuple[Any, ...], Row]:
    return {key_of(table, row): row for row in stored_rows(table)}
