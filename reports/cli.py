"""`inspector report`: render the stored runs as HTML reports (registered in inspector/cli.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from reports.i18n import LANGS

EXIT_BAD_INPUT = 2


@click.command()
@click.option(
    "--out",
    "out_dir",
    default="var/reports",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory for index.html and sites/*.html.",
)
@click.option(
    "--lang",
    type=click.Choice(LANGS),
    default="zh",
    show_default=True,
    help="Language of the reports.",
)
@click.option(
    "--db",
    "db_url",
    default=None,
    help="SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db).",
)
@click.option("--site", "site_ids", multiple=True, help="Only this site_id (repeatable).")
def report(out_dir: str, lang: str, db_url: str | None, site_ids: tuple[str, ...]) -> None:
    """Render a rectification report per site and the overview index.html (nothing is fetched)."""
    from inspector.store.db import (
        SchemaError,
        ensure_schema,
        get_engine,
        resolve_db_url,
        session_factory,
    )
    from sqlalchemy import inspect

    from reports.render import render_reports

    engine = get_engine(db_url)
    if not inspect(engine).has_table("run"):
        click.echo(
            f"error: no inspector database at {resolve_db_url(db_url)}: crawl first (inspector crawl)",
            err=True,
        )
        sys.exit(EXIT_BAD_INPUT)
    try:
        # Never create a schema here: an empty database has nothing to report.
        ensure_schema(engine, create=False)
    except SchemaError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_BAD_INPUT)
    with session_factory(engine)() as session:
        index = render_reports(session, Path(out_dir), lang, site_ids=list(site_ids) or None)
    click.echo(str(index.resolve()))
