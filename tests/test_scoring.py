"""Scoring: vetoes, capped deductions, pass mark, and profile validation (pure, no database)."""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from inspector.facts import Finding, Severity, SiteSnapshot
from inspector.judge.scoring import DEFAULT_SCORING, deduction_lines, score_run, validate_scoring
from inspector.profile import ProfileError, RulesProfile, load_profile
from inspector.testing import make_snapshot

SITE = "https://www.example.gov.cn/"


def snapshot(status: str = "active") -> SiteSnapshot:
    return make_snapshot(
        site_id="s1", name="示例市人民政府", url=SITE, status=status, as_of=date(2025, 11, 15)
    )


def link(n: int, *, home: bool = False) -> Finding:
    return Finding(
        "broken_link",
        Severity.MAJOR if home else Severity.MINOR,
        f"{SITE}dead/{'h' if home else 'o'}{n}.html",
        {"reason": "http_404", "status": 404, "on_home_page": home, "sources": [SITE]},
    )


def profile_with(scoring: dict[str, Any] | None = None, **extra: Any) -> RulesProfile:
    data: dict[str, Any] = {"profile": {"name": "test"}, **extra}
    if scoring is not None:
        data["scoring"] = scoring
    return RulesProfile("test", "/tmp/test.toml", data)


@pytest.fixture(scope="module")
def census() -> RulesProfile:
    return load_profile("census2015")


def line(detail: dict[str, Any], name: str) -> dict[str, Any]:
    return next(row for row in detail["deductions"] if row["line"] == name)


# ---------------------------------------------------------------- verdicts without a score


def test_exception_site_is_skipped(census: RulesProfile) -> None:
    assert score_run(snapshot("exception"), [link(1, home=True)], census)[:2] == (None, "skipped")


def test_closed_site_ok_and_online(census: RulesProfile) -> None:
    assert score_run(snapshot("closed"), [], census)[:2] == (None, "closed_ok")
    online = Finding(
        "closed_site_online",
        Severity.VETO,
        SITE,
        {"status": 200, "final_url": SITE, "title": "首页"},
    )
    score, verdict, detail = score_run(snapshot("closed"), [online], census)
    assert (score, verdict) == (None, "closed_online")
    assert detail["closed_online"][0]["detail"]["title"] == "首页"


# ---------------------------------------------------------------- vetoes


def test_unreachable_is_a_veto_named_unreachable(census: RulesProfile) -> None:
    veto = Finding("site_unreachable", Severity.VETO, SITE, {"reason": "timeout"}, key="home")
    score, verdict, detail = score_run(snapshot(), [veto, link(1, home=True)], census)
    assert verdict == "unreachable"
    assert score == 0.0
    assert detail["vetoes"] == ["site_unreachable"]
    assert detail["scored"] is False
    assert detail["veto_items"][0]["detail"]["reason"] == "timeout"


@pytest.mark.parametrize("check", ["homepage_stale", "column_veto"])
def test_other_vetoes_fail_and_are_named(census: RulesProfile, check: str) -> None:
    veto = Finding(check, Severity.VETO, SITE, {"newest_date": "2025-09-01"})
    score, verdict, detail = score_run(snapshot(), [veto], census)
    assert (score, verdict) == (0.0, "fail")
    assert detail["vetoes"] == [check]
    # The deductions are still listed (not scored) so that the report shows everything to fix.
    assert detail["deducted"] == 0


def test_veto_with_deductions_keeps_the_arithmetic_unscored(census: RulesProfile) -> None:
    veto = Finding("homepage_stale", Severity.VETO, SITE, {})
    _, verdict, detail = score_run(
        snapshot(), [veto, link(1, home=True), link(2, home=True)], census
    )
    assert verdict == "fail"
    assert line(detail, "broken_link_home")["deducted"] == 2.0
    assert detail["scored"] is False


# ---------------------------------------------------------------- deductions


def test_clean_site_scores_100(census: RulesProfile) -> None:
    assert score_run(snapshot(), [], census)[:2] == (100.0, "pass")


def test_arithmetic_line_by_line(census: RulesProfile) -> None:
    findings = (
        [link(i, home=True) for i in range(3)]
        + [link(i) for i in range(25)]
        + [
            Finding("column_stale", Severity.MINOR, f"{SITE}col{i}/", {"column": f"栏目{i}"})
            for i in range(2)
        ]
        + [Finding("missing_element", Severity.MINOR, SITE, {"element": "icp"}, key="icp")]
    )
    score, verdict, detail = score_run(snapshot(), findings, census)
    home, other = line(detail, "broken_link_home"), line(detail, "broken_link_other")
    assert (home["count"], home["points"], home["cap"], home["deducted"]) == (3, 1.0, 30.0, 3.0)
    assert (other["count"], other["points"], other["deducted"]) == (25, 0.1, 2.5)
    assert line(detail, "column_stale")["deducted"] == 4.0
    assert line(detail, "missing_element")["deducted"] == 1.0
    assert detail["deducted"] == 10.5
    assert (score, verdict) == (89.5, "pass")
    assert detail["scored"] is True


def test_tenth_of_a_point_adds_up_exactly(census: RulesProfile) -> None:
    _, _, detail = score_run(snapshot(), [link(i) for i in range(3)], census)
    assert line(detail, "broken_link_other")["deducted"] == 0.3  # not 0.30000000000000004


def test_caps(census: RulesProfile) -> None:
    score, verdict, detail = score_run(snapshot(), [link(i) for i in range(250)], census)
    other = line(detail, "broken_link_other")
    assert other["raw"] == 25.0 and other["deducted"] == 20.0 and other["capped"] is True
    assert (score, verdict) == (80.0, "pass")
    score, verdict, detail = score_run(
        snapshot(), [link(i, home=True) for i in range(45)] + [link(i) for i in range(300)], census
    )
    assert line(detail, "broken_link_home")["deducted"] == 30.0
    assert (score, verdict) == (50.0, "fail")


def test_one_deduction_per_unique_target(census: RulesProfile) -> None:
    _, _, detail = score_run(
        snapshot(), [link(1, home=True), link(1, home=True), link(2, home=True)], census
    )
    assert line(detail, "broken_link_home")["count"] == 2
    # Same URL (the home page), different elements: each one counts, even without a key.
    elements = [
        Finding("missing_element", Severity.MINOR, SITE, {"element": e})
        for e in ("icp", "sitemap", "icp")
    ]
    _, _, detail = score_run(snapshot(), elements, census)
    assert line(detail, "missing_element")["count"] == 2


def test_info_and_unknown_checks_are_not_deducted(census: RulesProfile) -> None:
    findings = [
        Finding(
            "availability", Severity.INFO, SITE, {"share": 0.02, "note": "monitoring incomplete"}
        ),
        Finding("brand_new_check", Severity.MINOR, SITE, {}),
    ]
    score, verdict, detail = score_run(snapshot(), findings, census)
    assert (score, verdict) == (100.0, "pass")
    assert detail["unscored"] == {"brand_new_check": 1}


@pytest.mark.parametrize("share, deducted", [(0.03, 6.0), (3, 6.0), (0.049, 9.8), (0.2, 10.0)])
def test_availability_is_charged_per_percent(
    census: RulesProfile, share: float, deducted: float
) -> None:
    finding = Finding(
        "availability", Severity.MINOR, SITE, {"share": share, "probes": 336, "failures": 10}
    )
    _, _, detail = score_run(snapshot(), [finding], census)
    assert line(detail, "availability")["deducted"] == deducted


def test_pass_mark_is_inclusive() -> None:
    scoring = {
        "total": 100,
        "pass_score": 60,
        "deductions": {
            "missing_column": {"check": "missing_column", "points": 40},
            "x": {"check": "x", "points": 0.1},
        },
    }
    profile = profile_with(scoring)
    one = [Finding("missing_column", Severity.MINOR, SITE, {"column": "政策文件"}, key="政策文件")]
    assert score_run(snapshot(), one, profile)[:2] == (60.0, "pass")
    assert score_run(snapshot(), [*one, Finding("x", Severity.MINOR, SITE, {})], profile)[:2] == (
        59.9,
        "fail",
    )


def test_score_never_below_zero() -> None:
    profile = profile_with({"deductions": {"m": {"check": "missing_column", "points": 70}}})
    findings = [Finding("missing_column", Severity.MINOR, SITE, {}, key=str(i)) for i in range(3)]
    assert score_run(snapshot(), findings, profile)[:2] == (0.0, "fail")


def test_first_matching_line_takes_the_finding() -> None:
    profile = profile_with(
        {
            "deductions": {
                "stale_news": {
                    "check": "column_stale",
                    "when": {"category": ["news", "notice"]},
                    "points": 5,
                },
                "stale_other": {"check": "column_stale", "points": 1},
            }
        }
    )
    findings = [
        Finding("column_stale", Severity.MINOR, f"{SITE}a/", {"category": "news"}),
        Finding("column_stale", Severity.MINOR, f"{SITE}b/", {"category": "planning"}),
    ]
    score, _, detail = score_run(snapshot(), findings, profile)
    assert (
        line(detail, "stale_news")["deducted"] == 5 and line(detail, "stale_other")["deducted"] == 1
    )
    assert score == 94.0


# ---------------------------------------------------------------- profiles


def test_shipped_profile_matches_the_builtin_defaults(census: RulesProfile) -> None:
    # A profile without [scoring] falls back to DEFAULT_SCORING: both must say the same thing.
    assert census.data["scoring"] == DEFAULT_SCORING
    assert census.data["tracking"]["deadline_days"] == 30
    assert [ln.name for ln in deduction_lines(census)][:2] == [
        "broken_link_home",
        "broken_link_other",
    ]


def test_profile_without_scoring_uses_defaults() -> None:
    score, verdict, _ = score_run(snapshot(), [link(1, home=True)], profile_with(None))
    assert (score, verdict) == (99.0, "pass")


def test_extending_profile_changes_the_pass_mark(tmp_path: Path) -> None:
    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\nname = "strict"\nextends = "census2015"\n\n[scoring]\npass_score = 99.5\n',
        encoding="utf-8",
    )
    strict = load_profile(str(path))
    assert strict.data["scoring"]["deductions"]["broken_link_home"]["points"] == 1.0  # inherited
    assert score_run(snapshot(), [link(1, home=True)], strict)[:2] == (99.0, "fail")


def _broken(mutate) -> RulesProfile:
    scoring = copy.deepcopy(DEFAULT_SCORING)
    mutate(scoring)
    return profile_with(scoring)


@pytest.mark.parametrize(
    "mutate, key",
    [
        (lambda s: s.update(pas_score=60), "scoring.pas_score"),
        (lambda s: s.update(pass_score=120), "scoring.pass_score"),
        (lambda s: s.update(pass_score="60"), "scoring.pass_score"),
        (lambda s: s.update(total=0), "scoring.total"),
        (lambda s: s.update(deductions=[1, 2]), "scoring.deductions"),
        (
            lambda s: s["deductions"]["column_stale"].update(points=-1),
            "scoring.deductions.column_stale.points",
        ),
        (
            lambda s: s["deductions"]["column_stale"].pop("points"),
            "scoring.deductions.column_stale.points",
        ),
        (
            lambda s: s["deductions"]["column_stale"].update(cap="20"),
            "scoring.deductions.column_stale.cap",
        ),
        (
            lambda s: s["deductions"]["column_stale"].update(per="page"),
            "scoring.deductions.column_stale.per",
        ),
        (
            lambda s: s["deductions"]["column_stale"].update(when="news"),
            "scoring.deductions.column_stale.when",
        ),
        (
            lambda s: s["deductions"]["column_stale"].update(check=""),
            "scoring.deductions.column_stale.check",
        ),
        (
            lambda s: s["deductions"]["column_stale"].update(pionts=2),
            "scoring.deductions.column_stale.pionts",
        ),
        (lambda s: s["deductions"].update(oops=3), "scoring.deductions.oops"),
    ],
)
def test_malformed_scoring_is_refused_with_the_key(mutate, key: str) -> None:
    profile = _broken(mutate)
    with pytest.raises(ProfileError) as info:
        validate_scoring(profile)
    assert info.value.key == key
    assert info.value.path == "/tmp/test.toml"
    assert key in str(info.value)
    with pytest.raises(ProfileError):
        score_run(snapshot(), [], profile)
