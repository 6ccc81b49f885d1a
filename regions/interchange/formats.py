"""The interchange format: one table per CSV file (or per .xlsx sheet), described column by column.

Each `Table` lists its columns in file order. A column's limits (text length, decimal digits,
allowed choices) are read from the model field it is stored in, so the format cannot drift from
the schema. Every column is *required in the header* unless marked optional; separately, a
column may require a *value* in every row. An empty optional value means unknown: NULL for
numbers and dates, blank for text, never zero.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.validators import (
    DecimalValidator,
    MaxLengthValidator,
    MaxValueValidator,
    MinValueValidator,
    ProhibitNullCharactersValidator,
)
from django.db.models import Field, Model

from regions.models import UNDATED as UNDATED_YEAR
from regions.models import (
    AnchorFirm,
    Cluster,
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
from regions.validators import no_control_characters


class Kind(enum.Enum):
    """How a cell is read and written."""

    TEXT = "text"  # stripped text, at most the field's max_length characters
    DECIMAL = "decimal"  # non-negative decimal within the field's digits
    INTEGER = "integer"  # non-negative whole number within the field's range
    FLOAT = "float"  # non-negative finite number
    DATE = "date"  # ISO date YYYY-MM-DD
    DATETIME = "datetime"  # ISO 8601 date and time with its UTC offset
    CHOICE = "choice"  # one of the field's choices
    FLAG = "flag"  # 1 or 0 (empty is 0)
    NAMES = "names"  # names separated by ';', order kept, duplicates dropped
    CODES = "codes"  # codes separated by ';', a set (kept sorted)


# Where a code column must point: a region, an industry, a firm of the firm directory, a user
# (by username: users are not part of a bundle, they must exist), or a cluster (region +
# cluster code).
REGION = "region"
INDUSTRY = "industry"
FIRM = "firm"
USER = "user"

_INTEGER_MAX = {
    "PositiveSmallIntegerField": 32767,
    "PositiveIntegerField": 2147483647,
}


def model_field(model: type[Model], name: str) -> Field:
    """The model field a column's limits come from."""
    found = model._meta.get_field(name)
    assert isinstance(found, Field)
    return found


@dataclass(frozen=True)
class Column:
    """One column of a table file.

    `limit` is the model field that bounds the value (its max_length, digits or choices);
    `target` is the model attribute the value is written to (None: written by table-specific
    code); `ref` names what a code must exist as (REGION or INDUSTRY), in the database or in
    the same import.
    """

    name: str
    kind: Kind
    limit: Field
    target: str | None = None
    optional: bool = False
    value_required: bool = False
    ref: str | None = None
    maximum: float | None = None  # the largest value a FLOAT cell may hold
    # What an empty cell is stored as when the column cannot be NULL (the year of an undated
    # region-industry row: 0); exports show that stored value as an empty cell again.
    empty_stored_as: object = None

    @cached_property
    def max_length(self) -> int | None:
        return getattr(self.limit, "max_length", None)

    @cached_property
    def choices(self) -> tuple[str, ...]:
        return tuple(str(value) for value, _label in self.limit.choices or ())

    @cached_property
    def integer_max(self) -> int:
        return _INTEGER_MAX.get(self.limit.get_internal_type(), 2147483647)

    @property
    def empty(self) -> object:
        """The value an empty cell stands for: unknown (None) or blank text/lists."""
        return _EMPTY[self.kind]

    @cached_property
    def checks(self) -> tuple[Callable[[Any], None], ...]:
        """The model field's own rules (regions.validators: a currency code, a plausible date)
        that reading the cell does not already apply, run on every non-empty value: the same
        functions the API, the forms and the admin run, so an import refuses what they do."""
        return tuple(
            rule
            for rule in self.limit.validators
            if not isinstance(rule, _READ_RULES) and rule is not no_control_characters
        )


# Rules the cell reader applies itself (lengths, digits, ranges, control characters).
_READ_RULES = (
    MaxLengthValidator,
    MinValueValidator,
    MaxValueValidator,
    DecimalValidator,
    ProhibitNullCharactersValidator,
)

_EMPTY: dict[Kind, object] = {
    Kind.TEXT: "",
    Kind.DECIMAL: None,
    Kind.INTEGER: None,
    Kind.FLOAT: None,
    Kind.DATE: None,
    Kind.DATETIME: None,
    Kind.CHOICE: "",
    Kind.FLAG: False,
    Kind.NAMES: [],
    Kind.CODES: (),
}


def targets(columns: Iterable[Column], *, besides: Iterable[str] = ()) -> list[str]:
    """The model attributes these columns are written to, leaving out the named columns."""
    skipped = set(besides)
    return [c.target for c in columns if c.target is not None and c.name not in skipped]


@dataclass(frozen=True)
class Table:
    """One table of the bundle: its columns, business key and the rules across columns.

    `distinct` names two columns that must differ (a self-link, a region that is its own
    parent) with the reason to report; `tree` means `parent_code` points into the same table
    and must not form a cycle; `group`/`group_columns` mark columns that repeat for each row
    of a group (the cluster-level columns of clusters.csv) and must agree within the group;
    `unordered` means the two key columns name an unordered pair (a-b is b-a): a file may give
    either order, the import stores and exports the codes in code order.
    """

    name: str
    model: type[Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    unique_fields: tuple[str, ...]
    distinct: tuple[str, str, str] | None = None
    tree: bool = False
    group: tuple[str, ...] = ()
    group_columns: tuple[str, ...] = ()
    unordered: bool = False

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @cached_property
    def by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    @cached_property
    def ref_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.ref)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    @property
    def required_names(self) -> list[str]:
        return [column.name for column in self.columns if not column.optional]

    def key_values(self, values: dict[str, object]) -> tuple[object, ...]:
        """A row's business key (an unordered pair in code order, whatever the file's order)."""
        key = tuple(values.get(name) for name in self.key)
        if self.unordered and all(isinstance(part, str) for part in key):
            return tuple(sorted(key))  # type: ignore[type-var]
        return key


def _col(name: str, kind: Kind, model: type[Model], field_name: str, **options: object) -> Column:
    return Column(name, kind, model_field(model, field_name), **options)  # type: ignore[arg-type]


def _region_code(name: str = "region_code", target: str | None = "region_id") -> Column:
    return _col(name, Kind.TEXT, Region, "code", target=target, value_required=True, ref=REGION)


def _industry_code(name: str = "industry_code", target: str | None = "industry_id") -> Column:
    return _col(name, Kind.TEXT, Industry, "code", target=target, value_required=True, ref=INDUSTRY)


def _source(model: type[Model]) -> Column:
    return _col("source", Kind.TEXT, model, "source", target="source", optional=True)


REGIONS = Table(
    name="regions",
    model=Region,
    key=("code",),
    unique_fields=("code",),
    columns=(
        _col("code", Kind.TEXT, Region, "code", target="code", value_required=True),
        _col("name", Kind.TEXT, Region, "name", target="name", value_required=True),
        _col("name_en", Kind.TEXT, Region, "name_en", target="name_en"),
        _col("level", Kind.CHOICE, Region, "level", target="level", value_required=True),
        _col("parent_code", Kind.TEXT, Region, "code", ref=REGION),
    ),
    distinct=("code", "parent_code", "a region cannot be its own parent"),
    tree=True,
)

INDUSTRIES = Table(
    name="industries",
    model=Industry,
    key=("code",),
    unique_fields=("code",),
    columns=(
        _col("code", Kind.TEXT, Industry, "code", target="code", value_required=True),
        _col("name", Kind.TEXT, Industry, "name", target="name", value_required=True),
        _col("name_en", Kind.TEXT, Industry, "name_en", target="name_en"),
        _col("parent_code", Kind.TEXT, Industry, "code", ref=INDUSTRY),
    ),
    distinct=("code", "parent_code", "an industry cannot be its own parent"),
    tree=True,
)

REGION_INDUSTRIES = Table(
    name="region_industries",
    model=RegionIndustry,
    key=("region_code", "industry_code", "year"),
    unique_fields=("region", "industry", "year"),
    columns=(
        _region_code(),
        _industry_code(),
        _col("employment", Kind.DECIMAL, RegionIndustry, "employment", target="employment"),
        _col("output", Kind.DECIMAL, RegionIndustry, "output", target="output", optional=True),
        _col("firms", Kind.INTEGER, RegionIndustry, "firms", target="firms", optional=True),
        _col(
            "year",
            Kind.INTEGER,
            RegionIndustry,
            "year",
            target="year",
            optional=True,
            empty_stored_as=UNDATED_YEAR,
        ),
        _source(RegionIndustry),
    ),
)

INDUSTRY_REFERENCE = Table(
    name="industry_reference",
    model=IndustryReference,
    key=("industry_code",),
    unique_fields=("industry",),
    columns=(
        _industry_code(),
        _col(
            "employment",
            Kind.DECIMAL,
            IndustryReference,
            "employment",
            target="employment",
            value_required=True,
        ),
        _source(IndustryReference),
    ),
)

INDUSTRY_LINKS = Table(
    name="industry_links",
    model=IndustryLink,
    key=("supplier_code", "customer_code"),
    unique_fields=("supplier", "customer"),
    columns=(
        _industry_code("supplier_code", "supplier_id"),
        _industry_code("customer_code", "customer_id"),
        _col("weight", Kind.FLOAT, IndustryLink, "weight", target="weight", value_required=True),
        _source(IndustryLink),
        _col(
            "customer_weight",
            Kind.FLOAT,
            IndustryLink,
            "customer_weight",
            target="customer_weight",
            optional=True,
        ),
    ),
    distinct=("supplier_code", "customer_code", "an industry cannot supply itself"),
)

INDUSTRY_RELATEDNESS = Table(
    name="industry_relatedness",
    model=IndustryProximity,
    key=("industry_1", "industry_2"),
    unique_fields=("industry_1", "industry_2"),
    columns=(
        _industry_code("industry_1", "industry_1_id"),
        _industry_code("industry_2", "industry_2_id"),
        _col(
            "proximity",
            Kind.FLOAT,
            IndustryProximity,
            "proximity",
            target="proximity",
            value_required=True,
            maximum=1.0,
        ),
        _source(IndustryProximity),
    ),
    distinct=(
        "industry_1",
        "industry_2",
        "an industry's proximity to itself is 1 by definition: list pairs of two industries",
    ),
    unordered=True,
)

CLUSTERS = Table(
    name="clusters",
    model=Cluster,
    key=("region_code", "cluster_code", "industry_code"),
    unique_fields=("region", "code"),
    columns=(
        _region_code(),
        _col("cluster_code", Kind.TEXT, Cluster, "code", target="code", value_required=True),
        _col("name", Kind.TEXT, Cluster, "name", target="name", value_required=True),
        _industry_code(target=None),
        _col("role", Kind.CHOICE, ClusterIndustry, "role", value_required=True),
        _col("name_en", Kind.TEXT, Cluster, "name_en", target="name_en", optional=True),
        _col("priority", Kind.FLAG, Cluster, "priority", target="priority", optional=True),
        _source(Cluster),
        _col(
            "description",
            Kind.TEXT,
            Cluster,
            "description",
            target="description",
            optional=True,
        ),
        _col(
            "target_capex",
            Kind.DECIMAL,
            Cluster,
            "target_capex",
            target="target_capex",
            optional=True,
        ),
        _col(
            "target_projects",
            Kind.INTEGER,
            Cluster,
            "target_projects",
            target="target_projects",
            optional=True,
        ),
    ),
    group=("region_code", "cluster_code"),
    group_columns=(
        "name",
        "name_en",
        "priority",
        "source",
        "description",
        "target_capex",
        "target_projects",
    ),
)

CLUSTER_TARGET_LINKS = Table(
    name="cluster_target_links",
    model=ClusterTargetLink,
    key=("region_code", "cluster_code", "industry_code"),
    unique_fields=("cluster", "industry"),
    columns=(
        _region_code(target=None),
        _col("cluster_code", Kind.TEXT, Cluster, "code", value_required=True),
        _industry_code(),
    ),
    group=("region_code", "cluster_code"),
)

ANCHOR_FIRMS = Table(
    name="anchor_firms",
    model=AnchorFirm,
    key=("region_code", "cluster_code", "name"),
    unique_fields=("cluster", "name"),
    columns=(
        _region_code(target=None),
        _col("cluster_code", Kind.TEXT, Cluster, "code", value_required=True),
        _col("name", Kind.TEXT, AnchorFirm, "name", target="name", value_required=True),
        _col("name_en", Kind.TEXT, AnchorFirm, "name_en", target="name_en", optional=True),
        _source(AnchorFirm),
    ),
)

ENDOWMENTS = Table(
    name="endowments",
    model=Endowment,
    key=("region_code", "factor"),
    unique_fields=("region", "factor"),
    columns=(
        _region_code(),
        _col("factor", Kind.TEXT, Endowment, "factor", target="factor", value_required=True),
        _col("value", Kind.FLOAT, Endowment, "value", target="value"),
        _source(Endowment),
    ),
)

FIRMS = Table(
    name="firms",
    model=Firm,
    key=("firm_id",),
    unique_fields=("code",),
    columns=(
        _col("firm_id", Kind.TEXT, Firm, "code", target="code", value_required=True),
        _col("name", Kind.TEXT, Firm, "name", target="name", value_required=True),
        _col("name_en", Kind.TEXT, Firm, "name_en", target="name_en", optional=True),
        _industry_code(),
        _col("hq_region", Kind.TEXT, Firm, "hq_region", target="hq_region", optional=True),
        _col("country", Kind.TEXT, Firm, "country", target="country", optional=True),
        _col("employees", Kind.INTEGER, Firm, "employees", target="employees"),
        _col("revenue", Kind.DECIMAL, Firm, "revenue", target="revenue", optional=True),
        _col("listed", Kind.FLAG, Firm, "listed", target="listed", optional=True),
        _source(Firm),
    ),
)

PLANTS = Table(
    name="plants",
    model=Plant,
    key=("firm_id", "region_code", "industry_code"),
    unique_fields=("firm", "region", "industry"),
    columns=(
        _col("firm_id", Kind.TEXT, Firm, "code", value_required=True, ref=FIRM),
        _region_code(),
        _industry_code(),
        _col("employees", Kind.INTEGER, Plant, "employees", target="employees"),
        _source(Plant),
    ),
)

# The reference tables in import order: every table comes after the tables its codes point to.
# (The leads table and the whole bundle are projects.interchange's.)
TABLES: dict[str, Table] = {
    table.name: table
    for table in (
        REGIONS,
        INDUSTRIES,
        REGION_INDUSTRIES,
        INDUSTRY_REFERENCE,
        INDUSTRY_LINKS,
        INDUSTRY_RELATEDNESS,
        CLUSTERS,
        ANCHOR_FIRMS,
        CLUSTER_TARGET_LINKS,
        ENDOWMENTS,
        FIRMS,
        PLANTS,
    )
}


# Building blocks for tables that other apps define (projects.interchange.lead_format).
column = _col
region_code_column = _region_code
industry_code_column = _industry_code
source_column = _source
