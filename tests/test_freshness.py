"""Freshness checks (zombie and sleeping sites) on snapshots and on a real crawl of the demo site."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta

import pytest
import pytest_twisted
from conftest import REALPAGES, REPO, crawl, open_session, site
from sqlalchemy import select

from checks.freshness import ColumnEmpty, ColumnStale, ColumnVeto, HomepageStale
from inspector.facts import ColumnFacts, SiteSnapshot
from inspector.profile import load_profile
from inspector.store.models import FindingRow
from inspector.testing import home_page, make_snapshot
from reports.export import export_data

T = date(2026, 11, 28)
PROFILE = load_profile("census2015")


def snapshot(
    home_newest: date | None, columns: list[ColumnFacts], home: bool = True
) -> SiteSnapshot:
    page = home_page("http://a.gov.cn/", newest_item_date=home_newest)
    return make_snapshot(
        site_id="a",
        name="甲县",
        url="http://a.gov.cn/",
        as_of=T,
        home=page if home else None,
        pages=[page],
        columns=columns,
    )


def col(name: str, category: str, newest: date | None, items: int | None = 5, **kw) -> ColumnFacts:
    return ColumnFacts(
        name, name, category, f"http://a.gov.cn/{name}/", newest_date=newest, item_count=items, **kw
    )


def days_ago(n: int) -> date:
    return T - timedelta(days=n)


def test_homepage_fresh_within_14_days_and_stale_after() -> None:
    check = HomepageStale(PROFILE)
    assert list(check.check_site(snapshot(days_ago(14), []))) == []
    [f] = check.check_site(snapshot(days_ago(15), []))
    assert f.check == "homepage_stale" and f.severity == "veto"
    assert f.detail["newest_date"] == days_ago(15).isoformat()
    assert (
        f.detail["age_days"] == 15
        and f.detail["threshold_days"] == 14
        and f.detail["basis"] == "home"
    )


def test_navigation_home_page_is_judged_by_its_columns() -> None:
    check = HomepageStale(PROFILE)
    fresh = snapshot(
        None, [col("要闻动态", "news", days_ago(3)), col("通知公告", "notice", days_ago(40))]
    )
    assert list(check.check_site(fresh)) == []
    [f] = check.check_site(snapshot(None, [col("要闻动态", "news", days_ago(30))]))
    assert f.detail["basis"] == "columns" and f.detail["age_days"] == 30
    # Column pages read, nothing dated anywhere: not updated.
    [f] = check.check_site(snapshot(None, [col("要闻动态", "news", None)]))
    assert f.detail["newest_date"] is None
    # Nothing read but an undated home page (written by script, a stub not followed): no evidence.
    assert list(check.check_site(snapshot(None, []))) == []


def test_column_windows_per_category() -> None:
    columns = [
        col("要闻动态", "news", days_ago(15)),  # stale: 14
        col("工作动态", "news", days_ago(14)),  # fresh
        col("通知公告", "notice", days_ago(184)),  # stale: 183
        col("政策文件", "policy", days_ago(183)),  # fresh
        col("人事信息", "personnel", days_ago(366)),  # stale: 365
        col("规划计划", "planning", days_ago(100)),  # fresh
        col("机构职能", "other", days_ago(4000)),  # other: never stale
        col("政策解读", "policy", None),  # items without dates: not updated
        col("外部栏目", "news", days_ago(400), external=True),  # another site: not judged
        col("未抓取", "news", None, items=None),  # list page not fetched: not judged
    ]
    found = {f.detail["column"]: f for f in ColumnStale(PROFILE).check_site(snapshot(T, columns))}
    assert set(found) == {"要闻动态", "通知公告", "人事信息", "政策解读"}
    assert (
        found["通知公告"].detail["threshold_days"] == 183
        and found["通知公告"].url == "http://a.gov.cn/通知公告/"
    )
    assert found["政策解读"].detail["newest_date"] is None


def test_empty_columns() -> None:
    columns = [
        col("征集调查", "other", None, items=0, empty_marker=True),
        col("人事信息", "personnel", None, items=1, empty_marker=True),
        col("通知公告", "notice", None, items=0),
        col("网上办事大厅", "other", None, items=0),  # a service platform, not an empty list
        col("机构概况", "news", days_ago(3), items=0),  # one dated article: not empty
        col("要闻动态", "news", days_ago(1)),
    ]
    found = [f.detail["column"] for f in ColumnEmpty(PROFILE).check_site(snapshot(T, columns))]
    assert found == ["征集调查", "人事信息", "通知公告"]
    # An empty column is empty, not also stale.
    assert [f.detail["column"] for f in ColumnStale(PROFILE).check_site(snapshot(T, columns))] == []


def test_column_veto_thresholds() -> None:
    check = ColumnVeto(PROFILE)
    stale_news = [col(f"动态{i}", "news", days_ago(30)) for i in range(5)]
    rules = {f.detail["rule"]: f for f in check.check_site(snapshot(T, stale_news))}
    assert set(rules) == {"stale_key_columns"} and rules["stale_key_columns"].detail["count"] == 5
    assert list(check.check_site(snapshot(T, stale_news[:4]))) == []
    empty = [col(f"空{i}", "other", None, items=0, empty_marker=True) for i in range(5)]
    rules = {f.detail["rule"] for f in check.check_site(snapshot(T, empty + stale_news))}
    assert rules == {"stale_key_columns", "empty_columns", "stale_or_empty_columns"}
    mixed = [col(f"人事{i}", "personnel", days_ago(400)) for i in range(6)] + empty[:4]
    assert {f.detail["rule"] for f in check.check_site(snapshot(T, mixed))} == {
        "stale_or_empty_columns"
    }


@pytest_twisted.ensureDeferred
async def test_demo_site_columns_and_freshness_findings(demo_server, sqlite_url):
    from inspector.demo.server import COLUMNS, HOME_NEWEST

    runs = await crawl([site("demo", demo_server.url("/"))], sqlite_url, DOWNLOAD_TIMEOUT=3)
    with open_session(sqlite_url) as s:
        data = export_data(s)
        findings = s.scalars(select(FindingRow).where(FindingRow.run_id == runs["demo"])).all()
    rec = data["sites"][0]
    assert rec["home_newest_date"] == HOME_NEWEST.isoformat()
    columns = {c["name"]: c for c in rec["columns"]}
    for expected in COLUMNS:  # every column of the demo site, healthy ones included
        c = columns[expected["name"]]
        assert c["url"] == demo_server.url(expected["url"])
        assert c["category"] == expected["category"]
        newest = expected["newest"]
        assert c["newest_date"] == (newest.isoformat() if newest else None), expected["name"]
    by_check: dict[str, list[FindingRow]] = {}
    for f in findings:
        by_check.setdefault(f.check, []).append(f)
    assert "homepage_stale" not in by_check
    assert [f.detail["column"] for f in by_check["column_stale"]] == ["乡镇动态"]
    stale = by_check["column_stale"][0].detail
    assert (
        stale["newest_date"] == "2026-09-01"
        and stale["age_days"] == 88
        and stale["threshold_days"] == 14
    )
    assert [f.detail["column"] for f in by_check["column_empty"]] == ["征集调查"]
    assert columns["征集调查"]["parent"] == "互动交流"


@pytest_twisted.ensureDeferred
async def test_demo_site_a_month_later_is_a_zombie(demo_server, sqlite_url):
    runs = await crawl(
        [site("demo", demo_server.url("/"))],
        sqlite_url,
        as_of=date(2026, 12, 28),
        DOWNLOAD_TIMEOUT=3,
    )
    with open_session(sqlite_url) as s:
        findings = s.scalars(select(FindingRow).where(FindingRow.run_id == runs["demo"])).all()
    stale_home = [f for f in findings if f.check == "homepage_stale"]
    assert len(stale_home) == 1 and stale_home[0].severity == "veto"
    assert (
        stale_home[0].detail["newest_date"] == "2026-11-25"
        and stale_home[0].detail["age_days"] == 33
    )
    assert {f.detail["column"] for f in findings if f.check == "column_stale"} >= {
        "乡镇动态",
        "要闻动态",
    }


def _explain(*args: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "explain", *args, "--json"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.skipif(not REALPAGES.is_dir(), reason=f"real pages not found at {REALPAGES}")
def test_explain_a_saved_real_page() -> None:
    report = _explain(
        str(REALPAGES / "www.miit.gov.cn__article__mhx-sandian.html"), "--as-of", "2026-11-28"
    )
    assert {"kind", "date", "candidates", "columns", "elements"} <= set(report)
    assert report["kind"] == "article" and report["date"] == "2009-09-30"
    assert report["meta_date"] == "2023-05-12"  # the CMS migration's date, kept but not used
    rules = {c["rule"] for c in report["candidates"] if c["accepted"]}
    assert any(r.startswith("label") for r in rules) and any(r.startswith("meta") for r in rules)


@pytest.mark.skipif(not REALPAGES.is_dir(), reason=f"real pages not found at {REALPAGES}")
def test_explain_a_saved_real_home_page_with_its_url() -> None:
    report = _explain(
        str(REALPAGES / "www.yichun.gov.cn__home.html"),
        "--url",
        "https://www.yichun.gov.cn/",
        "--as-of",
        "2023-10-11",
    )
    assert report["kind"] == "home" and report["date"] == "2023-10-11"
    names = {c["name"]: c for c in report["columns"]}
    assert names["政务动态"]["category"] == "news" and names["政务动态"]["parent"] == "政务公开"
    assert report["elements"]["site_code"]["value"] == "3609000002"
    assert report["elements"]["icp"]["found"] is True


def test_explain_a_url_and_a_stored_page(demo_server, sqlite_url) -> None:
    report = _explain(demo_server.url("/"), "--as-of", "2026-11-28")
    assert report["kind"] == "home" and report["date"] == "2026-11-25"
    assert "乡镇动态" in {c["name"] for c in report["columns"]}
    assert report["elements"]["site_code"]["value"] == "3609220001"
    clock = [c for c in report["candidates"] if c["reason"] == "clock"]
    assert not any(c["accepted"] for c in clock)
    gbk = _explain(demo_server.url("/zcwj/index.html"), "--as-of", "2026-11-28")
    assert gbk["encoding"]["used"].replace("-", "") in ("gb18030", "gbk") and gbk["kind"] == "list"
    assert gbk["date"] == "2026-10-15"


def test_explain_refuses_bad_input() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "explain", "/no/such/file.html"],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2 and "no such file" in proc.stderr


# --- dates whose year is uncertain never make a page fresh, nor a veto -------------------------


def home_with(evidence: list[dict], newest: date | None) -> SiteSnapshot:
    snap = snapshot(newest, [])
    home = snap.home
    from dataclasses import replace

    snap.home = replace(home, date_evidence=tuple(evidence))
    snap.pages = [snap.home]
    return snap


def item(d: date, year: str = "") -> dict:
    return {"text": d.strftime("%m-%d") if year else d.isoformat(), "date": d.isoformat(),
            "rule": "list_item", **({"year": year} if year else {})}  # fmt: skip


def test_uncertain_month_day_is_neither_fresh_nor_a_veto() -> None:
    check = HomepageStale(PROFILE)
    # Only an uncertain month-day is recent: no veto (that would be invented too), but the
    # report says the update is not confirmed.
    snap = home_with([item(days_ago(3), "uncertain"), item(days_ago(400))], days_ago(3))
    [f] = check.check_site(snap)
    assert (f.check, f.severity) == ("homepage_year_uncertain", "info")
    assert f.detail["newest_settled"] == days_ago(400).isoformat()
    assert f.detail["newest_date"] == days_ago(3).isoformat()
    # Settled by evidence: judged on it.
    snap = home_with([item(days_ago(800), "url"), item(days_ago(900))], days_ago(800))
    [f] = check.check_site(snap)
    assert f.detail["newest_date"] == days_ago(800).isoformat()
    assert f.detail["evidence"][0]["year"] == "url" and f.detail["year_uncertain"] is False
    # Even the most favourable reading is stale: a veto, saying the year was uncertain.
    snap = home_with([item(days_ago(40), "uncertain"), item(days_ago(700))], days_ago(40))
    [f] = check.check_site(snap)
    assert (f.detail["age_days"], f.detail["year_uncertain"]) == (40, True)


def test_read_home_dates_outcomes() -> None:
    from checks.freshness import read_home_dates

    fresh = read_home_dates(days_ago(2), [item(days_ago(2), "page")], T, 14)
    assert (fresh.outcome, fresh.settled) == ("fresh", days_ago(2))
    unsure = read_home_dates(days_ago(2), [item(days_ago(2), "uncertain")], T, 14)
    assert (unsure.outcome, unsure.settled, unsure.uncertain) == ("uncertain", None, days_ago(2))
    old_run = read_home_dates(days_ago(30), [], T, 14)  # stored before years were recorded
    assert (old_run.outcome, old_run.newest) == ("stale", days_ago(30))


def test_a_hub_page_of_sub_columns_is_neither_stale_nor_empty() -> None:
    from inspector.crawl.listpage import list_page_facts

    hub = (
        "<html><body><div class='nav'><a href='/'>首页</a></div><div class='main'>"
        + "".join(
            f"<a href='/xwzx/{c}/'>{n}</a>"
            for c, n in [("ywdt", "要闻动态"), ("bmdt", "部门动态"), ("xzdt", "乡镇动态")]
        )
        + "</div></body></html>"
    )
    facts = list_page_facts(hub, "http://a.gov.cn/xwzx/", T)
    assert facts["evidence"] == [{"hub": ["要闻动态", "部门动态", "乡镇动态"]}]
    column = col(
        "新闻中心", "news", None, items=facts["item_count"], evidence=tuple(facts["evidence"])
    )
    site = snapshot(T, [column])
    assert list(ColumnStale(PROFILE).check_site(site)) == []
    assert list(ColumnEmpty(PROFILE).check_site(site)) == []
