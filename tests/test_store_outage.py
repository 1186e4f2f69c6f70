"""Rows held while the database is unreachable (inspector/store/outage.py), on SQLite and
PostgreSQL: written again with a backoff once it answers, bounded in rows and in time, and the
runs that lost rows are known. The end-to-end proofs — a real crawl and a real worker losing
PostgreSQL through a proxy — are tests/test_db_lost_crawl.py and tests/test_distributed.py."""

from __future__ import annotations

from pathlib import Path

from conftest import bare_runs
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from inspector.store.batch import Batch
from inspector.store.db import get_engine, session_factory
from inspector.store.models import LinkRow
from inspector.store.outage import HeldRows, Outage


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _run(db_url: str) -> tuple[int, sessionmaker[Session]]:
    (run_id,), sessions = bare_runs(db_url)
    return run_id, sessions


def _links(run_id: int, n: int, start: int = 0) -> Batch:
    return Batch(
        links=[
            (run_id, "http://a/", f"http://a/{i}", "a", "href", "", "", "content")
            for i in range(start, start + n)
        ]
    )


def test_held_rows_are_written_with_a_backoff_once_the_database_answers(
    db_url: str, tmp_path: Path
) -> None:
    run_id, sessions = _run(db_url)
    gone = session_factory(get_engine(f"sqlite:///{tmp_path / 'gone.db'}"))  # no tables
    clock = FakeClock()
    held = HeldRows(1000, Outage(600, clock))
    held.hold(_links(run_id, 3))
    assert held.write(gone) == [] and len(held) == 3  # held, not lost
    assert held.outage.since == 100.0
    held.hold(_links(run_id, 2, start=3))
    assert held.write(sessions) == [] and len(held) == 5  # 1 s not over: not even tried
    clock.now += 1
    assert held.write(gone) == [] and len(held) == 5  # tried, failed: next in 2 s
    clock.now += 1.5
    held.write(sessions)
    assert len(held) == 5  # 1.5 s: still waiting
    clock.now += 0.5
    assert held.write(sessions) == [] and len(held) == 0 and held.outage.since is None
    with sessions() as s:
        stored = s.scalar(select(func.count()).select_from(LinkRow).where(LinkRow.run_id == run_id))
    assert stored == 5 and held.lost_runs == set()  # every row, once


def test_what_is_held_is_bounded_and_the_runs_that_lost_rows_are_known(
    db_url: str, tmp_path: Path
) -> None:
    run_id, _sessions = _run(db_url)
    gone = session_factory(get_engine(f"sqlite:///{tmp_path / 'gone.db'}"))
    clock = FakeClock()
    held = HeldRows(4, Outage(60, clock))
    assert held.hold(_links(run_id, 3)) == []
    held.write(gone)
    dropped = held.hold(_links(run_id, 3, start=3))  # 6 rows over a bound of 4: oldest go
    assert [f.url for f in dropped] == ["http://a/0", "http://a/1", "http://a/2"]
    assert all("database was unreachable" in f.error for f in dropped)
    assert len(held) == 3 and held.lost_runs == {run_id}
    clock.now += 61
    assert held.outage.over()
    assert len(held.drop_all("unreachable for over 60 s")) == 3 and len(held) == 0
