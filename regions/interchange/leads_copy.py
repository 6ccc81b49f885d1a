"""Writing leads on PostgreSQL: COPY into a temporary table, then set-based statements.

1. COPY every created or updated row (with its flag byte) into a temporary table;
2. one INSERT … ON CONFLICT (external_id) DO UPDATE … WHERE something changed, which also
   bumps score_revision where a scoring input changed;
3. replace the input industries (the M2M through rows) of the leads whose inputs changed.

The flag byte carries the bump into the upsert: rows are proposed with
score_revision = 1 + bump, a new lead keeps that (1, the default, since new leads are never
bumped) and an existing lead gets its stored revision + bump.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from psycopg import sql

from projects.models import Lead
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import LEADS, Column, Kind
from regions.interchange.leads import INPUTS, RESCORE, UPDATE, Batch

TEMP_TABLE = "xs_import_leads"
_PG_TYPES = {
    Kind.TEXT: "text",
    Kind.CHOICE: "text",
    Kind.DECIMAL: "numeric",
    Kind.INTEGER: "integer",
    Kind.DATE: "date",
    Kind.NAMES: "jsonb",
}


def _columns() -> list[Column]:
    """Lead columns stored on the lead row itself (input_codes go to the through table)."""
    return [column for column in LEADS.columns if column.target]


def _db_column(column: Column) -> sql.Identifier:
    assert column.target is not None
    return sql.Identifier(Lead._meta.get_field(column.target).column)  # type: ignore[union-attr]


def copy_leads(batches: Iterable[Batch], present: frozenset[str], book: CodeBook) -> None:
    """Write the flagged lead rows in a few statements; runs inside the import's transaction."""
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(TEMP_TABLE)))
        cursor.execute(_create_temp())
        copy_sql = sql.SQL("COPY {} ({}) FROM STDIN").format(
            sql.Identifier(TEMP_TABLE), sql.SQL(", ").join(_temp_names())
        )
        with cursor.copy(copy_sql) as copy:
            for batch in batches:
                for values, flag in batch:
                    copy.write_row(_copy_values(values, flag, book))
        cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(TEMP_TABLE)))
        cursor.execute(_upsert(present))
        cursor.execute(_delete_inputs())
        cursor.execute(_insert_inputs())
        cursor.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(TEMP_TABLE)))


def _temp_names() -> list[sql.Identifier]:
    names = [_db_column(column) for column in _columns()]
    return [sql.Identifier("flags"), *names, sql.Identifier("input_ids")]


def _create_temp() -> sql.Composed:
    types = [sql.SQL(_PG_TYPES[column.kind] if not column.ref else "bigint")
             for column in _columns()]
    definitions = [
        sql.SQL("{} {}").format(name, kind)
        for name, kind in zip(_temp_names(), [sql.SQL("smallint"), *types, sql.SQL("bigint[]")],
                              strict=True)
    ]
    return sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
        sql.Identifier(TEMP_TABLE), sql.SQL(", ").join(definitions)
    )


def _copy_values(values: dict[str, Any], flag: int, book: CodeBook) -> tuple[Any, ...]:
    """One COPY row; a column absent from the file gets its empty value (used on insert only)."""
    cells: list[Any] = [flag]
    for column in _COLUMNS:
        value = values.get(column.name, column.empty)
        if column.ref:
            value = book.id_of(column.ref, value)
        elif column.kind is Kind.NAMES:
            value = json.dumps(value, ensure_ascii=False)
        cells.append(value)
    cells.append([book.industries[code] for code in values.get("input_codes", ())])
    return tuple(cells)


def _upsert(present: frozenset[str]) -> sql.Composed:
    lead = sql.Identifier(Lead._meta.db_table)
    names = [_db_column(column) for column in _columns()]
    updated = [_db_column(c) for c in _columns() if c.name in present and c.name != "external_id"]
    assignments = [sql.SQL("{0} = EXCLUDED.{0}").format(name) for name in updated]
    return sql.SQL(
        "INSERT INTO {lead} ({names}, lost_to, score_revision, created_at, updated_at) "
        "SELECT {names}, '', 1 + (flags & {rescore} <> 0)::int, now(), now() FROM {temp} "
        "ON CONFLICT (external_id) DO UPDATE SET {assignments}, "
        "score_revision = {lead}.score_revision + EXCLUDED.score_revision - 1, "
        "updated_at = EXCLUDED.updated_at "
        "WHERE EXCLUDED.score_revision > 1 OR ({old}) IS DISTINCT FROM ({new})"
    ).format(
        lead=lead,
        names=sql.SQL(", ").join(names),
        rescore=sql.Literal(RESCORE),
        temp=sql.Identifier(TEMP_TABLE),
        assignments=sql.SQL(", ").join(assignments),
        old=sql.SQL(", ").join(sql.SQL("{}.{}").format(lead, name) for name in updated),
        new=sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(name) for name in updated),
    )


def _through() -> tuple[sql.Identifier, sql.Identifier]:
    through = Lead.input_industries.through
    return sql.Identifier(through._meta.db_table), sql.Identifier(Lead._meta.db_table)


def _delete_inputs() -> sql.Composed:
    """Drop the old input industries of updated leads whose inputs changed."""
    through, lead = _through()
    return sql.SQL(
        "DELETE FROM {through} AS m USING {temp} AS t, {lead} AS l "
        "WHERE t.flags & {both} = {both} AND l.external_id = t.external_id AND m.lead_id = l.id"
    ).format(through=through, temp=sql.Identifier(TEMP_TABLE), lead=lead,
             both=sql.Literal(UPDATE | INPUTS))


def _insert_inputs() -> sql.Composed:
    through, lead = _through()
    return sql.SQL(
        "INSERT INTO {through} (lead_id, industry_id) "
        "SELECT l.id, unnest(t.input_ids) FROM {temp} AS t "
        "JOIN {lead} AS l ON l.external_id = t.external_id WHERE t.flags & {inputs} <> 0"
    ).format(through=through, temp=sql.Identifier(TEMP_TABLE), lead=lead,
             inputs=sql.Literal(INPUTS))


_COLUMNS = _columns()
