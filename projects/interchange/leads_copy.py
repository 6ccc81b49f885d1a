"""Writing leads on PostgreSQL: COPY into a temporary table as chunks pass validation, then
set-based SQL once the whole import is known to be valid.

1. each validated chunk's rows to write are COPYed (CSV) into a temporary table right away, so
   the server parses them while Python validates the next chunk;
2. one INSERT … ON CONFLICT (external_id) DO UPDATE … WHERE something changed, turning region
   and industry codes into ids by joins, and bumping score_revision where a scoring input
   changed;
3. the input industries (M2M through rows) of the leads whose inputs changed are replaced.

The flag carries the bump into the upsert: rows are proposed with score_revision = 1 + bump;
a new lead keeps that (1, the default: new leads are never bumped) and an existing lead gets
its stored revision + bump. If validation fails, the import's rollback discards the table.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection
from psycopg import sql

from projects.interchange.lead_format import LEADS
from projects.interchange.lead_writers import (
    CREATE,
    INPUTS,
    RESCORE,
    UPDATE,
    Batch,
    Tick,
    csv_text,
    record_history,
)
from projects.models import Lead
from regions.interchange.codebook import CodeBook
from regions.interchange.formats import FIRM, INDUSTRY, USER, Column, Kind, model_field
from regions.models import Firm, Industry, Region

TEMP = sql.Identifier("xs_import_leads")
# References resolved by a lookup (the owner by username, the directory firm by its id).
_LOOKUPS = {
    USER: (get_user_model()._meta.db_table, "username"),
    FIRM: (Firm._meta.db_table, "code"),
}
_PG_TYPES = {
    Kind.TEXT: "text",
    Kind.CHOICE: "text",
    Kind.DECIMAL: "numeric",
    Kind.INTEGER: "integer",
    Kind.DATE: "date",
    Kind.NAMES: "jsonb",
    Kind.CODES: "text",
}


class CopySpool:
    """Spool rows COPYed into a temporary table a chunk at a time; written by `write`."""

    def __init__(self) -> None:
        self.rows = 0
        self._created = False

    def add(self, batch: Batch) -> None:
        if not batch:
            return
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor  # the psycopg cursor, for COPY
            if not self._created:
                cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(TEMP))
                cursor.execute(_create_temp())
                self._created = True
            with cursor.copy(_copy()) as copy:
                copy.write(csv_text(batch))
        self.rows += len(batch)

    def write(self, present: frozenset[str], book: CodeBook, tick: Tick) -> None:
        """Upsert the leads and replace changed input industries (codes resolved in SQL)."""
        with connection.cursor() as django_cursor:
            cursor = django_cursor.cursor
            cursor.execute(sql.SQL("ANALYZE {}").format(TEMP))
            cursor.execute(_upsert(present))
            cursor.execute(_delete_inputs())
            cursor.execute(_insert_inputs())
            cursor.execute(_written())
            written = cursor.fetchall()
        record_history(
            [lead_id for lead_id, created in written if created],
            [lead_id for lead_id, created in written if not created],
        )
        tick(self.rows)

    def close(self) -> None:
        """Nothing to do: the table goes with the transaction (rolled back or committed)."""


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
    if column.ref in _LOOKUPS:  # optional references: a name, or '' for none
        table, key = _LOOKUPS[column.ref]
        return sql.Identifier(name), sql.SQL(
            "(SELECT x.id FROM {} AS x WHERE x.{} = NULLIF(t.{}, ''))"
        ).format(sql.Identifier(table), sql.Identifier(key), sql.Identifier(column.name))
    if column.ref:
        return sql.Identifier(name), sql.SQL("i.id" if column.ref == INDUSTRY else "r.id")
    return sql.Identifier(name), sql.SQL("t.{}").format(sql.Identifier(column.name))


def _upsert(present: frozenset[str]) -> sql.Composed:
    lead = sql.Identifier(Lead._meta.db_table)
    stored = {column.name: _stored(column) for column in LEADS.columns if column.target}
    updated = [
        target
        for name, (target, _value) in stored.items()
        if name in present and name != "external_id"
    ]
    return sql.SQL(
        "INSERT INTO {lead} ({targets}, score_revision, created_at, updated_at) "
        "SELECT {values}, 1 + (t.flags & {rescore} <> 0)::int, now(), now() "
        "FROM {temp} AS t JOIN {region} AS r ON r.code = t.region_code "
        "JOIN {industry} AS i ON i.code = t.industry_code "
        "ON CONFLICT (external_id) DO UPDATE SET {assignments}, "
        "score_revision = {lead}.score_revision + EXCLUDED.score_revision - 1, "
        "updated_at = EXCLUDED.updated_at "
        "WHERE EXCLUDED.score_revision > 1 OR ({old}) IS DISTINCT FROM ({new})"
    ).format(
        lead=lead,
        targets=sql.SQL(", ").join(target for target, _value in stored.values()),
        values=sql.SQL(", ").join(value for _target, value in stored.values()),
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


def _tables() -> dict[str, Any]:
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


def _written() -> sql.Composed:
    """The id of every lead written, and whether it was created (for the audit trail)."""
    return sql.SQL(
        "SELECT l.id, t.flags & {create} <> 0 FROM {temp} AS t "
        "JOIN {lead} AS l ON l.external_id = t.external_id ORDER BY l.id"
    ).format(create=sql.Literal(CREATE), **_tables())


def _insert_inputs() -> sql.Composed:
    return sql.SQL(
        "INSERT INTO {through} (lead_id, industry_id) "
        "SELECT l.id, i.id FROM {temp} AS t "
        "JOIN {lead} AS l ON l.external_id = t.external_id "
        "CROSS JOIN LATERAL unnest(string_to_array(t.input_codes, ';')) AS c(code) "
        "JOIN {industry} AS i ON i.code = c.code "
        "WHERE t.flags & {inputs} <> 0"
    ).format(inputs=sql.Literal(INPUTS), **_tables())
