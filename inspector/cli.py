"""The `inspector` command. Exit codes: 0 done, 2 bad input (registry, rules, options)."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from inspector import clock
from inspector.profile import ProfileError, load_profile
from inspector.registry import RegistryError, load_registry, select_sites

EXIT_BAD_INPUT = 2


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def _as_of(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of {value!r} is not a date (YYYY-MM-DD)")
    return None


def _load_sites(registry: str, site_ids: tuple[str, ...] = ()):
    try:
        return select_sites(load_registry(registry), site_ids)
    except RegistryError as exc:
        _fail(str(exc))


def _settings(
    set_options: tuple[str, ...], db_url: str | None, *, rules: str | None = None, **extra: str
):
    from inspector.crawl.run import settings_from_options

    try:
        return settings_from_options(set_options, db_url, rules=rules, extra=extra)
    except ValueError as exc:
        _fail(str(exc))


def _session(db_url: str | None):
    from inspector.store.db import SchemaError, ensure_schema, get_engine, session_factory

    engine = get_engine(db_url)
    try:
        ensure_schema(engine)
    except SchemaError as exc:
        _fail(str(exc))
    return session_factory(engine)()


@click.group()
@click.version_option(package_name="inspector")
def main() -> None:
    """Inspect government websites the way the national census does."""


@main.command()
@click.option(
    "--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV (seeds/*.csv)."
)
def sites(registry: str) -> None:
    """Validate a registry and list its sites."""
    rows = _load_sites(registry)
    counts: dict[str, int] = {}
    for s in rows:
        counts[s.status] = counts.get(s.status, 0) + 1
        click.echo(f"{s.site_id}\t{s.status}\t{s.kind}\t{s.url}\t{s.name}")
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    click.echo(f"{len(rows)} sites ({summary})", err=True)


@main.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@click.option("--site", "site_ids", multiple=True, help="Only this site_id (repeatable).")
@click.option(
    "--db",
    "db_url",
    default=None,
    help="SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db).",
)
@click.option(
    "--as-of", "as_of", default=None, help="As-of date T for freshness rules (default: today)."
)
@click.option("--rules", default=None, help="Rules profile name (checks/rules/NAME.toml) or path.")
@click.option(
    "--set",
    "set_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or INSPECTOR_* setting (repeatable).",
)
def crawl(
    registry: str,
    site_ids: tuple[str, ...],
    db_url: str | None,
    as_of: str | None,
    rules: str | None,
    set_options: tuple[str, ...],
) -> None:
    """Crawl the registered sites, store what was seen, run the checks."""
    from inspector.crawl.run import crawl_sites

    chosen = _load_sites(registry, site_ids)
    settings = _settings(set_options, db_url, rules=rules)
    _session(settings.get("INSPECTOR_DB_URL") or None).close()  # schema check before crawling
    result = crawl_sites(chosen, settings, as_of=_as_of(as_of))
    _print_summary(settings.get("INSPECTOR_DB_URL") or None, list(result.run_ids.values()))


def _print_summary(db_url: str | None, run_ids: list[int]) -> None:
    from sqlalchemy import func, select

    from inspector.store.models import FindingRow, RunRow

    with _session(db_url) as s:
        for run in s.scalars(select(RunRow).where(RunRow.id.in_(run_ids)).order_by(RunRow.site_id)):
            n = s.scalar(
                select(func.count()).select_from(FindingRow).where(FindingRow.run_id == run.id)
            )
            click.echo(
                f"{run.site_id}: run {run.id} {run.status}, {run.pages_crawled} pages, "
                f"{run.targets_checked} URLs checked, {n} findings, verdict {run.verdict or '-'}"
            )


@main.command()
@click.option("--run", "run_id", required=True, type=int, help="Stored run id.")
@click.option("--db", "db_url", default=None)
@click.option(
    "--rules", default=None, help="Use this profile instead of the one recorded on the run."
)
@click.option("--set", "set_options", multiple=True, metavar="NAME=VALUE")
def check(run_id: int, db_url: str | None, rules: str | None, set_options: tuple[str, ...]) -> None:
    """Re-run the checks (and scoring) on a stored run, without crawling."""
    from inspector.judge.checkrun import CheckConfig, check_run
    from inspector.store.models import RunRow

    settings = _settings(set_options, db_url)
    with _session(db_url) as s:
        run = s.get(RunRow, run_id)
        if run is None:
            _fail(f"no run {run_id} in the database")
        try:
            profile = load_profile(rules or run.rules)
        except ProfileError as exc:
            _fail(str(exc))
        if rules:
            run.rules = rules
        findings = check_run(s, run_id, CheckConfig.from_settings(settings), profile)
        counts: dict[str, int] = {}
        for f in findings:
            counts[f.check] = counts.get(f.check, 0) + 1
        click.echo(
            f"run {run_id} ({run.site_id}): {len(findings)} findings "
            + json.dumps(counts, ensure_ascii=False)
        )


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json")
@click.option("--db", "db_url", default=None)
@click.option(
    "--out",
    "out",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (default: stdout).",
)
@click.option("--site", "site_ids", multiple=True, help="Only this site_id (repeatable).")
def export(fmt: str, db_url: str | None, out: str, site_ids: tuple[str, ...]) -> None:
    """Export the latest run of every site (xlsx needs --out)."""
    from reports.export import export_csv, export_json, export_xlsx

    if fmt == "xlsx":
        if out == "-":
            _fail("--format xlsx needs --out FILE.xlsx")
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with _session(db_url) as s:
            export_xlsx(s, Path(out), list(site_ids) or None)
        click.echo(f"wrote {out}", err=True)
        return
    with _session(db_url) as s:
        text = export_json(s, list(site_ids)) if fmt == "json" else export_csv(s, list(site_ids))
    if out == "-":
        click.echo(text)
    else:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
        click.echo(f"wrote {out}", err=True)


@main.command()
@click.argument("target", required=False)
@click.option(
    "--run",
    "run_id",
    type=int,
    default=None,
    help="Explain a page of this stored run (with --url).",
)
@click.option(
    "--url",
    "page_url",
    default=None,
    help="The page of --run to explain; for a saved file, its original URL.",
)
@click.option("--as-of", "as_of", default=None, help="As-of date T (default: today, or the run's).")
@click.option(
    "--home/--not-home",
    "is_home",
    default=None,
    help="Read the page as a home page (default: guess from the URL).",
)
@click.option(
    "--rules", default="census2015", help="Rules profile for categories and element patterns."
)
@click.option("--db", "db_url", default=None)
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def explain(
    target: str | None,
    run_id: int | None,
    page_url: str | None,
    as_of: str | None,
    is_home: bool | None,
    rules: str,
    db_url: str | None,
    as_json: bool,
) -> None:
    """What the inspector reads from one page: TARGET is a URL or a saved HTML file."""
    from inspector.explain import explain_stored, explain_target, render_text

    if (target is None) == (run_id is None):
        _fail("give a TARGET (URL or file), or --run ID --url URL")
    try:
        profile = load_profile(rules)
    except ProfileError as exc:
        _fail(str(exc))
    try:
        if run_id is not None:
            if not page_url:
                _fail("--run needs --url")
            with _session(db_url) as s:
                report = explain_stored(s, run_id, page_url)
        else:
            if not target.startswith(("http://", "https://")) and not Path(target).is_file():
                _fail(f"{target}: not a URL and no such file")
            report = explain_target(
                target, _as_of(as_of) or clock.today(), profile, is_home=is_home, base_url=page_url
            )
    except LookupError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot fetch {target}: {exc}")
    click.echo(json.dumps(report, ensure_ascii=False, indent=2) if as_json else render_text(report))


@main.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@click.option("--site", "site_ids", multiple=True, help="Only this site_id (repeatable).")
@click.option("--db", "db_url", default=None, help="The database the workers share (PostgreSQL).")
@click.option(
    "--redis", "redis_url", default=None, help="Redis URL (default: the REDIS_URL setting)."
)
@click.option("--as-of", "as_of", default=None, help="As-of date of the runs recorded here.")
@click.option(
    "--batch", default="", help="Batch id; enqueueing a batch again re-queues what is not done."
)
@click.option("--set", "set_options", multiple=True, metavar="NAME=VALUE")
def enqueue(
    registry: str,
    site_ids: tuple[str, ...],
    db_url: str | None,
    redis_url: str | None,
    as_of: str | None,
    batch: str,
    set_options: tuple[str, ...],
) -> None:
    """Put the registry's active sites on the shared Redis queue for `inspector worker`s."""
    import redis as redis_lib

    from inspector.ops.distributed import enqueue_sites

    chosen = _load_sites(registry, site_ids)
    settings = _settings(set_options, db_url, **({"REDIS_URL": redis_url} if redis_url else {}))
    with _session(settings.get("INSPECTOR_DB_URL") or None) as s:
        try:
            batch, queued, skipped = enqueue_sites(
                s, chosen, settings, as_of=_as_of(as_of) or clock.today(), batch=batch
            )
        except redis_lib.RedisError as exc:
            _fail(f"cannot reach Redis at {settings.get('REDIS_URL')}: {exc}")
    click.echo(f"batch {batch}: {queued} sites queued, {skipped} already done")


@main.command()
@click.option("--db", "db_url", default=None, help="The shared database (PostgreSQL).")
@click.option(
    "--redis", "redis_url", default=None, help="Redis URL (default: the REDIS_URL setting)."
)
@click.option("--as-of", "as_of", default=None, help="As-of date T (default: today).")
@click.option("--batch", default="", help="Batch id recorded on the runs (as given to enqueue).")
@click.option("--set", "set_options", multiple=True, metavar="NAME=VALUE")
def worker(
    db_url: str | None,
    redis_url: str | None,
    as_of: str | None,
    batch: str,
    set_options: tuple[str, ...],
) -> None:
    """Crawl sites from the shared queue until it stays empty (MAX_IDLE_TIME_BEFORE_CLOSE)."""
    from inspector.ops.distributed import run_worker

    settings = _settings(set_options, db_url, **({"REDIS_URL": redis_url} if redis_url else {}))
    _session(settings.get("INSPECTOR_DB_URL") or None).close()  # schema check before crawling
    run_worker(settings, as_of=_as_of(as_of), batch=batch)


def _register_commands() -> None:
    """Commands that live with their phase: reports and operations."""
    from inspector.ops.commands import db, nightly, probe, prune
    from reports.cli import report

    for command in (report, probe, nightly, prune, db):
        main.add_command(command)


_register_commands()

if __name__ == "__main__":
    main()
