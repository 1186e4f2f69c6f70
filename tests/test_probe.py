"""The availability probe: the real spider, real local servers, a real database.

Each probe runs in a subprocess (`python -m inspector.ops.commands probe` or `scrapy crawl probe`): the
command under test is the one cron runs, and Scrapy's reactor cannot restart in one process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ops_farm import REPO, ops_command, run
from servers import ServerProcess
from sqlalchemy import select

from inspector import clock
from inspector.store.db import get_engine, session_factory
from inspector.store.models import ProbeRow

TIMEOUT_SETTINGS = ("--set", "DOWNLOAD_TIMEOUT=1", "--set", "INSPECTOR_PROGRESS_INTERVAL=0.2")


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[ServerProcess, ServerProcess]]:
    with ServerProcess() as a, ServerProcess() as b:
        a.add_site(
            "good", {"/": "<html><head><title>县政府</title></head><body>首页</body></html>"}
        )
        a.add_site("blank", {"/": {"body": "   \n"}})
        a.add_site("oldsite", {"/": "<html><body>旧网站仍在运行</body></html>"})
        # A closed department in a directory of a shared host, redirecting to a registered site
        # in another directory of the same host.
        a.add_site(
            "olddept", {"/": {"status": 302, "headers": {"Location": "{{BASE}}/site/good/"}}}
        )
        b.add_site("county", {"/": "<html><body>合并后的门户</body></html>"})
        yield a, b


def registry(path: Path, a: ServerProcess, b: ServerProcess) -> Path:
    rows = [
        ("good", a.site_url("good"), "active"),
        ("blank", a.site_url("blank"), "active"),
        ("slow", a.url("/slow/5"), "active"),
        ("unavailable", a.url("/status/503"), "active"),
        ("refused", f"http://127.0.0.1:{a.dead_port}/", "active"),
        ("looping", a.url("/redirect-loop/a"), "active"),
        ("reset", a.url("/reset"), "active"),
        ("county", b.site_url("county"), "active"),
        # closed: one merged into the county portal (another registered site), one still online
        ("merged", a.url("/status/301?location=" + b.site_url("county")), "closed"),
        ("stillon", a.site_url("oldsite"), "closed"),
        ("olddept", a.site_url("olddept"), "closed"),
        ("exempt", a.site_url("good"), "exception"),
    ]
    lines = ["site_id,name,url,kind,status,organizer,site_code"]
    lines += [f"{sid},站点{sid},{url},department,{status},," for sid, url, status in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def samples(db_url: str) -> dict[str, ProbeRow]:
    engine = get_engine(db_url)
    with session_factory(engine)() as s:
        rows = {r.site_id: r for r in s.scalars(select(ProbeRow))}
    engine.dispose()
    return rows


def test_probe_stores_one_sample_per_site(
    db_url: str, servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = servers
    reg = registry(tmp_path / "sites.csv", a, b)
    before = clock.now()
    done = run(
        ops_command("probe", "--registry", str(reg), "--db", db_url, *TIMEOUT_SETTINGS),
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "probed 11 of 11 sites: ok 3, merged 2, failed 6" in done.stdout

    rows = samples(db_url)
    assert set(rows) == {
        "good",
        "blank",
        "slow",
        "unavailable",
        "refused",
        "looping",
        "reset",
        "county",
        "merged",
        "stillon",
        "olddept",
    }  # never the exception site
    outcome = {sid: r.outcome for sid, r in rows.items()}
    assert outcome == {
        "good": "ok",
        "blank": "bad_response",
        "slow": "timeout",
        "unavailable": "http_503",
        "refused": "connection_refused",
        "looping": "redirect_loop",
        "reset": "connection_reset",
        "county": "ok",
        "merged": "merged",
        "stillon": "ok",
        "olddept": "merged",
    }
    assert rows["good"].status == 200 and rows["good"].error == ""
    assert rows["blank"].error == "empty body"
    assert rows["unavailable"].status == 503
    assert rows["slow"].status is None and "1" in rows["slow"].error
    # The timeout is the download's, counted from when the request was sent (not queued).
    assert rows["slow"].elapsed_ms >= 900
    assert rows["merged"].final_url == b.site_url("county")
    assert rows["merged"].error == "answered by registered site county"
    assert rows["olddept"].final_url == a.site_url("good")
    assert rows["olddept"].error == "answered by registered site good"
    assert rows["looping"].final_url.endswith("/redirect-loop/a")
    for r in rows.values():
        assert before - timedelta(seconds=1) <= r.at <= clock.now()
        assert r.elapsed_ms is not None and r.elapsed_ms >= 0
    # Without a terminal, progress is plain log lines.
    assert "progress, final: 11/11 sites probed, 6 failed" in done.stderr


def test_probe_selection_options(
    sqlite_url: str, servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = servers
    reg = registry(tmp_path / "sites.csv", a, b)
    active = run(
        ops_command(
            "probe",
            "--registry",
            str(reg),
            "--db",
            sqlite_url,
            "--active-only",
            "--site",
            "good",
            "--site",
            "stillon",
            "--site",
            "county",
            *TIMEOUT_SETTINGS,
        ),
        cwd=tmp_path,
    )
    assert active.returncode == 0, active.stderr[-2000:]
    assert set(samples(sqlite_url)) == {"good", "county"}
    closed = run(
        ops_command(
            "probe", "--registry", str(reg), "--db", sqlite_url, "--closed-only", *TIMEOUT_SETTINGS
        ),
        cwd=tmp_path,
    )
    assert closed.returncode == 0, closed.stderr[-2000:]
    assert "probed 3 of 3 sites: ok 1, merged 2, failed 0" in closed.stdout


def test_probe_refuses_a_bad_registry(sqlite_url: str, tmp_path: Path) -> None:
    reg = tmp_path / "bad.csv"
    reg.write_text(
        "site_id,name,url,kind,status,organizer,site_code\nx,X,ftp://nope,portal,active,,\n",
        "utf-8",
    )
    done = run(ops_command("probe", "--registry", str(reg), "--db", sqlite_url), cwd=tmp_path)
    assert done.returncode == 2
    assert "line 2: bad URL" in done.stderr


def test_scrapy_crawl_probe_from_the_project_root(
    sqlite_url: str, servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    a, b = servers
    reg = registry(tmp_path / "sites.csv", a, b)
    env = {**os.environ, "INSPECTOR_DB_URL": sqlite_url, "PYTHONPATH": str(REPO)}
    cmd = [
        sys.executable,
        "-m",
        "scrapy",
        "crawl",
        "probe",
        "-a",
        f"registry={reg}",
        "-a",
        "site_id=merged",
        "-s",
        "DOWNLOAD_TIMEOUT=1",
    ]
    done = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = samples(sqlite_url)
    # Started with one site, the spider still knows the whole registry: `merged` is recognised.
    assert {sid: r.outcome for sid, r in rows.items()} == {"merged": "merged"}


def test_probe_samples_feed_the_availability_check(
    sqlite_url: str, servers: tuple[ServerProcess, ServerProcess], tmp_path: Path
) -> None:
    """Stored samples reach the checks through the snapshot: a closed site still online is a
    `closed_site_online` veto; an active site with one failed probe is incomplete monitoring."""
    from inspector.judge.checkrun import CheckConfig, check_run
    from inspector.registry import load_registry
    from inspector.store.runs import start_runs

    a, b = servers
    reg = registry(tmp_path / "sites.csv", a, b)
    done = run(
        ops_command(
            "probe",
            "--registry",
            str(reg),
            "--db",
            sqlite_url,
            "--site",
            "stillon",
            "--site",
            "merged",
            "--site",
            "refused",
            *TIMEOUT_SETTINGS,
        ),
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    sites = [s for s in load_registry(reg) if s.site_id in ("stillon", "merged", "refused")]
    config = CheckConfig(
        {"checks.availability.SiteUnreachable": 100, "checks.availability.ClosedSiteOnline": 110},
        {},
    )
    tomorrow = clock.today() + timedelta(
        days=1
    )  # the window is the whole days before the as-of date
    with session_factory(get_engine(sqlite_url))() as s:
        run_ids = start_runs(s, sites, tomorrow, "census2015", "probe-test")
        found: dict[str, list[Any]] = {}
        for sid, run_id in run_ids.items():
            found[sid] = [(f.check, f.severity.value) for f in check_run(s, run_id, config)]
    assert found["stillon"] == [("closed_site_online", "veto")]
    assert found["merged"] == []
    assert found["refused"] == [("availability", "info")]
