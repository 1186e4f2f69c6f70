"""The `inspector` command, on top of everything; the report and operations commands live with
their phase (reports/cli.py, inspector/ops/commands.py) and are registered here.

Exit codes (inspector/errors.py): 0 done, 1 not completed (or `--fail-on` found a problem at
that level), 2 bad input (registry, rules, checks, options, settings, database: one line saying
what is wrong and what to do), 3 another nightly holds the lock. No command ends in a
traceback; `inspector --debug …` shows it.
"""

from __future__ import annotations

import json
import sys
from functools import partial
from pathlib import Path
from typing import Any

import click

from inspector import clock
from inspector.errors import EXIT_BAD_INPUT, EXIT_INCOMPLETE, GuardedGroup, set_debug
from inspector.ops.commands import db, nightly, probe, prune
from inspector.options import (
    DB_OPTION,
    SET_OPTION,
    SITE_OPTION,
    as_of_or_fail,
    db_option,
    fail,
    lang_option,
    load_rules,
    session_or_fail,
    settings_or_fail,
    sites_or_fail,
)
from inspector.profile import ProfileError, load_profile
from inspector.review import review
from reports.cli import check_site_ids, report


@click.group(cls=GuardedGroup)
@click.version_option(package_name="inspector")
@click.option("--debug", is_flag=True, help="Show tracebacks (and DEBUG logs) on stderr.")
def main(debug: bool) -> None:
    """Inspect government websites the way the national census does."""
    set_debug(debug)


@main.command()
@click.option(
    "--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV (seeds/*.csv)."
)
def sites(registry: str) -> None:
    """Validate a registry and list its sites."""
    rows, _ = sites_or_fail(registry)
    counts: dict[str, int] = {}
    for s in rows:
        counts[s.status] = counts.get(s.status, 0) + 1
        click.echo(f"{s.site_id}\t{s.status}\t{s.kind}\t{s.url}\t{s.name}")
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    click.echo(f"{len(rows)} sites ({summary})", err=True)


# The options every crawling command (crawl, recheck) spells the same way.


def console_options(command: Any) -> Any:
    """The options of the commands that crawl and print a summary (crawl, recheck)."""
    for option in reversed(
        [
            click.option(
                "--log-file",
                type=click.Path(dir_okay=False),
                default=None,
                help="Log file (default var/logs/crawl-<time>.log): Scrapy's INFO goes here.",
            ),
            click.option("-v", "--verbose", is_flag=True, help="Show the log on stderr too."),
            click.option(
                "--fail-on",
                type=click.Choice(["veto", "major", "minor", "info"]),
                default=None,
                help="Exit 1 when a finding of this severity or worse exists (veto: a veto).",
            ),
            lang_option("Language of the summary."),
        ]
    ):
        command = option(command)
    return command


@main.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@SITE_OPTION
@DB_OPTION
@click.option(
    "--as-of", "as_of", default=None, help="As-of date T for freshness rules (default: today)."
)
@click.option("--rules", default=None, help="Rules profile name (checks/rules/NAME.toml) or path.")
@click.option(
    "--processes",
    type=click.IntRange(min=0),
    default=None,
    help="Crawler processes (default INSPECTOR_PROCESSES: 0 = one per core).",
)
@SET_OPTION
@console_options
def crawl(
    registry: str,
    site_ids: tuple[str, ...],
    db_url: str | None,
    as_of: str | None,
    rules: str | None,
    processes: int | None,
    set_options: tuple[str, ...],
    log_file: str | None,
    verbose: bool,
    fail_on: str | None,
    lang: str,
) -> None:
    """Crawl the registered sites, store what was seen, run the checks; print a summary.

    Sites registered closed are not crawled; each is probed first (one request) unless a probe
    of the last 24 hours exists, so that a closed site still online is caught.
    """
    from inspector.console import route_logs
    from inspector.ops.probe import closed_sites_to_probe
    from inspector.ops.processes import crawl_registry

    chosen, everything = sites_or_fail(registry, site_ids)
    settings = settings_or_fail(set_options, db_url, rules=rules)
    day = as_of_or_fail(as_of)
    url = settings.get("INSPECTOR_DB_URL") or None
    with session_or_fail(url) as s:  # schema check first
        # A closed site still online must be caught: probe it unless a recent probe says.
        to_probe = closed_sites_to_probe(s, chosen, clock.now())
    log_path = _start_console(settings, log_file, verbose, lang)
    result = crawl_registry(
        chosen,
        settings,
        as_of=day,
        processes=processes,
        child_init=partial(route_logs, log_path, verbose=verbose),  # crawler processes log alike
        probe_first=to_probe,
        registry_sites=everything,
    )
    runs = list(result.run_ids.values())
    expected = [s.site_id for s in chosen]
    reason = str(result.stats.get("finish_reason", ""))
    sys.exit(_finish_console(url, runs, lang, fail_on, log_path, site_ids, (expected, reason)))


@main.command()
@click.option(
    "--site", "site_ids", required=True, multiple=True, help="The site_id to recheck (repeatable)."
)
@DB_OPTION
@click.option("--as-of", "as_of", default=None, help="As-of date of the recheck (default: today).")
@SET_OPTION
@console_options
def recheck(
    site_ids: tuple[str, ...],
    db_url: str | None,
    as_of: str | None,
    set_options: tuple[str, ...],
    log_file: str | None,
    verbose: bool,
    fail_on: str | None,
    lang: str,
) -> None:
    """Recheck (复查) a site after its webmaster fixed problems: fetch again only what the open
    findings of its last full inspection rest on, and say which are fixed (已整改) and which
    are still open (未整改). Problems of kinds a recheck does not look at stay open; new
    problems are found by the next full inspection.
    """
    from inspector.crawl.run import crawl_sites
    from inspector.store.models import SiteRow
    from inspector.store.recheck import RecheckError, base_run_or_fail
    from inspector.store.snapshot import site_of

    settings = settings_or_fail(set_options, db_url)
    day = as_of_or_fail(as_of)
    url = settings.get("INSPECTOR_DB_URL") or None
    with session_or_fail(url, create=False) as s:
        try:
            bases = [base_run_or_fail(s, site_id) for site_id in dict.fromkeys(site_ids)]
        except RecheckError as exc:
            fail(str(exc))
        sites = [site_of(s.get_one(SiteRow, base.site_id)) for base in bases]
        rules = {base.rules for base in bases}
    if len(rules) > 1:
        fail("these sites were inspected with different rules profiles: recheck them one by one")
    # Judged with the rules of the inspection it rechecks.
    settings.set("INSPECTOR_RULES", rules.pop(), priority="cmdline")
    log_path = _start_console(settings, log_file, verbose, lang, "recheck")
    result = crawl_sites(sites, settings, as_of=day, recheck=True)
    runs = list(result.run_ids.values())
    completion = ([s.site_id for s in sites], str(result.stats.get("finish_reason", "")))
    sys.exit(_finish_console(url, runs, lang, fail_on, log_path, site_ids, completion))


def _start_console(
    settings: Any, log_file: str | None, verbose: bool, lang: str, kind: str = "crawl"
) -> Path:
    from inspector.console import default_log_file, quiet_settings, route_logs

    quiet_settings(settings)
    settings.set("INSPECTOR_CONSOLE_LANG", lang, priority="cmdline")
    return route_logs(Path(log_file) if log_file else default_log_file(kind), verbose=verbose)


def _finish_console(
    db_url: str | None,
    run_ids: list[int],
    lang: str,
    fail_on: str | None,
    log_path: Path,
    site_ids: tuple[str, ...] = (),
    completion: tuple[list[str], str] | None = None,
) -> int:
    """Print the summary of these runs; the exit code: 1 when the crawl was interrupted or a
    site of `completion` (the sites expected, the crawl's finish reason) is not finished, or
    when --fail-on finds its level."""
    from sqlalchemy.exc import OperationalError

    from inspector.console import (
        fail_on_code,
        incomplete_code,
        print_summary,
        render_commands,
        site_summaries,
    )
    from inspector.store.batch import failure_text
    from inspector.store.db import get_engine, session_factory

    try:
        # The schema was checked before the crawl; the database may have gone since.
        with session_factory(get_engine(db_url))() as s:
            summaries = site_summaries(s, run_ids, lang)
            commands = render_commands(db_url, site_ids)
            print_summary(summaries, lang, commands=commands, log_file=log_path)
            code = fail_on_code(summaries, s, fail_on)
    except OperationalError as exc:
        fail(
            f"the crawl's results cannot be read: the database is unreachable "
            f"({failure_text(exc)}); run the same command again once it answers",
            EXIT_INCOMPLETE,
        )
    if completion is not None:
        code = incomplete_code(summaries, *completion) or code
    return code


@main.command()
@click.option("--run", "run_id", required=True, type=int, help="Stored run id.")
@DB_OPTION
@click.option(
    "--rules", default=None, help="Use this profile instead of the one recorded on the run."
)
@SET_OPTION
def check(run_id: int, db_url: str | None, rules: str | None, set_options: tuple[str, ...]) -> None:
    """Re-run the checks (and scoring) on a stored run, without crawling.

    A check that fails, or yields something that is not a Finding with a Severity, is recorded
    on the run and named on stderr (exit 2); the other checks' findings are stored.
    """
    from inspector.judge.checkrun import CheckConfig, check_run
    from inspector.store.models import RunRow

    settings = settings_or_fail(set_options, db_url)
    with session_or_fail(db_url, create=False) as s:
        run = s.get(RunRow, run_id)
        if run is None:
            fail(f"no run {run_id} in the database")
        try:
            profile = load_rules(rules or run.rules, settings)
        except ValueError as exc:
            fail(str(exc))
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
        failed = dict(run.check_errors or {})
    for path, error in failed.items():
        click.echo(f"error: check {path} failed: {error.splitlines()[-1][:300]}", err=True)
    if failed:
        sys.exit(EXIT_BAD_INPUT)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "xlsx"]), default="json")
@DB_OPTION
@click.option(
    "--out",
    "out",
    default="-",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="File to write (default: stdout).",
)
@SITE_OPTION
@lang_option("Language of the CSV and xlsx (headers, check names, statuses); JSON keeps its codes.")
def export(fmt: str, db_url: str | None, out: str, site_ids: tuple[str, ...], lang: str) -> None:
    """Export the latest run of every site (xlsx needs --out). Reads only: never creates a
    database."""
    from reports.export import export_csv, export_json, export_xlsx

    if fmt == "xlsx" and out == "-":
        fail("--format xlsx needs --out FILE.xlsx")
    with session_or_fail(db_url, create=False) as s:
        check_site_ids(s, site_ids)
        if fmt == "xlsx":
            Path(out).parent.mkdir(parents=True, exist_ok=True)
            export_xlsx(s, Path(out), list(site_ids) or None, lang)
            click.echo(f"wrote {out}", err=True)
            return
        if fmt == "json":
            text = export_json(s, list(site_ids))
        else:
            text = export_csv(s, list(site_ids), lang)
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
@DB_OPTION
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
    from inspector.crawl.policy import CrawlPolicy
    from inspector.explain import explain_stored, explain_target, render_text

    if (target is None) == (run_id is None):
        fail("give a TARGET (URL or file), or --run ID --url URL")
    try:
        profile = load_profile(rules)
        policy = CrawlPolicy.from_profile(profile)
    except ProfileError as exc:
        fail(str(exc))
    try:
        if run_id is not None:
            if not page_url:
                fail("--run needs --url")
            with session_or_fail(db_url, create=False) as s:
                found = explain_stored(s, run_id, page_url)
        elif target is not None:
            if not target.startswith(("http://", "https://")) and not Path(target).is_file():
                fail(f"{target}: not a URL and no such file")
            as_of_day = as_of_or_fail(as_of) or clock.today()
            found = explain_target(target, as_of_day, policy, is_home=is_home, base_url=page_url)
    except LookupError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"cannot fetch {target}: {exc}")
    click.echo(json.dumps(found, ensure_ascii=False, indent=2) if as_json else render_text(found))


@main.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@SITE_OPTION
@db_option("The database the workers share (PostgreSQL; default: INSPECTOR_DB_URL).")
@click.option(
    "--redis", "redis_url", default=None, help="Redis URL (default: the REDIS_URL setting)."
)
@click.option("--as-of", "as_of", default=None, help="As-of date of the runs recorded here.")
@click.option(
    "--batch", default="", help="Batch id; enqueueing a batch again re-queues what is not done."
)
@SET_OPTION
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

    chosen, _ = sites_or_fail(registry, site_ids)
    extra = {"REDIS_URL": redis_url} if redis_url else {}
    settings = settings_or_fail(set_options, db_url, extra=extra)
    redis_or_fail(settings)
    with session_or_fail(settings.get("INSPECTOR_DB_URL") or None) as s:
        try:
            batch, queued, skipped = enqueue_sites(
                s, chosen, settings, as_of=as_of_or_fail(as_of) or clock.today(), batch=batch
            )
        except redis_lib.RedisError as exc:
            fail(f"cannot reach Redis at {settings.get('REDIS_URL')}: {exc}")
    click.echo(f"batch {batch}: {queued} sites queued, {skipped} already done")


@main.command()
@db_option("The database the workers share (PostgreSQL; default: INSPECTOR_DB_URL).")
@click.option(
    "--redis", "redis_url", default=None, help="Redis URL (default: the REDIS_URL setting)."
)
@click.option("--as-of", "as_of", default=None, help="As-of date T (default: today).")
@click.option("--batch", default="", help="Batch id recorded on the runs (as given to enqueue).")
@SET_OPTION
def worker(
    db_url: str | None,
    redis_url: str | None,
    as_of: str | None,
    batch: str,
    set_options: tuple[str, ...],
) -> None:
    """Crawl sites from the shared queue until it stays empty (MAX_IDLE_TIME_BEFORE_CLOSE)."""
    from inspector.ops.distributed import run_worker

    extra = {"REDIS_URL": redis_url} if redis_url else {}
    settings = settings_or_fail(set_options, db_url, extra=extra)
    day = as_of_or_fail(as_of)
    redis_or_fail(settings)
    session_or_fail(settings.get("INSPECTOR_DB_URL") or None).close()  # schema check first
    result = run_worker(settings, as_of=day, batch=batch)
    click.echo(
        f"worker {result.token}: {result.taken} sites taken, {result.done} finished here, "
        f"{result.given_back} given back to the queue; stopped: {result.reason}"
    )
    if not result.complete:
        sys.exit(EXIT_INCOMPLETE)


def redis_or_fail(settings: Any) -> None:
    """Exit 2 with one line when the queue's Redis does not answer."""
    import redis as redis_lib

    from inspector.ops.distributed import redis_client

    url = settings.get("REDIS_URL")
    try:
        redis_client(settings).ping()
    except redis_lib.RedisError as exc:
        fail(f"cannot reach Redis at {url}: {exc}; check --redis (or REDIS_URL) and that it runs")


# Commands that live with their phase: reports and operations.
for _command in (report, probe, nightly, prune, db, review):
    main.add_command(_command)

if __name__ == "__main__":
    main(prog_name="inspector")
