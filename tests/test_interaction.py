"""互动回应 and 服务不实用: the judgement of what the crawl read (checks/interaction.py,
checks/services.py) and the reader's page budget and stop rules (inspector/crawl/boards/)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest

from checks.interaction import (
    InteractionChannelEmpty,
    InteractionLate,
    InteractionNoChannel,
    InteractionRules,
    InteractionUnanswered,
    InteractionUnreadable,
    InteractionVeto,
)
from checks.services import ServiceGuideIncomplete, ServiceVeto
from inspector.boardfacts import (
    BoardFacts,
    MessageFacts,
    board_from_dict,
    board_stats,
    board_to_dict,
)
from inspector.crawl.boards import BoardReader, next_page
from inspector.crawl.extract.encoding import parse_html
from inspector.facts import PageFacts, SiteInfo, SiteSnapshot
from inspector.guidefacts import GuideFacts
from inspector.profile import ProfileError, load_profile

T = date(2026, 3, 20)
CENSUS = load_profile("census2015")
SPOT2019 = load_profile("spotcheck2019")


@dataclass(slots=True)
class Snapshot(SiteSnapshot):
    """A snapshot that carries boards and guides (until the store loads them)."""

    boards: Sequence[BoardFacts] = ()
    guides: Sequence[GuideFacts] = ()


def snapshot(boards: Sequence[BoardFacts] = (), guides: Sequence[GuideFacts] = ()) -> Snapshot:
    home = PageFacts("http://a.gov.cn/", "http://a.gov.cn/", 200, "text/html", 1000, 0, "首页", 10,
                     is_home=True, kind="home")  # fmt: skip
    return Snapshot(
        site=SiteInfo("a", "甲县", "http://a.gov.cn/", "portal", "active"),
        run_id=1, as_of=T, started_at=None, finish_reason="", home=home, home_error="",
        pages=[home], targets={}, links=[], columns=[], boards=boards, guides=guides,
    )  # fmt: skip


def ago(days: int) -> date:
    return T - timedelta(days=days)


def msg(
    n: int, asked: int | None, answered: int | None = None, state: str = "answered"
) -> MessageFacts:
    return MessageFacts(
        url=f"http://a.gov.cn/ldxx/{n}.html",
        list_url="http://a.gov.cn/ldxx/",
        title=f"留言{n}",
        asked=ago(asked) if asked is not None else None,
        answered=ago(answered) if answered is not None else None,
        state=state,
        status="已回复" if state == "answered" else "办理中",
    )


def board(messages: Sequence[MessageFacts], **kw) -> BoardFacts:  # noqa: ANN003
    kw.setdefault("name", "县长信箱")
    kw.setdefault("url", "http://a.gov.cn/ldxx/")
    return BoardFacts(list_url="http://a.gov.cn/ldxx/", messages=tuple(messages), **kw)


def run(cls, site, profile=CENSUS) -> list:  # noqa: ANN001
    return list(cls.from_profile(profile).check_site(site))


# --- the window ---------------------------------------------------------------------------------


def test_only_messages_between_three_months_and_a_year_are_judged() -> None:
    messages = [
        msg(1, 400, state="unanswered"),  # older than the year: not a violation
        msg(2, 365, state="unanswered"),  # the first day of the window
        msg(3, 200, state="unanswered"),
        msg(4, 90, state="unanswered"),  # the last day of the window
        msg(5, 89, state="unanswered"),  # younger than three months: not yet
        msg(6, 30, state="unanswered"),
    ]
    found = run(InteractionUnanswered, snapshot([board(messages)]))
    assert [f.detail["message_url"].rsplit("/", 1)[1] for f in found] == [
        "2.html",
        "3.html",
        "4.html",
    ]
    first = found[1]
    assert first.check == "interaction_unanswered"
    assert first.url == "http://a.gov.cn/ldxx/3.html"
    assert first.detail["column"] == "县长信箱"
    assert first.detail["list_url"] == "http://a.gov.cn/ldxx/"
    assert first.detail["asked"] == ago(200).isoformat()
    assert first.detail["days_open"] == 200


def test_late_answers_are_those_over_ninety_days() -> None:
    messages = [msg(1, 300, answered=200), msg(2, 300, answered=210), msg(3, 300, answered=211)]
    found = run(InteractionLate, snapshot([board(messages)]))
    assert [(f.detail["message_url"].rsplit("/", 1)[1], f.detail["days"]) for f in found] == [
        ("1.html", 100)
    ]
    assert set(found[0].detail) >= {"message_url", "asked", "answered", "days"}
    assert found[0].detail["answered"] == ago(200).isoformat()


def test_unknown_and_invalid_messages_are_never_violations() -> None:
    messages = [
        msg(1, 200, state="unknown"),
        msg(2, 200, state="invalid"),
        msg(3, None, state="unanswered"),
    ]
    site = snapshot([board(messages)])
    assert run(InteractionUnanswered, site) == []
    assert run(InteractionVeto, site) == []


def test_the_same_message_in_two_boards_counts_once() -> None:
    shared = msg(7, 150, state="unanswered")
    site = snapshot([board([shared]), board([shared], name="全部信件", url="http://a.gov.cn/all/")])
    assert len(run(InteractionUnanswered, site)) == 1
    veto = run(InteractionVeto, site)
    assert veto[0].detail["count"] == 1


def test_excluded_boards_are_not_judged() -> None:
    site = snapshot([board([msg(1, 200, state="unanswered")], kind="excluded", excluded_by="访谈")])
    assert run(InteractionUnanswered, site) == [] and run(InteractionVeto, site) == []


# --- empty, unreadable, no channel -----------------------------------------------------------------


def test_a_board_with_nothing_in_the_year_is_an_empty_channel() -> None:
    old = board([msg(1, 500), msg(2, 420)], name="书记信箱", url="http://a.gov.cn/sjxx/")
    marked = board([], name="市长信箱", url="http://a.gov.cn/szxx/", empty_marker="暂无留言")
    alive = board([msg(3, 20)])
    found = run(InteractionChannelEmpty, snapshot([old, marked, alive]))
    assert [(f.detail["column"], f.detail["empty_marker"]) for f in found] == [
        ("书记信箱", ""),
        ("市长信箱", "暂无留言"),
    ]
    assert set(found[0].detail) >= {"column", "list_url"}


def test_unreadable_boards_are_reported_never_all_answered() -> None:
    login = board([], name="12345", url="http://a.gov.cn/12345/", unreadable="login")
    site = snapshot([login])
    found = run(InteractionUnreadable, site)
    assert [(f.severity.value, f.detail["reason"]) for f in found] == [("info", "login")]
    assert "登录" in found[0].detail["reason_text"]
    assert run(InteractionChannelEmpty, site) == []
    assert run(InteractionVeto, site) == []
    # a login board is still a channel: the 2019 "no channel" veto does not fire
    assert run(InteractionNoChannel, site, SPOT2019) == []


def test_no_channel_is_a_2019_veto_only() -> None:
    site = snapshot([board([], name="在线访谈", kind="excluded")])
    assert run(InteractionNoChannel, site, SPOT2019)[0].detail == {"column": "", "list_url": ""}
    assert [f.detail["rule"] for f in run(InteractionVeto, site, SPOT2019)] == ["no_channel"]
    assert run(InteractionVeto, site, CENSUS) == []
    with pytest.raises(Exception, match="require_channel"):
        InteractionNoChannel.from_profile(CENSUS)


def test_boards_that_do_not_open_are_no_channel() -> None:
    broken = board([], unreadable="fetch_failed")
    found = run(InteractionNoChannel, snapshot([broken]), SPOT2019)
    assert found[0].detail == {"column": "县长信箱", "list_url": "http://a.gov.cn/ldxx/"}


# --- the veto ------------------------------------------------------------------------------------


def test_veto_counts_unanswered_and_late_by_default() -> None:
    late_only = snapshot([board([msg(1, 300, answered=100)])])
    veto = run(InteractionVeto, late_only)
    assert [(f.severity.value, f.detail["rule"], f.detail["count"]) for f in veto] == [
        ("veto", "overdue", 1)
    ]
    assert veto[0].detail["messages"] == ["http://a.gov.cn/ldxx/1.html"]


def test_veto_rule_comes_from_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "strict.toml"
    path.write_text(
        '[profile]\nextends = "census2015"\n[interaction.veto]\ncounts = ["unanswered"]\nmin_messages = 2\n',
        "utf-8",
    )
    profile = load_profile(str(path))
    late_only = snapshot([board([msg(1, 300, answered=100), msg(2, 200, state="unanswered")])])
    assert run(InteractionVeto, late_only, profile) == []
    two = snapshot([board([msg(1, 300, state="unanswered"), msg(2, 200, state="unanswered")])])
    assert run(InteractionVeto, two, profile)[0].detail["count"] == 2


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('[interaction]\nanswer_days = "90"\n', "interaction.answer_days"),
        ("[interaction]\nanswer_days = 400\n", "interaction.answer_days"),
        ('[interaction.veto]\ncounts = ["never"]\n', "interaction.veto.counts"),
        ("[interaction.veto]\nmin_messages = 0\n", "interaction.veto.min_messages"),
    ],
)
def test_bad_interaction_rules_say_which_key(tmp_path: Path, toml: str, key: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text('[profile]\nextends = "census2015"\n' + toml, "utf-8")
    with pytest.raises(ProfileError) as err:
        InteractionRules.from_profile(load_profile(str(path)))
    assert err.value.key == key


def test_checks_describe_their_findings_in_both_languages() -> None:
    site = snapshot([board([msg(1, 200, state="unanswered"), msg(2, 300, answered=150)])])
    for cls in (InteractionUnanswered, InteractionLate, InteractionVeto):
        check = cls.from_profile(CENSUS)
        finding = next(iter(check.check_site(site)))
        assert check.title["zh"] and check.advice["zh"] and check.title["en"]
        zh, en = check.describe(finding.detail, "zh"), check.describe(finding.detail, "en")
        assert zh != en and any("\u4e00" <= c <= "\u9fff" for c in zh)


# --- statistics and storage shape -----------------------------------------------------------------


def test_board_statistics() -> None:
    messages = [msg(1, 100, answered=98), msg(2, 100, answered=90), msg(3, 100, answered=80),
                msg(4, 50, state="unanswered"), msg(5, 40, state="unknown")]  # fmt: skip
    stats = board_stats(messages)
    assert stats["messages"] == 5 and stats["answered"] == 3 and stats["unanswered"] == 1
    assert stats["median_days"] == 10 and stats["p90_days"] == 18.0
    assert stats["answered_share"] == 0.75
    item = board(messages, notes=("budget_spent:200",), truncated=True)
    assert board_from_dict(board_to_dict(item)) == item


# --- the reader: budget, pagination, stop rules ------------------------------------------------------


def list_page(n: int, rows: list[tuple[int, int, str]], last: bool = False) -> str:
    body = "".join(
        f"<tr><td><a href='/ldxx/{i}.html'>留言标题{i}</a></td><td>{ago(asked).isoformat()}</td><td>{status}</td></tr>"
        for i, asked, status in rows
    )
    nxt = "" if last else f"<a href='/ldxx/index_{n + 1}.html'>下一页</a>"
    return f"<html><body><table><tr><th>标题</th><th>留言时间</th><th>状态</th></tr>{body}</table>{nxt}</body></html>"


def drive(pages: dict[str, str], budget: int) -> tuple[BoardFacts, list[str]]:
    reader = BoardReader("县长信箱", "http://a.gov.cn/ldxx/index.html", T, budget=budget)
    queue, fetched = reader.start(), []
    while queue:
        fetch = queue.pop(0)
        fetched.append(fetch.url.replace("http://a.gov.cn", ""))
        text = pages.get(fetch.url.replace("http://a.gov.cn", ""))
        if text is None:
            queue += reader.on_failure(fetch.url, fetch.role, "http_404")
        elif fetch.role == "list":
            queue += reader.on_list(fetch.url, parse_html(text), text)
        else:
            queue += reader.on_detail(fetch.url, parse_html(text))
    return reader.result(), fetched


def detail(asked: int, answered: int | None) -> str:
    reply = (
        f"<tr><td>回复时间</td><td>{ago(answered).isoformat()}</td></tr><tr><td>回复内容</td><td>已处理完毕，谢谢。</td></tr>"
        if answered
        else "<tr><td>回复内容</td><td></td></tr>"
    )
    return f"<html><body><table><tr><td>留言时间</td><td>{ago(asked).isoformat()}</td></tr>{reply}</table></body></html>"


def test_reader_stops_at_messages_older_than_the_year_and_skips_pages_it_does_not_need() -> None:
    pages = {
        "/ldxx/index.html": list_page(
            0, [(1, 10, "办理中"), (2, 120, "已回复"), (3, 200, "办理中")]
        ),
        "/ldxx/index_1.html": list_page(1, [(4, 300, "已回复"), (5, 380, "办理中")]),
        "/ldxx/index_2.html": list_page(2, [(6, 400, "办理中"), (7, 420, "已回复")]),
        "/ldxx/index_3.html": list_page(3, [(8, 500, "办理中")], last=True),
        "/ldxx/2.html": detail(120, 20),
        "/ldxx/3.html": detail(200, None),
        "/ldxx/4.html": detail(300, 150),
    }
    result, fetched = drive(pages, budget=50)
    assert "/ldxx/index_3.html" not in fetched  # index_2 is all older than the year
    assert "/ldxx/1.html" not in fetched  # too young to matter
    assert "/ldxx/5.html" not in fetched and "/ldxx/6.html" not in fetched  # too old
    states = {m.url.rsplit("/", 1)[1]: (m.state, m.answered) for m in result.messages}
    assert states["2.html"] == ("answered", ago(20)) and states["3.html"] == ("unanswered", None)
    assert states["4.html"] == ("answered", ago(150))
    assert result.list_pages == 3 and not result.truncated


def test_reader_budget_is_kept_and_reported() -> None:
    rows = [(i, 100 + i, "已回复") for i in range(1, 30)]
    pages = {
        "/ldxx/index.html": list_page(0, rows[:15]),
        "/ldxx/index_1.html": list_page(1, rows[15:], last=True),
    }
    pages |= {f"/ldxx/{i}.html": detail(100 + i, 50) for i, _, _ in rows}
    result, fetched = drive(pages, budget=10)
    assert len(fetched) == 10
    assert "/ldxx/index_1.html" in fetched  # a page was kept for the rest of the list
    assert result.truncated and "budget_spent:10" in result.notes


def test_a_list_that_repeats_itself_ends() -> None:
    same = list_page(0, [(1, 10, "已回复")]).replace("index_1.html", "index.html?p=2")
    pages = {"/ldxx/index.html": same, "/ldxx/index.html?p=2": same}
    result, fetched = drive(pages, budget=20)
    assert fetched == ["/ldxx/index.html", "/ldxx/index.html?p=2"]
    assert "repeated_page" in result.notes and len(result.messages) == 1


@pytest.mark.parametrize(
    ("script", "url", "expected"),
    [
        (
            'createPageHTML(5, 0, "index", "html");',
            "http://a/x/index.html",
            "http://a/x/index_1.html",
        ),
        (
            'createPageHTML(5, 2, "index", "shtml");',
            "http://a/x/index_2.shtml",
            "http://a/x/index_3.shtml",
        ),
        ('createPageHTML(3, 2, "index", "html");', "http://a/x/index_2.html", None),
        (
            "var countPage = 4; var currentPage = 1;\ncreatePageHTML(countPage, currentPage,'index','htm');",
            "http://a/x/index_1.htm",
            "http://a/x/index_2.htm",
        ),
        (
            'createPageHTML("page_div", 7, 0, "index", "html", 93);',
            "http://a/x/",
            "http://a/x/index_1.html",
        ),
    ],
)
def test_trs_create_page_html(script: str, url: str, expected: str | None) -> None:
    doc = parse_html(f"<html><body><div class='page'><script>{script}</script></div></body></html>")
    found = next_page(doc, url)
    assert (found.url if found else None) == expected


def test_go_page_without_a_form_uses_the_page_parameter() -> None:
    doc = parse_html("<html><body><a href='javascript:goPage(3)'>下一页</a></body></html>")
    found = next_page(doc, "http://a/list.do?sysid=2&pageNo=2")
    assert found is not None and found.url == "http://a/list.do?sysid=2&pageNo=3"
    # nothing names the parameter: a guess ("page"); a wrong one gives page one again, which
    # the reader takes for a repeated page and stops at
    guess = next_page(doc, "http://a/list.do")
    assert guess is not None and (guess.url, guess.how) == ("http://a/list.do?page=3", "guess")
    scripted = parse_html(
        "<html><body><a href='javascript:goPage(2)'>下一页</a><script>function goPage(n)"
        "{location.href='list.do?pageNo='+n}</script></body></html>"
    )
    assert next_page(scripted, "http://a/list.do").url == "http://a/list.do?pageNo=2"


# --- 服务不实用 ---------------------------------------------------------------------------------


def guide(n: int, missing: int) -> GuideFacts:
    names = [
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
    return GuideFacts(
        f"http://a.gov.cn/bszn/{n}.html", f"指南{n}", tuple(names[missing:]), tuple(names[:missing])
    )


def test_service_guides_veto_from_five_incomplete_guides() -> None:
    four = snapshot(guides=[guide(i, 4) for i in range(4)] + [guide(9, 3)])
    assert len(run(ServiceGuideIncomplete, four, SPOT2019)) == 4
    assert run(ServiceVeto, four, SPOT2019) == []
    five = snapshot(guides=[guide(i, 5) for i in range(5)])
    veto = run(ServiceVeto, five, SPOT2019)
    assert veto[0].detail["count"] == 5 and veto[0].detail["sampled"] == 5
    with pytest.raises(Exception, match="services"):
        ServiceVeto.from_profile(CENSUS)  # the 2015 census had no such item


GUIDE_PAGE = """<html><head><title>{title}</title></head><body><div class="nav"><a href="/">首页</a></div>
<h1>{title}</h1><table class="bszn">
<tr><td>事项名称</td><td>个体工商户设立登记</td></tr><tr><td>设定依据：</td><td>《促进个体工商户发展条例》</td></tr>
<tr><td>申请条件</td><td></td></tr><tr><td>办理地点</td><td>政务服务中心3号窗口</td></tr></table>
<h3>五、办理流程</h3><p>受理—审核—发证</p><p>（六）联系电话：0551-1234567</p><p>收费标准：不收费</p></body></html>"""


def test_guide_elements_are_read_by_their_labels() -> None:
    from inspector.crawl.guides import read_guide

    doc = parse_html(GUIDE_PAGE.format(title="个体工商户设立登记办事指南"))
    found = read_guide(doc, "http://a.gov.cn/bszn/1.html", "个体工商户设立登记办事指南")
    assert found is not None
    assert list(found.present) == [
        "事项名称",
        "设定依据",
        "办理地点",
        "收费标准",
        "联系电话",
        "办理流程",
    ]
    # 申请条件 is shown with an empty cell: missing
    assert list(found.missing) == ["申请条件", "办理材料", "办理机构", "办理时间"]


def test_pages_that_are_not_guides_give_nothing() -> None:
    from inspector.crawl.guides import read_guide

    news = parse_html(
        "<html><body><h1>县政府召开常务会议</h1><p>会议研究了办理流程优化工作。</p></body></html>"
    )
    assert read_guide(news, "http://a.gov.cn/xw/1.html", "县政府召开常务会议") is None
    untitled = parse_html(GUIDE_PAGE.format(title="个体工商户设立登记"))
    assert (
        read_guide(untitled, "http://a.gov.cn/x/1.html", "个体工商户设立登记") is not None
    )  # 6 elements
    assert (
        read_guide(untitled, "u", "t", in_guide_column=True, column="办事指南").column == "办事指南"
    )


# --- the 2019 profile: columns, score structure, bonus --------------------------------------------


def test_2019_key_column_group_counts_first_level_notice_and_policy_only() -> None:
    from checks.freshness import ColumnVeto
    from inspector.facts import ColumnFacts

    def column(name: str, category: str, parent: str = "") -> ColumnFacts:
        return ColumnFacts(name, name, category, f"http://a.gov.cn/{name}/", parent=parent,
                           newest_date=ago(400), item_count=5)  # fmt: skip

    columns = [column(f"通知公告{i}", "notice", parent="信息公开") for i in range(5)]
    site = snapshot()
    site.columns = columns
    rules_2015 = [f.detail["rule"] for f in run(ColumnVeto, site, CENSUS)]
    rules_2019 = [f.detail["rule"] for f in run(ColumnVeto, site, SPOT2019)]
    assert "stale_key_columns" in rules_2015 and "stale_key_columns" not in rules_2019
    site.columns = [column(f"通知公告{i}", "notice") for i in range(5)]
    assert "stale_key_columns" in [f.detail["rule"] for f in run(ColumnVeto, site, SPOT2019)]


def test_2019_indicator_caps_and_bonus() -> None:
    from checks.bonus import BonusItems
    from inspector.facts import Finding, LinkFacts, Severity
    from inspector.judge.scoring import score_run

    site = snapshot()
    site.links = [LinkFacts("http://a.gov.cn/", "http://a.gov.cn/wza/", "a", "href", "无障碍浏览"),
                  LinkFacts("http://a.gov.cn/", "http://a.gov.cn/en/", "a", "href", "English")]  # fmt: skip
    bonus = run(BonusItems, site, SPOT2019)
    assert sorted(f.detail["item"] for f in bonus) == ["accessibility", "languages"]
    unanswered = [
        Finding("interaction_unanswered", Severity.MAJOR, f"http://a.gov.cn/m/{i}", {})
        for i in range(6)
    ]
    late = [
        Finding("interaction_late", Severity.MAJOR, f"http://a.gov.cn/l/{i}", {}) for i in range(6)
    ]
    score, verdict, detail = score_run(site, [*unanswered, *late, *bonus], SPOT2019)
    # lines: 6 × 2 = 12 → cap 10; 6 × 1 = 6 → cap 5; the interaction indicator caps 15 at 20: 15
    assert detail["indicators"] == [{"indicator": "interaction", "title": "互动交流", "raw": 15.0,
                                     "cap": 20.0, "deducted": 15.0, "capped": False}]  # fmt: skip
    assert detail["bonus"]["eligible"] and detail["bonus"]["earned"] == 2.0
    assert [i["item"] for i in detail["bonus"]["items"] if not i["checked"]] == ["innovation"]
    assert (score, verdict) == (87.0, "pass")
    # under the bonus threshold the items are listed and earn nothing
    many = [
        Finding("broken_link", Severity.MAJOR, f"http://x/{i}", {"on_home_page": True})
        for i in range(10)
    ]
    score, _, detail = score_run(site, [*unanswered, *late, *many, *bonus], SPOT2019)
    assert detail["bonus"]["not_eligible_because"] == "below" and score == 75.0
    department = snapshot()
    department.site = department.site.__class__(
        "a", "甲局", "http://a.gov.cn/", "department", "active"
    )
    _, _, detail = score_run(department, bonus, SPOT2019)
    assert detail["bonus"]["not_eligible_because"] == "kind" and detail["bonus"]["earned"] == 0.0


def test_a_message_page_without_a_reply_part_on_a_board_that_shows_replies() -> None:
    def plain_list(rows: list[tuple[int, int]]) -> str:
        items = "".join(
            f"<li><a href='/ldxx/{i}.html'>来信标题{i}</a><span>{ago(a).isoformat()}</span></li>"
            for i, a in rows
        )
        return f"<html><body><ul class='list'>{items}</ul></body></html>"

    def question_only(asked: int) -> str:
        return f"<html><body><p>来信时间：{ago(asked).isoformat()}</p><p>来信内容：请尽快处理。</p></body></html>"

    pages = {
        "/ldxx/index.html": plain_list([(1, 120), (2, 130), (3, 140)]),
        "/ldxx/1.html": detail(120, 100),
        "/ldxx/2.html": question_only(130),
        "/ldxx/3.html": detail(140, 135),
    }
    result, _ = drive(pages, budget=20)
    states = {m.url.rsplit("/", 1)[1]: m.state for m in result.messages}
    assert states == {"1.html": "answered", "2.html": "unanswered", "3.html": "answered"}
    # on a board none of whose pages shows a reply, nothing is concluded
    pages = {"/ldxx/index.html": plain_list([(2, 130)]), "/ldxx/2.html": question_only(130)}
    result, _ = drive(pages, budget=20)
    assert [m.state for m in result.messages] == ["unknown"]
