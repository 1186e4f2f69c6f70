"""The availability checks over snapshots with probe samples (pure: no network, no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from checks.availability import ClosedSiteOnline, SiteUnreachable, closed_state, probe_window
from inspector.facts import Finding, Severity, SiteSnapshot
from inspector.profile import ProfileError, RulesProfile, load_profile
from inspector.testing import make_snapshot, target

AS_OF = date(2026, 11, 28)
URL = "http://www.example.gov.cn/"


def snapshot(
    probes: list[dict[str, Any]] = (),  # type: ignore[assignment]
    *,
    status: str = "active",
    home_error: str = "",
    as_of: date = AS_OF,
) -> SiteSnapshot:
    targets = [target(URL, "timeout", note=home_error)] if home_error else []
    return make_snapshot(
        site_id="s1",
        url=URL,
        status=status,
        as_of=as_of,
        home_error=home_error,
        targets=targets,
        probes=probes,
    )


def week(
    per_day: int, failures: int = 0, *, as_of: date = AS_OF, outcome: str = "timeout"
) -> list[dict[str, Any]]:
    """`per_day` samples on each of the 7 days before as_of, the first `failures` of them failed."""
    start, _ = probe_window(as_of, 7)
    step = timedelta(days=1) / per_day
    samples = []
    for i in range(per_day * 7):
        failed = i < failures
        samples.append(
            {
                "at": start + step * i,
                "outcome": outcome if failed else "ok",
                "status": None if failed else 200,
                "error": "DownloadTimeoutError: took longer than 15.0 seconds" if failed else "",
            }
        )
    return samples


def run_check(check: Any, snap: SiteSnapshot) -> list[Finding]:
    return list(check.check_site(snap))


@pytest.fixture(scope="module")
def profile() -> RulesProfile:
    return load_profile("census2015")


def test_profile_holds_the_thresholds(profile: RulesProfile) -> None:
    assert profile.section("availability") == {
        "window_days": 7,
        "veto_share": 0.05,
        "min_probes_per_day": 20,
    }


def test_without_probes_the_crawl_decides(profile: RulesProfile) -> None:
    check = SiteUnreachable.from_profile(profile)
    assert run_check(check, snapshot()) == []
    [f] = run_check(check, snapshot(home_error="TimeoutError: took longer than 15 s"))
    assert (f.check, f.severity, f.url) == ("site_unreachable", Severity.VETO, URL)
    assert f.detail == {
        "reason": "timeout",
        "status": None,
        "error": "TimeoutError: took longer than 15 s",
    }


def test_five_percent_failed_is_the_veto(profile: RulesProfile) -> None:
    check = SiteUnreachable.from_profile(profile)
    # 48 probes a day (every 30 minutes): 336 in the week; 17 failed = 5.06 %.
    [f] = run_check(check, snapshot(week(48, 17)))
    assert (f.check, f.severity, f.key) == ("site_unreachable", Severity.VETO, "home")
    assert f.detail["probes"] == 336
    assert f.detail["failures"] == 17
    assert f.detail["share"] == round(17 / 336, 4)
    assert f.detail["window"] == {"from": "2026-11-21", "to": "2026-11-27", "days": 7}
    assert f.detail["reasons"] == {"timeout": 17}
    assert f.detail["last_failure"]["outcome"] == "timeout"


def test_exactly_the_threshold_vetoes(profile: RulesProfile) -> None:
    # 20 a day is complete monitoring; 7 of 140 is exactly 5 %.
    [f] = run_check(SiteUnreachable.from_profile(profile), snapshot(week(20, 7)))
    assert f.check == "site_unreachable" and f.detail["share"] == 0.05


def test_below_the_threshold_is_a_deduction_item(profile: RulesProfile) -> None:
    [f] = run_check(SiteUnreachable.from_profile(profile), snapshot(week(48, 16)))
    assert (f.check, f.severity) == ("availability", Severity.MINOR)
    assert f.detail["share"] == round(16 / 336, 4)
    assert f.detail["incomplete"] is False
    assert f.detail["probes_per_day"] == 48.0


def test_all_probes_answered_means_no_finding(profile: RulesProfile) -> None:
    assert run_check(SiteUnreachable.from_profile(profile), snapshot(week(48, 0))) == []


def test_merged_answers_count_as_answered(profile: RulesProfile) -> None:
    samples = week(48, 0)
    for p in samples[:100]:
        p["outcome"] = "merged"
    assert run_check(SiteUnreachable.from_profile(profile), snapshot(samples)) == []


def test_incomplete_monitoring_never_vetoes_on_the_share(profile: RulesProfile) -> None:
    # 10 a day (< 20): half of them failed, but the week is not monitored well enough to judge.
    [f] = run_check(SiteUnreachable.from_profile(profile), snapshot(week(10, 35)))
    assert (f.check, f.severity) == ("availability", Severity.INFO)
    assert f.detail["incomplete"] is True
    assert f.detail["share"] == 0.5
    assert f.detail["required_per_day"] == 20


def test_incomplete_monitoring_keeps_the_crawl_veto(profile: RulesProfile) -> None:
    findings = run_check(
        SiteUnreachable.from_profile(profile), snapshot(week(5), home_error="connection refused")
    )
    assert [(f.check, f.severity) for f in findings] == [
        ("availability", Severity.INFO),
        ("site_unreachable", Severity.VETO),
    ]


def test_complete_monitoring_overrides_one_failed_crawl(profile: RulesProfile) -> None:
    # The probes say the site was up all week: one failed home page during the crawl is noted,
    # not a veto.
    [f] = run_check(
        SiteUnreachable.from_profile(profile), snapshot(week(48, 2), home_error="timeout")
    )
    assert (f.check, f.severity) == ("availability", Severity.MINOR)
    assert f.detail["crawl_error"] == "timeout"


def test_window_is_the_seven_whole_days_before_as_of(profile: RulesProfile) -> None:
    samples = week(20, 0)
    # Failures outside the window: on the as-of day itself and eight days before.
    outside = [
        {"at": datetime(2026, 11, 28, 0, 0), "outcome": "timeout", "status": None, "error": ""},
        {"at": datetime(2026, 11, 20, 23, 59), "outcome": "timeout", "status": None, "error": ""},
        {"at": "2026-11-28T12:00:00", "outcome": "dns", "status": None, "error": ""},
    ]
    assert run_check(SiteUnreachable.from_profile(profile), snapshot(samples + outside * 50)) == []
    # The same failures inside the window (ISO strings are accepted too) count.
    inside = [{"at": "2026-11-27T23:59:59", "outcome": "dns", "status": None, "error": ""}] * 10
    [f] = run_check(SiteUnreachable.from_profile(profile), snapshot(samples + inside))
    assert (
        f.check == "site_unreachable" and f.detail["failures"] == 10 and f.detail["probes"] == 150
    )


def test_thresholds_come_from_the_profile() -> None:
    lenient = RulesProfile(
        "lenient",
        "<test>",
        {"availability": {"window_days": 3, "veto_share": 0.5, "min_probes_per_day": 1}},
    )
    check = SiteUnreachable.from_profile(lenient)
    samples = [
        {
            "at": datetime(2026, 11, 27, h),
            "outcome": "timeout" if h < 10 else "ok",
            "status": None,
            "error": "",
        }
        for h in range(24)
    ]
    [f] = run_check(check, snapshot(samples))
    assert (f.check, f.severity) == ("availability", Severity.MINOR)
    assert f.detail["window"] == {"from": "2026-11-25", "to": "2026-11-27", "days": 3}


@pytest.mark.parametrize(
    ("key", "value"), [("veto_share", 5), ("window_days", 0), ("min_probes_per_day", "twenty")]
)
def test_a_wrong_threshold_names_its_key(key: str, value: Any) -> None:
    bad = RulesProfile("bad", "bad.toml", {"availability": {key: value}})
    with pytest.raises(ProfileError, match=rf"\[availability\.{key}\]"):
        SiteUnreachable.from_profile(bad)


def test_sites_not_active_are_not_judged_on_availability(profile: RulesProfile) -> None:
    check = SiteUnreachable.from_profile(profile)
    for status in ("closed", "exception"):
        assert run_check(check, snapshot(week(48, 200), status=status, home_error="x")) == []


# ---- closed sites --------------------------------------------------------------------------


def sample(
    at: datetime, outcome: str, status: int | None = 200, final_url: str = URL, error: str = ""
) -> dict[str, Any]:
    return {
        "at": at,
        "outcome": outcome,
        "status": status,
        "error": error,
        "final_url": final_url,
        "elapsed_ms": 120,
    }


def test_closed_site_still_online_is_a_veto(profile: RulesProfile) -> None:
    probes = [
        sample(datetime(2026, 11, 27, 10), "connection_refused", None),
        sample(datetime(2026, 11, 28, 1), "ok"),  # the latest: the as-of day counts
    ]
    [f] = run_check(ClosedSiteOnline.from_profile(profile), snapshot(probes, status="closed"))
    assert (f.check, f.severity, f.url) == ("closed_site_online", Severity.VETO, URL)
    assert f.detail == {
        "probed_at": "2026-11-28T01:00:00",
        "status": 200,
        "final_url": URL,
        "elapsed_ms": 120,
    }


def test_closed_site_offline_at_the_latest_probe_is_closed_ok(profile: RulesProfile) -> None:
    probes = [
        sample(datetime(2026, 11, 27, 10), "ok"),
        sample(datetime(2026, 11, 28, 1), "http_404", 404),
    ]
    snap = snapshot(probes, status="closed")
    assert run_check(ClosedSiteOnline.from_profile(profile), snap) == []
    assert closed_state(snap)["state"] == "offline"


def test_closed_site_merged_into_another_registered_site(profile: RulesProfile) -> None:
    probes = [
        sample(
            datetime(2026, 11, 28, 1),
            "merged",
            final_url="http://www.county.gov.cn/",
            error="answered by registered site county",
        )
    ]
    snap = snapshot(probes, status="closed")
    assert run_check(ClosedSiteOnline.from_profile(profile), snap) == []
    state = closed_state(snap)
    assert state["state"] == "merged"
    assert state["final_url"] == "http://www.county.gov.cn/"


def test_closed_site_probes_after_the_as_of_day_are_ignored(profile: RulesProfile) -> None:
    probes = [
        sample(datetime(2026, 11, 27, 1), "timeout", None),
        sample(datetime(2026, 11, 29, 0), "ok"),
    ]
    snap = snapshot(probes, status="closed")
    assert run_check(ClosedSiteOnline.from_profile(profile), snap) == []


def test_closed_site_without_probes(profile: RulesProfile) -> None:
    snap = snapshot([], status="closed")
    assert run_check(ClosedSiteOnline.from_profile(profile), snap) == []
    assert closed_state(snap) == {"state": "not_probed"}


def test_active_sites_are_not_judged_as_closed(profile: RulesProfile) -> None:
    snap = snapshot([sample(datetime(2026, 11, 28, 1), "ok")])
    assert run_check(ClosedSiteOnline.from_profile(profile), snap) == []


def test_verdicts(profile: RulesProfile) -> None:
    """What scoring makes of these findings: closed_online / closed_ok, and unreachable."""
    from inspector.judge.scoring import score_run

    online = snapshot([sample(datetime(2026, 11, 28, 1), "ok")], status="closed")
    findings = run_check(ClosedSiteOnline.from_profile(profile), online)
    assert score_run(online, findings, profile)[1] == "closed_online"
    merged = snapshot([sample(datetime(2026, 11, 28, 1), "merged")], status="closed")
    assert (
        score_run(merged, run_check(ClosedSiteOnline.from_profile(profile), merged), profile)[1]
        == "closed_ok"
    )
    down = snapshot(week(48, 40))
    assert (
        score_run(down, run_check(SiteUnreachable.from_profile(profile), down), profile)[1]
        == "unreachable"
    )
