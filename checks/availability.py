"""Availability: the census veto 站点无法访问 (site cannot be reached), and closed sites.

Both checks judge the availability samples of `inspector probe` (cron, every 30 minutes or
so), which the snapshot carries in `probes` (dicts with `at`, `outcome`, `status`, `error`, and
`final_url` / `elapsed_ms` when the snapshot provides them). Policy is the profile's
`[availability]` table:

    window_days = 7            # the week before the as-of date T
    veto_share = 0.05          # share of failed probes that vetoes the site
    min_probes_per_day = 20    # below this average the monitoring is incomplete
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from checks.base import Check, Finding, Severity, SiteSnapshot
from inspector.profile import ProfileError, RulesProfile

# Probe outcomes that mean the site answered (spiders/probe.py): everything else is a failure.
ANSWERED = frozenset(("ok", "merged"))

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


def _at(sample: Mapping[str, Any]) -> datetime | None:
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
    return [p for p in probes if (at := _at(p)) is not None and start <= at < end]


class SiteUnreachable(Check):
    """站点无法访问 — the site could not be reached.

    With probe history (`inspector probe` every 30 minutes): over the `window_days` (7) whole
    days before the as-of date, a share of failed probes of `veto_share` (5%) or more is the
    veto `site_unreachable`; a smaller share (above zero) is the deduction item `availability`
    (severity minor). When the window holds fewer than `min_probes_per_day` (20) probes a day
    on average, the monitoring is incomplete: an `availability` finding (severity info,
    `incomplete: true`) says so and the share vetoes nothing.

    Without probe history, or with incomplete history, the crawl decides as in a one-shot run:
    the home page could not be fetched after retries → `site_unreachable` (veto).

    Findings, url = the registered URL:

    * `site_unreachable` (veto). From probes, detail: `probes`, `failures`, `share` (a fraction,
      0.0625), `window` (`from`, `to`: dates, inclusive; `days`), `threshold`, `reasons`
      (failures per outcome), `last_failure` (`at`, `outcome`, `error`). From the crawl:
      `reason` (timeout, connection_refused, http_503, ...), `error`, `status`.
    * `availability` (minor, or info when incomplete): the same probe keys, plus
      `probes_per_day`, `required_per_day`, `incomplete`, and `crawl_error` when the crawl
      could not fetch the home page although the probes mostly could.
    """

    code = "site_unreachable"

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        rules = availability_rules(profile)
        self.window_days = int(rules["window_days"])
        self.veto_share = float(rules["veto_share"])
        self.min_per_day = float(rules["min_probes_per_day"])

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "active":
            return
        samples = window_samples(site.probes, site.as_of, self.window_days)
        if not samples:
            yield from self._from_crawl(site)
            return
        evidence = self._evidence(samples, site.as_of)
        incomplete = evidence["probes"] < self.min_per_day * self.window_days
        if incomplete:
            yield Finding(
                "availability",
                Severity.INFO,
                site.site.url,
                {**evidence, "incomplete": True},
                key="home",
            )
            # Too few samples to clear (or condemn) the site: the crawl's own attempt decides.
            yield from self._from_crawl(site)
            return
        if evidence["share"] >= self.veto_share:
            yield Finding(self.code, Severity.VETO, site.site.url, evidence, key="home")
            return
        if evidence["failures"] or site.home_error:
            detail = {**evidence, "incomplete": False}
            if site.home_error:
                detail["crawl_error"] = site.home_error
            yield Finding("availability", Severity.MINOR, site.site.url, detail, key="home")

    def _evidence(self, samples: list[Mapping[str, Any]], as_of: date) -> dict[str, Any]:
        failed = [p for p in samples if p.get("outcome") not in ANSWERED]
        total = len(samples)
        start, end = probe_window(as_of, self.window_days)
        evidence: dict[str, Any] = {
            "probes": total,
            "failures": len(failed),
            "share": round(len(failed) / total, 4),
            "window": {
                "from": start.date().isoformat(),
                "to": (end - timedelta(days=1)).date().isoformat(),
                "days": self.window_days,
            },
            "threshold": self.veto_share,
            "probes_per_day": round(total / self.window_days, 1),
            "required_per_day": self.min_per_day,
            "reasons": dict(Counter(str(p.get("outcome")) for p in failed).most_common()),
        }
        if failed:
            last = max(failed, key=lambda p: _at(p) or datetime.min)
            at = _at(last)
            evidence["last_failure"] = {
                "at": at.isoformat(timespec="seconds") if at else None,
                "outcome": last.get("outcome"),
                "error": last.get("error") or "",
            }
        return evidence

    def _from_crawl(self, site: SiteSnapshot) -> Iterator[Finding]:
        if not site.home_error:
            return
        home = site.targets.get(site.site.url)
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "reason": home.reason if home else "",
                "status": home.status if home else None,
                "error": site.home_error,
            },
            key="home",
        )


def latest_probe(
    probes: Sequence[Mapping[str, Any]], before: datetime | None = None
) -> Mapping[str, Any] | None:
    dated = [p for p in probes if (at := _at(p)) is not None and (before is None or at < before)]
    return max(dated, key=lambda p: _at(p) or datetime.min) if dated else None


def closed_state(site: SiteSnapshot) -> dict[str, Any]:
    """How a site registered `closed` looked at its latest probe up to the end of the as-of day.

    `state`: `online` (answered 2xx with content), `merged` (redirected to another registered
    site, which answered), `offline` (any failure), or `not_probed`; plus the probe's `at`,
    `outcome`, `status`, `final_url`, `error` when there is one. Scoring and reports use this
    for the `closed_ok` verdict's note.
    """
    end = datetime.combine(site.as_of + timedelta(days=1), time())
    probe = latest_probe(site.probes, before=end)
    if probe is None:
        return {"state": "not_probed"}
    outcome = str(probe.get("outcome") or "")
    state = {"ok": "online", "merged": "merged"}.get(outcome, "offline")
    at = _at(probe)
    return {
        "state": state,
        "at": at.isoformat(timespec="seconds") if at else None,
        "outcome": outcome,
        "status": probe.get("status"),
        "final_url": probe.get("final_url") or "",
        "error": probe.get("error") or "",
    }


class ClosedSiteOnline(Check):
    """关停网站仍可访问 — a site registered as closed still answers.

    For sites registered `closed`, the latest probe (`inspector probe`, or the nightly run's
    probe of closed sites) up to the end of the as-of day decides: a 2xx answer with content is
    `closed_site_online` (veto; the verdict becomes `closed_online`). A redirect that ends on
    another registered site is a proper closure (merged into that site): no finding, and the
    probe's outcome is `merged`. A failure of any kind is closed as it should be (`closed_ok`).
    A closed site without any probe gets no finding: nothing says it is online.

    Finding `closed_site_online` (veto), url = the registered URL; detail: `probed_at`,
    `status`, `final_url`, `elapsed_ms`.
    """

    code = "closed_site_online"

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "closed":
            return
        state = closed_state(site)
        if state["state"] != "online":
            return
        end = datetime.combine(site.as_of + timedelta(days=1), time())
        probe = latest_probe(site.probes, before=end) or {}
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "probed_at": state["at"],
                "status": state["status"],
                "final_url": state["final_url"],
                "elapsed_ms": probe.get("elapsed_ms"),
            },
            key="home",
        )
