"""`inspector crawl` losing its PostgreSQL mid-crawl: a TCP proxy of the test's own
(tests/tcpproxy.py) stands between the crawl and the database and is cut while a site is
crawled. Back within INSPECTOR_STORE_OUTAGE_SECONDS, nothing is lost; gone for good, the crawl
exits 1 saying so and its run is never finished (before: `finished` with the pages it could
store, exit 0)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from conftest import REPO, open_session
from sqlalchemy import func, select

from inspector.store.models import PageRow, RunRow


def _chain(n: int) -> dict[str, Any]:
    pages: dict[str, Any] = {"/": '<html><body><a href="p0.html">1</a></body></html>'}
    for i in range(n):
        body = f'<html><body><a href="p{i + 1}.html">下一页</a></body></html>'
        pages[f"/p{i}.html"] = {"body": body, "delay": 0.5}
    pages[f"/p{n}.html"] = "<html><body>完</body></html>"
    return pages


def _stored(pg_url: str) -> tuple[list[str], int]:
    """(statuses of the runs, pages stored); nothing before the crawl made its tables."""
    from sqlalchemy.exc import ProgrammingError

    try:
        with open_session(pg_url) as s:
            statuses = list(s.scalars(select(RunRow.status)))
            pages = s.scalar(select(func.count()).select_from(PageRow)) or 0
    except ProgrammingError:
        return [], 0
    return statuses, pages


def _crawl(server: Any, proxied: str, pg_url: str, tmp_path: Path) -> tuple[Any, str]:
    """`inspector crawl` of a chain of 10 slow pages through the proxy, once 2 pages are
    stored: the process and the site_id."""
    name = f"c-{uuid.uuid4().hex[:6]}"
    url = server.add_site(name, _chain(10))
    registry = tmp_path / "sites.csv"
    registry.write_text(
        f"site_id,name,url,kind,status,organizer,site_code\n{name},站,{url},portal,active,,\n",
        encoding="utf-8",
    )
    cmd = [sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry)]
    cmd += ["--db", proxied, "--processes", "1", "--log-file", str(tmp_path / "c.log")]
    for setting in (
        "INSPECTOR_FLUSH_SECONDS=0.2",
        "INSPECTOR_SITE_CONCURRENCY=1",
        "INSPECTOR_STORE_OUTAGE_SECONDS=4",
    ):
        cmd += ["--set", setting]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while _stored(pg_url)[1] < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    return proc, name


def test_the_database_back_within_the_outage_the_crawl_stores_every_page(
    server, pg_url, pg_proxy, tmp_path: Path
) -> None:
    proxied, proxy = pg_proxy
    proc, _ = _crawl(server, proxied, pg_url, tmp_path)
    try:
        proxy.cut()
        time.sleep(3)
        proxy.restore()
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "the database is unreachable" in err  # said while it happened
    log = (tmp_path / "c.log").read_text(encoding="utf-8")
    assert "the database answers again after" in log
    assert _stored(pg_url) == (["finished"], 12)  # the home page and 11 pages: none lost


def test_the_database_gone_for_good_the_crawl_exits_1_and_finishes_nothing(
    server, pg_url, pg_proxy, tmp_path: Path
) -> None:
    proxied, proxy = pg_proxy
    proc, name = _crawl(server, proxied, pg_url, tmp_path)
    try:
        proxy.cut()  # never restored
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 1, err
    lines = err.strip().splitlines()
    assert f"error: site {name} not finished: run 1 could not be stored whole" in err
    assert lines[-1].startswith(
        "error: the crawl's results cannot be read: the database is unreachable"
    ), lines[-1]
    assert "Traceback" not in err
    statuses, pages = _stored(pg_url)
    assert statuses == ["running"] and pages < 12  # never reported finished
