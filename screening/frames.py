"""Fast bulk reads of query results into pandas, used by the scoring boundary.

On PostgreSQL a `COPY (query) TO STDOUT` streamed into pandas reads a million rows in about a
second, several times faster than materialising model instances or `.values()` dicts.
Elsewhere (SQLite) the same query goes through an ordinary cursor.
"""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from django.db import connection


def read_frame(
    sql: str, params: list[Any] | tuple[Any, ...] = (), *, columns: list[str]
) -> pd.DataFrame:
    """Run `sql` and return its rows as a DataFrame with the given column names.

    NULLs become NaN (numeric) or None/NaN (text): unknown stays unknown.
    """
    if connection.vendor == "postgresql":
        return _read_frame_copy(sql, params, columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame.from_records(rows, columns=columns)


def _read_frame_copy(
    sql: str, params: list[Any] | tuple[Any, ...], columns: list[str]
) -> pd.DataFrame:
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg 3 cursor under Django's wrapper
        query = raw.mogrify(sql, params) if params else sql
        with raw.copy(f"COPY ({query!s}) TO STDOUT WITH (FORMAT csv)") as copy:
            for chunk in copy:
                buffer.write(chunk)
    buffer.seek(0)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame(columns=columns)
    return pd.read_csv(buffer, header=None, names=columns, keep_default_na=False, na_values=[""])


def read_frame_for_ids(sql: str, ids: list[int], *, columns: list[str]) -> pd.DataFrame:
    """`sql` with an `{ids}` marker after the id column, e.g. "WHERE id {ids}", for these ids.

    PostgreSQL gets one `= ANY(array)` parameter (a 20,000-element IN list costs more to build
    and send than the query itself); SQLite, which has no arrays and allows ~32k parameters,
    gets IN lists in slices.
    """
    if connection.vendor == "postgresql":
        return read_frame(sql.format(ids="= ANY(%s)"), [ids], columns=columns)
    parts = []
    for start in range(0, len(ids), 20000):
        part = ids[start : start + 20000]
        in_list = f"IN ({','.join(['%s'] * len(part))})"
        parts.append(read_frame(sql.format(ids=in_list), part, columns=columns))
    if not parts:
        return pd.DataFrame(columns=columns)
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
