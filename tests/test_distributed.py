"""Scale-out: a coordinator enqueues sites on the real Redis, worker processes crawl them into
one real PostgreSQL database; every site is finished exactly once, also when a worker is killed
with SIGKILL in the middle of a site (its lease expires and another worker takes the site over),
the workers share the sites (no worker holds more than INSPECTOR_WORKER_SITES at once), and an
unreachable Redis or database is one line and a non-zero exit, never an empty success."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

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


# ---- leases, fairness, failures -----------------------------------------------------------------


def _registry(
    server: Any, tmp_path: Path, names: list[str], pages: int, delay: float, chain: bool = False
) -> Path:
    """Sites of a home page and `pages` pages answering after `delay`: all linked from the
    home page, or (`chain`) each linking to the next, so that a crawl cut short stays cut."""
    rows = ["site_id,name,url,kind,status,organizer,site_code"]
    for name in names:
        site = {"/": "".join(f'<a href="p{j}.html">第{j}页</a>' for j in range(pages))}
        site |= {
            f"/p{j}.html": {"body": f"<html><body>第{j}页</body></html>", "delay": delay}
            for j in range(pages)
        }
        if chain:
            site["/"] = '<a href="p0.html">第0页</a>'
            for j in range(pages - 1):
                site[f"/p{j}.html"]["body"] = f'<html><body><a href="p{j + 1}.html">下页</a>'
        url = server.add_site(name, site).replace("127.0.0.1", f"{name}.example")
        rows.append(f"{name},站点{name},{url},portal,active,,")
    registry = tmp_path / f"sites-{uuid.uuid4().hex[:6]}.csv"
    registry.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return registry


def _common(pg_url: str, redis_url: str, key: str, names: list[str]) -> list[str]:
    hosts = {f"{n}.example": "127.0.0.1" for n in names}
    return [
        "--db",
        pg_url,
        "--redis",
        redis_url,
        "--set",
        f"REDIS_START_URLS_KEY={key}",
        "--set",
        "INSPECTOR_STATIC_HOSTS=" + json.dumps(hosts),
    ]


def _worker(
    common: list[str], log: Path, *settings: str, batch: str = "b1"
) -> subprocess.Popen[str]:
    """A real `inspector worker` process; its log (stderr) goes to `log`."""
    cmd = [sys.executable, "-m", "inspector.cli", "worker", "--batch", batch]
    cmd += ["--as-of", "2026-11-28", *common, "--set", "LOG_LEVEL=INFO"]
    for setting in settings:
        cmd += ["--set", setting]
    return subprocess.Popen(
        cmd,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=log.open("w", encoding="utf-8"),
        text=True,
    )


def _wait_for(what: str, condition: Any, timeout: float = 90) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _took(log: Path) -> list[tuple[str, int, int]]:
    """(site, in flight, limit) of every "worker took site" line of a worker's log."""
    text = log.read_text(encoding="utf-8") if log.exists() else ""
    return [
        (m[1], int(m[2]), int(m[3]))
        for m in re.finditer(r"worker took site (\S+) \(.*?\): run \d+, (\d+)/(\d+) sites", text)
    ]


def _runs(pg_url: str, batch: str) -> dict[str, list[RunRow]]:
    with open_session(pg_url) as s:
        runs: dict[str, list[RunRow]] = {}
        for run in s.scalars(select(RunRow).where(RunRow.batch == batch).order_by(RunRow.id)):
            runs.setdefault(run.site_id, []).append(run)
        return runs


def _pages(pg_url: str, run_id: int) -> int:
    with open_session(pg_url) as s:
        return s.scalar(select(func.count()).select_from(PageRow).where(PageRow.run_id == run_id))


def test_a_killed_worker_s_site_is_taken_over_after_its_lease_and_finished_once(
    server, pg_url, redis_key, tmp_path: Path
) -> None:
    names = [f"k{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    registry = _registry(server, tmp_path, names, pages=8, delay=1.0)  # ~9 s a site, one at a time
    common = _common(pg_url, REDIS_URL, redis_key, names)
    proc = _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common)
    assert proc.returncode == 0, proc.stderr
    settings = (
        "INSPECTOR_WORKER_SITES=1",
        "INSPECTOR_LEASE_SECONDS=3",
        "MAX_IDLE_TIME_BEFORE_CLOSE=2",
        "INSPECTOR_SITE_CONCURRENCY=1",
        "INSPECTOR_FLUSH_SECONDS=0.2",
    )
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    victim, survivor = (_worker(common, log, *settings) for log in logs)
    try:
        # Each takes one site; the victim is killed once part of its site is stored.
        _wait_for("both workers to take a site", lambda: all(_took(log) for log in logs))
        site = _took(logs[0])[0][0]
        run_id = _runs(pg_url, "b1")[site][0].id
        _wait_for("a part of the site to be stored", lambda: _pages(pg_url, run_id) >= 2)
        victim.send_signal(signal.SIGKILL)
        victim.wait(10)
        out, _ = survivor.communicate(timeout=120)
    finally:
        for p in (victim, survivor):
            if p.poll() is None:
                p.kill()
    log = logs[1].read_text(encoding="utf-8")
    assert survivor.returncode == 0, log[-3000:]
    assert "1 sites put back on the queue: their lease expired" in log
    assert sorted(s for s, _, _ in _took(logs[1])) == sorted(names)  # its own, then the victim's
    assert "2 sites taken, 2 finished here" in out

    runs = _runs(pg_url, "b1")
    for name in names:
        finished = [r for r in runs[name] if r.status == "finished"]
        assert len(finished) == 1, [(r.id, r.status) for r in runs[name]]  # finished once
        assert _pages(pg_url, finished[0].id) == 9 and finished[0].verdict is not None
    cut = runs[site][0]
    assert cut.id == run_id and cut.status == "abandoned" and _pages(pg_url, run_id) == 0
    assert "lease expired" in cut.finish_reason
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    assert client.llen(redis_key) == 0 and client.zcard(f"{redis_key}:leases") == 0


def test_two_workers_share_the_sites_without_exceeding_their_limit(
    server, pg_url, redis_key, tmp_path: Path
) -> None:
    names = [f"f{i}-{uuid.uuid4().hex[:6]}" for i in range(8)]
    registry = _registry(server, tmp_path, names, pages=4, delay=0.5)
    common = _common(pg_url, REDIS_URL, redis_key, names)
    assert _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common).returncode == 0
    settings = ("INSPECTOR_WORKER_SITES=2", "MAX_IDLE_TIME_BEFORE_CLOSE=2")
    settings += ("INSPECTOR_SITE_CONCURRENCY=1", "INSPECTOR_PROGRESS_INTERVAL=1")
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    procs = [_worker(common, log, *settings) for log in logs]
    outs = [p.communicate(timeout=180)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [log.read_text()[-2000:] for log in logs]

    took = [_took(log) for log in logs]
    assert all(took), took  # each worker took some of the sites
    assert sorted(s for t in took for s, _, _ in t) == sorted(names)
    assert all(n <= limit == 2 for t in took for _, n, limit in t)
    runs = _runs(pg_url, "b1")
    assert all(len(runs[n]) == 1 and runs[n][0].status == "finished" for n in names)
    tokens = [re.search(r"^worker (\S+):", out, re.M)[1] for out in outs]  # type: ignore[index]
    assert {r[0].stats["worker"] for r in runs.values()} == set(tokens)
    for token, t in zip(tokens, took, strict=True):
        mine = [r[0] for r in runs.values() if r[0].stats["worker"] == token]
        assert sorted(r.site_id for r in mine) == sorted(s for s, _, _ in t)
        # In the database too: at no moment more than 2 of its runs open.
        for run in mine:
            assert sum(1 for r in mine if r.started_at <= run.started_at < r.finished_at) <= 2
    line = next(
        line for log in logs for line in log.read_text().splitlines() if "progress: worker" in line
    )
    assert re.search(r"\d/2 sites in flight.*queue: \d+ waiting, \d+ leased", line), line


def test_unreachable_redis_or_database_at_start_is_one_line_and_exit_2(tmp_path: Path) -> None:
    closed = _closed_port()
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        "a,站点,http://a.example/,portal,active,,\n",
        encoding="utf-8",
    )
    db = f"sqlite:///{tmp_path / 'x.db'}"
    for args in (
        ("worker", "--db", db, "--redis", f"redis://127.0.0.1:{closed}/0"),
        (
            "enqueue",
            "--registry",
            str(registry),
            "--db",
            db,
            "--redis",
            f"redis://127.0.0.1:{closed}/0",
        ),
        (
            "worker",
            "--db",
            f"postgresql+psycopg://postgres@127.0.0.1:{closed}/x",
            "--redis",
            REDIS_URL,
        ),
        (
            "enqueue",
            "--registry",
            str(registry),
            "--db",
            f"postgresql+psycopg://postgres@127.0.0.1:{closed}/x",
            "--redis",
            REDIS_URL,
        ),
    ):
        proc = _cli(*args, timeout=60)
        assert proc.returncode == 2, (args, proc.stderr)
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: cannot"), proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "x.db").exists()  # Redis unreachable: nothing written


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A Redis server of our own, to lose in the middle of a run."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("INSPECTOR_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required (INSPECTOR_REQUIRE_REDIS=1) but not installed")
        pytest.skip("redis-server not installed")
    port = _closed_port()
    proc = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    import redis

    url = f"redis://127.0.0.1:{port}/0"
    _wait_for("the private Redis", lambda: _pings(redis.Redis.from_url(url)), 20)
    yield url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait(10)


def _pings(client: Any) -> bool:
    try:
        return bool(client.ping())
    except Exception:  # noqa: BLE001 - not up yet
        return False


def test_redis_lost_mid_run_is_retried_and_never_an_empty_success(
    server, pg_url, private_redis, tmp_path: Path
) -> None:
    url, redis_proc = private_redis
    names = [f"r{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    registry = _registry(server, tmp_path, names, pages=6, delay=0.5)
    common = _common(pg_url, url, "q", names)
    assert _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common).returncode == 0
    log = tmp_path / "w.log"
    worker = _worker(
        common,
        log,
        "INSPECTOR_WORKER_SITES=1",
        "INSPECTOR_LEASE_SECONDS=3",
        "INSPECTOR_WORKER_OUTAGE_SECONDS=6",
        "INSPECTOR_SITE_CONCURRENCY=1",
        'REDIS_PARAMS={"socket_timeout": 2, "socket_connect_timeout": 2}',
    )
    try:
        _wait_for("the worker to take a site", lambda: _took(log))
        redis_proc.kill()  # the queue is gone while the site is crawled
        out, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
    text = log.read_text(encoding="utf-8")
    assert worker.returncode == 1, text[-3000:]
    assert "stopped: queue_unreachable" in out and "1 finished here" in out
    assert "cannot take sites: Redis unreachable" in text and "retrying" in text
    runs = _runs(pg_url, "b1")
    taken = _took(log)[0][0]
    assert [r.status for r in runs[taken]] == ["finished"]  # what it had, it finished
    assert set(runs) == {taken}  # the other site was never taken: not reported done


def test_redis_lost_mid_run_and_back_the_worker_retries_with_backoff_and_goes_on(
    server, pg_url, redis_key, tmp_path: Path
) -> None:
    """Redis out of reach for 6 s (the worker reaches it through a proxy of the test's own,
    which the test cuts): the site in hand is finished, the next take is retried with a
    backoff, and once Redis answers the worker takes the other site and ends normally."""
    from sqlalchemy.engine import make_url
    from tcpproxy import TcpProxy

    real = make_url(REDIS_URL.replace("redis://", "postgresql://"))  # host and port only
    names = [f"b{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    registry = _registry(server, tmp_path, names, pages=6, delay=0.5, chain=True)
    with TcpProxy(real.host or "127.0.0.1", real.port or 6379) as proxy:
        proxied = f"redis://127.0.0.1:{proxy.port}/0"
        common = _common(pg_url, proxied, redis_key, names)
        enqueued = _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common)
        assert enqueued.returncode == 0, enqueued.stderr
        log = tmp_path / "w.log"
        worker = _worker(
            common,
            log,
            "INSPECTOR_WORKER_SITES=1",
            "INSPECTOR_SITE_CONCURRENCY=1",
            "INSPECTOR_FLUSH_SECONDS=0.2",
            "MAX_IDLE_TIME_BEFORE_CLOSE=2",
            'REDIS_PARAMS={"socket_timeout": 2, "socket_connect_timeout": 2}',
        )
        try:
            _wait_for("the worker to take a site", lambda: _took(log))
            run_id = _runs(pg_url, "b1")[_took(log)[0][0]][0].id
            _wait_for("a part of the site to be stored", lambda: _pages(pg_url, run_id) >= 2)
            proxy.cut()
            time.sleep(6)
            proxy.restore()
            out, _ = worker.communicate(timeout=120)
        finally:
            if worker.poll() is None:
                worker.kill()
    text = log.read_text(encoding="utf-8")
    assert worker.returncode == 0, text[-3000:]
    assert "2 sites taken, 2 finished here, 0 given back to the queue; stopped: finished" in out
    assert "cannot take sites: Redis unreachable" in text
    assert re.search(r"Redis answers again after \d+ s", text), text[-3000:]
    runs = _runs(pg_url, "b1")
    assert sorted(runs) == sorted(names)
    assert all([r.status for r in runs[n]] == ["finished"] for n in names)  # each once
    assert all(_pages(pg_url, runs[n][0].id) == 7 for n in names)


def test_a_stopped_worker_gives_its_sites_back_at_once(
    server, pg_url, redis_key, tmp_path: Path
) -> None:
    names = [f"t-{uuid.uuid4().hex[:6]}"]
    registry = _registry(server, tmp_path, names, pages=6, delay=1.0, chain=True)
    common = _common(pg_url, REDIS_URL, redis_key, names)
    assert _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common).returncode == 0
    settings = ("INSPECTOR_SITE_CONCURRENCY=1", "INSPECTOR_FLUSH_SECONDS=0.2")
    first = _worker(common, tmp_path / "first.log", *settings)
    try:
        _wait_for("the worker to take the site", lambda: _took(tmp_path / "first.log"))
        run_id = _runs(pg_url, "b1")[names[0]][0].id
        _wait_for("a part of the site to be stored", lambda: _pages(pg_url, run_id) >= 1)
        first.send_signal(signal.SIGTERM)
        out, _ = first.communicate(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 1 and "1 given back to the queue; stopped: shutdown" in out, out
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    # Back on the queue at once, no lease to wait for (the default lease is minutes).
    assert client.llen(redis_key) == 1 and client.zcard(f"{redis_key}:leases") == 0
    assert _runs(pg_url, "b1")[names[0]][0].status == "interrupted"

    second = _worker(common, tmp_path / "second.log", *settings, "MAX_IDLE_TIME_BEFORE_CLOSE=1")
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, (tmp_path / "second.log").read_text()[-2000:]
    runs = _runs(pg_url, "b1")[names[0]]
    assert [r.status for r in runs] == ["abandoned", "finished"]
    assert _pages(pg_url, runs[0].id) == 0 and _pages(pg_url, runs[1].id) == 7


def test_enqueue_puts_the_largest_sites_first(redis_key, tmp_path: Path) -> None:
    from inspector.registry import Site
    from inspector.store.db import ensure_schema, get_engine, session_factory
    from inspector.store.runs import start_runs

    db = f"sqlite:///{tmp_path / 'sizes.db'}"
    ensure_schema(get_engine(db))
    sites = [Site(x, x, f"http://{x}.example/", "portal", "active") for x in "abcd"]
    with session_factory(get_engine(db))() as s:
        runs = start_runs(s, sites[:3], date(2026, 11, 27), "census2015", "last-night")
        for site_id, size in (("a", 10), ("b", 900), ("c", 50)):
            run = s.get_one(RunRow, runs[site_id])
            run.status, run.targets_checked = "finished", size
        s.commit()
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\n"
        + "".join(f"{x},站点{x},http://{x}.example/,portal,active,,\n" for x in "abcd"),
        encoding="utf-8",
    )
    proc = _cli(
        "enqueue",
        "--registry",
        str(registry),
        "--db",
        db,
        "--batch",
        "tonight",
        "--redis",
        REDIS_URL,
        "--set",
        f"REDIS_START_URLS_KEY={redis_key}",
    )
    assert proc.returncode == 0, proc.stderr
    import redis

    queued = redis.Redis.from_url(REDIS_URL).lrange(redis_key, 0, -1)
    # Never crawled first (it may be the largest of all), then by last night's URLs.
    assert [json.loads(r)["site"]["site_id"] for r in queued] == ["d", "b", "c", "a"]


# ---- PostgreSQL lost mid-run: the worker reaches the database through a proxy we can cut -------


def _lost_pg_worker(
    server: Any,
    pg_url: str,
    proxied: str,
    key: str,
    tmp_path: Path,
    names: list[str],
    *settings: str,
) -> tuple[subprocess.Popen[str], Path]:
    """A worker on `names` (chained pages, so a site takes seconds) through the proxy, once
    it has taken its first site and stored a part of it."""
    registry = _registry(server, tmp_path, names, pages=8, delay=0.5, chain=True)
    common = _common(proxied, REDIS_URL, key, names)
    assert _cli("enqueue", "--registry", str(registry), "--batch", "b1", *common).returncode == 0
    log = tmp_path / "w.log"
    base = ("INSPECTOR_WORKER_SITES=1", "INSPECTOR_SITE_CONCURRENCY=1")
    worker = _worker(common, log, *base, "INSPECTOR_FLUSH_SECONDS=0.2", *settings)
    _wait_for("the worker to take a site", lambda: _took(log))
    run_id = _runs(pg_url, "b1")[_took(log)[0][0]][0].id
    _wait_for("a part of the site to be stored", lambda: _pages(pg_url, run_id) >= 2)
    return worker, log


def test_postgresql_lost_mid_site_is_retried_with_backoff_and_the_site_finished_once_whole(
    server, pg_url, pg_proxy, redis_key, tmp_path: Path
) -> None:
    proxied, proxy = pg_proxy
    names = [f"p{i}-{uuid.uuid4().hex[:6]}" for i in range(2)]
    worker, log = _lost_pg_worker(
        server, pg_url, proxied, redis_key, tmp_path, names, "MAX_IDLE_TIME_BEFORE_CLOSE=2"
    )
    try:
        proxy.cut()  # the database is gone while the site is crawled: its rows are held
        time.sleep(6)
        proxy.restore()
        out, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
    text = log.read_text(encoding="utf-8")
    assert worker.returncode == 0, text[-3000:]
    assert "2 sites taken, 2 finished here, 0 given back to the queue; stopped: finished" in out
    assert "the database is unreachable (OperationalError" in text
    # Tried again with a backoff (1 s, 2 s, 4 s …), not at every flush of 0.2 s.
    waits = [
        int(w) for w in re.findall(r"still unreachable after \d+ s: next try in (\d+) s", text)
    ]
    assert waits[:2] == [2, 4] and len(waits) <= 3, waits
    assert re.search(r"the database answers again after \d+ s: \d+ held rows written", text)

    runs = _runs(pg_url, "b1")
    assert sorted(runs) == sorted(names)
    for name in names:
        assert [r.status for r in runs[name]] == ["finished"]  # exactly once
        run = runs[name][0]
        assert _pages(pg_url, run.id) == 9 and run.pages_crawled == 9  # nothing lost
        assert "store_errors" not in run.stats and run.verdict is not None
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    assert client.llen(redis_key) == 0 and client.zcard(f"{redis_key}:leases") == 0


def test_postgresql_lost_for_good_the_worker_gives_the_site_back_and_exits_1(
    server, pg_url, pg_proxy, redis_key, tmp_path: Path
) -> None:
    proxied, proxy = pg_proxy
    names = [f"g-{uuid.uuid4().hex[:6]}"]
    outage = ("INSPECTOR_STORE_OUTAGE_SECONDS=3", "INSPECTOR_WORKER_OUTAGE_SECONDS=3")
    worker, log = _lost_pg_worker(server, pg_url, proxied, redis_key, tmp_path, names, *outage)
    run_id = _runs(pg_url, "b1")[names[0]][0].id
    try:
        proxy.cut()  # and never restored
        out, _ = worker.communicate(timeout=120)
    finally:
        if worker.poll() is None:
            worker.kill()
    text = log.read_text(encoding="utf-8")
    assert worker.returncode == 1, text[-3000:]
    # One line says why, and it is not a success.
    assert (
        out.strip()
        .splitlines()[-1]
        .endswith("0 finished here, 1 given back to the queue; stopped: database_unreachable")
    ), out
    assert f"site {names[0]} not finished: run {run_id} could not be stored whole" in text
    # The site is back on the queue, leased by nobody; its run was never finished.
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    assert client.llen(redis_key) == 1 and client.zcard(f"{redis_key}:leases") == 0
    assert [r.status for r in _runs(pg_url, "b1")[names[0]]] == ["running"]

    # Another worker, with the database back, takes the site over and finishes it once, whole.
    common = _common(pg_url, REDIS_URL, redis_key, names)
    second = _worker(common, tmp_path / "second.log", "MAX_IDLE_TIME_BEFORE_CLOSE=1")
    out, _ = second.communicate(timeout=120)
    assert second.returncode == 0, (tmp_path / "second.log").read_text()[-2000:]
    runs = _runs(pg_url, "b1")[names[0]]
    assert [r.status for r in runs] == ["abandoned", "finished"]
    assert _pages(pg_url, runs[0].id) == 0 and _pages(pg_url, runs[1].id) == 9
