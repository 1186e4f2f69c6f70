"""Storage on SQLite and on the real PostgreSQL; batches; crash safety; re-checks; export schema."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import pytest_twisted
from conftest import REPO, crawl, open_session, site
from sqlalchemy import func, select

from inspector.store.db import get_engine, upsert
from inspector.store.models import FindingRow, LinkRow, PageRow, RunRow, SiteRow, TargetRow
from reports.export import export_data

VOLATILE = {"generated_at", "run_id", "started_at", "finished_at"}


def _stable(data: dict) -> dict:
    """The export without ids and timestamps, for comparing two databases."""

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return clean(data)


@pytest_twisted.ensureDeferred
async def test_crawl_stores_the_same_on_sqlite_and_postgresql(server, sqlite_url, pg_url):
    home = server.site_url("basic", "/")
    exports = []
    for url in (sqlite_url, pg_url):
        runs = await crawl([site("basic", home, site_code="3609220001")], url)
        with open_session(url) as s:
            run = s.get(RunRow, runs["basic"])
            assert run.status == "finished" and run.finished_at is not None
            pages = s.scalar(
                select(func.count()).select_from(PageRow).where(PageRow.run_id == run.id)
            )
            links = s.scalar(
                select(func.count()).select_from(LinkRow).where(LinkRow.run_id == run.id)
            )
            assert pages == run.pages_crawled >= 6 and links > pages
            exports.append(_stable(export_data(s)))
    assert exports[0] == exports[1]
    broken = [f for f in exports[0]["sites"][0]["findings"] if f["check"] == "broken_link"]
    assert {f["detail"]["reason"] for f in broken} == {"http_404", "connection_refused"}


def test_upsert_is_idempotent_on_both_dialects(db_url):
    from inspector.store.db import ensure_schema

    engine = get_engine(db_url)
    ensure_schema(engine)
    row = {
        "site_id": "x",
        "name": "甲",
        "url": "http://a.gov.cn/",
        "kind": "portal",
        "status": "active",
        "organizer": "",
        "site_code": "",
    }
    with open_session(db_url) as s:
        upsert(s, SiteRow, [row], ["site_id"])
        upsert(s, SiteRow, [{**row, "name": "乙"}], ["site_id"])
        s.commit()
        assert s.scalars(select(SiteRow)).one().name == "乙"


@pytest_twisted.ensureDeferred
async def test_check_rerun_replaces_findings_without_duplicates(server, sqlite_url):
    runs = await crawl([site("basic", server.site_url("basic", "/"))], sqlite_url)
    run_id = runs["basic"]

    def count() -> int:
        with open_session(sqlite_url) as s:
            return s.scalar(
                select(func.count()).select_from(FindingRow).where(FindingRow.run_id == run_id)
            )

    before = count()
    assert before > 0
    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "check", "--run", str(run_id), "--db", sqlite_url],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "broken_link" in proc.stdout
    assert count() == before
    # Disabling a check through settings, as Scrapy does with None, removes its findings.
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "inspector.cli",
            "check",
            "--run",
            str(run_id),
            "--db",
            sqlite_url,
            "--set",
            'INSPECTOR_CHECKS={"checks.links.BrokenLinks": null}',
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    with open_session(sqlite_url) as s:
        checks = set(s.scalars(select(FindingRow.check).where(FindingRow.run_id == run_id)))
    assert "broken_link" not in checks


def test_export_json_schema(server, sqlite_url, tmp_path):
    """The documented export keys, via the real `scrapy crawl` and `inspector export` commands."""
    home = server.site_url("basic", "/")
    env = {**os.environ, "INSPECTOR_DB_URL": sqlite_url}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "site",
            "-a",
            f"url={home}",
            "-s",
            "LOG_LEVEL=WARNING",
            "-s",
            "DOWNLOAD_TIMEOUT=3",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = tmp_path / "export.json"
    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "export", "--format", "json", "--out", str(out)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"generated_at", "as_of", "sites"} <= set(data)
    rec = data["sites"][0]
    assert {
        "site_id",
        "url",
        "status",
        "run_id",
        "pages_crawled",
        "score",
        "verdict",
        "findings",
    } <= set(rec)
    assert rec["site_id"] == "127.0.0.1" and rec["url"] == home
    assert rec["pages_crawled"] >= 6
    broken = [f for f in rec["findings"] if f["check"] == "broken_link"]
    assert broken
    for f in rec["findings"]:
        assert {"check", "severity", "url", "detail"} <= set(f)
        assert f["severity"] in ("veto", "major", "minor", "info")
    for f in broken:
        assert {"reason", "status", "sources", "source_count", "on_home_page", "element"} <= set(
            f["detail"]
        )
        assert isinstance(f["detail"]["on_home_page"], bool)
    csv_proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "export", "--format", "csv"],
        capture_output=True,
        cwd=REPO,
        timeout=120,
        env=env,
    )
    assert csv_proc.returncode == 0
    assert csv_proc.stdout.startswith("\ufeff".encode())
    assert "broken_link" in csv_proc.stdout.decode("utf-8")


def _slow_site(n: int) -> dict:
    pages = {"/": "".join(f'<a href="p{i}.html">第{i}页</a>' for i in range(n))}
    for i in range(n):
        pages[f"/p{i}.html"] = {
            "body": f"<html><title>第{i}页</title><body><a href='x{i}.png'>图</a></body></html>",
            "delay": 0.05,
        }
    return pages


def test_kill_mid_crawl_loses_at_most_the_last_batch(server, tmp_path: Path):
    """SIGKILL during a crawl: what was flushed stays, the run is left unfinished, not complete.

    Scrapy logs every item that went through the pipeline ("Scraped from …" at DEBUG); the
    pages among them that are not in the database after the kill are what the crash lost.
    """
    batch = 40
    home = server.add_site("slowbig", _slow_site(300))
    db = f"sqlite:///{tmp_path / 'crash.db'}"
    log = tmp_path / "crawl.log"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                "site",
                "-a",
                f"url={home}",
                "-s",
                f"INSPECTOR_DB_URL={db}",
                "-s",
                f"INSPECTOR_BATCH_SIZE={batch}",
                "-s",
                "INSPECTOR_FLUSH_SECONDS=60",
                "-s",
                "LOG_LEVEL=DEBUG",
                "-s",
                "INSPECTOR_SITE_CONCURRENCY=4",
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and log.read_bytes().count(b"PageItem(") < 100:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    scraped = log.read_text(encoding="utf-8", errors="replace").count("PageItem(")
    engine = get_engine(db)
    with open_session(db) as s:
        run = s.scalars(select(RunRow)).one()
        assert run.status == "running" and run.finished_at is None  # unfinished, never "complete"
        stored_pages = s.scalar(select(func.count()).select_from(PageRow))
        dupes = s.execute(
            select(TargetRow.url).group_by(TargetRow.url).having(func.count() > 1)
        ).all()
    engine.dispose()
    assert not dupes
    assert scraped >= 100 and stored_pages > 0
    # A page is at least 3 buffered rows (page, target, link): one batch holds fewer pages.
    assert scraped - stored_pages <= batch // 3 + 1


@pytest.mark.parametrize("naming", ["argument", "setting"])
def test_scrapy_crawl_a_registered_site_by_id(server, tmp_path: Path, naming: str) -> None:
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        f"basic,基础站点,{server.site_url('basic', '/')},portal,active,基础站点办公室,\n"
        "other,其他站点,http://127.0.0.1:9/,portal,active,,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'one.db'}"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "site",
            "-a",
            "site_id=basic",
            *(
                ["-a", f"registry={registry}"]
                if naming == "argument"
                else ["-s", f"INSPECTOR_REGISTRY={registry}"]
            ),
            "-s",
            f"INSPECTOR_DB_URL={db}",
            "-s",
            "LOG_LEVEL=WARNING",
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    with open_session(db) as s:
        runs = s.scalars(select(RunRow)).all()
        assert [(r.site_id, r.status) for r in runs] == [
            ("basic", "finished")
        ]  # only the one asked for
        assert s.get(SiteRow, "basic").organizer == "基础站点办公室"
