"""The unattended night: probe closed sites → crawl (resuming the night's batch) → check →
score → report → prune, one at a time per database (NightlyLock), with a readable log file.

`inspector nightly` (inspector/ops/commands.py) runs `Nightly(options).run()`.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import socket
import subprocess
import sys
import zlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from inspector import clock
from inspector.crawl.run import crawl_sites
from inspector.judge.checkrun import CheckConfig, check_run
from inspector.ops.probe import with_progress
from inspector.options import (
    EXIT_INCOMPLETE,
    EXIT_LOCKED,
    EXIT_OK,
    engine_or_fail,
    settings_or_fail,
    sites_or_fail,
)
from inspector.registry import Site
from inspector.store.db import get_engine, resolve_db_url, session_factory
from inspector.store.prune import prune_probes, prune_runs
from inspector.store.resume import batch_status, nightly_batch, plan_resume, runs_without_findings
from reports.render import render_reports

logger = logging.getLogger("inspector.nightly")

# pg_try_advisory_lock key of the nightly run: one per database, whichever machine runs it.
NIGHTLY_LOCK_KEY = zlib.crc32(b"inspector:nightly")
LOG_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"


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
        me = f"pid {os.getpid()} on {socket.gethostname()} since {clock.now().isoformat(timespec='seconds')} UTC"
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


class NightlyInterruptedError(Exception):
    """SIGTERM outside the crawl (the crawl handles it itself: it finishes the current batch)."""


def _on_sigterm(signum: int, frame: Any) -> None:
    raise NightlyInterruptedError(signal.Signals(signum).name)


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
        sites, _registry = sites_or_fail(opts.registry)
        settings = settings_or_fail(opts.set_options, opts.db_url, rules=opts.rules)
        db_url = settings.get("INSPECTOR_DB_URL") or None
        batch = nightly_batch(opts.registry, as_of)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S")
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
            engine_or_fail(db_url)  # refuses an old schema (exit 2); creates a fresh one
            code = self._steps(sites, settings, batch, as_of, resolve_db_url(db_url), log_path)
        except NightlyInterruptedError as exc:
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
        sites: list[Site],
        settings: Any,
        batch: str,
        as_of: date,
        db_url: str,
        log_path: Path,
    ) -> int:
        sessions = session_factory(get_engine(db_url))
        self.site_ids = [x.site_id for x in sites]
        with sessions() as s:
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
        if plan.to_crawl and not self._crawl(plan.to_crawl, settings, as_of, batch):
            with sessions() as s:
                counts, missing = batch_status(s, batch, [x.site_id for x in sites])
            logger.error(
                "crawl interrupted by a signal: %s; %d sites not done. Run the same command "
                "again to resume.",
                _counts(counts),
                len(missing),
            )
            return EXIT_INCOMPLETE

        # 3. check + score where a kill cut the checks short
        with sessions() as s:
            repaired = repair_checks(s, batch, CheckConfig.from_settings(settings))
        if repaired:
            # Runs without findings: clean sites, closed and skipped ones, or checks a kill cut.
            logger.info("checks run (again) on %d runs without findings", len(repaired))

        with sessions() as s:
            counts, missing = batch_status(s, batch, [x.site_id for x in sites])
        if missing:
            self.problems.append(f"{len(missing)} sites without a finished run")
            logger.error("%d sites have no finished run: %s", len(missing), ", ".join(missing[:20]))

        # 4. report
        self._report(sessions, as_of)

        # 5. prune
        try:
            with sessions() as s:
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
            sys.executable,
            "-m",
            "inspector.ops.commands",
            "probe",
            "--registry",
            self.opts.registry,
            "--closed-only",
            "--log-file",
            str(log_path),
            "--as-of",
            as_of.isoformat(),
        ]
        for option in self.opts.set_options:
            cmd += ["--set", option]
        env = {**os.environ, "INSPECTOR_DB_URL": db_url}  # not on the command line: passwords
        try:
            done = subprocess.run(
                cmd,
                env=env,
                capture_output=True,
                text=True,
                timeout=3600,
                preexec_fn=_set_parent_death_signal if sys.platform.startswith("linux") else None,
            )
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

    def _crawl(self, sites: list[Site], settings: Any, as_of: date, batch: str) -> bool:
        """Crawl in this process; False when a signal stopped it (Scrapy finished the batch)."""
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
            "crawl stopped (%s): %s responses, %s items stored",
            reason,
            result.stats.get("response_received_count", 0),
            result.stats.get("item_scraped_count", 0),
        )
        return reason != "shutdown"

    def _report(self, sessions: Any, as_of: date) -> None:
        out_dir = Path(self.opts.report_dir or Path("var") / "reports" / as_of.isoformat())
        try:
            # Only this registry's sites (the database may hold more).
            with sessions() as s:
                render_reports(s, out_dir, self.opts.lang, site_ids=self.site_ids)
            logger.info("reports written to %s", out_dir)
        except Exception as exc:
            logger.exception("report failed")
            self.problems.append(f"report failed: {exc}")


def repair_checks(session: Any, batch: str, config: CheckConfig) -> list[int]:
    """Run the checks again where a kill may have cut them; returns the run ids re-checked."""
    run_ids = runs_without_findings(session, batch)
    for run_id in run_ids:
        check_run(session, run_id, config)  # commits findings + score together
    return run_ids


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
