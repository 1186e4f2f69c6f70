"""Every bad input to every command: one line saying what is wrong and what to do, exit code 2,
no traceback, and nothing created — no database, no folder, no log (subprocesses of the real
`inspector` and `scrapy crawl` commands, run in an empty directory)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
REGISTRY = REPO / "seeds" / "demo.csv"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env["SCRAPY_SETTINGS_MODULE"] = "inspector.settings"
    env["PYTHONPATH"] = str(REPO)
    env.update(extra)
    return env


def _snapshot(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*")}


def run_in(cwd: Path, cmd: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        cmd, cwd=cwd, env=_env(**env), capture_output=True, text=True, timeout=120
    )


def inspector(*args: str) -> list[str]:
    return [sys.executable, "-m", "inspector.cli", *args]


def scrapy(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "site", *args]


def assert_refused(done: subprocess.CompletedProcess, *expected: str) -> str:
    """Exit 2, one line on stderr starting with "error:", no traceback; returns the line."""
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 2, output
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


DEAD_PG = f"postgresql://postgres@127.0.0.1:{_free_port()}/nothing"
MISSING_DB = "sqlite:////{tmp}/no/such/dir/x.db"

# (case, command line, words the message must contain); {tmp} is the test's directory.
INSPECTOR_CASES = [
    ("pg-not-listening", ["crawl", "--registry", str(REGISTRY), "--db", DEAD_PG],
     ["cannot use the database", "check --db"]),
    ("unknown-dialect", ["crawl", "--registry", str(REGISTRY), "--db", "mysqll://x"],
     ["'mysqll' is not supported", "sqlite:///"]),
    ("plain-path", ["crawl", "--registry", str(REGISTRY), "--db", "var/x.db"],
     ["not a URL", "sqlite:///var/x.db"]),
    ("set-not-a-number", ["crawl", "--registry", str(REGISTRY), "--set", "INSPECTOR_MAX_PAGES=abc"],
     ["INSPECTOR_MAX_PAGES", "whole number"]),
    ("set-bad-json", ["crawl", "--registry", str(REGISTRY), "--set", "INSPECTOR_CHECKS={bad"],
     ["INSPECTOR_CHECKS", "not JSON", "write e.g."]),
    ("set-typo", ["crawl", "--registry", str(REGISTRY), "--set", "INSPECTOR_SITE_CONCURENCY=3"],
     ["unknown setting INSPECTOR_SITE_CONCURENCY", "did you mean INSPECTOR_SITE_CONCURRENCY?"]),
    ("set-scrapy-typo", ["crawl", "--registry", str(REGISTRY), "--set", "DOWNLOAD_TIMEOT=3"],
     ["did you mean DOWNLOAD_TIMEOUT?"]),
    ("set-no-equals", ["crawl", "--registry", str(REGISTRY), "--set", "DOWNLOAD_TIMEOUT"],
     ["NAME=VALUE"]),
    ("set-bad-bool", ["crawl", "--registry", str(REGISTRY), "--set", "ROBOTSTXT_OBEY=maybe"],
     ["true or false"]),
    ("set-bad-network", ["crawl", "--registry", str(REGISTRY), "--set",
                         "INSPECTOR_BLOCKED_NETWORKS=169.254.0.0/16,metadata"],
     ["INSPECTOR_BLOCKED_NETWORKS", "'metadata' is not a network"]),
    ("set-no-url-budget", ["crawl", "--registry", str(REGISTRY), "--set", "INSPECTOR_MAX_URLS=0"],
     ["INSPECTOR_MAX_URLS", "at least 1"]),
    ("site-typo", ["crawl", "--registry", str(REGISTRY), "--site", "dem"],
     ["no site dem", "did you mean demo"]),
    ("bad-as-of", ["crawl", "--registry", str(REGISTRY), "--as-of", "2026-13-01"], ["YYYY-MM-DD"]),
    ("no-registry-file", ["crawl", "--registry", "nope.csv"], ["nope.csv", "cannot read"]),
    ("missing-option", ["crawl"], ["--registry", "inspector crawl --help"]),
    ("unknown-command", ["crawll"], ["No such command"]),
    ("export-missing-db", ["export", "--db", MISSING_DB], ["no inspector database", "check --db"]),
    ("export-xlsx-missing-db", ["export", "--format", "xlsx", "--out", "out/x.xlsx", "--db",
                                MISSING_DB], ["no inspector database"]),
    ("report-missing-db", ["report", "--db", MISSING_DB], ["no inspector database"]),
    ("explain-run-missing-db", ["explain", "--run", "1", "--url", "http://x.cn/", "--db",
                                MISSING_DB], ["no inspector database"]),
    ("check-missing-db", ["check", "--run", "1", "--db", MISSING_DB], ["no inspector database"]),
    ("db-current-missing-db", ["db", "current", "--db", MISSING_DB], ["no inspector database"]),
    ("prune-missing-db", ["prune", "--keep-runs", "2", "--db", MISSING_DB],
     ["no inspector database"]),
    ("nightly-lang", ["nightly", "--registry", str(REGISTRY), "--lang", "fr"],
     ["--lang", "'fr' is not one of"]),
    ("crawl-lang", ["crawl", "--registry", str(REGISTRY), "--lang", "fr"], ["--lang"]),
    ("fail-on-level", ["crawl", "--registry", str(REGISTRY), "--fail-on", "bad"], ["--fail-on"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "args,expected", [c[1:] for c in INSPECTOR_CASES], ids=[c[0] for c in INSPECTOR_CASES]
)
def test_inspector_refuses_bad_input(tmp_path: Path, args: list[str], expected: list[str]) -> None:
    args = [a.replace("{tmp}", str(tmp_path).lstrip("/")) for a in args]
    before = _snapshot(tmp_path)
    assert_refused(run_in(tmp_path, inspector(*args)), *expected)
    assert _snapshot(tmp_path) == before  # no database, folder, log or report created


def test_site_filters_of_read_only_commands_are_checked(tmp_path: Path) -> None:
    """`export`/`report --site nosuch` on a real database: an error, not an empty result."""
    from conftest_reports import ReportDB, broken

    from inspector.store.db import ensure_schema, get_engine

    url = f"sqlite:///{tmp_path / 'x.db'}"
    ensure_schema(get_engine(url))  # the real migrations, then rows through the models
    db = ReportDB.create(tmp_path / "x.db")
    site = db.site("demo-portal", "示例县人民政府", "https://www.demo.gov.cn/")
    db.run(site, date(2026, 11, 1), [broken("https://www.demo.gov.cn/a.html")])
    for command in (["export", "--site", "demo-portl"], ["report", "--site", "nosuch"]):
        line = assert_refused(run_in(tmp_path, inspector(*command, "--db", url)), "no site")
        assert "demo-portal" in line  # did you mean …? / the known sites
    assert not (tmp_path / "var").exists()  # no report folder


def test_malformed_clock_is_one_line(tmp_path: Path) -> None:
    for cmd in (
        inspector("export", "--db", f"sqlite:///{tmp_path}/x.db"),
        inspector("crawl", "--registry", str(REGISTRY)),
        [sys.executable, "-m", "inspector.ops.commands", "prune", "--keep-runs", "1"],
        scrapy("-a", "site_id=demo", "-a", f"registry={REGISTRY}"),
    ):
        assert_refused(run_in(tmp_path, cmd, INSPECTOR_NOW="yesterday"), "INSPECTOR_NOW")
    assert _snapshot(tmp_path) == set()


def test_malformed_database_url_in_the_environment(tmp_path: Path) -> None:
    done = run_in(tmp_path, inspector("export"), INSPECTOR_DB_URL="var/x.db")
    assert_refused(done, "sqlite:///var/x.db")
    assert _snapshot(tmp_path) == set()


SCRAPY_CASES = [
    ("no-argument", [], ["needs a site", "-a site_id=ID", "-a url="]),
    ("unknown-site", ["-a", "site_id=nosuch", "-a", f"registry={REGISTRY}"], ["no site nosuch"]),
    ("site-typo", ["-a", "site_id=dem", "-a", f"registry={REGISTRY}"], ["did you mean demo?"]),
    ("not-a-url", ["-a", "url=notaurl"], ["not a web address", "https://"]),
    ("unknown-argument", ["-a", "siteid=demo"], ["no argument -a siteid", "did you mean -a site_id"]),
    ("bad-as-of", ["-a", "url=http://127.0.0.1:9/", "-a", "as_of=2026-02-30"], ["YYYY-MM-DD"]),
    ("recheck-needs-site", ["-a", "url=http://127.0.0.1:9/", "-a", "recheck=1"], ["site_id"]),
    ("bad-recheck-flag", ["-a", "site_id=demo", "-a", "recheck=maybe"], ["recheck=1"]),
    ("a-without-equals", ["-a", "site_id"], ["NAME=VALUE"]),
    ("unknown-option", ["--bogus"], ["unknown option --bogus"]),
    ("setting-typo", ["-s", "INSPECTOR_MAX_PAGE=3", "-a", "url=http://127.0.0.1:9/"],
     ["did you mean INSPECTOR_MAX_PAGES?"]),
    ("setting-value", ["-s", "DOWNLOAD_TIMEOUT=soon", "-a", "url=http://127.0.0.1:9/"],
     ["DOWNLOAD_TIMEOUT"]),
    ("bad-db-url", ["-s", "INSPECTOR_DB_URL=var/x.db", "-a", "url=http://127.0.0.1:9/"],
     ["sqlite:///var/x.db"]),
    ("registry-missing", ["-a", "site_id=demo", "-a", "registry=nope.csv"], ["nope.csv"]),
    ("fail-on-level", ["--fail-on", "bad", "-a", "url=http://127.0.0.1:9/"], ["--fail-on"]),
]  # fmt: skip


@pytest.mark.parametrize(
    "args,expected", [c[1:] for c in SCRAPY_CASES], ids=[c[0] for c in SCRAPY_CASES]
)
def test_scrapy_crawl_site_refuses_bad_input(
    tmp_path: Path, args: list[str], expected: list[str]
) -> None:
    done = run_in(tmp_path, scrapy(*args), INSPECTOR_REGISTRY=str(REGISTRY))
    assert_refused(done, *expected)
    assert _snapshot(tmp_path) == set()


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    done = run_in(tmp_path, inspector("--debug", "export", "--db", "mysqll://x"))
    assert done.returncode == 2 and "Traceback" in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith("error: ")
