"""Scale-out: a coordinator enqueues sites on the real Redis, two worker processes crawl them
into one real PostgreSQL database; every site is crawled exactly once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from conftest import REPO, open_session
from sqlalchemy import func, select

from inspector.store.models import PageRow, RunRow

REDIS_URL = os.environ.get("INSPECTOR_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_key():
    import redis

    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
        client.ping()
    except Exception as exc:  # noqa: BLE001 - not reachable here, whatever the reason
        if os.environ.get("INSPECTOR_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis is required (INSPECTOR_REQUIRE_REDIS=1) but not reachable: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} not reachable ({exc}); set INSPECTOR_REDIS_URL")
    key = f"inspector-test:{uuid.uuid4().hex[:8]}"
    yield key
    client.delete(key)


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "inspector.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
    )


def test_two_workers_share_the_queue_and_the_database(
    server, pg_url, redis_key, tmp_path: Path
) -> None:
    names = [f"d{i}-{uuid.uuid4().hex[:6]}" for i in range(4)]
    rows = ["site_id,name,url,kind,status,organizer,site_code"]
    for name in names:
        pages = {
            "/": "".join(f'<a href="p{j}.html">第{j}页</a>' for j in range(5))
            + '<a href="missing.html">坏链</a>'
        }
        pages |= {
            f"/p{j}.html": {"body": f"<html><body>第{j}页</body></html>", "delay": 0.05}
            for j in range(5)
        }
        url = server.add_site(name, pages).replace("127.0.0.1", f"{name}.example")
        rows.append(f"{name},站点{name},{url},portal,active,,")
    rows.append("gone,已关停网站,http://gone.example/,portal,closed,,")
    registry = tmp_path / "sites.csv"
    registry.write_text("\n".join(rows) + "\n", encoding="utf-8")
    hosts = {f"{n}.example": "127.0.0.1" for n in names}
    common = [
        "--db",
        pg_url,
        "--redis",
        REDIS_URL,
        "--set",
        f"REDIS_START_URLS_KEY={redis_key}",
        "--set",
        "INSPECTOR_STATIC_HOSTS=" + json.dumps(hosts),
    ]

    proc = _cli(
        "enqueue",
        "--registry",
        str(registry),
        "--batch",
        "night-1",
        "--as-of",
        "2026-11-28",
        *common,
    )
    assert proc.returncode == 0, proc.stderr
    assert "4 sites queued" in proc.stdout

    worker = [
        sys.executable,
        "-m",
        "inspector.cli",
        "worker",
        "--batch",
        "night-1",
        "--as-of",
        "2026-11-28",
        *common,
        "--set",
        "MAX_IDLE_TIME_BEFORE_CLOSE=2",
        "--set",
        "INSPECTOR_WORKER_SITES=1",
        "--set",
        "LOG_LEVEL=INFO",
    ]
    procs = [
        subprocess.Popen(
            worker, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-2000:] for o in outputs]
    took = [o[1].count("worker took site") for o in outputs]
    assert sum(took) == 4

    with open_session(pg_url) as s:
        runs = s.scalars(select(RunRow).where(RunRow.batch == "night-1")).all()
        by_site = {r.site_id: r for r in runs}
        assert sorted(by_site) == sorted([*names, "gone"]) and len(runs) == 5  # each exactly once
        for name in names:
            run = by_site[name]
            assert run.status == "finished" and run.verdict is not None
            assert (
                s.scalar(select(func.count()).select_from(PageRow).where(PageRow.run_id == run.id))
                == 6
            )
        assert by_site["gone"].verdict == "closed_ok"

    # Enqueueing the same batch again queues nothing: every site is done.
    proc = _cli("enqueue", "--registry", str(registry), "--batch", "night-1", *common)
    assert proc.returncode == 0 and "0 sites queued, 4 already done" in proc.stdout
