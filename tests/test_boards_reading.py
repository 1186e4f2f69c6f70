"""Reading message boards: golden pages (tests/fixtures/boards/<case>/), link classification,
pagination, the reader's budget and stop rules, and the judgement of what was read."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from inspector.crawl.boards import (
    BOARD,
    EXCLUDED,
    HUB,
    LIST,
    classify,
    next_page,
    read_list,
    read_message,
)
from inspector.crawl.extract.encoding import decode_html, parse_html

FIXTURES = Path(__file__).parent / "fixtures" / "boards"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "meta.json").is_file())


def load(case: str) -> tuple[dict, str, object, dict]:
    folder = FIXTURES / case
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    text, _declared, _used = decode_html((folder / "page.html").read_bytes(), None)
    expected = json.loads((folder / "expected.json").read_text("utf-8"))
    return meta, text, parse_html(text), expected


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


@pytest.mark.parametrize("case", CASES)
def test_golden_board_page(case: str) -> None:
    meta, text, doc, expected = load(case)
    if meta["kind"] == "message":
        detail = read_message(doc, meta["url"])
        got = {
            "asked": iso(detail.asked),
            "answered": iso(detail.answered),
            "state": detail.state or "unknown",
            "reply_unit": detail.reply_unit,
        }
        assert got == expected
        return
    page = read_list(doc, meta["url"], text)
    rows = [
        {
            "title": r.title,
            "url": r.url,
            "asked": iso(r.asked),
            "answered": iso(r.answered),
            "status": r.status,
            "state": r.state,
        }
        for r in page.rows
    ]
    assert rows == expected["rows"]
    if "next" in expected:
        found = next_page(doc, meta["url"], text)
        assert (found.url if found else None) == expected["next"]
    for key in ("empty_marker", "unreadable", "frame_url"):
        if key in expected:
            assert getattr(page, key) == expected[key], key
    if "list_links" in expected:
        assert page.list_links == expected["list_links"]


def test_golden_pages_cover_the_shapes_the_issue_names() -> None:
    notes = " ".join(
        json.loads((FIXTURES / c / "meta.json").read_text("utf-8"))["note"] for c in CASES
    )
    for shape in (
        "table",
        "ul/li",
        "Hanweb",
        "TRS",
        "GB2312",
        "two-column",
        "labelled",
        "definition list",
        "createPageHTML",
        "?page=2",
    ):
        assert shape in notes, shape


@pytest.mark.parametrize(
    ("name", "url", "role"),
    [
        ("县长信箱", "http://x.gov.cn/hdjl/xzxx/", BOARD),
        ("书记信箱", "http://x.gov.cn/a/", BOARD),
        ("局长信箱", "http://x.gov.cn/b/", BOARD),
        ("咨询投诉", "http://x.gov.cn/c/", BOARD),
        ("我要写信", "http://x.gov.cn/d/", BOARD),
        ("网上咨询", "http://x.gov.cn/e/", BOARD),
        ("我要咨询", "http://x.gov.cn/f/", BOARD),
        ("投诉", "http://x.gov.cn/ts/", BOARD),
        ("民生热线", "http://x.gov.cn/msrx/", BOARD),
        ("12345政务服务便民热线", "http://x.gov.cn/12345/", BOARD),
        ("信件选登", "http://x.gov.cn/g/", LIST),
        ("互动交流", "http://x.gov.cn/hdjl/", HUB),
        ("政民互动", "http://x.gov.cn/zmhd/", HUB),
        ("在线访谈", "http://x.gov.cn/hdjl/zxft/", EXCLUDED),
        ("意见征集", "http://x.gov.cn/hdjl/yjzj/", EXCLUDED),
        ("网上信访", "http://x.gov.cn/hdjl/wsxf/", EXCLUDED),
        ("纪检举报", "http://x.gov.cn/jjjb/", EXCLUDED),
        ("纪委书记信箱", "http://x.gov.cn/jwsjxx/", EXCLUDED),
        ("更多>>", "http://x.gov.cn/hdjl/ldxx/", BOARD),
        ("", "http://x.gov.cn/letter/list.jsp", BOARD),
        ("更多", "http://x.gov.cn/hdjl/zxft/", EXCLUDED),
    ],
)
def test_board_links_are_classified(name: str, url: str, role: str) -> None:
    found = classify(name, url)
    assert found is not None and found.role == role


@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("关于县城路灯不亮的咨询回复情况", "http://x.gov.cn/hdjl/ldxx/202603/t20260312_1.html"),
        ("下一页", "http://x.gov.cn/hdjl/ldxx/index_1.html"),
        ("新闻动态", "http://x.gov.cn/xwdt/"),
        ("首页", "http://x.gov.cn/ldxx/"),
        ("张三的来信", "http://x.gov.cn/art/2026/3/1/art_12_345.html"),
        ("写信须知", "http://x.gov.cn/hdjl/ldxx/xxxz.html"),
        ("关于道路维修的咨询", "http://x.gov.cn/hdjl/a.html"),
        ("咨询公租房", "http://x.gov.cn/hdjl/show.jsp?id=12"),
        ("信件查询", "http://x.gov.cn/hdjl/xjcx/"),
        ("信息公开指南", "http://x.gov.cn/xxgk/xxgkzn/"),
    ],
)
def test_what_is_not_a_board(name: str, url: str) -> None:
    assert classify(name, url) is None


def test_the_profile_holds_the_board_rules_the_code_defaults_to() -> None:
    from inspector.crawl.boards import DEFAULT_BOARD_RULES, BoardRules
    from inspector.profile import load_profile

    rules = BoardRules.from_mapping(load_profile("census2015").section("interaction"))
    assert rules == DEFAULT_BOARD_RULES
    changed = BoardRules.from_mapping({"board_names": ["民生热线"], "board_words": []})
    assert classify("民生热线", "http://x.gov.cn/m/", changed).role == BOARD
    assert classify("县长信箱", "http://x.gov.cn/n/", changed) is not None  # patterns still apply
    assert classify("领导信箱", "http://x.gov.cn/n/", changed) is None  # the names were replaced
