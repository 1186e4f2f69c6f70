"""Availability samples (`inspector probe`) over time: the window a check judges, the latest
probe, and how a closed site looked. Pure functions over the snapshot's `probes`, shared by the
availability checks (checks/availability.py) and the closed-site verdict (scoring).

Policy is the profile's `[availability]` table:

    window_days = 7            # the week before the as-of date T
    veto_share = 0.05          # share of failed probes that vetoes the site
    min_probes_per_day = 20    # below this average the monitoring is incomplete
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from inspector.facts import SiteSnapshot
from inspector.profile import ProfileError, RulesProfile
from inspector.vocabulary import CLOSED_NOTICE, MERGED, OK

DEFAULTS = {"window_days": 7, "veto_share": 0.05, "min_probes_per_day": 20}


def availability_rules(profile: RulesProfile) -> dict[str, float]:
    """The [availability] table with defaults, validated (a wrong value names its key)."""
    table = {**DEFAULTS, **profile.section("availability")}
    for key, minimum, maximum in (
        ("window_days", 1, 366),
        ("veto_share", 0, 1),
        ("min_probes_per_day", 0, 100_000),
    ):
        value = table[key]
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not minimum <= value <= maximum
        ):
            raise ProfileError(
                profile.path,
                f"availability.{key}",
                f"must be a number from {minimum} to {maximum}, not {value!r}",
            )
    return table


def _parse(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None
    return None


def sample_time(sample: Mapping[str, Any]) -> datetime | None:
    """When the sample counts: its time, or, for a sample a nightly took for an as-of date
    (`as_of`) after that date was over, the last second of that date."""
    at = _parse(sample.get("at"))
    counts_for = sample.get("as_of")
    if isinstance(counts_for, str):
        counts_for = date.fromisoformat(counts_for)
    if at is not None and isinstance(counts_for, date):
        last_second = datetime.combine(counts_for, time(23, 59, 59))
        at = min(at, last_second)
    return at


def probe_window(as_of: date, days: int) -> tuple[datetime, datetime]:
    """[T − days, T): the whole days before the as-of date (probe times are UTC)."""
    end = datetime.combine(as_of, time())
    return end - timedelta(days=days), end


def window_samples(
    probes: Sequence[Mapping[str, Any]], as_of: date, days: int
) -> list[Mapping[str, Any]]:
    start, end = probe_window(as_of, days)
    return [p for p in probes if (at := sample_time(p)) is not None and start <= at < end]


def latest_probe(
    probes: Sequence[Mapping[str, Any]], before: datetime | None = None
) -> Mapping[str, Any] | None:
    dated = [
        p for p in probes if (at := sample_time(p)) is not None and (before is None or at < before)
    ]
    return max(dated, key=lambda p: sample_time(p) or datetime.min) if dated else None


def closed_state(site: SiteSnapshot) -> dict[str, Any]:
    """How a site registered `closed` looked at its latest probe up to the end of the as-of day.

    `state`: `online` (answered 2xx with content), `merged` (redirected to another registered
    site, which answered), `notice` (answered only a notice that the site is closed or moved:
    closed as it should be), `offline` (any failure), or `not_probed`; plus the probe's `at`,
    `outcome`, `status`, `final_url`, `error` when there is one. Scoring and reports use this
    for the `closed_ok` verdict's note.
    """
    end = datetime.combine(site.as_of + timedelta(days=1), time())
    probe = latest_probe(site.probes, before=end)
    if probe is None:
        return {"state": "not_probed"}
    outcome = str(probe.get("outcome") or "")
    state = {OK: "online", MERGED: "merged", CLOSED_NOTICE: "notice"}.get(outcome, "offline")
    at = sample_time(probe)
    return {
        "state": state,
        "at": at.isoformat(timespec="seconds") if at else None,
        "outcome": outcome,
        "status": probe.get("status"),
        "final_url": probe.get("final_url") or "",
        "error": probe.get("error") or "",
    }
