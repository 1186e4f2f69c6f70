"""Engine, sessions and the one dialect-aware upsert helper."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, Result, Table, create_engine, event, inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from inspector.store.models import Base

DEFAULT_DB_URL = "sqlite:///var/inspector.db"


class SchemaError(RuntimeError):
    pass


class DatabaseURLError(ValueError):
    """A database URL we cannot use; the message says what to write instead."""


class DatabaseMissingError(SchemaError):
    """A read-only command was pointed at a database that does not exist."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def check_db_url(url: str) -> str:
    """`url` normalised (postgresql:// → postgresql+psycopg://), or DatabaseURLError."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    hint = "write sqlite:///FILE (a file) or postgresql://USER@HOST/DBNAME"
    if "://" not in url:
        raise DatabaseURLError(
            f"database URL {url!r} is not a URL: for a SQLite file write sqlite:///{url}"
            if url.strip()
            else f"the database URL is empty: {hint}"
        )
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseURLError(f"database URL {url!r} cannot be read ({exc}): {hint}") from exc
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseURLError(f"database URL {url!r}: {backend!r} is not supported: {hint}")
    driver = parsed.get_driver_name()
    if backend == "postgresql" and driver not in ("psycopg", "psycopg2", "postgresql"):
        raise DatabaseURLError(
            f"database URL {url!r}: driver {driver!r} is not installed: use postgresql://… "
            "(psycopg 3)"
        )
    if backend == "postgresql" and not parsed.database:
        raise DatabaseURLError(f"database URL {url!r} names no database: {hint}")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases and in-memory ones)."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        return Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    return None


def resolve_db_url(url: str | None = None) -> str:
    """CLI flag > INSPECTOR_DB_URL > the SQLite file in var/."""
    return url or os.environ.get("INSPECTOR_DB_URL") or DEFAULT_DB_URL


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets report/export read while a crawl writes; NORMAL sync is safe with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


_engines: dict[str, Engine] = {}


def get_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """The engine of a database URL (one per URL and process).

    `create=False` (read-only commands): a SQLite file that does not exist is
    DatabaseMissingError,
    and neither the file nor its folder is created.
    """
    url = check_db_url(resolve_db_url(url))
    path = sqlite_path(url)
    if path is not None and not create and not path.is_file():
        raise DatabaseMissingError(
            f"no inspector database at {url}: nothing to read there; check --db "
            "(or crawl first: inspector crawl)"
        )
    if url in _engines:
        return _engines[url]
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # A PostgreSQL server that does not answer is an error within seconds, not a hang.
    connect_args = {"connect_timeout": 10} if url.startswith("postgresql") else {}
    engine = create_engine(url, future=True, pool_pre_ping=True, connect_args=connect_args)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    _engines[url] = engine
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def create_schema(engine: Engine) -> None:
    """Create every table of a fresh database by running the Alembic migrations to head."""
    from inspector.store.migrations import upgrade

    upgrade(engine)


def schema_version(engine: Engine) -> str | None:
    """The Alembic revision the database is at; None when it has no alembic_version table."""
    from inspector.store.migrations import current_revision

    with engine.connect() as connection:
        return current_revision(connection)


def ensure_schema(engine: Engine, *, create: bool = True) -> None:
    """Refuse to write into a database at another schema revision.

    A fresh database (none of the inspector's tables) is upgraded to head on the spot (the
    common case: first run on a laptop); an old one must be migrated explicitly with
    `inspector db upgrade`, and one written by a newer inspector is refused.
    """
    from inspector.store.migrations import head_revision, known_revisions

    head = head_revision()
    version = schema_version(engine)
    if version == head:
        return
    ours = set(Base.metadata.tables) | {"inspector_meta"}
    fresh = version is None and not ours.intersection(inspect(engine).get_table_names())
    if fresh and create:
        create_schema(engine)
        return
    where = engine.url.render_as_string(hide_password=True)
    upgrade_cmd = f"inspector db upgrade --db '{where}'"
    if fresh:
        raise SchemaError(f"the database {where} has no inspector tables: run `{upgrade_cmd}`")
    if version is None:
        raise SchemaError(
            f"the database {where} has inspector tables but no schema revision (made before "
            f"migrations existed), this inspector needs {head}: run `{upgrade_cmd}` first"
        )
    if version in known_revisions():
        raise SchemaError(
            f"the database {where} has schema revision {version}, this inspector needs {head}: "
            f"run `{upgrade_cmd}` first"
        )
    raise SchemaError(
        f"the database {where} has schema revision {version}, which this inspector does not "
        f"know (it needs {head}): a newer inspector wrote it; upgrade the inspector, or use "
        f"another database with --db"
    )


def upsert(
    session: Session,
    model: type[Base],
    rows: Sequence[Mapping[str, Any]],
    keys: Iterable[str],
    update: Iterable[str] | None = None,
) -> None:
    """INSERT … ON CONFLICT (keys) DO UPDATE/NOTHING, for SQLite and PostgreSQL alike."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert: Any
    if dialect == "postgresql":
        insert = postgresql.insert
    elif dialect == "sqlite":
        insert = sqlite.insert
    else:  # pragma: no cover - other dialects are not supported for writing
        raise SchemaError(f"unsupported database dialect {dialect}")
    stmt = insert(table(model))  # Core, not the ORM bulk path: no per-row ORM bookkeeping
    keys = list(keys)
    update = list(update) if update is not None else [c for c in rows[0] if c not in keys]
    if update:
        stmt = stmt.on_conflict_do_update(
            index_elements=keys, set_={c: getattr(stmt.excluded, c) for c in update}
        )
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=keys)
    session.execute(stmt, list(rows))


def table(model: type[Base]) -> Table:
    """The Core table of a model (inserts of many plain rows go through it, not the ORM)."""
    return cast(Table, model.__table__)


def affected(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE changed."""
    return cast("CursorResult[Any]", result).rowcount or 0
