"""Crash safety of `inspector nightly` (issue 7 #4), on a local multi-site farm.

A nightly run is SIGKILLed at several random points and started again until it completes; its
final export must equal that of an uninterrupted run into another database (run ids and
timestamps aside), with no row stored twice and no finished site crawled again. SIGTERM makes
it finish the current writes, mark the unfinished runs interrupted and exit with code 1.

The kill points come from a seeded random generator; the seed is in every failure message
(set INSPECTOR_CRASH_SEED to replay one).
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ops_farm import (
    AS_OF,
    Farm,
    export,
    farm,
    log_text,
    nightly_args,
    normalized,
    row_counts,
    run,
    start,
)
from sqlalchemy import func, inspect, select

from inspector.store.db import get_engine, session_factory
from inspector.store.models import PageRow, RunRow
from inspector.store.resume import DONE_STATUSES, nightly_batch

SIZES = (8, 25, 50, 80)
DELAY = 0.08  # seconds per page: the uninterrupted crawl takes a few seconds


@pytest.fixture(scope="module")
def crash_farm(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Farm, Path, dict[str, Any]]]:
    """The farm, its registry, and the reference: an uninterrupted nightly into its own DB."""
    base = tmp_path_factory.mktemp("crash-farm")
    with farm(SIZES, DELAY) as f:
        registry = f.write_registry(base / "sites.csv")
        reference_db = f"sqlite:///{base / 'reference.db'}"
        done = run(nightly_args(registry, reference_db, base / "logs"), cwd=base)
        assert done.returncode == 0, done.stderr[-3000:] + log_text(base / "logs")[-3000:]
        reference = {"export": normalized(export(reference_db)), "rows": row_counts(reference_db)}
        yield f, registry, reference


def batch_runs(db_url: str, registry: Path) -> list[tuple[int, str, str, int]]:
    """(run id, site, status, pages stored) of the night's batch."""
    batch = nightly_batch(registry, date.fromisoformat(AS_OF))
    engine = get_engine(db_url)
    if not inspect(engine).has_table("run"):  # killed before the schema was created
        return []
    with session_factory(engine)() as s:
        pages = (
            select(func.count())
            .select_from(PageRow)
            .where(PageRow.run_id == RunRow.id)
            .scalar_subquery()
        )
        rows = s.execute(
            select(RunRow.id, RunRow.site_id, RunRow.status, pages)
            .where(RunRow.batch == batch)
            .order_by(RunRow.id)
        ).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def mid_crawl(db_url: str, registry: Path) -> bool:
    """A site is being crawled and has pages stored: a kill now cuts it in the middle."""
    try:
        return any(
            status == "running" and pages > 0
            for _, _, status, pages in batch_runs(db_url, registry)
        )
    except Exception:  # noqa: BLE001 - the schema may not exist yet in the very first instants
        return False


def kill_at(proc: Any, condition: Any, timeout: float) -> bool:
    """SIGKILL `proc` once `condition()` holds; False when it ended first (by itself)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if condition():
            proc.kill()
            proc.wait(30)
            return True
        time.sleep(0.02)
    if proc.poll() is None:
        proc.kill()
        proc.wait(30)
        raise AssertionError(
            f"nightly neither finished nor reached the kill point within {timeout} s"
        )
    return False


def assert_same_as_reference(db_url: str, reference: dict[str, Any], context: str) -> None:
    assert row_counts(db_url) == reference["rows"], f"rows per table differ ({context})"
    got = normalized(export(db_url))
    for mine, theirs in zip(got["sites"], reference["export"]["sites"], strict=True):
        assert mine == theirs, f"site {theirs['site_id']} differs ({context})"
    assert got == reference["export"], context


def test_sigkill_at_random_points_then_resume(
    db_url: str, crash_farm: tuple[Farm, Path, dict[str, Any]], tmp_path: Path
) -> None:
    _farm, registry, reference = crash_farm
    seed = int(os.environ.get("INSPECTOR_CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    context = f"seed {seed}"
    logs = tmp_path / "logs"
    history: list[str] = []
    done_before: dict[str, int] = {}  # site → the run that was done at some kill

    for attempt in range(5):
        proc = start(nightly_args(registry, db_url, logs), cwd=tmp_path)
        started = time.monotonic()
        if attempt % 2:
            # At a random moment once a site is half crawled.
            extra = rng.uniform(0.0, 0.6)
            armed: dict[str, float] = {}

            def condition(extra: float = extra, armed: dict[str, float] = armed) -> bool:
                if "at" not in armed and mid_crawl(db_url, registry):
                    armed["at"] = time.monotonic() + extra
                return "at" in armed and time.monotonic() >= armed["at"]
        else:
            # At a random moment from the start: startup, probe, schema, crawl or after.
            point = started + rng.uniform(0.3, 6.0)

            def condition(point: float = point) -> bool:
                return time.monotonic() >= point

        killed = kill_at(proc, condition, timeout=120)
        if not killed:
            assert proc.returncode == 0, (
                f"{context}: attempt {attempt} exit {proc.returncode}: {proc.stderr.read()[-3000:]}"
            )
            history.append(f"attempt {attempt}: completed by itself")
            break
        state = batch_runs(db_url, registry)
        history.append(
            f"attempt {attempt}: killed after {time.monotonic() - started:.1f} s: {state}"
        )
        for run_id, site_id, status, _pages in state:
            if status in DONE_STATUSES:
                done_before.setdefault(site_id, run_id)
        proc.stdout.close()
        proc.stderr.close()

    final = run(nightly_args(registry, db_url, logs), cwd=tmp_path)
    context += "; " + "; ".join(history)
    assert final.returncode == 0, f"{context}\n{final.stderr[-3000:]}\n{log_text(logs)[-4000:]}"

    runs = batch_runs(db_url, registry)
    latest = {site: (run_id, status) for run_id, site, status, _ in runs}
    # Finished sites were not crawled again: their run is still the site's latest.
    for site_id, run_id in done_before.items():
        assert latest[site_id][0] == run_id, f"{site_id} was crawled again ({context})"
    # Every cut run is emptied and abandoned; every site has exactly one live run.
    for _run_id, _site, status, pages in runs:
        assert status in DONE_STATUSES or (status == "abandoned" and pages == 0), context
    live = [site for _, site, status, _ in runs if status != "abandoned"]
    assert sorted(live) == sorted(set(live)), f"a site has two live runs ({context})"
    assert_same_as_reference(db_url, reference, context)


def test_sigterm_finishes_the_batch_marks_interrupted_and_resumes(
    db_url: str, crash_farm: tuple[Farm, Path, dict[str, Any]], tmp_path: Path
) -> None:
    _farm, registry, reference = crash_farm
    logs = tmp_path / "logs"
    proc = start(nightly_args(registry, db_url, logs), cwd=tmp_path)
    try:
        deadline = time.monotonic() + 120
        while not mid_crawl(db_url, registry):
            assert proc.poll() is None, (
                f"nightly ended before the crawl: {proc.stderr.read()[-3000:]}"
            )
            assert time.monotonic() < deadline, "the crawl did not start"
            time.sleep(0.02)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert proc.returncode == 1, err[-3000:]
    assert "NOT completed" in err
    text = log_text(logs)
    assert "crawl interrupted" in text and "Run the same command again to resume" in text
    statuses = {status for _, _, status, _ in batch_runs(db_url, registry)}
    assert "interrupted" in statuses and "running" not in statuses, statuses
    # The interrupted runs kept what was fetched: the writes were finished, not dropped.
    assert any(
        status == "interrupted" and pages > 0
        for _, _, status, pages in batch_runs(db_url, registry)
    )

    again = run(nightly_args(registry, db_url, logs), cwd=tmp_path)
    assert again.returncode == 0, again.stderr[-3000:] + log_text(logs)[-3000:]
    assert "cut runs cleaned" in log_text(logs)
    assert_same_as_reference(db_url, reference, "after SIGTERM and a restart")
