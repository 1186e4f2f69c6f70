"""Rectification tracking: new → open → fixed across stored runs, deadlines and overdue problems."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from conftest_reports import ReportDB, broken, unreachable
from sqlalchemy import select

from inspector.judge.tracking import (
    FindingRecord,
    comparison_runs,
    deadline_days_of,
    load_tracking,
    track_findings,
    validate_tracking,
)
from inspector.profile import ProfileError, RulesProfile
from inspector.store.models import FindingRow, RunRow
from reports.export import export_data

SITE = "https://www.example.gov.cn/"
A, B, C = (f"{SITE}{name}.html" for name in "abc")


def rec(identity: str, first_seen: date | None = None) -> FindingRecord:
    return FindingRecord(identity, "broken_link", "minor", identity, first_seen)


# ---------------------------------------------------------------- pure functions


def test_new_open_fixed_and_deadlines() -> None:
    known = [rec("a", date(2025, 10, 1)), rec("b", date(2025, 10, 1))]
    result = track_findings([rec("a", date(2025, 10, 1)), rec("c")], known, date(2025, 10, 15), 30)
    a, c = result.findings
    assert (a.status, a.first_seen, a.days_open, a.deadline, a.overdue) == (
        "open",
        date(2025, 10, 1),
        14,
        date(2025, 10, 31),
        False,
    )
    assert (c.status, c.first_seen, c.days_open, c.deadline) == (
        "new",
        date(2025, 10, 15),
        0,
        date(2025, 11, 14),
    )
    assert [f.identity for f in result.fixed] == ["b"]
    assert result.fixed[0].first_seen == date(2025, 10, 1)
    assert (result.new, result.open, result.overdue) == (1, 1, 0)


def test_overdue_only_after_the_deadline_day() -> None:
    known = [rec("a", date(2025, 10, 1))]
    on_deadline = track_findings([rec("a")], known, date(2025, 10, 31), 30).findings[0]
    after = track_findings([rec("a")], known, date(2025, 11, 1), 30).findings[0]
    assert (on_deadline.overdue, after.overdue) == (False, True)
    assert after.as_dict() == {
        "status": "open",
        "first_seen": "2025-10-01",
        "days_open": 31,
        "deadline": "2025-10-31",
        "overdue": True,
    }


def test_earliest_first_seen_wins() -> None:
    # The stored first_seen was reset (e.g. by a night of downtime); an earlier run knew better.
    result = track_findings(
        [rec("a", date(2025, 11, 1))], [rec("a", date(2025, 9, 1))], date(2025, 11, 1), 30
    )
    assert result.findings[0].first_seen == date(2025, 9, 1)


def test_incomplete_run_fixes_nothing() -> None:
    result = track_findings([rec("home")], [rec("a"), rec("b")], date(2025, 11, 1), complete=False)
    assert result.fixed == [] and result.unverified == 2
    assert result.summary()["complete"] is False


def test_deadline_days_from_profile() -> None:
    assert deadline_days_of(None) == 30
    assert deadline_days_of(RulesProfile("p", "p.toml", {"tracking": {"deadline_days": 7}})) == 7
    assert deadline_days_of(RulesProfile("p", "p.toml", {})) == 30
    for bad in (0, "30", 1.5, True):
        with pytest.raises(ProfileError) as info:
            validate_tracking(RulesProfile("p", "p.toml", {"tracking": {"deadline_days": bad}}))
        assert info.value.key == "tracking.deadline_days"
    with pytest.raises(ProfileError):
        validate_tracking(RulesProfile("p", "p.toml", {"tracking": {"deadline": 30}}))


# ---------------------------------------------------------------- three stored runs


@pytest.fixture
def db(tmp_path: Path) -> ReportDB:
    return ReportDB.create(tmp_path / "tracking.db")


def _run(db: ReportDB, run_id: int):
    with db.session() as s:
        run = s.get(RunRow, run_id)
        return load_tracking(s, run)


def test_three_runs_new_open_fixed_overdue(db: ReportDB) -> None:
    site = db.site("s1", "示例市人民政府", SITE)
    r1 = db.run(site, date(2025, 10, 1), [broken(A), broken(B)])
    r2 = db.run(site, date(2025, 10, 15), [broken(A), broken(C)])
    r3 = db.run(site, date(2025, 11, 20), [broken(C)])

    t1 = _run(db, r1)
    assert [f.status for f in t1.findings] == ["new", "new"] and t1.fixed == []

    t2 = {f.url: f for f in _run(db, r2).findings}
    assert (
        t2[A].status == "open" and t2[A].first_seen == date(2025, 10, 1) and t2[A].days_open == 14
    )
    assert t2[C].status == "new" and t2[C].deadline == date(2025, 11, 14)
    assert [f.url for f in _run(db, r2).fixed] == [B]

    t3 = _run(db, r3)
    (c,) = t3.findings
    assert (c.status, c.first_seen, c.days_open, c.deadline, c.overdue) == (
        "open",
        date(2025, 10, 15),
        36,
        date(2025, 11, 14),
        True,
    )
    assert [f.url for f in t3.fixed] == [A]
    assert (t3.new, t3.open, t3.overdue) == (0, 1, 1)

    # What the pipeline stored agrees with what tracking computes.
    with db.session() as s:
        stored = s.scalars(select(FindingRow).where(FindingRow.run_id == r3)).one()
    assert (stored.tracking, stored.first_seen) == ("open", date(2025, 10, 15))


def test_a_night_of_downtime_neither_fixes_nor_resets(db: ReportDB) -> None:
    site = db.site("s1", "示例市人民政府", SITE)
    db.run(site, date(2025, 10, 1), [broken(A), broken(B)])
    down = db.run(site, date(2025, 10, 2), [unreachable(SITE)])
    back = db.run(site, date(2025, 10, 3), [broken(A)])

    during = _run(db, down)
    assert during.complete is False and during.fixed == [] and during.unverified == 2
    assert during.findings[0].status == "new"

    after = _run(db, back)
    (a,) = after.findings
    # A was first seen on 10-01, not on 10-03 although the run in between could not see it.
    assert (a.status, a.first_seen) == ("open", date(2025, 10, 1))
    assert sorted(f.check for f in after.fixed) == ["broken_link", "site_unreachable"]
    with db.session() as s:
        run = s.get(RunRow, back)
        assert [r.id for r in comparison_runs(s, run)] == [down, down - 1]


def test_unfinished_runs_are_not_compared_with(db: ReportDB) -> None:
    site = db.site("s1", "示例市人民政府", SITE)
    db.run(site, date(2025, 10, 1), [broken(A)])
    db.run(site, date(2025, 10, 2), [], finished=False, status="running")
    last = db.run(site, date(2025, 10, 3), [broken(A)])
    (a,) = _run(db, last).findings
    assert a.status == "open" and a.first_seen == date(2025, 10, 1)


def test_export_carries_tracking(db: ReportDB) -> None:
    site = db.site("s1", "示例市人民政府", SITE)
    db.run(site, date(2025, 10, 1), [broken(A), broken(B)])
    db.run(site, date(2025, 11, 20), [broken(A), broken(C)])
    with db.session() as s:
        data = export_data(s)
    (record,) = data["sites"]
    states = {f["url"]: f["tracking"] for f in record["findings"]}
    assert states[A] == {
        "status": "open",
        "first_seen": "2025-10-01",
        "days_open": 50,
        "deadline": "2025-10-31",
        "overdue": True,
    }
    assert states[C]["status"] == "new" and states[C]["overdue"] is False
    summary = record["tracking"]
    assert (summary["new"], summary["open"], summary["overdue"]) == (1, 1, 1)
    assert [f["url"] for f in summary["fixed"]] == [B]
    assert summary["fixed"][0]["identity"] == f"broken_link|s1|{B}"
