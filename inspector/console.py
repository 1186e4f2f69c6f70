"""What a crawl prints: quiet by default, a result at the end.

- `route_logs`: every log record (Scrapy's and Alembic's INFO included) goes to a log file;
  the console gets errors only, one line each, or everything with `-v`.
- `SiteLines`: a Scrapy extension printing one line per judged site when stderr is not a
  terminal (on a terminal the progress display, inspector/ops/progress.py, is enough).
- `site_summaries` / `print_summary`: the table at the end — site, verdict, score, problems
  (new / open / fixed, counted by inspector/judge/counts.py like everywhere else), the site's
  problems when one site was crawled, and the commands that render the report and the export.
- `fail_on_code`: `--fail-on SEVERITY|veto` — exit 1 when a finding at that level exists.

Used by `inspector crawl`, `inspector recheck` and `scrapy crawl site` alike.
"""

from __future__ import annotations

import logging
import os
import shlex
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.errors import EXIT_INCOMPLETE, EXIT_OK, debug_enabled
from inspector.judge.counts import ProblemCounts, at_least, is_problem, tracked_counts
from inspector.judge.recheck import RECHECKED
from inspector.judge.tracking import load_tracking
from inspector.store.history import run_findings
from inspector.store.models import RunRow, SiteRow
from inspector.words import fmt_number
from reports import i18n
from reports.problems import FindingWords

FAIL_ON_LEVELS = ("veto", "major", "minor", "info")
PROBLEMS_LISTED = 15  # problems listed under the table when one site was crawled
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


# ---- logs -------------------------------------------------------------------------------------


class OneLine(logging.Formatter):
    """Console records: the first line of the message, no traceback (that is in the file)."""

    def format(self, record: logging.LogRecord) -> str:
        first = (record.getMessage().splitlines() or [""])[0]
        return f"{record.levelname.lower()}: {first}"


def default_log_file(kind: str = "crawl") -> Path:
    stamp = clock.now().strftime("%Y%m%dT%H%M%S")
    return Path("var") / "logs" / f"{kind}-{stamp}-{os.getpid()}.log"


def route_logs(path: Path, *, verbose: bool = False) -> Path:
    """All records to `path` (created with its folder); errors (or, verbose, INFO and up) to
    stderr, one line each. Scrapy must not add its own handler: set LOG_ENABLED=False."""
    path.parent.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_inspector_console", False):
            root.removeHandler(handler)
            handler.close()
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_file.setLevel(logging.DEBUG if debug_enabled() else logging.INFO)
    to_file.setFormatter(logging.Formatter(LOG_FORMAT, "%Y-%m-%d %H:%M:%S"))
    to_console = logging.StreamHandler(sys.stderr)
    to_console.setLevel(logging.INFO if verbose else logging.ERROR)
    to_console.setFormatter(
        logging.Formatter(LOG_FORMAT, "%H:%M:%S") if debug_enabled() else OneLine()
    )
    to_console.addFilter(lambda record: getattr(record, "console", True))
    for handler in (to_file, to_console):
        setattr(handler, "_inspector_console", True)  # noqa: B010 - marks our handlers
        root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug_enabled() else logging.INFO)
    return path


def quiet_settings(settings: Any) -> Any:
    """Crawl settings for a console command: our log handlers instead of Scrapy's, a line per
    judged site when not on a terminal."""
    settings.set("LOG_ENABLED", False, priority="cmdline")
    settings.setdefault_in_component_priority_dict("EXTENSIONS", SiteLines, 510)
    return settings


# ---- a line per judged site (not on a terminal) --------------------------------------------


def _interactive(settings: Any) -> bool:
    mode = (settings.get("INSPECTOR_PROGRESS_TTY") or "").lower()
    if mode in ("rich", "always"):
        return True
    if mode in ("plain", "never"):
        return False
    return sys.stderr.isatty()


class SiteLines:
    """One line on stderr per site as soon as it is judged: its verdict, score and problems."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.lang = i18n.lang_of(crawler.settings.get("INSPECTOR_CONSOLE_LANG") or "zh")

    @classmethod
    def from_crawler(cls, crawler: Any) -> SiteLines:
        from scrapy.exceptions import NotConfigured

        from inspector.crawl.signals import site_judged

        if _interactive(crawler.settings):
            raise NotConfigured("on a terminal the progress display shows the sites")
        ext = cls(crawler)
        crawler.signals.connect(ext.site_judged, signal=site_judged)
        return ext

    def site_judged(self, site_id: str, run_id: int, findings: Any, **_: Any) -> None:
        from inspector.store.db import get_engine, session_factory

        url = self.crawler.settings.get("INSPECTOR_DB_URL") or None
        with session_factory(get_engine(url))() as s:
            summaries = site_summaries(s, [run_id], self.lang)
        for summary in summaries:
            click.echo(summary.line(self.lang), err=True)


# ---- the summary ------------------------------------------------------------------------------


@dataclass
class SiteSummary:
    site_id: str
    name: str
    run_id: int
    kind: str  # full | recheck
    run_status: str
    verdict: str | None
    verdict_text: str
    score_text: str
    counts: ProblemCounts
    problems: list[dict[str, Any]] = field(default_factory=list)  # worst first
    carried: int = 0  # a recheck's open problems it did not look at again
    base_as_of: str = ""  # a recheck's full inspection (its as-of date)

    def line(self, lang: str) -> str:
        c = self.counts
        if self.kind == "recheck":
            return self.recheck_line(lang)
        head = f"{self.site_id}: {self.verdict_text}"
        if self.score_text:
            head += f" {self.score_text}"
        return (
            head
            + " · "
            + i18n.t(lang, "console_problems", total=c.total, new=c.new, open=c.open, fixed=c.fixed)
        )

    def recheck_line(self, lang: str) -> str:
        """复查 …: fixed, still open, and how many of those were not looked at again."""
        return i18n.t(
            lang,
            "console_recheck",
            site=self.site_id,
            verdict=self.verdict_text,
            score=self.score_text or "–",
            fixed=self.counts.fixed,
            open=self.counts.open,
            carried=self.carried,
            date=self.base_as_of,
        )


def _score_text(run: RunRow, lang: str) -> str:
    scored = (run.verdict_detail or {}).get("scored", run.verdict in ("pass", "fail"))
    if run.verdict in ("pass", "fail") and scored and run.score is not None:
        return fmt_number(run.score)
    if run.verdict in ("fail", "unreachable"):
        return i18n.t(lang, "veto")
    return ""


def site_summaries(session: Session, run_ids: Iterable[int], lang: str = "zh") -> list[SiteSummary]:
    """The summary of each run (in site order), counted like the export and the reports."""
    words = FindingWords.enabled()
    result = []
    query = (
        select(RunRow, SiteRow)
        .join(SiteRow, SiteRow.site_id == RunRow.site_id)
        .where(RunRow.id.in_(list(run_ids)))
        .order_by(RunRow.site_id)
    )
    for run, site in session.execute(query):
        rows = run_findings(session, run)
        tracking = load_tracking(session, run, rows)
        kind = run.kind or "full"
        base = session.get(RunRow, run.base_run_id) if run.base_run_id else None
        problems = sorted(
            (
                {"severity": r.severity, "title": _headline(words, r, lang), "url": r.url}
                for r in rows
                if is_problem(r.severity)
            ),
            key=lambda p: (FAIL_ON_LEVELS.index(p["severity"]), p["title"], p["url"]),
        )
        result.append(
            SiteSummary(
                site_id=site.site_id,
                name=site.name,
                run_id=run.id,
                kind=kind,
                run_status=run.status,
                verdict=run.verdict,
                verdict_text=i18n.verdict_text(run.verdict, lang),
                score_text=_score_text(run, lang),
                counts=tracked_counts(tracking),
                problems=problems,
                carried=sum(1 for r in rows if is_problem(r.severity) and r.check not in RECHECKED)
                if kind == "recheck"
                else 0,
                base_as_of=base.as_of.isoformat() if base is not None and base.as_of else "",
            )
        )
    return result


def _headline(words: FindingWords, row: Any, lang: str) -> str:
    """What a problem is, as the report's headline says it: seven 缺少必备栏目 lines on one home
    page URL tell nothing without the column each one misses."""
    title = words.title(row.check, lang)
    try:
        said = words.describe(row.check, row.detail or {}, lang)[0]
    except Exception:  # noqa: BLE001 - a check's wording must not cost the summary
        return title
    if not said or said == title:
        return title
    return said if said.startswith(title) else f"{title}{i18n.t(lang, 'colon')}{said}"


def _command(*parts: str) -> str:
    return " ".join(shlex.quote(p) for p in parts)


def render_commands(db_url: str | None, site_ids: Sequence[str] = ()) -> list[str]:
    """The commands that render the report and the export (of `site_ids`, or of every site)."""
    db = ["--db", db_url] if db_url else []
    sites = [x for site_id in site_ids for x in ("--site", site_id)]
    return [
        _command("inspector", "report", *db, *sites, "--out", "var/reports"),
        _command(
            "inspector", "export", *db, *sites, "--format", "xlsx", "--out", "var/export.xlsx"
        ),
    ]


def print_summary(
    summaries: Sequence[SiteSummary],
    lang: str,
    *,
    commands: Sequence[str] = (),
    log_file: Path | None = None,
) -> None:
    """The end-of-crawl table on stdout (plain text when stdout is not a terminal)."""
    from rich.console import Console
    from rich.table import Table

    t = lambda key, **kw: i18n.t(lang, key, **kw)  # noqa: E731
    console = Console(highlight=False, soft_wrap=False, width=max(100, Console().width))
    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold")
    for key in ("site_id", "verdict"):
        table.add_column(t(key), justify="left", no_wrap=True)
    for key in ("score", "problems", "new", "open", "fixed"):
        table.add_column(t(key), justify="right", no_wrap=True)
    for s in summaries:
        verdict = s.verdict_text + (f" ({t('run_kind_recheck')})" if s.kind == "recheck" else "")
        c = s.counts
        table.add_row(
            s.site_id, verdict, s.score_text or "–", str(c.total), str(c.new), str(c.open),
            str(c.fixed),
        )  # fmt: skip
    console.print(table)
    for s in summaries:
        if s.kind == "recheck":
            click.echo(s.recheck_line(lang))
    if len(summaries) == 1 and summaries[0].problems:
        only = summaries[0]
        console.print()
        for p in only.problems[:PROBLEMS_LISTED]:
            console.print(f"  [{i18n.severity_text(p['severity'], lang)}] {p['title']}  {p['url']}")
        if len(only.problems) > PROBLEMS_LISTED:
            console.print("  " + t("and_more_items", n=len(only.problems) - PROBLEMS_LISTED))
    console.print()
    # Plain echo: a command must never be wrapped, whatever the terminal's width.
    for label, command in zip((t("console_report"), t("console_export")), commands, strict=False):
        click.echo(f"{label}: {command}")
    if log_file is not None:
        click.echo(f"{t('console_log')}: {log_file}")


def fail_on_code(summaries: Sequence[SiteSummary], session: Session, level: str | None) -> int:
    """EXIT_INCOMPLETE (1) when a finding of `level` or worse exists in these runs, else 0."""
    if not level:
        return EXIT_OK
    for s in summaries:
        run = session.get(RunRow, s.run_id)
        if run is not None and any(at_least(r.severity, level) for r in run_findings(session, run)):
            return EXIT_INCOMPLETE
    return EXIT_OK


# Run statuses that end a site's crawl; `running` and `interrupted` (or no run at all: a site
# the crawl never reached) mean the crawl did not do its job.
DONE_STATUSES = ("finished", "unreachable", "skipped", "closed")
INTERRUPTED_REASONS = ("shutdown", "process failed")


def incomplete_code(
    summaries: Sequence[SiteSummary], expected: Sequence[str], finish_reason: str
) -> int:
    """EXIT_INCOMPLETE (1), said in one line on stderr, when a signal stopped the crawl or a
    site of `expected` has no finished run; else 0."""
    done = {s.site_id for s in summaries if s.run_status in DONE_STATUSES}
    missing = [x for x in dict.fromkeys(expected) if x not in done]
    interrupted = finish_reason in INTERRUPTED_REASONS
    if not interrupted and not missing:
        return EXIT_OK
    named = ", ".join(missing[:5]) + (" …" if len(missing) > 5 else "")
    how = "was interrupted" if finish_reason == "shutdown" else "did not complete"
    if finish_reason == "process failed":
        how += " (a crawler process failed: see the log)"
    if not missing:
        click.echo(f"error: the crawl {how}, after every site had finished", err=True)
        return EXIT_INCOMPLETE
    click.echo(
        f"error: the crawl {how}: {len(missing)} of {len(expected)} sites not finished "
        f"({named}); run the same command again to crawl them",
        err=True,
    )
    return EXIT_INCOMPLETE
