"""Several crawler processes on one machine (`inspector crawl --processes N`, the nightly).

Correctness, not speed: two processes store what one stores, politeness per site holds, each
site is handed out once from the shared local queue (largest first), and the crawler processes
never outlive their supervisor.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ops_farm import (
    AS_OF,
    REPO,
    export,
    farm,
    nightly_args,
    normalized,
    row_counts,
    run,
    start,
    wait_for,
)
from servers import ServerProcess
from sqlalchemy import select
from test_politeness import max_in_flight, page_fetches

from inspector.crawl.sitequeue import LocalSiteQueue, largest_first
from inspector.registry import Site
from inspector.store.db import ensure_schema, get_engine, session_factory
from inspector.store.models import RunRow
from inspector.store.runs import known_sizes, start_runs

AS_OF_DATE = date.fromisoformat(AS_OF)
FAST = ("DOWNLOAD_TIMEOUT=3", "INSPECTOR_HOME_RETRIES=1", "INSPECTOR_SITE_CONCURRENCY=2")


def crawl_args(registry: Path, db_url: str, processes: int, *settings: str) -> list[str]:
    args = ["-m", "inspector.cli", "crawl", "--registry", str(registry), "--db", db_url]
    args += ["--as-of", AS_OF, "--processes", str(processes)]
    for option in (*FAST, *settings):
        args += ["--set", option]
    return [sys.executable, *args]


def test_two_processes_store_what_one_stores(db_url: str, tmp_path: Path) -> None:
    """Same runs, rows and findings (ids and timestamps aside) from 1 and from 2 processes."""
    one_db = f"sqlite:///{tmp_path / 'one.db'}"
    with farm((6, 20, 45, 70), 0.02) as f:
        registry = f.write_registry(tmp_path / "sites.csv")
        one = run(crawl_args(registry, one_db, 1), cwd=tmp_path)
        assert one.returncode == 0, one.stderr[-3000:]
        two = run(
            [*crawl_args(registry, db_url, 2), "--log-file", str(tmp_path / "two.log")],
            cwd=tmp_path,
        )
        assert two.returncode == 0, two.stderr[-3000:]
    log = (tmp_path / "two.log").read_text(encoding="utf-8")
    assert "crawling 5 sites in 2 processes" in log
    # Both processes crawled sites (the first also recorded the closed and exception sites),
    # and both wrote to the command's log file.
    assert re.search(r"crawler process 1 of 2: [1-9]\d* sites", log), log[-3000:]
    assert re.search(r"crawler process 2 of 2: [1-9]\d* sites", log), log[-3000:]
    assert log.count("Spider opened") >= 2
    assert normalized(export(db_url)) == normalized(export(one_db))
    assert row_counts(db_url) == row_counts(one_db)
    with session_factory(get_engine(db_url))() as s:
        sites = s.scalars(select(RunRow.site_id)).all()
    assert sorted(sites) == sorted(set(sites)), "a site was crawled twice"
    # One line per judged site on stderr, whichever process judged it.
    for site_id in ("sitea", "siteb", "sitec", "sited", "down"):
        assert two.stderr.count(f"{site_id}: ") == 1, two.stderr


def test_politeness_per_site_holds_with_two_processes(tmp_path: Path) -> None:
    delay, pages = 0.4, 8
    with ExitStack() as stack:
        servers = [stack.enter_context(ServerProcess()) for _ in range(4)]
        lines = ["site_id,name,url,kind,status,organizer,site_code"]
        for i, srv in enumerate(servers):
            spec: dict[str, Any] = {
                "/": "".join(f'<a href="{{{{SITE}}}}/p{j}.html">第{j}页</a>' for j in range(pages))
            }
            for j in range(pages):
                spec[f"/p{j}.html"] = {"body": "<html><body>x</body></html>", "delay": delay}
            url = srv.add_site("s", spec)
            lines.append(f"polite{i},站点{i},{url},department,active,,")
        registry = tmp_path / "sites.csv"
        registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
        db = f"sqlite:///{tmp_path / 'p.db'}"
        done = run(
            [
                *crawl_args(
                    registry,
                    db,
                    2,
                    "INSPECTOR_SOFT404_PROBES=0",
                    "INSPECTOR_SITES_AT_ONCE=2",
                    "INSPECTOR_CLOAKING_SAMPLE=0",  # the pages once each: counted below
                ),
                "--log-file",
                str(tmp_path / "crawl.log"),
            ],
            cwd=tmp_path,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        assert "in 2 processes" in (tmp_path / "crawl.log").read_text(encoding="utf-8")
        for srv in servers:
            arrivals, every = page_fetches(srv.requests(), "/site/s/p")
            assert len(arrivals) == pages
            assert max_in_flight(every, delay) <= 2


def _take_all(queue: LocalSiteQueue, out: Any) -> None:
    taken = []
    while (site := queue.take()) is not None:
        taken.append(site.site_id)
        time.sleep(0.001)  # let the others in
    out.put((os.getpid(), taken))


def test_the_shared_queue_hands_each_site_out_once() -> None:
    sites = [
        Site(f"s{i:03d}", f"站点{i}", f"http://127.0.0.1:9/{i}/", "portal", "active")
        for i in range(150)
    ]
    queue = LocalSiteQueue(sites, takers=3)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_take_all, args=(queue, out)) for _ in range(3)]
    for p in procs:
        p.start()
    results = [out.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    taken = [site for _, part in results for site in part]
    assert sorted(taken) == [s.site_id for s in sites]  # every site, none twice
    for _, part in results:
        assert part == sorted(part)  # each process took them in the queue's order
        assert part, "a process took nothing: they did not start taking together"
    assert queue.taken() == len(sites) and queue.waiting() == []


def test_a_process_whose_siblings_never_come_takes_sites_alone(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import inspector.crawl.sitequeue as sitequeue

    monkeypatch.setattr(sitequeue, "START_WAIT", 0.2)
    sites = [
        Site(f"s{i}", f"站点{i}", f"http://127.0.0.1:9/{i}/", "portal", "active") for i in "ab"
    ]
    queue = LocalSiteQueue(sites, takers=2)  # the second taker never starts
    with caplog.at_level("WARNING"):
        taken = [queue.take(), queue.take(), queue.take()]
    assert [s.site_id if s else None for s in taken] == ["sa", "sb", None]
    assert "taking sites alone" in caplog.text


def test_largest_sites_first_and_never_crawled_before_them(tmp_path: Path) -> None:
    engine = get_engine(f"sqlite:///{tmp_path / 'sizes.db'}")
    ensure_schema(engine)
    sites = [Site(x, x, f"http://127.0.0.1:9/{x}/", "portal", "active") for x in "abcde"]
    with session_factory(engine)() as s:
        runs = start_runs(s, sites[:4], AS_OF_DATE, "census2015", "old")
        for site_id, size, status in (
            ("a", 10, "finished"),
            ("b", 900, "finished"),
            ("c", 50, "finished"),
            ("d", 5000, "interrupted"),
        ):
            run_row = s.get(RunRow, runs[site_id])
            run_row.status, run_row.targets_checked = status, size
        s.commit()
        newer = start_runs(s, sites[:1], AS_OF_DATE, "census2015", "new")
        s.get(RunRow, newer["a"]).status = "finished"
        s.get(RunRow, newer["a"]).targets_checked = 2000
        s.commit()
        sizes = known_sizes(s, [x.site_id for x in sites])
    # The latest finished run counts; an interrupted run says nothing about the size.
    assert sizes == {"a": 2000, "b": 900, "c": 50}
    assert [x.site_id for x in largest_first(sites, sizes)] == ["d", "e", "a", "b", "c"]


def _descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    kids = [int(k) for k in fh.read().split()]
                found.update(kids)
                todo += kids
        except OSError:
            continue
    return found


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM])
def test_crawler_processes_never_outlive_the_nightly(sig: int, tmp_path: Path) -> None:
    """SIGKILL of the nightly takes its crawler processes with it (nothing writes behind a
    resumed night); SIGTERM is passed on: they finish their writes and the nightly exits 1."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with farm((30, 40, 50, 60), 0.1) as f:
        registry = f.write_registry(tmp_path / "sites.csv")
        proc = start(nightly_args(registry, db, tmp_path / "logs", "--processes", "2"), tmp_path)
        try:
            crawlers = wait_for(
                lambda: c if len(c := _crawlers(proc.pid)) >= 2 else None,
                120,
                "two crawler processes",
                proc,
            )
            time.sleep(1.0)  # into the crawl
            os.kill(proc.pid, sig)
            proc.wait(90)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
        wait_for(lambda: not any(_alive(p) for p in crawlers), 20, "the crawlers to end")
    if sig == signal.SIGTERM:
        assert proc.returncode == 1
        with session_factory(get_engine(db))() as s:
            statuses = set(s.scalars(select(RunRow.status)))
        assert "running" not in statuses, statuses


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            return fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return ""


def _crawlers(pid: int) -> set[int]:
    """The spawned crawler processes (not multiprocessing's resource tracker)."""
    return {p for p in _descendants(pid) if "spawn_main" in _cmdline(p)}


_EARLY_SIGNAL = """
import multiprocessing, os, signal
from inspector.ops.processes import ChildJob, run_child

def stop():  # the job's init: a signal that comes before the crawl's own handlers
    os.kill(os.getpid(), signal.{sig})
    sum(range(10**6))  # the handler runs at the next bytecode

if __name__ == "__main__":
    job = ChildJob(1, os.getpid(), None, None, None, None, "b", 1, None, None, stop)
    child = multiprocessing.get_context("spawn").Process(target=run_child, args=(job,))
    child.start()
    child.join()
    print("exitcode", child.exitcode)
"""


@pytest.mark.parametrize("sig", ["SIGINT", "SIGTERM"])
def test_crawler_process_signalled_before_its_crawl_exits_quietly(tmp_path: Path, sig: str):
    """A signal the supervisor passes on while a crawler process is still starting (before
    Scrapy's handlers): the process ends with code 1 and a line, not a traceback (CI saw one)."""
    script = tmp_path / "early.py"
    script.write_text(_EARLY_SIGNAL.replace("{sig}", sig), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert "exitcode 1" in proc.stdout, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
