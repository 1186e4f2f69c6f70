"""The crawl's batched writes, and the one place where a refused batch is retried row by row.

A batch is written in one transaction. When the database refuses it, the transaction is rolled
back and the batch is written again in halves, each in its own transaction through the same
writer, a refused half split again, down to single rows: the good rows are stored, and each row
that is refused alone becomes a `RowFailure` for its site's run
(`StoreErrors` puts them in the run's stats) instead of poisoning the batches after it. A
batch is never kept for a later flush: what could not be stored is reported, not retried forever.

Errors that are not the row's fault (the connection is gone, the disk is full, the database is
locked) are raised: retrying rows one by one against a database that is not there would only
multiply the failure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from inspector.store.bounds import bounded_key, bounded_rows, bounded_tuples
from inspector.store.db import table, upsert
from inspector.store.models import LinkRow, PageRow, RunRow, TargetRow
from inspector.store.pgcopy import copy_tuples, copy_upsert

# Column order of the link tuples the pipeline buffers: run_id, source_url, then PageItem.links.
LINK_COLUMNS = (
    "run_id",
    "source_url",
    "target_url",
    "element",
    "attribute",
    "text",
    "fragment",
    "position",
)

# SQLSTATE classes that say the database, not the row, is in trouble: connection exception,
# insufficient resources, operator intervention, system error.
SERVER_TROUBLE = ("08", "53", "57", "58")


@dataclass
class Batch:
    """Rows waiting to be written; links are LINK_COLUMNS tuples (the driver's executemany)."""

    pages: list[dict[str, Any]] = field(default_factory=list)
    targets: list[dict[str, Any]] = field(default_factory=list)
    links: list[tuple[Any, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.pages) + len(self.targets) + len(self.links)

    def rows(self) -> list[Row]:
        """Every row, with its table."""
        out = [Row("page", r) for r in self.pages] + [Row("target", r) for r in self.targets]
        return out + [Row("link", r) for r in self.links]

    @classmethod
    def of(cls, rows: list[Row]) -> Batch:
        return cls(
            pages=[r.values for r in rows if r.table == "page"],
            targets=[r.values for r in rows if r.table == "target"],
            links=[r.values for r in rows if r.table == "link"],
        )


@dataclass(frozen=True)
class Row:
    table: str  # page | target | link
    values: Any  # a dict, or a LINK_COLUMNS tuple

    def failure(self, exc: BaseException) -> RowFailure:
        if isinstance(self.values, tuple):
            run_id, url = self.values[0], self.values[2]
        else:
            run_id, url = self.values["run_id"], self.values["url"]
        return RowFailure(run_id, self.table, str(url), failure_text(exc))


@dataclass(frozen=True)
class RowFailure:
    """A row the database refused even alone."""

    run_id: int
    table: str
    url: str
    error: str


Writer = Callable[[Session, Batch], None]


def write_rows(session: Session, batch: Batch) -> None:
    """The batch write: upserts for pages and targets, links inserted in bulk (the driver's
    executemany on SQLite, COPY on PostgreSQL)."""
    upsert(session, PageRow, bounded_rows(table(PageRow), batch.pages), ["run_id", "url"])
    connection = session.connection()
    copy = connection.dialect.name == "postgresql"
    targets = bounded_rows(table(TargetRow), batch.targets)
    if copy:
        copy_upsert(connection, table(TargetRow), targets, ["run_id", "url"])
    else:
        upsert(session, TargetRow, targets, ["run_id", "url"])
    if batch.links:
        # Most rows of a crawl are link occurrences (~30 a page): plain tuples, without
        # SQLAlchemy's per-row parameter processing.
        links = bounded_tuples(table(LinkRow), LINK_COLUMNS, batch.links)
        if copy:
            copy_tuples(connection, table(LinkRow), LINK_COLUMNS, links)
        else:
            connection.exec_driver_sql(_insert_sql(connection.engine), links)


def write_rows_executemany(session: Session, batch: Batch) -> None:
    """write_rows without COPY on PostgreSQL (the reference the COPY path is tested against)."""
    upsert(session, PageRow, bounded_rows(table(PageRow), batch.pages), ["run_id", "url"])
    upsert(session, TargetRow, bounded_rows(table(TargetRow), batch.targets), ["run_id", "url"])
    if batch.links:
        connection = session.connection()
        links = bounded_tuples(table(LinkRow), LINK_COLUMNS, batch.links)
        connection.exec_driver_sql(_insert_sql(connection.engine), links)


def _insert_sql(engine: Any) -> str:
    """INSERT with the driver's positional placeholders (qmark for sqlite3, %s for psycopg)."""
    quote = engine.dialect.identifier_preparer.quote
    mark = "?" if engine.dialect.paramstyle == "qmark" else "%s"
    names = ", ".join(quote(c) for c in LINK_COLUMNS)
    marks = ", ".join([mark] * len(LINK_COLUMNS))
    return f"INSERT INTO {quote(table(LinkRow).name)} ({names}) VALUES ({marks})"


def row_refused(exc: BaseException) -> bool:
    """True when the database refused the data (a row's fault), not when it is unreachable."""
    if not isinstance(exc, StatementError):
        return False
    if isinstance(exc, DBAPIError):
        if exc.connection_invalidated:
            return False
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate is None:
            # sqlite3 has no SQLSTATE: its OperationalError is locking, I/O or a full disk;
            # psycopg's OperationalError without one is a lost connection.
            return type(exc.orig).__name__ not in ("OperationalError", "InterfaceError")
        return not str(sqlstate).startswith(SERVER_TROUBLE)
    return True  # the driver could not even send the row (e.g. an unencodable value)


def write_isolated(
    sessions: sessionmaker[Session], batch: Batch, write: Writer = write_rows
) -> list[RowFailure]:
    """Write `batch` in one transaction; if it is refused, its halves, and so on down to each
    row alone (one bad row among n costs about 2·log2(n) smaller writes, not n). The rows
    refused alone."""
    if not len(batch):
        return []
    return _write_part(sessions, batch.rows(), write)


def _write_part(
    sessions: sessionmaker[Session], rows: list[Row], write: Writer
) -> list[RowFailure]:
    try:
        with sessions() as s:
            write(s, Batch.of(rows))
            s.commit()
        return []
    except Exception as exc:
        if not row_refused(exc):
            raise
        if len(rows) == 1:
            return [rows[0].failure(exc)]
    middle = len(rows) // 2
    return _write_part(sessions, rows[:middle], write) + _write_part(sessions, rows[middle:], write)


def failure_text(exc: BaseException) -> str:
    """The database's own words, without SQLAlchemy's statement and parameter dump."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {text[0] if text else ''}"[:300]


STORE_ERRORS_KEY = "store_errors"
STORE_ERRORS_KEPT = 20  # rows named per run; the count covers them all


class StoreErrors:
    """Rows not stored, per run, until they are written to their runs' `stats["store_errors"]`
    ({count, rows: the first STORE_ERRORS_KEPT}). Kept in memory while the database itself is
    what fails, and written at the next chance; a long outage costs a count, not memory."""

    def __init__(self) -> None:
        self.pending: dict[int, dict[str, Any]] = {}

    def add(self, failures: list[RowFailure]) -> None:
        for f in failures:
            known = self.pending.setdefault(f.run_id, {"count": 0, "rows": []})
            known["count"] += 1
            if len(known["rows"]) < STORE_ERRORS_KEPT:
                known["rows"].append(
                    {"table": f.table, "url": bounded_key(f.url), "error": f.error}
                )

    def record(self, sessions: sessionmaker[Session]) -> None:
        """Write the pending errors to their runs (raises, keeping them, when that fails)."""
        if not self.pending:
            return
        with sessions() as s:
            for run_id, pending in self.pending.items():
                run = s.get(RunRow, run_id)
                if run is None:
                    continue
                stats = dict(run.stats or {})
                known = store_errors(run)
                rows = (known["rows"] + pending["rows"])[:STORE_ERRORS_KEPT]
                stats[STORE_ERRORS_KEY] = {"count": known["count"] + pending["count"], "rows": rows}
                run.stats = stats
            s.commit()
        self.pending = {}


def store_errors(run: RunRow) -> dict[str, Any]:
    """The rows of a run the database refused: {count, rows: [{table, url, error}]}."""
    known = (run.stats or {}).get(STORE_ERRORS_KEY) or {}
    return {"count": int(known.get("count", 0)), "rows": list(known.get("rows", []))}
