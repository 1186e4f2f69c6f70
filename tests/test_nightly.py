"""`inspector nightly`: one at a time (lock), resume after a crash, prune; SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from ops_farm import AS_OF, farm, log_text, nightly_args, row_counts, run, start, wait_for
from sqlalchemy import func, select, text

from inspector import clock
from inspector.ops.commands import nightly, prune
from inspector.ops.nightly import NightlyLock
from inspector.options import EXIT_LOCKED
from inspector.registry import load_registry
from inspector.store.db import ensure_schema, get_engine, session_factory
from inspector.store.models import (
    ColumnRow,
    FindingRow,
    LinkRow,
    PageRow,
    ProbeRow,
    RunRow,
    TargetRow,
)
from inspector.store.resume import nightly_batch, plan_resume
from inspector.store.runs import upsert_sites

DATA = (PageRow, TargetRow, LinkRow, ColumnRow, FindingRow)


def utcnow() -> datetime:
    return clock.now()


def session(db_url: str) -> Any:
    return session_factory(get_engine(db_url))()


def add_run(
    s: Any,
    site_id: str,
    status: str,
    batch: str = "old",
    *,
    rows: int = 3,
    score: float | None = 80.0,
) -> int:
    """A run with `rows` pages, targets, links, columns and findings, as a crawl would store."""
    run = RunRow(
        site_id=site_id,
        batch=batch,
        as_of=date(2026, 11, 1),
        rules="census2015",
        started_at=utcnow(),
        finished_at=None if status in ("running", "interrupted") else utcnow(),
        status=status,
        finish_reason="",
        bounds_tripped={},
        stats={},
        home_evidence={},
        check_errors={},
        verdict_detail={"deducted": 20},
        score=score,
        verdict="pass" if score else None,
        pages_crawled=rows,
        targets_checked=rows,
    )
    s.add(run)
    s.flush()
    for i in range(rows):
        url = f"http://{site_id}.example.gov.cn/p{i}.html"
        s.add(PageRow(run_id=run.id, url=url, final_url=url, status=200, facts={}))
        s.add(TargetRow(run_id=run.id, url=url, internal=True, kind="page", redirects=[]))
        s.add(LinkRow(run_id=run.id, source_url=url, target_url=url, element="a", attribute="href"))
        s.add(ColumnRow(run_id=run.id, name=f"栏目{i}", url=url))
        s.add(
            FindingRow(
                run_id=run.id,
                site_id=site_id,
                check="broken_link",
                severity="minor",
                url=url + "#x",
                detail={"reason": "http_404"},
                identity=f"broken_link|{site_id}|{i}",
            )
        )
    s.commit()
    return run.id


def counts(s: Any, run_id: int) -> dict[str, int]:
    return {
        m.__tablename__: s.scalar(select(func.count()).select_from(m).where(m.run_id == run_id))
        for m in DATA
    }


def sites_for(s: Any, *ids: str) -> None:
    from inspector.registry import Site

    upsert_sites(s, [Site(i, i, f"http://{i}.example.gov.cn/", "portal", "active") for i in ids])
    s.commit()


# ---- the lock ------------------------------------------------------------------------------


def test_a_second_nightly_exits_at_once_while_the_lock_is_held(db_url: str, tmp_path: Path) -> None:
    engine = get_engine(db_url)
    ensure_schema(engine)
    registry = tmp_path / "sites.csv"
    registry.write_text(
        "site_id,name,url,kind,status,organizer,site_code\na,甲,http://127.0.0.1:9/,portal,active,,\n",
        "utf-8",
    )
    holder = NightlyLock(engine)
    assert holder.acquire()
    try:
        result = CliRunner().invoke(
            nightly,
            ["--registry", str(registry), "--db", db_url, "--log-dir", str(tmp_path / "logs")],
        )
        assert result.exit_code == EXIT_LOCKED
        assert "another inspector nightly is running on this database" in result.output
        # Nothing was done: no run was even planned.
        with session(db_url) as s:
            assert s.scalar(select(func.count()).select_from(RunRow)) == 0
        second = NightlyLock(engine)
        assert not second.acquire()
        assert second.holder  # who holds it: pid and host (SQLite) or the session (PostgreSQL)
    finally:
        holder.release()
    third = NightlyLock(engine)
    assert third.acquire()
    third.release()


def test_lock_between_two_real_nightly_processes(db_url: str, tmp_path: Path) -> None:
    """While a first nightly crawls, a second one exits at once with code 3 and says why; the
    lock goes with the first process when it is killed (SIGKILL: no chance to release it)."""
    with farm(sizes=(3,)) as f:
        # A page that answers after a minute keeps the first crawl busy for as long as the test
        # needs, whatever the machine's load (its timeout is raised above that minute).
        f.servers[0].add_site(
            "s",
            {"/": '<a href="{{SITE}}/slow.html">慢</a>', "/slow.html": {"body": "慢", "delay": 60}},
        )
        registry = f.write_registry(tmp_path / "sites.csv")
        logs = tmp_path / "logs"
        first = start(
            nightly_args(registry, db_url, logs, "--set", "DOWNLOAD_TIMEOUT=90"), tmp_path
        )
        try:
            wait_for(
                lambda: logs.exists() and "crawling" in log_text(logs), 60, "the first crawl", first
            )
            second = run(
                nightly_args(registry, db_url, tmp_path / "logs2"), cwd=tmp_path, timeout=60
            )
            assert second.returncode == EXIT_LOCKED, second.stderr[-2000:]
            assert "another inspector nightly is running on this database" in second.stderr
            assert "exit code 3" in second.stderr
            assert "another inspector nightly" in log_text(tmp_path / "logs2")
            assert first.poll() is None  # the first one was not disturbed
        finally:
            first.kill()
            first.wait(30)
        lock = NightlyLock(get_engine(db_url))
        assert wait_for(lock.acquire, 30, "the lock to be released")
        lock.release()


# ---- prune ---------------------------------------------------------------------------------


def test_prune_keeps_runs_findings_and_scores(db_url: str) -> None:
    engine = get_engine(db_url)
    ensure_schema(engine)
    with session(db_url) as s:
        sites_for(s, "a", "b")
        a_runs = [add_run(s, "a", "finished") for _ in range(4)]
        a_running = add_run(s, "a", "running", score=None)
        b_runs = [add_run(s, "b", "unreachable") for _ in range(2)]
        s.add(ProbeRow(site_id="a", at=utcnow() - timedelta(days=100), outcome="ok", status=200))
        s.add(ProbeRow(site_id="a", at=utcnow() - timedelta(days=1), outcome="ok", status=200))
        s.commit()

    runner = CliRunner()
    result = runner.invoke(prune, ["--keep-runs", "2", "--db", db_url])
    assert result.exit_code == 0, result.output
    assert "pruned 2 runs (6 link, 6 page, 6 target, 6 site_column)" in result.output
    assert "1 probe samples" in result.output

    with session(db_url) as s:
        for run_id in a_runs[:2]:
            assert counts(s, run_id) == {
                "page": 0,
                "target": 0,
                "link": 0,
                "site_column": 0,
                "finding": 3,
            }
            run = s.get(RunRow, run_id)
            assert (run.score, run.verdict, run.verdict_detail) == (80.0, "pass", {"deducted": 20})
            assert run.pages_crawled == 3 and run.stats["pruned_at"]
        for run_id in [*a_runs[2:], a_running, *b_runs]:
            assert counts(s, run_id) == {
                "page": 3,
                "target": 3,
                "link": 3,
                "site_column": 3,
                "finding": 3,
            }
        assert s.scalar(select(func.count()).select_from(ProbeRow)) == 1

    again = runner.invoke(prune, ["--keep-runs", "2", "--db", db_url])
    assert again.exit_code == 0 and "pruned 0 runs" in again.output


def test_prune_refuses_a_database_without_schema(sqlite_url: str) -> None:
    path = Path(sqlite_url.removeprefix("sqlite:///"))
    result = CliRunner().invoke(prune, ["--keep-runs", "3", "--db", sqlite_url])
    assert result.exit_code == 2 and "no inspector database" in result.output
    assert not path.exists()  # prune never creates a database
    sqlite3.connect(path).close()  # an empty file: a database without our schema
    result = CliRunner().invoke(prune, ["--keep-runs", "3", "--db", sqlite_url])
    assert result.exit_code == 2 and "inspector db upgrade" in result.output


# ---- resume --------------------------------------------------------------------------------


def test_nightly_batch_names_the_registry_and_the_night(tmp_path: Path) -> None:
    one = nightly_batch(tmp_path / "sites.csv", date(2026, 11, 28))
    assert one == nightly_batch(tmp_path / "." / "sites.csv", date(2026, 11, 28))
    assert one.startswith("nightly-2026-11-28-sites-") and len(one) <= 64
    assert one != nightly_batch(tmp_path / "other.csv", date(2026, 11, 28))
    assert one != nightly_batch(tmp_path / "sites.csv", date(2026, 11, 29))


def test_plan_resume_cleans_cut_runs_and_keeps_done_ones(db_url: str) -> None:
    from inspector.registry import Site

    ensure_schema(get_engine(db_url))
    batch = "nightly-test"
    sites = [Site(i, i, f"http://{i}.example.gov.cn/", "portal", "active") for i in "abcde"]
    with session(db_url) as s:
        sites_for(s, *"abcde")
        older = add_run(s, "a", "running", batch="nightly-yesterday")  # another batch: not ours
        done = add_run(s, "a", "finished", batch=batch)
        closed = add_run(s, "b", "closed", batch=batch, rows=0)
        running = add_run(s, "c", "running", batch=batch)
        interrupted = add_run(s, "d", "interrupted", batch=batch)
        plan = plan_resume(s, batch, sites)
    assert plan.done == {"a": done, "b": closed}
    assert plan.abandoned == {"c": running, "d": interrupted}
    assert [x.site_id for x in plan.to_crawl] == ["c", "d", "e"]
    with session(db_url) as s:
        for run_id in (running, interrupted):
            assert set(counts(s, run_id).values()) == {0}
            run = s.get(RunRow, run_id)
            assert run.status == "abandoned" and run.finished_at is None and run.score is None
            assert run.stats["deleted_rows"]["page"] == 3
        assert counts(s, done)["page"] == 3 and counts(s, older)["page"] == 3
        # Planning again (a crash right after the first plan) abandons nothing more.
        again = plan_resume(s, batch, sites)
    assert again.abandoned == {} and [x.site_id for x in again.to_crawl] == ["c", "d", "e"]


def test_nightly_resumes_a_cut_batch(db_url: str, tmp_path: Path) -> None:
    """A batch left by a killed nightly: one site done, one cut mid-crawl, one interrupted. The
    next nightly leaves the done site alone, cleans and re-crawls the others, and completes."""
    with farm(sizes=(5, 8, 12)) as f:
        registry = f.write_registry(tmp_path / "sites.csv")
        batch = nightly_batch(registry, date.fromisoformat(AS_OF))
        ensure_schema(get_engine(db_url))
        with session(db_url) as s:
            upsert_sites(s, load_registry(registry))
            s.commit()
            done = add_run(s, "sitea", "finished", batch=batch)
            cut = add_run(s, "siteb", "running", batch=batch)
            stopped = add_run(s, "sitec", "interrupted", batch=batch)

        logs = tmp_path / "logs"
        result = run(nightly_args(registry, db_url, logs), cwd=tmp_path)
        assert result.returncode == 0, result.stderr[-3000:] + log_text(logs)[-3000:]

        text_ = log_text(logs)
        assert "1 sites done before, 2 cut runs cleaned, 6 to crawl" in text_
        assert f"site siteb: run {cut} was running; its rows are deleted" in text_
        with session(db_url) as s:
            latest = {
                r.site_id: r
                for r in s.scalars(select(RunRow).where(RunRow.batch == batch).order_by(RunRow.id))
            }
            assert latest["sitea"].id == done and counts(s, done)["page"] == 3  # not crawled again
            for old in (cut, stopped):
                assert s.get(RunRow, old).status == "abandoned" and set(
                    counts(s, old).values()
                ) == {0}
            for site_id in ("siteb", "sitec"):
                assert latest[site_id].status == "finished" and latest[site_id].pages_crawled > 0
            assert latest["closedon"].verdict == "closed_online"
            assert latest["closedmerged"].verdict == "closed_ok"
            assert latest["down"].status == "unreachable"
            assert latest["exempt"].status == "skipped"
            # Nothing twice: pages of each new run are unique, and there is one run per site
            # that is not abandoned.
            live = s.execute(
                select(RunRow.site_id, func.count())
                .where(RunRow.batch == batch, RunRow.status != "abandoned")
                .group_by(RunRow.site_id)
            ).all()
            assert all(n == 1 for _, n in live) and len(live) == 7
        per_site = row_counts(db_url)
        assert per_site["siteb"]["page"] == 9 and per_site["sitec"]["page"] == 13
        if (tmp_path / "reports").exists():  # reports.render is another part; when present
            assert (tmp_path / "reports" / "index.html").is_file()


def test_nightly_refuses_bad_input(db_url: str, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "site_id,name,url,kind,status,organizer,site_code\nx,X,http://a/,portal,gone,,\n", "utf-8"
    )
    result = runner.invoke(
        nightly, ["--registry", str(bad), "--db", db_url, "--log-dir", str(tmp_path)]
    )
    assert result.exit_code == 2 and "unknown status 'gone'" in result.output
    good = tmp_path / "good.csv"
    good.write_text(
        "site_id,name,url,kind,status,organizer,site_code\nx,X,http://a/,portal,active,,\n", "utf-8"
    )
    result = runner.invoke(
        nightly, ["--registry", str(good), "--db", db_url, "--as-of", "28.11.2026"]
    )
    assert result.exit_code == 2 and "is not a date" in result.output
    # A database at a revision this inspector does not know: refused before anything is done.
    engine = get_engine(db_url)
    ensure_schema(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    result = runner.invoke(
        nightly, ["--registry", str(good), "--db", db_url, "--log-dir", str(tmp_path / "logs")]
    )
    assert result.exit_code == 2 and "does not know" in result.output
