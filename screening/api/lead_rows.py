"""The lead list's rows, read and rendered without model instances.

A list page is 50 leads of 25 fields with a score summary. Built as model instances (lead,
score, region) and serialized field by field, it cost several times the database time, and
compiling the ORM query for 40 columns cost as much again. So the list view asks the ORM only
for the page's lead ids (scoping, filters and the cursor stay the ORM's and DRF's), and this
module reads those leads' rows with one query that the ORM compiled once per connection
(`Prepared`), then writes each row straight into the dict LeadSerializer would have produced:
the same keys in the same order, the same values (tests/api/test_lead_list.py holds the two
paths equal, byte for byte).

What makes the read cheap:
- timestamps are read as text and parsed by `datetime.fromisoformat`; Django's PostgreSQL
  loader for timestamptz runs in Python and costs more than the rest of the row;
- the staleness versions in force (shared measures version, each row's scoring profile) and,
  on PostgreSQL, the input industries come in the same query as subqueries, instead of three
  more queries per request;
- on PostgreSQL the ids are one array parameter, so every page is the same statement, which
  psycopg prepares when the connection allows it (`?prepare_threshold=5` in DATABASE_URL):
  planning it was half of its database time.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Expression, F, Lookup, OuterRef, Q, Subquery, TextField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from projects.models import Lead
from screening.api.serializers_leads import (
    DECIMAL_LEAD_FIELDS,
    PLAIN_LEAD_FIELDS,
    SCORE_VALUES,
    LeadSerializer,
)
from screening.models import DataVersion, ScoringProfile
from screening.selectors.profiles import profiles_in_force
from screening.selectors.staleness import Stamps, stamps_stale

# The row as read, in this order (names are values_list names or annotations below).
COLUMNS = (
    "id",
    "external_id",
    "company",
    "investor_origin",
    "investor_type",
    "industry_id",
    "products",
    "region_id",
    "xs_capex",
    "currency",
    "jobs",
    "xs_land_ha",
    "xs_power_mw",
    "needs",
    "source",
    "received_on",
    "stage",
    "status",
    "status_reason",
    "lost_to",
    "owner_id",
    "xs_created_at",
    "xs_updated_at",
    "score_revision",
    "region__score_version",
    "score__lead_id",
    "score__total",
    "score__local_fit",
    "score__chain_completion",
    "score__cluster_strength",
    "score__strengthen",
    "score__pull",
    "score__confidence",
    "xs_computed_at",
    "score__lead_revision",
    "score__region_id",
    "score__region_version",
    "score__measures_version",
    "score__profile_id",
    "xs_measures_version",
    "xs_region_profile",
    "xs_default_profile",
    "xs_inputs",
)

# Id lists are padded (repeating the last id) to one of these lengths, so a connection
# keeps a handful of compiled queries, not one per page length.
_ID_COUNTS = (1, 2, 5, 10, 20, 50, 100, 200, 500)


def _annotations(vendor: str) -> dict[str, Any]:
    def text(name: str) -> Cast:
        return Cast(name, TextField())

    # PostgreSQL writes numeric(p, s) with exactly s decimals, as DRF's DecimalField does;
    # elsewhere the Decimal is formatted here (_decimal).
    decimal: Callable[[str], Any] = text if vendor == "postgresql" else F
    inputs: Any = Value(None, TextField())  # elsewhere: read_inputs, one more query
    if vendor == "postgresql":
        from django.contrib.postgres.expressions import ArraySubquery

        through = Lead.input_industries.through.objects.filter(lead_id=OuterRef("pk"))
        inputs = ArraySubquery(through.order_by("pk").values("industry_id"))

    active = ScoringProfile.objects.filter(is_active=True).order_by().values("pk")
    return {
        "xs_created_at": text("created_at"),
        "xs_updated_at": text("updated_at"),
        "xs_computed_at": text("score__computed_at"),
        **{f"xs_{name}": decimal(name) for name in DECIMAL_LEAD_FIELDS},
        "xs_measures_version": Subquery(
            DataVersion.objects.filter(pk=1).values("measures_version")[:1]
        ),
        # At most one active profile per region and one default (database constraints).
        "xs_region_profile": Subquery(active.filter(region_id=OuterRef("region_id"))[:1]),
        "xs_default_profile": Subquery(active.filter(region__isnull=True)[:1]),
        "xs_inputs": inputs,
    }


Converters = dict[int, tuple[list[Callable[..., Any]], Expression]]


class AnyOf(Lookup):
    """`lhs = ANY(%s::bigint[])`: one array parameter for any number of ids (PostgreSQL), so
    every page is the same statement and psycopg can prepare it."""

    lookup_name = "xs_any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: BaseDatabaseWrapper) -> tuple[str, Any]:
        lhs, params = compiler.compile(self.lhs)
        return f"{lhs} = ANY(%s::bigint[])", (*params, self.rhs)


@dataclass(frozen=True)
class Prepared:
    """SQL the ORM compiled once, run again with other ids.

    On PostgreSQL the ids are one array parameter and the statement runs on a cursor with
    server-side binding, so psycopg can prepare it after the connection's `prepare_threshold`
    runs. Django leaves that None (never, so that transaction-pooling proxies keep working);
    `?prepare_threshold=5` in DATABASE_URL turns it on, and PostgreSQL then stops planning the
    statement per request (about half its database cost). Django's own cursors bind on the
    client and are never prepared either way. Elsewhere the ids are an IN list, padded to a
    few lengths (`_ID_COUNTS`) so that few variants are compiled.
    """

    sql: str
    params: tuple[Any, ...]
    slots: tuple[int, ...]  # positions of the ids in params (one array on PostgreSQL)
    order: tuple[int, ...] | None  # position in the SQL row of each of COLUMNS, if not i
    converters: Converters  # the backend's and fields' converters, by SQL position
    server_binding: bool

    @classmethod
    def compile(cls, connection: BaseDatabaseWrapper, count: int) -> Prepared:
        markers = [-(10**15) - i for i in range(count)]  # ids that cannot occur in params
        server_binding = connection.vendor == "postgresql"
        ids = AnyOf(F("pk"), markers) if server_binding else Q(pk__in=markers)
        queryset = (
            Lead.objects.annotate(**_annotations(connection.vendor))
            .filter(ids)
            .values_list(*COLUMNS)
            .order_by()
        )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        if server_binding:
            slots = tuple(i for i, value in enumerate(params) if value is markers)
            assert len(slots) == 1, "the id array must appear once in the compiled SQL"
        else:
            wanted = set(markers)
            slots = tuple(i for i, value in enumerate(params) if value in wanted)
            assert len(slots) == count, "the id list must appear once in the compiled SQL"
        select = compiler.select[: compiler.col_count]
        names = [alias for _column, _sql, alias in select]
        if None in names:  # Django without select aliases: fields, then annotations
            query = queryset.query
            names = [*query.extra_select, *query.values_select, *query.annotation_select]
        selected = [column for column, _sql, _alias in select]
        assert sorted(names) == sorted(COLUMNS), names
        return cls(
            sql=sql,
            params=tuple(params),
            slots=slots,
            order=None if names == list(COLUMNS) else tuple(map(names.index, COLUMNS)),
            converters=compiler.get_converters(selected),
            server_binding=server_binding,
        )

    def rows(self, connection: BaseDatabaseWrapper, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        params = list(self.params)
        if self.server_binding:
            params[self.slots[0]] = list(ids)
        else:
            padded = [*ids, *[ids[-1]] * (len(self.slots) - len(ids))]
            for slot, lead_id in zip(self.slots, padded, strict=True):
                params[slot] = lead_id
        with _cursor(connection, server_binding=self.server_binding) as cursor:
            cursor.execute(self.sql, params)
            found = cursor.fetchall()
        if self.converters:
            found = [self._convert(row, connection) for row in found]
        if self.order is not None:
            found = [tuple(row[i] for i in self.order) for row in found]
        return found

    def _convert(self, row: tuple[Any, ...], connection: BaseDatabaseWrapper) -> list[Any]:
        values = list(row)
        for position, (functions, expression) in self.converters.items():
            value = values[position]
            for function in functions:
                value = function(value, expression, connection)
            values[position] = value
        return values


def _cursor(connection: BaseDatabaseWrapper, *, server_binding: bool) -> Any:
    """Django's cursor; with `server_binding`, one with psycopg's server-side binding on the
    same connection (Django's own binds on the client, which cannot prepare), wrapped as
    Django wraps its cursors (query log under DEBUG, execute wrappers, error translation)."""
    if not server_binding:
        return connection.cursor()
    import psycopg

    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw: Any = psycopg.Cursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)


# Per connection object (one per thread), keyed by padded id count (PostgreSQL: one entry).
_prepared: weakref.WeakKeyDictionary[BaseDatabaseWrapper, dict[int, Prepared]] = (
    weakref.WeakKeyDictionary()
)


def _padded_count(connection: BaseDatabaseWrapper, count: int) -> int:
    if connection.vendor == "postgresql":
        return 0
    for size in _ID_COUNTS:
        if count <= size:
            return size
    step = _ID_COUNTS[-1]
    return -(-count // step) * step


def read_rows(ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """The leads' rows (COLUMNS), in the order of `ids`."""
    if not ids:
        return []
    connection = connections[router.db_for_read(Lead)]
    size = _padded_count(connection, len(ids))
    cache = _prepared.setdefault(connection, {})
    prepared = cache.get(size)
    if prepared is None:
        prepared = cache[size] = Prepared.compile(connection, max(size, 1))
    by_id = {row[0]: row for row in prepared.rows(connection, ids)}
    return [by_id[lead_id] for lead_id in ids if lead_id in by_id]


def read_inputs(lead_ids: Iterable[int]) -> dict[int, list[int]]:
    """Each lead's input industry ids, read for a whole page at once (where the rows do not
    bring them)."""
    through = Lead.input_industries.through
    pairs = through.objects.filter(lead_id__in=list(lead_ids)).order_by("pk")
    found: dict[int, list[int]] = {}
    for lead_id, industry_id in pairs.values_list("lead_id", "industry_id"):
        found.setdefault(lead_id, []).append(industry_id)
    return found


# --- Rendering ------------------------------------------------------------------------------

_UTC = dt.UTC
_DECIMAL_EXPONENTS = {
    name: -int(field.decimal_places or 0) for name, field in DECIMAL_LEAD_FIELDS.items()
}


def _decimal(name: str, value: Decimal | str | None) -> str | None:
    """As DRF's DecimalField writes it: text is PostgreSQL's, already at the field's scale; a
    Decimal at the field's scale is only formatted (quantizing it changes nothing); anything
    else goes through the field."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Decimal) and value.as_tuple().exponent == _DECIMAL_EXPONENTS[name]:
        return f"{value:f}"
    text: str = DECIMAL_LEAD_FIELDS[name].to_representation(value)
    return text


def _timestamp(text: str | None, zone: dt.tzinfo) -> str | None:
    """A timestamp read as text, written as DRF's DateTimeField writes it (ISO 8601 in the
    current time zone, UTC as Z). Text without an offset is UTC (SQLite stores it so)."""
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    if value.tzinfo is None:
        value = value.replace(tzinfo=_UTC)
    iso = value.astimezone(zone).isoformat()
    return iso[:-6] + "Z" if iso.endswith("+00:00") else iso


def render_rows(
    rows: Sequence[tuple[Any, ...]], inputs: dict[int, list[int]]
) -> list[dict[str, Any]]:
    """LeadSerializer's output for each row (see the module docstring), written from the same
    field tables as LeadSerializer.to_representation."""
    zone = timezone.get_current_timezone()
    profile_in_force = _ProfileInForce()
    out = []
    for row in rows:
        values = dict(zip(COLUMNS, row, strict=True))
        data = {name: values[column] for name, column in PLAIN_LEAD_FIELDS}
        for name in DECIMAL_LEAD_FIELDS:
            data[name] = _decimal(name, values[f"xs_{name}"])
        received = values["received_on"]
        data["received_on"] = None if received is None else received.isoformat()
        data["created_at"] = _timestamp(values["xs_created_at"], zone)
        data["updated_at"] = _timestamp(values["xs_updated_at"], zone)
        in_row = values["xs_inputs"]
        data["input_industries"] = inputs.get(values["id"], []) if in_row is None else in_row
        data["score"] = _score(values, zone, profile_in_force)
        out.append({name: data[name] for name in _FIELD_ORDER})
    return out


_FIELD_ORDER = LeadSerializer.Meta.fields


def _score(
    values: dict[str, Any], zone: dt.tzinfo, profile_in_force: _ProfileInForce
) -> dict[str, Any] | None:
    """The row's score summary, as LeadSerializer.get_score writes it."""
    if values["score__lead_id"] is None:
        return None
    # The parts of cluster strength are NULL for a score computed before anchor pull existed.
    summary: dict[str, Any] = {
        name: None if values[f"score__{name}"] is None else float(values[f"score__{name}"])
        for name in SCORE_VALUES
    }
    summary["computed_at"] = _timestamp(values["xs_computed_at"], zone)
    stored = Stamps(*(values[f"score__{name}"] for name in Stamps._fields))
    in_force = Stamps(
        lead_revision=values["score_revision"],
        region_id=values["region_id"],
        region_version=values["region__score_version"],
        measures_version=values["xs_measures_version"] or 1,
        profile_id=profile_in_force(values["xs_region_profile"], values["xs_default_profile"]),
    )
    summary["stale"] = stamps_stale(stored, in_force)
    return summary


class _ProfileInForce:
    """The profile in force for a row: its region's, else the default (read in the row);
    with no default in force yet, the one profiles_in_force() provides, read once."""

    def __init__(self) -> None:
        self._fallback: int | None = None

    def __call__(self, region_profile: int | None, default: int | None) -> int:
        if region_profile is not None:
            return region_profile
        if default is not None:
            return default
        if self._fallback is None:
            self._fallback = profiles_in_force().default.pk
        return self._fallback


def lead_page(ids: Sequence[int]) -> list[dict[str, Any]]:
    """The list representation of these leads, in this order (one query on PostgreSQL)."""
    rows = read_rows(ids)
    inputs_in_rows = not rows or rows[0][-1] is not None
    return render_rows(rows, {} if inputs_in_rows else read_inputs(ids))
