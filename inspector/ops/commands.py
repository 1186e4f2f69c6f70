"""Operations commands: `probe`, `nightly`, `prune` and `db upgrade|current`.

Registered in the main `inspector` command; also runnable on their own as
`python -m inspector.ops.commands COMMAND …`.

Exit codes: README's table (Command line, "Exit codes"): 0 done, 1 not completed (nightly:
interrupted, or a step failed; db current: not at head), 2 bad input (registry, options, rules,
database schema), 3 another nightly holds the lock.

Cron (see README "Running unattended")::

    */30 * * * *  cd /srv/inspector && .venv/bin/inspector probe --registry seeds/sites.csv
    30 1 * * *    cd /srv/inspector && .venv/bin/inspector nightly --registry seeds/sites.csv
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from inspector.errors import GuardedGroup
from inspector.ops.nightly import Nightly, NightlyOptions, attach_run_log
from inspector.ops.probe import probe_sites
from inspector.options import (
    DB_OPTION,
    EXIT_INCOMPLETE,
    SET_OPTION,
    SITE_OPTION,
    as_of_or_fail,
    engine_or_fail,
    fail,
    lang_option,
    settings_or_fail,
    sites_or_fail,
)
from inspector.store.db import get_engine, schema_version, session_factory
from inspector.store.migrations import head_revision, upgrade
from inspector.store.prune import prune_probes, prune_runs
from inspector.vocabulary import ANSWERED
from spiders.probe import probe_targets

# ---- probe ----------------------------------------------------------------------------------


@click.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@SITE_OPTION
@DB_OPTION
@click.option(
    "--include-closed/--active-only",
    default=True,
    show_default=True,
    help="Also probe sites registered closed (to catch closed sites still online).",
)
@click.option("--closed-only", is_flag=True, help="Probe only the sites registered closed.")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    help="The as-of date these samples count for (a nightly's date; default: when taken).",
)
@SET_OPTION
@click.option(
    "--log-file", default=None, hidden=True, help="Append log lines to this file (nightly)."
)
def probe(
    registry: str,
    site_ids: tuple[str, ...],
    db_url: str | None,
    include_closed: bool,
    closed_only: bool,
    as_of: str | None,
    set_options: tuple[str, ...],
    log_file: str | None,
) -> None:
    """Fetch every site's home page once, concurrently, and store the samples.

    Meant for cron every 30 minutes: the availability check judges the week of samples before
    the as-of date (5% failed is the site_unreachable veto). Sites registered `exception` are
    never fetched.
    """
    chosen, everything = sites_or_fail(registry, site_ids)
    targets = probe_targets(chosen, include_closed or closed_only)
    if closed_only:
        targets = [s for s in targets if s.status == "closed"]
    settings = settings_or_fail(set_options, db_url)
    if as_of_or_fail(as_of):
        settings.set("INSPECTOR_AS_OF", as_of, priority="cmdline")
    engine_or_fail(settings.get("INSPECTOR_DB_URL") or None)  # schema check (or creation) first
    if log_file:  # the nightly's log: our readable handler instead of Scrapy's own
        attach_run_log(Path(log_file))
        settings.set("LOG_ENABLED", False, priority="cmdline")
    if not targets:
        click.echo("probe: no site to probe", err=True)
        return
    result = probe_sites(targets, settings, registry_sites=everything)
    failures = ", ".join(
        f"{outcome} {n}" for outcome, n in result.outcomes.most_common() if outcome not in ANSWERED
    )
    click.echo(
        f"probed {result.probed} of {len(targets)} sites: ok {result.outcomes.get('ok', 0)}, "
        f"merged {result.outcomes.get('merged', 0)}, failed {result.failed}"
        + (f" ({failures})" if failures else "")
    )


# ---- prune ----------------------------------------------------------------------------------


@click.command()
@click.option(
    "--keep-runs",
    type=click.IntRange(min=1),
    required=True,
    help="Full data of the N latest runs per site is kept.",
)
@click.option(
    "--keep-probe-days",
    type=click.IntRange(min=8),
    default=90,
    show_default=True,
    help="Probe samples kept (days).",
)
@DB_OPTION
def prune(keep_runs: int, keep_probe_days: int, db_url: str | None) -> None:
    """Delete pages, targets, links and columns of old runs; keep runs, findings and scores."""
    engine = engine_or_fail(db_url, create=False)
    with session_factory(engine)() as s:
        result = prune_runs(s, keep_runs)
        probes = prune_probes(s, keep_probe_days)
    rows = ", ".join(f"{n} {table}" for table, n in result.rows.items()) or "no rows"
    click.echo(f"pruned {result.runs} runs ({rows}), {probes} probe samples")


# ---- db -------------------------------------------------------------------------------------


@click.group()
def db() -> None:
    """Database schema: create or migrate it (Alembic)."""


@db.command("upgrade")
@DB_OPTION
def db_upgrade(db_url: str | None) -> None:
    """Create the schema of a fresh database, or migrate an old one to this inspector's."""
    engine = get_engine(db_url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        before, after = upgrade(engine)
    except Exception as exc:  # noqa: BLE001 - say which database and why, not a traceback
        fail(f"cannot upgrade {where}: {type(exc).__name__}: {exc}", EXIT_INCOMPLETE)
    if before == after:
        click.echo(f"{where}: schema already at revision {after}")
    else:
        click.echo(f"{where}: schema upgraded from {before or 'nothing'} to revision {after}")


@db.command("current")
@DB_OPTION
def db_current(db_url: str | None) -> None:
    """Show the database's schema revision and this inspector's (exit 1 when they differ)."""
    engine = get_engine(db_url, create=False)
    current, head = schema_version(engine), head_revision()
    where = engine.url.render_as_string(hide_password=True)
    if current == head:
        click.echo(f"{where}: revision {current} (head, up to date)")
        return
    click.echo(
        f"{where}: revision {current or 'none'}, this inspector needs {head}: run `inspector db upgrade`"
    )
    sys.exit(EXIT_INCOMPLETE)


# ---- nightly --------------------------------------------------------------------------------


@click.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@DB_OPTION
@click.option(
    "--as-of", "as_of", default=None, help="As-of date T (default: today). Names the night's batch."
)
@click.option(
    "--report-dir",
    default=None,
    type=click.Path(file_okay=False),
    help="Reports go here (default var/reports/<as-of>).",
)
@click.option(
    "--keep-runs",
    type=click.IntRange(min=1),
    default=7,
    show_default=True,
    help="Prune: full data of the N latest runs per site is kept.",
)
@click.option(
    "--keep-probe-days",
    type=click.IntRange(min=8),
    default=90,
    show_default=True,
    help="Prune: probe samples kept (days).",
)
@click.option(
    "--log-dir",
    default="var/logs",
    show_default=True,
    type=click.Path(file_okay=False),
    help="One log file per run goes here.",
)
@lang_option("Report language.")
@click.option("--rules", default=None, help="Rules profile name or path.")
@click.option(
    "--processes",
    type=click.IntRange(min=0),
    default=None,
    help="Crawler processes (default INSPECTOR_PROCESSES: 0 = one per core).",
)
@SET_OPTION
def nightly(
    registry: str,
    db_url: str | None,
    as_of: str | None,
    report_dir: str | None,
    keep_runs: int,
    keep_probe_days: int,
    log_dir: str,
    lang: str,
    rules: str | None,
    processes: int | None,
    set_options: tuple[str, ...],
) -> None:
    """The unattended night: probe closed sites, crawl, check, score, report, prune.

    One at a time per database (a second one exits with code 3). Killed, it resumes when
    started again the same night (same registry and as-of date): finished sites are not
    crawled again, cut ones are cleaned and crawled again. SIGTERM / Ctrl-C finishes the
    current writes, marks the unfinished runs interrupted and exits with code 1.
    """
    day: date | None = as_of_or_fail(as_of)
    opts = NightlyOptions(
        registry=registry,
        db_url=db_url,
        as_of=day,
        report_dir=report_dir,
        keep_runs=keep_runs,
        keep_probe_days=keep_probe_days,
        log_dir=log_dir,
        lang=lang,
        rules=rules,
        set_options=set_options,
        processes=processes,
    )
    sys.exit(Nightly(opts).run())


ops_main = GuardedGroup(
    "inspector-ops",
    commands={"probe": probe, "nightly": nightly, "prune": prune, "db": db},
    help="Operations commands (also registered in `inspector`).",
)

if __name__ == "__main__":
    ops_main()
