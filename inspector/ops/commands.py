"""Operations commands: `probe`, `nightly`, `prune` and `db upgrade|current`.

Registered in the main `inspector` command; also runnable on their own as
`python -m inspector.ops.commands COMMAND …`.

Exit codes (all four commands): 0 done, 1 not completed (nightly: interrupted, or a step
failed; db current: not at head), 2 bad input (registry, options, rules, database schema),
3 another nightly holds the lock.

Cron (see README "Running unattended")::

    */30 * * * *  cd /srv/inspector && .venv/bin/inspector probe --registry seeds/sites.csv
    30 1 * * *    cd /srv/inspector && .venv/bin/inspector nightly --registry seeds/sites.csv
"""

from __future__ import annotations

import fcntl
import inspect
import logging
import os
import signal
import socket
import subprocess
import sys
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import Engine, delete, func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from inspector import clock

logger = logging.getLogger("inspector.nightly")

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3

# pg_try_advisory_lock key of the nightly run: one per database, whichever machine runs it.
NIGHTLY_LOCK_KEY = zlib.crc32(b"inspector:nightly")
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


def _fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _load_sites(registry: str, site_ids: tuple[str, ...] = ()) -> tuple[list[Any], list[Any]]:
    """(the chosen sites, the whole registry), or exit 2 listing every problem."""
    from inspector.registry import RegistryError, load_registry, select_sites

    try:
        everything = load_registry(registry)
        return select_sites(everything, site_ids), everything
    except RegistryError as exc:
        _fail(str(exc))


def _engine(db_url: str | None, *, create: bool = True) -> Engine:
    from inspector.store.db import SchemaError, ensure_schema, get_engine

    engine = get_engine(db_url)
    try:
        ensure_schema(engine, create=create)
    except SchemaError as exc:
        _fail(str(exc))
    return engine


def _settings(set_options: tuple[str, ...], db_url: str | None, rules: str | None = None) -> Any:
    from inspector.crawl.run import settings_from_options

    try:
        return settings_from_options(set_options, db_url, rules=rules)
    except ValueError as exc:
        _fail(str(exc))


def _utcnow() -> datetime:
    return clock.now()


# ---- probe ----------------------------------------------------------------------------------


@click.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@click.option("--site", "site_ids", multiple=True, help="Only this site_id (repeatable).")
@click.option(
    "--db",
    "db_url",
    default=None,
    help="SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db).",
)
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
@click.option(
    "--set",
    "set_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or INSPECTOR_* setting.",
)
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
    from inspector.ops.probe import probe_sites
    from spiders.probe import probe_targets

    chosen, everything = _load_sites(registry, site_ids)
    targets = probe_targets(chosen, include_closed or closed_only)
    if closed_only:
        targets = [s for s in targets if s.status == "closed"]
    settings = _settings(set_options, db_url)
    if as_of:
        try:
            date.fromisoformat(as_of)
        except ValueError:
            _fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)")
        settings.set("INSPECTOR_AS_OF", as_of, priority="cmdline")
    _engine(settings.get("INSPECTOR_DB_URL") or None)  # schema check (or creation) first
    if log_file:  # the nightly's log: our readable handler instead of Scrapy's own
        attach_run_log(Path(log_file))
        settings.set("LOG_ENABLED", False, priority="cmdline")
    if not targets:
        click.echo("probe: no site to probe", err=True)
        return
    result = probe_sites(targets, settings, registry_sites=everything)
    failures = ", ".join(
        f"{outcome} {n}"
        for outcome, n in result.outcomes.most_common()
        if outcome not in ("ok", "merged")
    )
    click.echo(
        f"probed {result.probed} of {len(targets)} sites: ok {result.outcomes.get('ok', 0)}, "
        f"merged {result.outcomes.get('merged', 0)}, failed {result.failed}"
        + (f" ({failures})" if failures else "")
    )


# ---- prune ----------------------------------------------------------------------------------


@dataclass
class PruneResult:
    runs: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    probes: int = 0


def prune_runs(session: Session, keep_runs: int, *, chunk: int = 200) -> PruneResult:
    """Delete pages, targets, links and columns of every run older than the `keep_runs` latest
    of its site; run rows (with score and verdict) and findings stay, so trends survive.

    Running and abandoned runs are never counted or touched; pruned runs get `stats.pruned_at`.
    """
    from inspector.store.models import ColumnRow, LinkRow, PageRow, RunRow, TargetRow

    rank = func.row_number().over(partition_by=RunRow.site_id, order_by=RunRow.id.desc())
    ranked = (
        select(RunRow.id.label("id"), rank.label("rank"))
        .where(RunRow.status.not_in(("running", "abandoned")))
        .subquery()
    )
    old_ids = list(session.scalars(select(ranked.c.id).where(ranked.c.rank > keep_runs)))
    result = PruneResult()
    now = _utcnow().isoformat(timespec="seconds")
    for i in range(0, len(old_ids), chunk):
        runs = [
            r
            for r in session.scalars(select(RunRow).where(RunRow.id.in_(old_ids[i : i + chunk])))
            if not (r.stats or {}).get("pruned_at")
        ]
        if not runs:
            continue
        ids = [r.id for r in runs]
        for model in (LinkRow, PageRow, TargetRow, ColumnRow):
            deleted = session.execute(delete(model).where(model.run_id.in_(ids))).rowcount or 0
            result.rows[model.__tablename__] = result.rows.get(model.__tablename__, 0) + deleted
        for r in runs:
            r.stats = {**(r.stats or {}), "pruned_at": now}
        session.commit()  # one chunk per transaction: a long prune never holds one huge lock
        result.runs += len(runs)
    return result


def prune_probes(session: Session, keep_days: int) -> int:
    """Delete probe samples older than `keep_days` (the availability window needs 7)."""
    from inspector.store.models import ProbeRow

    cutoff = _utcnow() - timedelta(days=keep_days)
    deleted = session.execute(delete(ProbeRow).where(ProbeRow.at < cutoff)).rowcount or 0
    session.commit()
    return deleted


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
@click.option("--db", "db_url", default=None, help="SQLAlchemy URL.")
def prune(keep_runs: int, keep_probe_days: int, db_url: str | None) -> None:
    """Delete pages, targets, links and columns of old runs; keep runs, findings and scores."""
    from inspector.store.db import session_factory

    engine = _engine(db_url, create=False)
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
@click.option(
    "--db",
    "db_url",
    default=None,
    help="SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db).",
)
def db_upgrade(db_url: str | None) -> None:
    """Create the schema of a fresh database, or migrate an old one to this inspector's."""
    from inspector.store.db import get_engine
    from inspector.store.migrations import upgrade

    engine = get_engine(db_url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        before, after = upgrade(engine)
    except Exception as exc:  # say which database and why, not a bare traceback
        _fail(f"cannot upgrade {where}: {type(exc).__name__}: {exc}", EXIT_INCOMPLETE)
    if before == after:
        click.echo(f"{where}: schema already at revision {after}")
    else:
        click.echo(f"{where}: schema upgraded from {before or 'nothing'} to revision {after}")


@db.command("current")
@click.option("--db", "db_url", default=None, help="SQLAlchemy URL.")
def db_current(db_url: str | None) -> None:
    """Show the database's schema revision and this inspector's (exit 1 when they differ)."""
    from inspector.store.db import get_engine, schema_version
    from inspector.store.migrations import head_revision

    engine = get_engine(db_url)
    current, head = schema_version(engine), head_revision()
    where = engine.url.render_as_string(hide_password=True)
    if current == head:
        click.echo(f"{where}: revision {current} (head, up to date)")
        return
    click.echo(
        f"{where}: revision {current or 'none'}, this inspector needs {head}: run `inspector db upgrade`"
    )
    sys.exit(EXIT_INCOMPLETE)


# ---- the nightly lock -----------------------------------------------------------------------


class NightlyLock:
    """One nightly run per database at a time.

    PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) held on a dedicated
    autocommit connection for the whole run, so it works across machines and is released by
    the server when the process dies, however it dies. SQLite: an exclusive `flock` on
    `<database file>.nightly.lock`, released by the kernel when the process dies.
    """

    def __init__(self, engine: Engine, lock_dir: Path | None = None) -> None:
        self.engine = engine
        self.lock_dir = lock_dir
        self.connection: Any = None
        self.handle: Any = None
        self.holder = ""

    @property
    def where(self) -> str:
        if self.engine.dialect.name == "postgresql":
            return f"advisory lock {NIGHTLY_LOCK_KEY} on {self.engine.url.render_as_string(hide_password=True)}"
        return str(self.lock_path)

    @property
    def lock_path(self) -> Path:
        database = self.engine.url.database
        if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
            return Path(f"{database}.nightly.lock")
        return (self.lock_dir or Path("var")) / "nightly.lock"

    def acquire(self) -> bool:
        me = f"pid {os.getpid()} on {socket.gethostname()} since {_utcnow().isoformat(timespec='seconds')} UTC"
        if self.engine.dialect.name == "postgresql":
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            # Named, so that the holder shows up readably in pg_stat_activity and our message.
            conn.execute(
                text("SELECT set_config('application_name', :n, false)"),
                {"n": f"inspector nightly {me}"[:63]},
            )
            if conn.scalar(text("SELECT pg_try_advisory_lock(:k)"), {"k": NIGHTLY_LOCK_KEY}):
                self.connection = conn
                return True
            self.holder = self._pg_holder(conn)
            conn.close()
            return False
        path = self.lock_path
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 - held open for the whole run
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            self.holder = handle.read().strip()
            handle.close()
            return False
        handle.seek(0)
        handle.truncate()
        handle.write(f"inspector nightly {me}\n")
        handle.flush()
        self.handle = handle
        return True

    def _pg_holder(self, conn: Any) -> str:
        row = conn.execute(
            text(
                "SELECT a.application_name, a.client_addr, a.pid FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objid = :k "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"k": NIGHTLY_LOCK_KEY},
        ).first()
        if row is None:
            return ""
        name, addr, pid = row
        return f"{name or 'a session'} (server pid {pid}, from {addr or 'local socket'})"

    def release(self) -> None:
        if self.connection is not None:
            try:
                self.connection.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": NIGHTLY_LOCK_KEY}
                )
                # The pooled connection outlives the lock: it must not keep the nightly's name.
                self.connection.execute(text("SELECT set_config('application_name', '', false)"))
            finally:
                self.connection.close()
                self.connection = None
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


# ---- nightly --------------------------------------------------------------------------------


class NightlyInterrupted(Exception):
    """SIGTERM outside the crawl (the crawl handles it itself: it finishes the current batch)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise NightlyInterrupted(signal.Signals(signum).name)


class ReadableLog(logging.Filter):
    """Keep a run log readable: one line per event, no multi-line dumps of versions, settings,
    component lists and stats (Scrapy resets logger levels when it starts, so this is a filter
    on our handlers rather than levels on its loggers)."""

    NOISY = (
        "scrapy.utils.log",  # versions and settings dumps
        "scrapy.crawler",  # "Overridden settings"
        "scrapy.middleware",  # lists of enabled components
        "scrapy.addons",
        "scrapy.statscollectors",  # the stats dict: the nightly logs its own summary line
        "alembic",  # "Context impl SQLiteImpl" on every schema check
    )

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not record.name.startswith(self.NOISY)


def detach_run_log() -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_inspector_run_log", False):
            root.removeHandler(handler)
            handler.close()


def attach_run_log(path: Path, *, stderr: bool = True) -> None:
    """Send INFO and up to `path` (appending), and warnings to stderr, through ReadableLog."""
    detach_run_log()
    root = logging.getLogger()
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(logging.INFO)
    to_file.setFormatter(logging.Formatter(LOG_FORMAT, "%Y-%m-%d %H:%M:%S"))
    handlers: list[logging.Handler] = [to_file]
    if stderr:
        to_stderr = logging.StreamHandler(sys.stderr)
        to_stderr.setLevel(logging.WARNING)
        to_stderr.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handlers.append(to_stderr)
    for handler in handlers:
        handler.addFilter(ReadableLog())
        handler._inspector_run_log = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(logging.INFO)


def setup_run_log(log_dir: Path, name: str) -> Path:
    """A log file for this run (INFO and up, one readable line per event) + warnings on stderr."""
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{name}.log"
    attach_run_log(path)
    return path


def _set_parent_death_signal() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the probe child gets SIGTERM if the nightly dies (SIGKILL), instead of lingering."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


@dataclass
class NightlyOptions:
    registry: str
    db_url: str | None = None
    as_of: date | None = None
    report_dir: str | None = None
    keep_runs: int = 7
    keep_probe_days: int = 90
    log_dir: str = "var/logs"
    lang: str = "zh"
    rules: str | None = None
    set_options: tuple[str, ...] = ()


class Nightly:
    """probe closed sites → crawl (resuming the night's batch) → check → score → report → prune."""

    def __init__(self, opts: NightlyOptions) -> None:
        self.opts = opts
        self.problems: list[str] = []
        self.site_ids: list[str] = []

    def run(self) -> int:
        try:
            return self._run()
        finally:
            detach_run_log()  # the log file is closed; a caller's logging is left as it was

    def _run(self) -> int:
        opts = self.opts
        as_of = opts.as_of or clock.today()
        sites, _registry = _load_sites(opts.registry)
        settings = _settings(opts.set_options, opts.db_url, opts.rules)
        db_url = settings.get("INSPECTOR_DB_URL") or None
        from inspector.store.db import get_engine, resolve_db_url
        from inspector.store.resume import nightly_batch

        batch = nightly_batch(opts.registry, as_of)
        stamp = _utcnow().strftime("%Y%m%dT%H%M%S")
        log_path = setup_run_log(Path(opts.log_dir), f"{batch}-{stamp}-{os.getpid()}")
        engine = get_engine(db_url)
        where = engine.url.render_as_string(hide_password=True)
        logger.info(
            "nightly %s: registry %s (%d sites), as-of %s, database %s",
            batch,
            opts.registry,
            len(sites),
            as_of,
            where,
        )
        lock = NightlyLock(engine, Path(opts.log_dir).parent)
        try:
            acquired = lock.acquire()
        except SQLAlchemyError as exc:
            logger.error("cannot reach the database %s: %s", where, exc)
            click.echo(f"error: cannot reach the database {where}: {exc}", err=True)
            return EXIT_INCOMPLETE
        if not acquired:
            message = (
                f"another inspector nightly is running on this database ({lock.where}"
                + (f", held by {lock.holder}" if lock.holder else "")
                + "): this one exits without doing anything"
            )
            logger.error(message)
            click.echo(f"error: {message} (exit code {EXIT_LOCKED})", err=True)
            return EXIT_LOCKED
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
        try:
            logger.info("holding the nightly lock (%s)", lock.where)
            _engine(db_url)  # refuses an old schema (exit 2); creates a fresh one
            code = self._steps(sites, settings, batch, as_of, resolve_db_url(db_url), log_path)
        except NightlyInterrupted as exc:
            logger.error(
                "nightly %s interrupted by %s: run the same command again to resume", batch, exc
            )
            code = EXIT_INCOMPLETE
        except KeyboardInterrupt:
            logger.error(
                "nightly %s interrupted (Ctrl-C): run the same command again to resume", batch
            )
            code = EXIT_INCOMPLETE
        except Exception:
            logger.exception("nightly %s failed", batch)
            code = EXIT_INCOMPLETE
        finally:
            signal.signal(signal.SIGTERM, previous)
            lock.release()
        verdict = "completed" if code == EXIT_OK else "NOT completed"
        click.echo(f"nightly {batch}: {verdict} (exit {code}); log: {log_path}", err=True)
        logger.info("nightly %s %s (exit code %d)", batch, verdict, code)
        return code

    def _steps(
        self,
        sites: list[Any],
        settings: Any,
        batch: str,
        as_of: date,
        db_url: str,
        log_path: Path,
    ) -> int:
        from inspector.store.db import get_engine, session_factory
        from inspector.judge.checkrun import CheckConfig
        from inspector.store.resume import batch_status, plan_resume, repair_checks

        Session_ = session_factory(get_engine(db_url))
        self.site_ids = [x.site_id for x in sites]
        with Session_() as s:
            plan = plan_resume(s, batch, sites)
        logger.info(
            "batch %s: %d sites done before, %d cut runs cleaned, %d to crawl",
            batch,
            len(plan.done),
            len(plan.abandoned),
            len(plan.to_crawl),
        )

        # 1. probe: closed sites still to judge (their runs are judged on the latest probe)
        closed = [s for s in plan.to_crawl if s.status == "closed"]
        if closed:
            self._probe_closed(len(closed), db_url, log_path, as_of)

        # 2. crawl (+ checks and score per site, in the crawl's pipeline)
        if plan.to_crawl:
            if not self._crawl(plan.to_crawl, settings, as_of, batch):
                with Session_() as s:
                    counts, missing = batch_status(s, batch, [x.site_id for x in sites])
                logger.error(
                    "crawl interrupted by a signal: %s; %d sites not done. Run the same command "
                    "again to resume.",
                    _counts(counts),
                    len(missing),
                )
                return EXIT_INCOMPLETE

        # 3. check + score where a kill cut the checks short
        with Session_() as s:
            repaired = repair_checks(s, batch, CheckConfig.from_settings(settings))
        if repaired:
            # Runs without findings: clean sites, closed and skipped ones, or checks a kill cut.
            logger.info("checks run (again) on %d runs without findings", len(repaired))

        with Session_() as s:
            counts, missing = batch_status(s, batch, [x.site_id for x in sites])
        if missing:
            self.problems.append(f"{len(missing)} sites without a finished run")
            logger.error("%d sites have no finished run: %s", len(missing), ", ".join(missing[:20]))

        # 4. report
        self._report(Session_, as_of)

        # 5. prune
        try:
            with Session_() as s:
                pruned = prune_runs(s, self.opts.keep_runs)
                probes = prune_probes(s, self.opts.keep_probe_days)
            logger.info(
                "pruned %d old runs (%s) and %d probe samples; kept the %d latest runs per site",
                pruned.runs,
                _counts(pruned.rows) or "no rows",
                probes,
                self.opts.keep_runs,
            )
        except Exception as exc:
            logger.exception("prune failed")
            self.problems.append(f"prune failed: {exc}")

        logger.info("batch %s: %s", batch, _counts(counts))
        if self.problems:
            logger.error("not completed: %s", "; ".join(self.problems))
            return EXIT_INCOMPLETE
        return EXIT_OK

    def _probe_closed(self, count: int, db_url: str, log_path: Path, as_of: date) -> None:
        """In a child process: this process's reactor is kept for the crawl."""
        logger.info("probing %d closed sites", count)
        cmd = [
            sys.executable, "-m", "inspector.ops.commands", "probe", "--registry", self.opts.registry,
            "--closed-only", "--log-file", str(log_path), "--as-of", as_of.isoformat(),
        ]  # fmt: skip
        for option in self.opts.set_options:
            cmd += ["--set", option]
        env = {**os.environ, "INSPECTOR_DB_URL": db_url}  # not on the command line: passwords
        try:
            done = subprocess.run(
                cmd, env=env, capture_output=True, text=True, timeout=3600,
                preexec_fn=_set_parent_death_signal if sys.platform.startswith("linux") else None,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            self.problems.append("probe of closed sites timed out")
            logger.error("probe of closed sites did not finish within an hour")
            return
        summary = (done.stdout or "").strip()
        if done.returncode != 0:
            self.problems.append(f"probe of closed sites failed (exit {done.returncode})")
            logger.error(
                "probe of closed sites failed (exit %d): %s",
                done.returncode,
                (done.stderr or "")[-2000:],
            )
        elif summary:
            logger.info("closed sites: %s", summary)

    def _crawl(self, sites: list[Any], settings: Any, as_of: date, batch: str) -> bool:
        """Crawl in this process; False when a signal stopped it (Scrapy finished the batch)."""
        from inspector.crawl.run import crawl_sites
        from inspector.ops.probe import with_progress

        settings = with_progress(settings.copy())
        # Our handlers (file + stderr) get Scrapy's records; Scrapy must not add its own.
        settings.set("LOG_ENABLED", False, priority="cmdline")
        logger.info("crawling %d sites", len(sites))
        # Scrapy installs its own SIGTERM/SIGINT handlers: the first signal finishes the current
        # writes, marks unfinished runs interrupted and returns here.
        try:
            result = crawl_sites(sites, settings, as_of=as_of, batch=batch)
        finally:
            signal.signal(signal.SIGTERM, _on_sigterm)
            signal.signal(signal.SIGINT, signal.default_int_handler)
        reason = result.stats.get("finish_reason", "")
        logger.info(
            "crawl stopped (%s): %s responses, %s items stored", reason,
            result.stats.get("response_received_count", 0), result.stats.get("item_scraped_count", 0),
        )  # fmt: skip
        return reason != "shutdown"

    def _report(self, Session_: Any, as_of: date) -> None:
        try:
            from reports.render import render_reports
        except ImportError as exc:
            logger.info("reports skipped: reports.render is not available (%s)", exc)
            return
        out_dir = Path(self.opts.report_dir or Path("var") / "reports" / as_of.isoformat())
        try:
            # Only this registry's sites, when render_reports can filter (the database may hold more).
            params = inspect.signature(render_reports).parameters
            extra = {"site_ids": self.site_ids} if "site_ids" in params else {}
            with Session_() as s:
                render_reports(s, out_dir, self.opts.lang, **extra)
            logger.info("reports written to %s", out_dir)
        except Exception as exc:
            logger.exception("report failed")
            self.problems.append(f"report failed: {exc}")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


@click.command()
@click.option("--registry", required=True, type=click.Path(dir_okay=False), help="Registry CSV.")
@click.option(
    "--db",
    "db_url",
    default=None,
    help="SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db).",
)
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
@click.option("--lang", default="zh", show_default=True, help="Report language.")
@click.option("--rules", default=None, help="Rules profile name or path.")
@click.option(
    "--set",
    "set_options",
    multiple=True,
    metavar="NAME=VALUE",
    help="Any Scrapy or INSPECTOR_* setting.",
)
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
    set_options: tuple[str, ...],
) -> None:
    """The unattended night: probe closed sites, crawl, check, score, report, prune.

    One at a time per database (a second one exits with code 3). Killed, it resumes when
    started again the same night (same registry and as-of date): finished sites are not
    crawled again, cut ones are cleaned and crawled again. SIGTERM / Ctrl-C finishes the
    current writes, marks the unfinished runs interrupted and exits with code 1.
    """
    day: date | None = None
    if as_of:
        try:
            day = date.fromisoformat(as_of)
        except ValueError:
            _fail(f"--as-of {as_of!r} is not a date (YYYY-MM-DD)")
    opts = NightlyOptions(
        registry=registry, db_url=db_url, as_of=day, report_dir=report_dir, keep_runs=keep_runs,
        keep_probe_days=keep_probe_days, log_dir=log_dir, lang=lang, rules=rules,
        set_options=set_options,
    )  # fmt: skip
    sys.exit(Nightly(opts).run())


ops_main = click.Group(
    "inspector-ops",
    commands={"probe": probe, "nightly": nightly, "prune": prune, "db": db},
    help="Operations commands (also registered in `inspector`).",
)

if __name__ == "__main__":
    ops_main()
