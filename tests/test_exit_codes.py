"""Exit codes of crawls that do not complete: a signal, or a site left unfinished, is exit 1.

Real `inspector crawl` and `scrapy crawl site` subprocesses crawl a slow site of the test
server; the test sends the signal once pages are being stored.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO

HEADER = "site_id,name,url,kind,status,organizer,site_code\n"


def _slow_site(n: int = 100) -> dict:
    """A chain of slow pages: each links to the next, so most are still unknown when the
    signal comes (the graceful stop finishes only the requests in flight)."""
    pages: dict = {
        "/": '<html><head><title>慢站</title></head><body><a href="p0.html">1</a></body></html>'
    }
    for i in range(n):
        body = f'<html><title>第{i}页</title><a href="p{i + 1}.html">下一页</a></html>'
        pages[f"/p{i}.html"] = {"body": body, "delay": 0.5}
    return pages


def _stored_pages(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as c:
            return int(c.execute("SELECT count(*) FROM page").fetchone()[0])
    except sqlite3.Error:
        return 0


def _run_and_signal(args: list[str], db: Path, sig: int) -> subprocess.CompletedProcess[str]:
    proc = subprocess.Popen(
        args, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and _stored_pages(db) < 2 and proc.poll() is None:
        time.sleep(0.2)
    assert proc.poll() is None, "the crawl ended before it could be interrupted"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=90)
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _statuses(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as c:
        return dict(c.execute("SELECT site_id, status FROM run").fetchall())


FAST = ["INSPECTOR_FLUSH_SECONDS=0.3", "INSPECTOR_SITE_CONCURRENCY=2", "INSPECTOR_PROGRESS=false"]


def _crawl_command(
    server, tmp_path: Path, name: str, processes: int, pages: int, extra: list[str]
) -> tuple[list[str], Path]:
    """`inspector crawl` of `processes` slow sites (one each); the command and its database."""
    registry = tmp_path / "sites.csv"
    rows = [
        f"{name}{i},慢站{i},{server.add_site(f'exit-{name}{i}', _slow_site(pages))},portal,active,,\n"
        for i in range(processes)
    ]
    registry.write_text(HEADER + "".join(rows), encoding="utf-8")
    db = tmp_path / "x.db"
    sets = [x for s in [*FAST, *extra] for x in ("--set", s)]
    command = [
        sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry),
        "--db", f"sqlite:///{db}", "--processes", str(processes),
        "--log-file", str(tmp_path / "crawl.log"), *sets,
    ]  # fmt: skip
    return command, db


@pytest.mark.parametrize(
    ("sig", "processes"), [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGINT, 2)]
)
def test_inspector_crawl_interrupted_exits_1(server, tmp_path: Path, sig: int, processes: int):
    command, db = _crawl_command(server, tmp_path, "slow", processes, 100, [])
    proc = _run_and_signal(command, db, sig)
    assert proc.returncode == 1, proc.stderr
    assert "error: the crawl was interrupted" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert set(_statuses(db).values()) <= {"interrupted"}


def test_scrapy_crawl_site_interrupted_exits_1(server, tmp_path: Path):
    db = tmp_path / "x.db"
    home = server.add_site("exit-slow-scrapy", _slow_site())
    sets = [x for s in FAST for x in ("-s", s)]
    proc = _run_and_signal(
        [
            sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"url={home}",
            "-s", f"INSPECTOR_DB_URL=sqlite:///{db}", "-s", "LOG_FILE=" + str(tmp_path / "log"), *sets,
        ],
        db,
        signal.SIGINT,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "error: the crawl was interrupted: 1 of 1 sites not finished" in proc.stderr
    assert _statuses(db) == {"127.0.0.1": "interrupted"}


def test_a_site_left_unfinished_is_exit_1_and_the_others_finish(server, tmp_path: Path):
    """No signal: the database refuses to mark one site finished (a stand-in for any failure
    to store a site's end). That site's run is interrupted, the other finishes, exit code 1."""
    from inspector.store.db import ensure_schema, get_engine

    db = tmp_path / "x.db"
    engine = get_engine(f"sqlite:///{db}")
    ensure_schema(engine)
    with engine.begin() as c:
        c.exec_driver_sql(
            "CREATE TRIGGER refuse_finish BEFORE UPDATE OF status ON run "
            "WHEN NEW.status = 'finished' AND NEW.site_id = 'bad' "
            "BEGIN SELECT RAISE(ABORT, 'refused by the test database'); END"
        )
    engine.dispose()
    registry = tmp_path / "sites.csv"
    registry.write_text(
        HEADER
        + f"bad,坏,{server.site_url('basic', '/')},portal,active,,\n"
        + f"good,好,{server.site_url('basic', '/a.html')},portal,active,,\n",
        encoding="utf-8",
    )
    proc = subprocess.run(
        [
            sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry),
            "--db", f"sqlite:///{db}", "--processes", "1", "--log-file", str(tmp_path / "log"),
        ],
        cwd=REPO, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "error: the crawl did not complete: 1 of 2 sites not finished (bad)" in proc.stderr
    assert _statuses(db) == {"bad": "interrupted", "good": "finished"}
    with sqlite3.connect(db) as c:
        reason, stats = c.execute(
            "SELECT finish_reason, stats FROM run WHERE site_id='bad'"
        ).fetchone()
    assert reason == "storing the site's results failed" and "refused by the test database" in stats


@pytest.mark.parametrize("processes", [1, 2])
def test_a_signal_while_the_crawler_is_made_is_a_graceful_stop(
    server, tmp_path: Path, processes: int
):
    """SIGINT before Scrapy's handlers are in place (an extension raises it while the crawler
    is being made): the crawl stops as on any Ctrl-C — exit 1, one line, no traceback."""
    extension = '{"setup_signal.SignalAtSetup": 0}'
    command, db = _crawl_command(
        server, tmp_path, "early", processes, 5, [f"EXTENSIONS={extension}"]
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join((str(REPO), str(REPO / "tests"))))
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 1, proc.stderr
    assert "error: the crawl was interrupted" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert "Unhandled error" not in proc.stderr
    assert f"{processes} of {processes} sites not finished" in proc.stderr
    assert set(_statuses(db).values()) <= {"interrupted"}  # stopped before or after a run began
