"""One injectable clock: every "now" of the product comes from inspector.clock.

`.ci/run` runs the whole suite a second time with INSPECTOR_NOW set a year ahead; together with
the guard below (no other module reads the wall clock) that proves the suite does not depend
on the day it runs.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from inspector import clock

REPO = Path(__file__).resolve().parents[1]
PRODUCT = ("inspector", "spiders", "checks", "reports")
WALL_CLOCK_CALLS = {
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("date", "today"),
    ("datetime", "today"),
}


def _wall_clock_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
            if (name, node.func.attr) in WALL_CLOCK_CALLS:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "time"
            and getattr(node.func.value, "id", "") == "time"
        ):
            found.append(f"{path.relative_to(REPO)}:{node.lineno} (time.time)")
    return found


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offenders = []
    for package in PRODUCT:
        for path in sorted((REPO / package).rglob("*.py")):
            if path == REPO / "inspector" / "clock.py" or "demo/site" in str(path):
                continue
            offenders += _wall_clock_calls(path)
    assert offenders == [], "use inspector.clock.now()/today() (or time.monotonic for durations)"


def test_frozen_clock_fixes_now_and_today_and_is_inherited_by_children() -> None:
    outside = os.environ.get(clock.ENV_VAR)
    with clock.frozen("2031-02-03T04:05:06"):
        assert clock.now() == datetime(2031, 2, 3, 4, 5, 6)
        assert clock.today() == date(2031, 2, 3)
        child = subprocess.run(
            [sys.executable, "-c", "from inspector import clock; print(clock.now().isoformat())"],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        )
        assert child.stdout.strip() == "2031-02-03T04:05:06"
    assert os.environ.get(clock.ENV_VAR) == outside


def test_environment_fixes_the_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, "2030-01-01T23:30:00+08:00")
    assert clock.now() == datetime(2030, 1, 1, 15, 30)
    assert clock.now().tzinfo is None


def test_a_bad_clock_value_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, "tomorrow")
    with pytest.raises(clock.ClockError, match="INSPECTOR_NOW='tomorrow' is neither an ISO date"):
        clock.now()


def test_unfixed_clock_is_the_wall_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(clock.ENV_VAR, raising=False)
    before = datetime.now(UTC).replace(tzinfo=None)
    assert before <= clock.now() <= datetime.now(UTC).replace(tzinfo=None)


def test_an_offset_shifts_the_running_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV_VAR, "+365d")
    wall = datetime.now(UTC).replace(tzinfo=None)
    shifted = clock.now()
    assert 364 < (shifted - wall).total_seconds() / 86400 < 365.01
    assert clock.now() >= shifted  # it keeps running
