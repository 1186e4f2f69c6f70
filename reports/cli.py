"""`inspector report`: render the stored runs as HTML reports (registered in inspector/cli.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from sqlalchemy import select

from inspector.options import (
    DB_OPTION,
    SITE_OPTION,
    engine_or_fail,
    fail,
    lang_option,
    set_option,
    settings_or_fail,
    unknown_ids_message,
)
from inspector.store.db import session_factory
from inspector.store.models import SiteRow
from reports.problems import FindingWords
from reports.render import render_reports


def check_site_ids(session: Any, site_ids: tuple[str, ...]) -> None:
    """Exit 2 when a --site is not in the database (a typo must not render nothing)."""
    if not site_ids:
        return
    known = set(session.scalars(select(SiteRow.site_id)))
    unknown = [x for x in site_ids if x not in known]
    if unknown:
        fail(unknown_ids_message(unknown, known, "the database"))


@click.command()
@click.option(
    "--out",
    "out_dir",
    default="var/reports",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Directory for index.html and sites/*.html.",
)
@lang_option("Language of the reports.")
@DB_OPTION
@SITE_OPTION
@set_option("Any INSPECTOR_* setting (INSPECTOR_CHECKS: the checks whose findings are worded).")
def report(
    out_dir: str,
    lang: str,
    db_url: str | None,
    site_ids: tuple[str, ...],
    set_options: tuple[str, ...],
) -> None:
    """Render a rectification report per site and the overview index.html (nothing is fetched)."""
    settings = settings_or_fail(set_options, db_url)
    # Never create a database or a schema here: an empty database has nothing to report.
    engine = engine_or_fail(db_url, create=False)
    with session_factory(engine)() as session:
        check_site_ids(session, site_ids)
        index = render_reports(
            session,
            Path(out_dir),
            lang,
            site_ids=list(site_ids) or None,
            words=FindingWords.enabled(settings),
        )
    click.echo(str(index.resolve()))
