"""Alembic environment: the inspector's models are the target; the connection comes from code.

`inspector.store.migrations.upgrade()` passes an open connection (inside its transaction and lock) in
`config.attributes`. Without one, as from an `alembic` command line given a config whose
script_location is this directory, the database is `-x db=URL`, else INSPECTOR_DB_URL.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from inspector.store.db import get_engine, resolve_db_url
from inspector.store.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things: later migrations use batch mode (copy and move).
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("db") or resolve_db_url()
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("db") or resolve_db_url()
    with get_engine(url).begin() as connection:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
