"""The crawl's bulk rows on PostgreSQL: `COPY … FROM STDIN` (psycopg 3 `cursor.copy()`).

Link occurrences (~30 a page) are copied straight into `link`. Targets are upserted (a URL
checked again in a resumed run replaces its row), which COPY cannot do: they are copied into a
temporary table and moved with one `INSERT … SELECT … ON CONFLICT DO UPDATE`; when a batch holds
the same URL twice, the last row wins, as it does when the rows are upserted one after another.

Values are converted by SQLAlchemy's own bind processors for each column (JSON as psycopg's
`Json`, a Python None in a JSON column as JSON `null`), so a row stores the same thing as through
the executemany path; the values were bounded before (inspector/store/bounds.py). A row the
database refuses fails the COPY, which is raised as SQLAlchemy's `DBAPIError` so that the refused
batch is split exactly as an executemany batch is (inspector/store/batch.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError

# Created once per database connection; emptied at every commit.
TARGET_STAGE = "inspector_target_stage"


def copy_tuples(
    connection: Connection, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Insert `rows` (tuples in `columns` order) into `table` with COPY."""
    if not rows:
        return
    _copy(connection, _quoted(connection, table.name), table, columns, rows)


def copy_upsert(
    connection: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    keys: Sequence[str],
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE of every other column, for dict rows with the same
    keys (the target rows of a batch), through a temporary table filled with COPY."""
    if not rows:
        return
    given = list(rows[0])
    # Columns the rows leave out get their Python-side default, as SQLAlchemy's INSERT gives
    # them (COPY would leave them NULL); a conflict updates only the columns given.
    defaults = [
        (c.name, c.default)
        for c in table.columns
        if c.name not in given and c.default is not None and not c.primary_key
    ]
    columns = given + [name for name, _ in defaults]
    quote = connection.dialect.identifier_preparer.quote
    stage = quote(TARGET_STAGE)
    connection.exec_driver_sql(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage} "
        f"(LIKE {quote(table.name)} INCLUDING DEFAULTS, stage_seq bigint) ON COMMIT DELETE ROWS"
    )
    staged = [
        (*(row.get(c) for c in given), *_defaults(defaults), seq) for seq, row in enumerate(rows)
    ]
    _copy(connection, stage, table, [*columns, "stage_seq"], staged)
    names = ", ".join(quote(c) for c in columns)
    key_names = ", ".join(quote(k) for k in keys)
    updates = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in given if c not in keys)
    conflict = f"DO UPDATE SET {updates}" if updates else "DO NOTHING"
    connection.exec_driver_sql(
        f"INSERT INTO {quote(table.name)} ({names}) "
        f"SELECT DISTINCT ON ({key_names}) {names} FROM {stage} "
        f"ORDER BY {key_names}, stage_seq DESC "
        f"ON CONFLICT ({key_names}) {conflict}",
    )
    connection.exec_driver_sql(f"DELETE FROM {stage}")


def _defaults(defaults: Sequence[tuple[str, Any]]) -> list[Any]:
    return [d.arg(None) if d.is_callable else d.arg for _, d in defaults]


def _copy(
    connection: Connection,
    target: str,
    table: Table,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    processors = _processors(connection, table, columns)
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {target} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        with cursor.copy(statement) as copy:
            if processors:
                for row in rows:
                    values = list(row)
                    for i, process in processors:
                        values[i] = process(values[i])
                    copy.write_row(values)
            else:
                for row in rows:
                    copy.write_row(row)
    except connection.dialect.loaded_dbapi.Error as exc:
        error = connection.dialect.loaded_dbapi.Error
        raise DBAPIError.instance(statement, None, exc, error) from exc
    finally:
        cursor.close()


def _processors(
    connection: Connection, table: Table, columns: Sequence[str]
) -> list[tuple[int, Callable[[Any], Any]]]:
    """The bind processor SQLAlchemy applies to each column (those that have one)."""
    dialect = connection.dialect
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for i, name in enumerate(columns):
        column = table.columns.get(name)
        if column is None:
            continue
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            found.append((i, process))
    return found


def _quoted(connection: Connection, name: str) -> str:
    return connection.dialect.identifier_preparer.quote(name)
