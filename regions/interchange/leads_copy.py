"""Writing leads on PostgreSQL: COPY the spool into a temporary table, then set-based SQL.

1. COPY the spool (the created and updated rows, as CSV with a flag) into a temporary table;
2. one INSERT … ON CONFLICT (external_id) DO UPDATE … WHERE something changed, turning region
   and industry codes into ids by joins, and bumping score_revision where a scoring input
   changed;
3. replace the input industries (the M2M through rows) of the leads whose inputs changed.

The flag carries the bump into the upsert: rows are proposed with score_revision = 1 + bump;
a new lead keeps that (1, the default: new leads are never bumped) and an existing lead gets
its stored revision + bump.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import connection
from psycopg import sql

from projects.models import Lead
from regions.interchange.formats import INDUSTRY, LEADS, Column, Kind, model_field
from regions.interchange.leads import INPUTS, RESCORE, UPDATE, Spool
from regions.models import Industry, Region

TEMP = sql.Identifier("xs_import_leads")
_PG_TYPES = {
    Kind.TEXT: "text",
    Kind.CHOICE: "text",
    Kind.DECIMAL: "numeric",
    Kind.INTEGER: "integer",
    Kind.DATE: "date",
    Kind.NAMES: "jsonb",
    Kind.CODES: "text",
}


def copy_leads(spool: Spool, present: frozenset[str], sent: Callable[[int], None]) -> None:
    """Write the spooled rows in a few statements, inside the import's transaction.

    `sent(rows)` is called as the COPY progresses (rows sent so far, estimated).
    """
    with connection.cursor() as django_cursor:
        cursor = django_cursor.cursor  # the psycopg cursor, for COPY
        cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(TEMP))
        cursor.execute(_create_temp())
        with cursor.copy(_copy()) as copy:
            for block, rows in spool.blocks():
                copy.write(block)
                sent(rows)
        cursor.execute(sql.SQL("ANALYZE {}").format(TEMP))
        cursor.execute(_upsert(present))
        cursor.execute(_delete_inputs())
        cursor.execute(_insert_inputs())
        cursor.execute(sql.SQL("DROP TABLE {}").format(TEMP))


def _create_temp() -> sql.Composed:
    definitions = [sql.SQL("flags smallint")] + [
        sql.SQL("{} {}").format(sql.Identifier(column.name), sql.SQL(_PG_TYPES[column.kind]))
        for column in LEADS.columns
    ]
    return sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(
        TEMP, sql.SQL(", ").join(definitions)
    )


def _copy() -> sql.Composed:
    """CSV COPY; an empty text cell is '' (not NULL), an empty number or date cell is NULL."""
    texts = [
        sql.Identifier(column.name) for column in LEADS.columns if _PG_TYPES[column.kind] == "text"
    ]
    names = [sql.Identifier("flags")] + [sql.Identifier(c.name) for c in LEADS.columns]
    return sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, FORCE_NOT_NULL ({}))").format(
        TEMP, sql.SQL(", ").join(names), sql.SQL(", ").join(texts)
    )


def _stored(column: Column) -> tuple[sql.Identifier, sql.Composable]:
    """The lead table's column for a file column, and the value selected from the temp table:
    codes become ids through the join aliases r (region) and i (industry)."""
    assert column.target is not None
    name = model_field(Lead, column.target).column
    assert name is not None
    target = sql.Identifier(name)
    if column.ref:
        return target, sql.SQL("i.id" if column.ref == INDUSTRY else "r.id")
    return target, sql.SQL("t.{}").format(sql.Identifier(column.name))


def _upsert(present: frozenset[str]) -> sql.Composed:
    lead = sql.Identifier(Lead._meta.db_table)
    stored = {column.name: _stored(column) for column in LEADS.columns if column.target}
    pairs = list(stored.values())
    updated = [
        target
        for name, (target, _value) in stored.items()
        if name in present and name != "external_id"
    ]
    return sql.SQL(
        "INSERT INTO {lead} ({targets}, lost_to, score_revision, created_at, updated_at) "
        "SELECT {values}, '', 1 + (t.flags & {rescore} <> 0)::int, now(), now() "
        "FROM {temp} AS t JOIN {region} AS r ON r.code = t.region_code "
        "JOIN {industry} AS i ON i.code = t.industry_code "
        "ON CONFLICT (external_id) DO UPDATE SET {assignments}, "
        "score_revision = {lead}.score_revision + EXCLUDED.score_revision - 1, "
        "updated_at = EXCLUDED.updated_at "
        "WHERE EXCLUDED.score_revision > 1 OR ({old}) IS DISTINCT FROM ({new})"
    ).format(
        lead=lead,
        targets=sql.SQL(", ").join(target for target, _value in pairs),
        values=sql.SQL(", ").join(value for _target, value in pairs),
        rescore=sql.Literal(RESCORE),
        temp=TEMP,
        region=sql.Identifier(Region._meta.db_table),
        industry=sql.Identifier(Industry._meta.db_table),
        assignments=sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(target) for target in updated
        ),
        old=sql.SQL(", ").join(sql.SQL("{}.{}").format(lead, target) for target in updated),
        new=sql.SQL(", ").join(sql.SQL("EXCLUDED.{}").format(target) for target in updated),
    )


def _tables() -> dict[str, sql.Composable]:
    return {
        "through": sql.Identifier(Lead.input_industries.through._meta.db_table),
        "lead": sql.Identifier(Lead._meta.db_table),
        "industry": sql.Identifier(Industry._meta.db_table),
        "temp": TEMP,
    }


def _delete_inputs() -> sql.Composed:
    """Drop the old input industries of updated leads whose inputs changed."""
    return sql.SQL(
        "DELETE FROM {through} AS m USING {temp} AS t, {lead} AS l "
        "WHERE t.flags & {both} = {both} AND l.external_id = t.external_id AND m.lead_id = l.id"
    ).format(both=sql.Literal(UPDATE | INPUTS), **_tables())


def _insert_inputs() -> sql.Composed:
    return sql.SQL(
        "INSERT INTO {through} (lead_id, industry_id) "
        "SELECT l.id, i.id FROM {temp} AS t "
        "JOIN {lead} AS l ON l.external_id = t.external_id "
        "CROSS JOIN LATERAL unnest(string_to_array(t.input_codes, ';')) AS c(code) "
        "JOIN {industry} AS i ON i.code = c.code "
        "WHERE t.flags & {inputs} <> 0"
    ).format(inputs=sql.Literal(INPUTS), **_tables())
