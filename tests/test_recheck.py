"""The rectification loop: a site inspected in full, fixed by its webmaster, then rechecked (复查).

A real local site (tests/servers.py) with broken links and a stale column is crawled in full;
the server then serves the fixed version (one broken link left); the recheck fetches only what
the findings rest on (asserted from the server's request log), marks the fixed findings 已整改
and the rest 未整改 — in process, through `inspector recheck` and through `scrapy crawl site -a
recheck=1`, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from conftest import AS_OF, TEST_SETTINGS, crawl, open_session, site
from sqlalchemy import func, select

from inspector.judge.counts import tracked_counts
from inspector.judge.tracking import load_tracking
from inspector.store.history import run_findings
from inspector.store.models import PageRow, RunRow, TargetRow

REPO = Path(__file__).resolve().parents[1]
RECHECK_DAY = date(2026, 11, 30)
# A check a recheck does not re-examine (its findings are carried): enabled like a plugin.
CHECKS = {"INSPECTOR_CHECKS": {"recheck_plugin.TitleWord": 800}}

NAV = (
    '<ul class="nav"><li><a href="{{SITE}}/">首页</a></li>'
    '<li><a href="{{SITE}}/tzgg/">通知公告</a></li>'
    '<li><a href="{{SITE}}/gzdt/">工作动态</a></li></ul>'
)
FOOTER = (
    '<div class="footer">主办单位：测试市人民政府 网站标识码：1100000001 京ICP备12345678号</div>'
)


def _page(title: str, body: str) -> str:
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{NAV}"
        f"{body}{FOOTER}</body></html>"
    )


def _list(title: str, days: list[str]) -> str:
    items = "".join(
        f'<li><a href="{{{{SITE}}}}/item-{d}.html">{title}第{i}条</a><span>{d}</span></li>'
        for i, d in enumerate(days)
    )
    return _page(title, f'<ul class="list">{items}</ul>')


def _article(title: str, links: str = "") -> str:
    return _page(title, f"<h1>{title}</h1><p>发布时间：2026-11-20</p><p>正文{links}</p>")


ITEM_DAYS = ("2026-11-29", "2026-11-25", "2026-11-20", "2025-01-10", "2024-12-01")


def broken_site() -> dict[str, Any]:
    """The site as inspected: three broken links (one on the home page), a stale notice column."""
    home = _page(
        "测试市人民政府",
        '<ul class="news"><li><a href="{{SITE}}/a.html">要闻一</a><span>2026-11-25</span></li>'
        '<li><a href="{{SITE}}/b.html">要闻二</a><span>2026-11-24</span></li>'
        '<li><a href="{{SITE}}/c.html">要闻三</a><span>2026-11-23</span></li></ul>'
        '<a href="{{SITE}}/missing1.html">办事大厅</a>',
    )
    return {
        "/": home,
        "/a.html": _article("要闻一", '<a href="{{SITE}}/missing2.html">附件</a>'),
        "/b.html": _article("要闻二", '<a href="{{SITE}}/missing3.html">相关链接</a>'),
        # Not looked at again by a recheck: carried as still open.
        "/c.html": _article("要闻三"),
        "/tzgg/": _list("通知公告", ["2025-01-10", "2024-12-01"]),
        "/gzdt/": _list("工作动态", ["2026-11-25", "2026-11-20"]),
        "*": {"status": 404, "body": "<html><body>404 Not Found</body></html>"},
        **{f"/item-{d}.html": _article(f"信息{d}") for d in ITEM_DAYS},
    }


def fixed_site() -> dict[str, Any]:
    """The site after its webmaster's work: missing1 restored, the link to missing2 removed, a
    new notice published; missing3 is still linked and still missing."""
    pages = broken_site()
    pages["/missing1.html"] = _article("办事大厅")
    pages["/a.html"] = _article("要闻一")
    pages["/tzgg/"] = _list("通知公告", ["2026-11-29", "2025-01-10"])
    return pages


def _paths(srv: Any, name: str) -> set[str]:
    """The site's paths the server was asked for (the random "not found" probes left out)."""
    prefix = f"/site/{name}"
    return {
        r["path"].removeprefix(prefix)
        for r in srv.requests()
        if r["path"].startswith(prefix + "/") and "inspector-" not in r["path"]
    }


def _states(db_url: str, run_id: int) -> dict[str, str]:
    """check|url → 已整改 / 未整改 / 新发现 for the problems of the recheck's full run."""
    with open_session(db_url) as s:
        run = s.get_one(RunRow, run_id)
        tracking = load_tracking(s, run)
        states = {f"{t.check}|{t.url}": t.status for t in tracking.findings}
        states.update({f"{f.check}|{f.url}": "fixed" for f in tracking.fixed})
    return states


# The home page, the pages that linked to a broken target, the stale column's list page, and the
# broken targets still linked (missing2's link is gone); plus robots.txt and a "not found" probe.
EXPECTED_FETCHES = {"/", "/a.html", "/b.html", "/tzgg/", "/missing1.html", "/missing3.html"}


def _expected_states(srv: Any, name: str) -> dict[str, str]:
    url = lambda path: srv.site_url(name, path)  # noqa: E731
    return {
        f"broken_link|{url('/missing1.html')}": "fixed",
        f"broken_link|{url('/missing2.html')}": "fixed",
        f"broken_link|{url('/missing3.html')}": "open",
        f"column_stale|{url('/tzgg/')}": "fixed",
        f"title_word|{url('/c.html')}": "open",
    }


async def _recheck(sites: list[Any], db_url: str, as_of: date) -> dict[str, int]:
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import reactor

    from inspector.crawl.resolver import StaticHostsResolver
    from inspector.options import build_settings
    from spiders.site import SiteSpider

    runner = CrawlerRunner(build_settings({**TEST_SETTINGS, **CHECKS}, db_url=db_url))
    crawler = runner.create_crawler(SiteSpider)
    StaticHostsResolver.from_crawler(crawler, reactor).install_on_reactor()
    await runner.crawl(crawler, sites=sites, as_of=as_of, batch="recheck", recheck=True)
    return dict(crawler.spider.run_ids)


async def _inspect_then_fix(server: Any, db_url: str, name: str) -> tuple[Any, int]:
    server.add_site(name, broken_site())
    s = site(name, server.site_url(name, "/"))
    full = (await crawl([s], db_url, as_of=AS_OF, **CHECKS))[name]
    server.add_site(name, fixed_site())
    server.requests(clear=True)
    return s, full


async def test_recheck_fetches_only_what_the_findings_rest_on(server: Any, db_url: str) -> None:
    name = "recheck-" + ("pg" if db_url.startswith("postgresql") else "lite")
    s, full = await _inspect_then_fix(server, db_url, name)
    found = {k for k, v in _states(db_url, full).items() if v == "new"}
    assert set(_expected_states(server, name)) <= found, found
    recheck = (await _recheck([s], db_url, RECHECK_DAY))[name]
    assert _paths(server, name) == EXPECTED_FETCHES
    with open_session(db_url) as session:
        run = session.get_one(RunRow, recheck)
        assert (run.kind, run.base_run_id, run.status) == ("recheck", full, "finished")
        pages = session.scalar(select(func.count()).where(PageRow.run_id == recheck))
        targets = session.scalar(select(func.count()).where(TargetRow.run_id == recheck))
        assert pages == run.pages_crawled == 5  # home, a, b, tzgg and missing1 (a page now)
        assert targets == run.targets_checked == 6  # and missing3
        stats = run.stats["recheck"]
        assert (stats["base_run_id"], stats["fixed"], stats["carried"]) == (full, 3, 1)
        assert stats["still_open"] >= 1
        full_codes = {r.identity for r in run_findings(session, session.get_one(RunRow, full))}
        assert {r.identity for r in run_findings(session, run)} <= full_codes  # nothing new
    states = _states(db_url, recheck)
    for key, state in _expected_states(server, name).items():
        assert states[key] == state, (key, states)
    assert "new" not in states.values()


async def test_the_export_and_the_report_say_which_run_was_which(
    server: Any, db_url: str, tmp_path: Path
) -> None:
    from reports.export import export_data
    from reports.nights import nightly_runs
    from reports.render import render_reports
    from reports.site_view import load_trend

    name = "recheck-report-" + ("pg" if db_url.startswith("postgresql") else "lite")
    s, full = await _inspect_then_fix(server, db_url, name)
    recheck = (await _recheck([s], db_url, RECHECK_DAY))[name]
    with open_session(db_url) as session:
        record = export_data(session, [name])["sites"][0]
        assert (record["run_id"], record["run_kind"], record["recheck_of"]) == (
            recheck,
            "recheck",
            full,
        )
        assert (record["problems"]["new"], record["problems"]["fixed"]) == (0, 3)
        # The trend is of full inspections: the recheck is not a night.
        run = session.get_one(RunRow, recheck)
        assert [p["run_id"] for p in load_trend(session, run)] == [full]
        assert [[r.id for r in runs] for runs in nightly_runs(session, [name]).values()] == [[full]]
        render_reports(session, tmp_path, "zh", site_ids=[name], words=None)
    page = next((tmp_path / "sites").glob("*.html")).read_text(encoding="utf-8")
    assert "复查（对2026-11-28全面检查发现问题的复查" in page


# ---- the commands, as an inspector runs them ----------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    if "INSPECTOR_NOW" in os.environ:  # the CI's second pass: "today" a year later
        env["INSPECTOR_NOW"] = os.environ["INSPECTOR_NOW"]
    path = os.pathsep.join((str(REPO), str(REPO / "tests")))  # tests/: the plugin check
    env.update(SCRAPY_SETTINGS_MODULE="inspector.settings", PYTHONPATH=path)
    return env


def _run(cmd: list[str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)


SETTINGS = {"DOWNLOAD_TIMEOUT": "3", "INSPECTOR_CHECKS": json.dumps(CHECKS["INSPECTOR_CHECKS"])}


def _latest_run(db_url: str, name: str) -> RunRow:
    with open_session(db_url) as s:
        query = select(RunRow).where(RunRow.site_id == name).order_by(RunRow.id.desc())
        return s.scalars(query).first()


def _registry(tmp_path: Path, name: str, url: str) -> Path:
    path = tmp_path / "sites.csv"
    path.write_text(
        f"site_id,name,url,kind,status,organizer,site_code\n{name},{name},{url},portal,active,,\n",
        encoding="utf-8",
    )
    return path


def _assert_rechecked(server: Any, db_url: str, name: str, full: int, stdout: str) -> None:
    assert _paths(server, name) == EXPECTED_FETCHES
    run = _latest_run(db_url, name)
    assert (run.kind, run.base_run_id) == ("recheck", full)
    states = _states(db_url, run.id)
    for key, state in _expected_states(server, name).items():
        assert states[key] == state, (key, states)
    with open_session(db_url) as session:
        counts = tracked_counts(load_tracking(session, session.get_one(RunRow, run.id)))
    assert (counts.new, counts.fixed) == (0, 3)
    still_open = counts.open
    # The summary: the table says 复查, then fixed / still open (1 of them not looked at again).
    assert "(复查)" in stdout
    assert (
        f"复查 {name}：已整改3个，未整改{still_open}个（其中1个本次未复查，沿用2026-11-28" in stdout
    )


async def test_inspector_recheck_command(server: Any, db_url: str, tmp_path: Path) -> None:
    name = "recheck-cli-" + ("pg" if db_url.startswith("postgresql") else "lite")
    _, full = await _inspect_then_fix(server, db_url, name)
    cmd = [sys.executable, "-m", "inspector.cli", "recheck", "--site", name, "--db", db_url,
           "--as-of", RECHECK_DAY.isoformat()]  # fmt: skip
    for key, value in SETTINGS.items():
        cmd += ["--set", f"{key}={value}"]
    done = _run(cmd, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_rechecked(server, db_url, name, full, done.stdout)


async def test_scrapy_crawl_site_recheck(server: Any, db_url: str, tmp_path: Path) -> None:
    name = "recheck-scrapy-" + ("pg" if db_url.startswith("postgresql") else "lite")
    s, full = await _inspect_then_fix(server, db_url, name)
    registry = _registry(tmp_path, name, s.url)
    cmd = [sys.executable, "-m", "scrapy", "crawl", "site", "-a", f"site_id={name}",
           "-a", "recheck=1", "-a", f"registry={registry}", "-a", f"as_of={RECHECK_DAY}",
           "-s", f"INSPECTOR_DB_URL={db_url}"]  # fmt: skip
    for key, value in SETTINGS.items():
        cmd += ["-s", f"{key}={value}"]
    done = _run(cmd, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    _assert_rechecked(server, db_url, name, full, done.stdout)


async def test_recheck_without_a_full_inspection_is_refused(
    server: Any, sqlite_url: str, tmp_path: Path
) -> None:
    """A site never inspected, or whose only inspection could not reach it: one line, exit 2,
    nothing crawled or recorded."""
    dead = f"http://127.0.0.1:{server.dead_port}/"
    await crawl([site("down", dead)], sqlite_url)
    registry = _registry(tmp_path, "down", dead)
    runs_before = _latest_run(sqlite_url, "down").id
    commands = {
        "down": [sys.executable, "-m", "inspector.cli", "recheck", "--site", "down",
                 "--db", sqlite_url],
        "nosuch": [sys.executable, "-m", "inspector.cli", "recheck", "--site", "nosuch",
                   "--db", sqlite_url],
        "scrapy": [sys.executable, "-m", "scrapy", "crawl", "site", "-a", "site_id=down",
                   "-a", "recheck=1", "-a", f"registry={registry}",
                   "-s", f"INSPECTOR_DB_URL={sqlite_url}"],
    }  # fmt: skip
    for case, cmd in commands.items():
        done = _run(cmd, tmp_path)
        lines = done.stderr.strip().splitlines()
        assert done.returncode == 2 and len(lines) == 1, (case, done.stderr)
        assert "Traceback" not in done.stderr and done.stdout == "", case
        if case == "nosuch":
            assert "no site nosuch in the database" in lines[0]
        else:
            assert "no complete full inspection" in lines[0]
            assert "inspector crawl --site down" in lines[0]
    assert _latest_run(sqlite_url, "down").id == runs_before
    await crawl([site("shut", dead, status="closed")], sqlite_url)
    done = _run([*commands["nosuch"][:5], "shut", "--db", sqlite_url], tmp_path)
    assert done.returncode == 2 and "site shut is registered closed" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


async def test_a_recheck_is_judged_again_alike_and_keeps_its_full_run(
    server: Any, sqlite_url: str
) -> None:
    """`inspector check --run` redoes a recheck's judgement from what is stored; pruning keeps
    the full inspection a recheck rests on; once it is pruned, neither a new recheck nor a new
    judgement of the old one pretends to know."""
    from inspector.judge.checkrun import CheckConfig, check_run
    from inspector.options import build_settings
    from inspector.store.prune import prune_runs
    from inspector.store.recheck import RecheckError, plan_recheck

    s, full = await _inspect_then_fix(server, sqlite_url, "recheck-again")
    recheck = (await _recheck([s], sqlite_url, RECHECK_DAY))["recheck-again"]
    config = CheckConfig.from_settings(build_settings(CHECKS))
    with open_session(sqlite_url) as session:
        run = session.get_one(RunRow, recheck)
        before = sorted(r.identity for r in run_findings(session, run))
        score = run.score
        check_run(session, recheck, config)
        assert sorted(r.identity for r in run_findings(session, run)) == before
        assert run.score == score and run.stats["recheck"]["fixed"] == 3
        assert prune_runs(session, keep_runs=1).runs == 0  # one full run, one recheck: kept
        assert plan_recheck(session, "recheck-again", 10).base_run_id == full
        prune_runs(session, keep_runs=0)
        with pytest.raises(RecheckError, match=r"were pruned: run inspector crawl"):
            plan_recheck(session, "recheck-again", 10)
        with pytest.raises(RecheckError, match="cannot be judged again"):
            check_run(session, recheck, config)
