"""Message boards end to end: real crawls (Scrapy, the test server on 127.0.0.1) of generated
board sites into SQLite and PostgreSQL: findings, veto, storage, score."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import pytest_twisted
from boardsites import SHAPES, build_site
from boardsites_more import MORE
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.boards import load_boards
from inspector.store.models import FindingRow, RunRow

T = date(2026, 3, 20)


def findings(db_url: str, run_id: int, check: str) -> list[FindingRow]:
    with open_session(db_url) as s:
        return list(
            s.scalars(
                select(FindingRow).where(FindingRow.run_id == run_id, FindingRow.check == check)
            )
        )


def message_keys(rows: list[FindingRow], prefix: str) -> set[str]:
    keys = set()
    for row in rows:
        url = row.detail["message_url"]
        keys.add(
            url.removeprefix(prefix)
            if url
            else f"{row.detail['list_url'].removeprefix(prefix)}|{row.detail['title']}"
        )
    return keys


async def crawl_shape(server, db_url: str, name: str, pages: dict, **settings) -> tuple[int, str]:
    server.add_site(name, pages)
    base = server.site_url(name, "/")
    runs = await crawl([site(name, base)], db_url, as_of=T, **settings)
    return runs[name], base[:-1]


@pytest.mark.parametrize("shape", [*SHAPES, *sorted(MORE)])
@pytest_twisted.ensureDeferred
async def test_board_sites_crawled_and_judged(server, sqlite_url, shape: str) -> None:
    pages, truth = MORE[shape](T, 5) if shape in MORE else build_site(shape, T, 5)
    run_id, prefix = await crawl_shape(server, sqlite_url, f"crawl-{shape}", pages)
    assert (
        message_keys(findings(sqlite_url, run_id, "interaction_unanswered"), prefix)
        == truth.unanswered
    )
    assert message_keys(findings(sqlite_url, run_id, "interaction_late"), prefix) == truth.late
    vetoes = findings(sqlite_url, run_id, "interaction_veto")
    assert bool(vetoes) == truth.veto2015
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, run_id)
        assert (run.verdict == "fail") == truth.veto2015
        assert run.check_errors == {}


@pytest_twisted.ensureDeferred
async def test_board_site_on_both_databases(server, db_url) -> None:
    pages, truth = build_site("trs", T, 1)
    run_id, prefix = await crawl_shape(server, db_url, "crawl-db-trs", pages)
    unanswered = findings(db_url, run_id, "interaction_unanswered")
    assert message_keys(unanswered, prefix) == truth.unanswered
    first = unanswered[0]
    assert first.url == first.detail["message_url"]
    assert set(first.detail) >= {"column", "list_url", "message_url", "asked", "days_open"}
    assert first.detail["column"] in ("县长信箱", "咨询投诉")
    with open_session(db_url) as s:
        boards = load_boards(s, run_id)
    assert {b.name: b.kind for b in boards}["在线访谈"] == "excluded"
    consult = [b for b in boards if b.kind == "consult"]
    assert sum(len(b.messages) for b in consult) == 77
    assert all(b.list_pages >= 1 and not b.unreadable for b in consult)


@pytest_twisted.ensureDeferred
async def test_no_channel_is_a_2019_veto(server, sqlite_url) -> None:
    pages, _truth = build_site("nochannel", T, 1)
    run_2015, _ = await crawl_shape(server, sqlite_url, "crawl-nochannel", pages)
    assert findings(sqlite_url, run_2015, "interaction_veto") == []
    run_2019, _ = await crawl_shape(
        server, sqlite_url, "crawl-nochannel", pages, INSPECTOR_RULES="spotcheck2019"
    )
    assert [f.detail["rule"] for f in findings(sqlite_url, run_2019, "interaction_veto")] == [
        "no_channel"
    ]
    assert len(findings(sqlite_url, run_2019, "interaction_no_channel")) == 1


def tracked_site(as_of: date, answered_a: bool) -> dict[str, str]:
    """A county site whose 县长信箱 holds three letters: A and B without reply, C answered."""
    from datetime import timedelta

    def day(n: int) -> str:
        return (as_of - timedelta(days=n)).isoformat()

    rows = [
        ("a", "关于南街排水不畅的问题", day(200), day(20) if answered_a else ""),
        ("b", "咨询公租房申请条件", day(100), ""),
        ("c", "建议增设公交站点", day(150), day(140)),
    ]
    body = "".join(
        f"<tr><td><a href='{{{{SITE}}}}/hdjl/xzxx/{k}.html'>{t}</a></td><td>{asked}</td><td>{ans}</td>"
        f"<td>{'已回复' if ans else '办理中'}</td></tr>"
        for k, t, asked, ans in rows
    )
    pages = {
        "/": "<html><head><meta charset='utf-8'><title>测试县</title></head><body>"
        "<a href='{{SITE}}/hdjl/xzxx/'>县长信箱</a></body></html>",
        "/hdjl/xzxx/": "<html><head><meta charset='utf-8'><title>县长信箱</title></head><body>"
        "<table><tr><th>标题</th><th>来信时间</th><th>回复时间</th><th>状态</th></tr>"
        f"{body}</table></body></html>",
    }
    for k, t, asked, ans in rows:
        reply = (
            f"<tr><td>回复时间</td><td>{ans}</td></tr><tr><td>回复内容</td><td>已处理完毕，谢谢。</td></tr>"
            if ans
            else "<tr><td>回复内容</td><td></td></tr>"
        )
        pages[f"/hdjl/xzxx/{k}.html"] = (
            f"<html><head><meta charset='utf-8'><title>{t}</title></head><body><table>"
            f"<tr><td>来信标题</td><td>{t}</td></tr><tr><td>来信时间</td><td>{asked}</td></tr>{reply}</table></body></html>"
        )
    return pages


@pytest_twisted.ensureDeferred
async def test_a_reply_is_tracked_as_fixed_and_an_aged_message_is_retired(
    server, sqlite_url
) -> None:
    from datetime import timedelta

    from inspector.judge.tracking import load_tracking
    from reports.export import export_data

    first = await crawl_shape(server, sqlite_url, "tracked", tracked_site(T, answered_a=False))
    assert len(findings(sqlite_url, first[0], "interaction_unanswered")) == 2
    # A gets its reply; the site is crawled again 10 days later
    later = T + timedelta(days=10)
    server.add_site("tracked", tracked_site(T, answered_a=True))
    runs = await crawl([site("tracked", server.site_url("tracked", "/"))], sqlite_url, as_of=later)
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, runs["tracked"])
        tracking = load_tracking(s, run)
        exported = export_data(s)
    assert [f.url.rsplit("/", 1)[1] for f in tracking.fixed] == ["a.html"]  # 已整改
    # …and A, answered 180 days after it was asked, is now a late answer
    assert [f.url.rsplit("/", 1)[1] for f in findings(sqlite_url, run.id, "interaction_late")] == [
        "a.html"
    ]
    assert tracking.retired == 0
    site_record = exported["sites"][0]
    assert site_record["interaction"]["unanswered"] == 1 and site_record["interaction"]["veto"]
    board = next(b for b in site_record["interaction"]["boards"] if b["name"] == "县长信箱")
    assert board["messages"] == 3 and board["answered"] == 2 and board["unanswered"] == 1
    # 300 days on, B (asked 100 days before T) is older than the year: no longer judged, not fixed
    aged = T + timedelta(days=300)
    runs = await crawl([site("tracked", server.site_url("tracked", "/"))], sqlite_url, as_of=aged)
    with open_session(sqlite_url) as s:
        tracking = load_tracking(s, s.get(RunRow, runs["tracked"]))
    # retired: B's unanswered finding, A's late answer and the veto they made
    assert tracking.fixed == [] and tracking.retired == 3


GUIDE_ELEMENTS = [
    "事项名称",
    "设定依据",
    "申请条件",
    "办理材料",
    "办理地点",
    "办理机构",
    "收费标准",
    "办理时间",
    "联系电话",
    "办理流程",
]


def guide_site(incomplete: int, complete: int) -> dict[str, str]:
    """办事服务 > 办事指南 with guides as tables; `incomplete` of them lack five elements."""
    pages = {
        "/": "<html><head><meta charset='utf-8'><title>指南测试县</title></head><body><ul class='nav'>"
        "<li><a href='{{SITE}}/bsfw/'>办事服务</a></li><li><a href='{{SITE}}/hdjl/'>互动交流</a></li></ul></body></html>",
        "/bsfw/": "<html><head><meta charset='utf-8'><title>办事服务</title></head><body>"
        "<a href='{{SITE}}/bsfw/bszn/'>办事指南</a><a href='http://zwfw.example.gov.cn/'>省政务服务网</a></body></html>",
        "/hdjl/": "<html><head><meta charset='utf-8'><title>互动交流</title></head><body><p>互动交流</p></body></html>",
    }
    items = []
    for i in range(incomplete + complete):
        shown = GUIDE_ELEMENTS[5:] if i < incomplete else GUIDE_ELEMENTS
        # the page's own title does not say 办事指南: it is found through the guide column
        rows = "".join(f"<tr><td>{name}</td><td>内容{i}</td></tr>" for name in shown)
        pages[f"/bsfw/bszn/{i}.html"] = (
            f"<html><head><meta charset='utf-8'><title>事项{i}</title></head><body><table>{rows}</table></body></html>"
        )
        items.append(
            f"<li><a href='{{{{SITE}}}}/bsfw/bszn/{i}.html'>事项{i}</a><span>2026-03-0{i % 9 + 1}</span></li>"
        )
    pages["/bsfw/bszn/"] = (
        "<html><head><meta charset='utf-8'><title>办事指南</title></head><body><ul class='list'>"
        + "".join(items)
        + "</ul></body></html>"
    )
    return pages


@pytest_twisted.ensureDeferred
async def test_2019_service_guides_are_sampled_and_judged(server, sqlite_url) -> None:
    run_id, _ = await crawl_shape(
        server, sqlite_url, "guides5", guide_site(5, 2), INSPECTOR_RULES="spotcheck2019"
    )
    incomplete = findings(sqlite_url, run_id, "service_guide_incomplete")
    assert len(incomplete) == 5
    assert incomplete[0].detail["missing"] == GUIDE_ELEMENTS[:5]
    veto = findings(sqlite_url, run_id, "service_veto")
    assert [(v.detail["count"], v.detail["sampled"]) for v in veto] == [(5, 7)]
    # a site with no consultation board either: the 2019 no-channel veto as well
    assert [f.detail["rule"] for f in findings(sqlite_url, run_id, "interaction_veto")] == [
        "no_channel"
    ]
    four, _ = await crawl_shape(
        server, sqlite_url, "guides4", guide_site(4, 3), INSPECTOR_RULES="spotcheck2019"
    )
    assert len(findings(sqlite_url, four, "service_guide_incomplete")) == 4
    assert findings(sqlite_url, four, "service_veto") == []
    census, _ = await crawl_shape(server, sqlite_url, "guides-2015", guide_site(5, 2))
    assert findings(sqlite_url, census, "service_guide_incomplete") == []  # not a 2015 item


def explain_cli(*args: str, json_out: bool = True) -> Any:
    import json
    import subprocess
    import sys
    from pathlib import Path

    proc = subprocess.run(
        [sys.executable, "-m", "inspector.cli", "explain", *args, *(["--json"] if json_out else [])],
        capture_output=True, text=True, cwd=Path(__file__).resolve().parents[1], timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout) if json_out else proc.stdout


@pytest_twisted.ensureDeferred
async def test_explain_a_board_url_live_and_stored(server, sqlite_url) -> None:
    pages, _truth = build_site("trs", T, 1)
    run_id, prefix = await crawl_shape(server, sqlite_url, "explain-trs", pages)
    board_url = prefix + "/hdjl/xzxx/"
    live = explain_cli(board_url, "--as-of", T.isoformat())
    board = live["board"]
    assert board["kind"] == "list" and board["shape"] == "table" and len(board["rows"]) == 10
    row = board["rows"][0]
    assert (
        row["url"].startswith(prefix + "/hdjl/xzxx/")
        and row["asked"]
        and row["state"] in ("answered", "unanswered")
    )
    assert (
        board["next_page"] == prefix + "/hdjl/xzxx/index_1.html"
        and board["pagination"] == "create_page_html"
    )
    text = explain_cli(board_url, "--as-of", T.isoformat(), json_out=False)
    assert "message board list (table), 10 rows" in text and "read: " in text
    message = explain_cli(row["url"], "--as-of", T.isoformat())["board"]
    assert message["kind"] == "message" and message["asked"] == row["asked"]
    stored = explain_cli("--run", str(run_id), "--url", board_url, "--db", sqlite_url)
    assert stored["board"]["kind"] == "list" and len(stored["board"]["rows"]) == 47
    assert all("asked" in r and "state" in r for r in stored["board"]["rows"])
