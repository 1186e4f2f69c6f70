"""`scrapy crawl site -a …` as an inspector sees it: bad input is one line and exit code 2;
Scrapy's INFO goes to a log file (unless `--logfile`, `-L` or `--nolog` say otherwise; `-v`
shows it); the end is the summary table of `inspector crawl` (inspector/console.py) with the
problems found, `--fail-on` exits 1 when one at that level exists. Other spiders run as with
Scrapy's own command.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NoReturn

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError

from inspector.errors import (
    EXIT_BAD_INPUT,
    fail,
    one_line,
    report_and_exit,
    set_debug,
    user_message,
)
from inspector.words import LANGS

LOG_OPTIONS = ("logfile", "loglevel", "nolog")


def _refuse(message: str) -> NoReturn:
    fail(f"{one_line(message)} (see 'scrapy crawl -h')", EXIT_BAD_INPUT)


class Command(ScrapyCrawl):
    def short_desc(self) -> str:
        return "Run a spider; for the site spider: check its arguments, print a summary"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        setattr(parser, "error", _refuse)  # one line, not the usage text  # noqa: B010
        group = parser.add_argument_group("inspector")
        group.add_argument("-v", "--verbose", action="store_true", help="show the log on stderr")
        group.add_argument(
            "--fail-on",
            choices=["veto", "major", "minor", "info"],
            help="exit 1 when a finding of this severity or worse exists",
        )
        group.add_argument("--lang", choices=LANGS, default="zh", help="language of the summary")
        group.add_argument("--debug", action="store_true", help="show tracebacks")

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        from inspector.console import quiet_settings
        from inspector.options import parse_set_options
        from inspector.settings_check import checked_overrides

        assert self.settings is not None  # set by scrapy.cmdline before process_options
        set_debug(opts.debug)
        unknown = [a for a in args if a.startswith("-")]
        if unknown:
            _refuse(f"unknown option {unknown[0]}")
        try:
            overrides = checked_overrides(parse_set_options(opts.set), self.settings)
        except ValueError as exc:
            _refuse(user_message(exc) or str(exc))
        opts.set = []  # checked and converted here; Scrapy would store them as text
        try:
            super().process_options(args, opts)
        except UsageError as exc:
            _refuse(str(exc))
        self.settings.setdict(overrides, priority="cmdline")
        self.quiet = args[:1] == ["site"] and not any(getattr(opts, o) for o in LOG_OPTIONS)
        if self.quiet and not any(name.startswith("LOG_") for name in overrides):
            quiet_settings(self.settings)
        else:
            self.quiet = False
        self.settings.set("INSPECTOR_CONSOLE_LANG", opts.lang, priority="cmdline")

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args[:1] != ["site"] or len(args) != 1:
            super().run(args, opts)
            return
        try:
            self.exitcode = self._run_site(opts)
        except SystemExit:
            raise
        except Exception as exc:  # noqa: BLE001 - every exception ends in one line
            report_and_exit(exc)

    def _recheck_rules(self, db_url: str | None, site_ids: list[str]) -> None:
        """A recheck needs a full inspection to recheck, and is judged with its rules."""
        from inspector.options import session_or_fail
        from inspector.store.recheck import RecheckError, base_run_or_fail

        assert self.settings is not None
        with session_or_fail(db_url) as s:
            try:
                bases = [base_run_or_fail(s, site_id) for site_id in site_ids]
            except RecheckError as exc:
                fail(str(exc), EXIT_BAD_INPUT)
        self.settings.set("INSPECTOR_RULES", bases[0].rules, priority="cmdline")

    def _run_site(self, opts: argparse.Namespace) -> int:
        from inspector import clock
        from inspector.console import (
            default_log_file,
            fail_on_code,
            incomplete_code,
            print_summary,
            render_commands,
            route_logs,
            site_summaries,
        )
        from inspector.crawl.arguments import ArgumentsError, spider_arguments
        from inspector.options import session_or_fail

        assert self.settings is not None and self.crawler_process is not None
        clock.now()  # a malformed INSPECTOR_NOW: one line, here
        try:
            given = spider_arguments(dict(opts.spargs), self.settings.get("INSPECTOR_REGISTRY"))
        except ArgumentsError as exc:
            _refuse(str(exc))
        db_url = self.settings.get("INSPECTOR_DB_URL") or None
        session_or_fail(db_url).close()  # the database is usable (schema checked) before we start
        if given.recheck:
            self._recheck_rules(db_url, [site.site_id for site in given.sites])
        log_file: Path | None = None
        if self.quiet:
            log_file = route_logs(default_log_file(), verbose=opts.verbose)
        crawler = self._create_crawler("site")
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        run_ids = list(getattr(crawler.spider, "run_ids", {}).values())
        lang = opts.lang
        with session_or_fail(db_url) as s:
            summaries = site_summaries(s, run_ids, lang)
            ids = [x.site_id for x in summaries]
            print_summary(summaries, lang, commands=render_commands(db_url, ids), log_file=log_file)
            code = fail_on_code(summaries, s, opts.fail_on)
        if self.crawler_process.bootstrap_failed:
            return 1
        spider = crawler.spider
        expected = [x.site_id for x in getattr(spider, "sites", [])]
        reason = str(crawler.stats.get_value("finish_reason", "")) if crawler.stats else ""
        return incomplete_code(summaries, expected, reason) or code
