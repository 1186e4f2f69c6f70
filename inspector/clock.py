"""The one notion of "now" of every command: the wall clock, unless it is fixed.

Every timestamp the inspector writes (run start and end, probe samples, export time, log file
names) and every default as-of date ("today") comes from here, so that a test, a replay or a
re-run of a past night sees one consistent instant:

- `INSPECTOR_NOW=2026-11-28T03:00:00` in the environment fixes the clock of a process and of
  the processes it starts (a nightly's probe child); an instant without a zone is UTC.
- `INSPECTOR_NOW=+365d` (or `-2d`, `+6h`) shifts the running wall clock: CI runs the whole
  test suite a year ahead this way, to prove no test depends on the day it runs.
- `frozen(instant)` fixes it inside one process (tests; `inspector.testing.frozen_clock`).

Durations are measured with `time.monotonic()`, never with this clock.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

ENV_VAR = "INSPECTOR_NOW"

_fixed: datetime | None = None


_OFFSET_RE = re.compile(r"([+-])(\d+)([dhm])")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class ClockError(ValueError):
    """INSPECTOR_NOW is neither an ISO date or date-time nor an offset."""


def parse_instant(text: str) -> datetime:
    """An aware UTC datetime from `YYYY-MM-DD[THH:MM[:SS]][+zone]` (no zone: UTC)."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ClockError(
            f"{ENV_VAR}={text!r} is neither an ISO date or date-time (2026-11-28T03:00:00) "
            "nor an offset (+365d, -6h)"
        ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _current() -> datetime:
    if _fixed is not None:
        return _fixed
    env = os.environ.get(ENV_VAR, "").strip()
    if not env:
        return datetime.now(UTC)
    offset = _OFFSET_RE.fullmatch(env)
    if offset:
        sign, amount, unit = offset.groups()
        delta = timedelta(**{_UNITS[unit]: int(amount)})
        return datetime.now(UTC) + (delta if sign == "+" else -delta)
    return parse_instant(env)


def now() -> datetime:
    """Now, as a naive UTC datetime (how every timestamp column stores it)."""
    return _current().replace(tzinfo=None)


def today() -> date:
    """The local calendar date of now: the default as-of date of every command."""
    return _current().astimezone().date()


@contextmanager
def frozen(instant: datetime | date | str) -> Iterator[datetime]:
    """Fix the clock of this process (and of children it starts) while the block runs."""
    global _fixed
    if isinstance(instant, str):
        value = parse_instant(instant)
    elif isinstance(instant, datetime):
        value = instant if instant.tzinfo else instant.replace(tzinfo=UTC)
    else:
        value = datetime(instant.year, instant.month, instant.day, 12, tzinfo=UTC)
    previous_fixed, previous_env = _fixed, os.environ.get(ENV_VAR)
    _fixed = value.astimezone(UTC)
    os.environ[ENV_VAR] = _fixed.isoformat()
    try:
        yield _fixed
    finally:
        _fixed = previous_fixed
        if previous_env is None:
            os.environ.pop(ENV_VAR, None)
        else:
            os.environ[ENV_VAR] = previous_env
