"""Alembic migrations on SQLite and on the real PostgreSQL of this machine kind."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from click.testing import CliRunner
from sqlalchemy import create_engine, inspect, text

import inspector.store.migrations as migrations
from inspector.ops.commands import db
from inspector.store.db import SchemaError, ensure_schema, get_engine, schema_version
from inspector.store.models import SCHEMA_VERSION, Base

TABLES = {"site", "run", "page", "target", "link", "site_column", "finding", "probe"}

# A later migration, for tests only: a database at the shipped head is then one revision behind.
NEXT = "9001"
MIGRATION_0002 = f"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{NEXT}"
down_revision = "{SCHEMA_VERSION}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("probe", sa.Column("region", sa.String(length=50), nullable=True))


def downgrade() -> None:
    op.drop_column("probe", "region")
"""

# A broken later migration: it fails after creating a table, to see nothing half-done remains.
MIGRATION_0002_BROKEN = f"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "{NEXT}"
down_revision = "{SCHEMA_VERSION}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    raise RuntimeError("migration {NEXT} fails on purpose")


def downgrade() -> None:
    pass
"""


@pytest.fixture
def newer_scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Point the inspector at a copy of its migrations with one more revision (`NEXT`)."""

    def install(source: str = MIGRATION_0002) -> Path:
        scripts = tmp_path / "migrations"
        shutil.copytree(
            migrations.MIGRATIONS_DIR,
            scripts,
            ignore=shutil.ignore_patterns("__pycache__", "__init__.py"),
        )
        (scripts / "versions" / f"{NEXT}_test.py").write_text(source, encoding="utf-8")
        monkeypatch.setattr(migrations, "MIGRATIONS_DIR", scripts)
        return scripts

    return install


def test_schema_version_is_the_head_revision() -> None:
    assert migrations.head_revision() == SCHEMA_VERSION


def test_fresh_database_is_upgraded_to_head(db_url: str) -> None:
    engine = get_engine(db_url)
    assert schema_version(engine) is None
    ensure_schema(engine)
    assert schema_version(engine) == SCHEMA_VERSION
    assert set(inspect(engine).get_table_names()) >= TABLES
    ensure_schema(engine)  # at head: nothing to do, no error


def test_migrated_schema_is_exactly_the_models(db_url: str) -> None:
    engine = get_engine(db_url)
    runner = CliRunner()
    result = runner.invoke(db, ["upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert f"upgraded from nothing to revision {SCHEMA_VERSION}" in result.output
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    assert diff == []
    result = runner.invoke(db, ["upgrade", "--db", db_url])
    assert result.exit_code == 0 and f"already at revision {SCHEMA_VERSION}" in result.output
    result = runner.invoke(db, ["current", "--db", db_url])
    assert (
        result.exit_code == 0 and f"revision {SCHEMA_VERSION} (head, up to date)" in result.output
    )


def test_old_database_is_refused_then_upgraded(db_url: str, newer_scripts) -> None:
    engine = get_engine(db_url)
    ensure_schema(engine)  # at the shipped head
    newer_scripts()  # this inspector now needs NEXT
    with pytest.raises(SchemaError) as err:
        ensure_schema(engine)
    message = str(err.value)
    assert f"schema revision {SCHEMA_VERSION}" in message and f"needs {NEXT}" in message
    assert "run `inspector db upgrade" in message

    runner = CliRunner()
    current = runner.invoke(db, ["current", "--db", db_url])
    assert current.exit_code == 1 and "inspector db upgrade" in current.output

    upgraded = runner.invoke(db, ["upgrade", "--db", db_url])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"from {SCHEMA_VERSION} to revision {NEXT}" in upgraded.output
    ensure_schema(engine)
    assert "region" in {c["name"] for c in inspect(engine).get_columns("probe")}


def test_the_crawl_refuses_an_old_database(db_url: str, newer_scripts, tmp_path: Path) -> None:
    """`inspector crawl` stops before fetching anything and names the command to run."""
    from inspector.cli import main

    ensure_schema(get_engine(db_url))
    newer_scripts()
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        "a,甲,http://127.0.0.1:9/,portal,active,,\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["crawl", "--registry", str(registry), "--db", db_url])
    assert result.exit_code == 2
    assert "run `inspector db upgrade" in result.output


def test_database_of_a_newer_inspector_is_refused(db_url: str) -> None:
    engine = get_engine(db_url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(SchemaError, match=r"does not know .*upgrade the inspector"):
        ensure_schema(engine)


def test_tables_without_revision_are_refused_and_stamped_by_upgrade(db_url: str) -> None:
    """A database made before migrations existed (create_all + inspector_meta at 0001)."""
    engine = get_engine(db_url)
    Base.metadata.create_all(engine)
    with engine.begin() as conn:
        # As version 0001 made them: without the columns later revisions add.
        conn.execute(text("ALTER TABLE probe DROP COLUMN as_of"))  # 0002
        conn.execute(text("ALTER TABLE target DROP COLUMN note_code"))  # 0003
        conn.execute(text("ALTER TABLE target DROP COLUMN note_params"))
        conn.execute(text("DROP TABLE message"))  # 0004
        conn.execute(text("DROP TABLE board"))
        conn.execute(text("ALTER TABLE site_column DROP COLUMN year_uncertain"))  # 0005
        conn.execute(text("ALTER TABLE site_column DROP COLUMN evidence"))
        conn.execute(text("ALTER TABLE run DROP COLUMN kind"))  # 0006
        conn.execute(text("ALTER TABLE run DROP COLUMN base_run_id"))
        conn.execute(text("DROP TABLE review"))  # 0007
        conn.execute(text("ALTER TABLE link DROP COLUMN position"))  # 0008
        conn.execute(text("CREATE TABLE inspector_meta (key VARCHAR(50) PRIMARY KEY, value TEXT)"))
        conn.execute(text("INSERT INTO inspector_meta VALUES ('schema_version', '0001')"))
    with pytest.raises(SchemaError, match=r"no schema revision .*inspector db upgrade"):
        ensure_schema(engine)
    result = CliRunner().invoke(db, ["upgrade", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert schema_version(engine) == SCHEMA_VERSION
    assert "inspector_meta" not in inspect(engine).get_table_names()
    ensure_schema(engine)


def test_without_create_a_fresh_database_is_refused(db_url: str) -> None:
    with pytest.raises(SchemaError, match="no inspector tables: run `inspector db upgrade"):
        ensure_schema(get_engine(db_url), create=False)


def test_a_failing_migration_leaves_nothing_half_done(db_url: str, newer_scripts) -> None:
    newer_scripts(MIGRATION_0002_BROKEN)
    engine = get_engine(db_url)
    with pytest.raises(RuntimeError, match="fails on purpose"):
        ensure_schema(engine)
    # One transaction: neither the shipped tables nor NEXT's half are there.
    assert not (TABLES | {"half_done", "alembic_version"}) & set(inspect(engine).get_table_names())


def test_concurrent_first_runs_create_the_schema_once(db_url: str) -> None:
    """Two processes starting on a fresh database at once (probe cron and nightly): one creates,
    the other waits for it and finds the schema done."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def first_run() -> None:
        # Separate engines: separate connections, as two processes would have.
        engine = create_engine(get_engine(db_url).url)
        try:
            barrier.wait()
            ensure_schema(engine)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=first_run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert schema_version(get_engine(db_url)) == SCHEMA_VERSION


def test_sqlite_file_is_in_wal_mode_after_creation(sqlite_url: str) -> None:
    ensure_schema(get_engine(sqlite_url))
    path = sqlite_url.removeprefix("sqlite:///")
    assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"
