"""Test government sites with message boards in the shapes real ones come in, and the truth.

`build_site(shape, as_of, seed)` returns the pages of one site (for `servers.py`: path → page
spec) and a `Truth`: which messages a correct reader must report as unanswered or late, which
boards are empty or unreadable, and whether the site is vetoed (census 2015 and 2019 rules).

The shapes imitate the CMSs Chinese county and city portals run on:

- ``trs``: TRS WCM, GBK. 县长信箱 as a table with a header row (来信时间/回复时间/办理状态),
  pages ``index_N.html`` named by ``createPageHTML(…)``; 咨询投诉 as ``<ul><li>`` rows under a
  block header, reply only on the message page (labelled paragraphs, 2026年3月5日);
  在线访谈 and 网上信访 with unanswered-looking rows (excluded).
- ``jcms``: Hanweb JCMS, UTF-8. 领导信箱 records as CDATA in ``<script type="text/xml">``,
  further groups from ``dataproxy.jsp``, dates ``2026/03/05 14:22``, message pages as
  definition lists; 我要写信 a write form only; 信件查询 a query form (not a board).
- ``blocks``: a home-made CMS. 书记信箱 as question/answer blocks with labels, some without a
  page of their own, a numbered pager (``list_2.html``); 网上咨询 as a table without header
  (title, date, status) with ``?page=N`` and two-column-table message pages; 纪委书记信箱 excluded.
- ``mixed``: 我要咨询 paged by ``javascript:goPage(n)`` and a GET form; message pages marked
  only by class (question/answer); 市长信箱 empty (暂无留言); 12345 needing a login;
  投诉 written by script.
- ``control``: everything answered in time; unanswered messages only older than a year or
  younger than three months.
- ``late``: every message answered, some after more than three months.
- ``nochannel``: no consultation board at all (2019: veto).
- ``oldest_first``: a board whose list runs oldest first.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

WINDOW, ANSWER = 365, 90


@dataclass
class Msg:
    ident: int
    title: str
    asker: str
    asked: date
    answered: date | None
    invalid: bool = False
    reply_unit: str = "县政府办公室"


@dataclass
class Board:
    name: str
    directory: str  # "/hdjl/xzxx/"
    list_style: str  # table | head_ul | li_labels | blocks | noheader | datastore
    detail_style: str  # table2 | paragraphs | dl | sections | none
    pager: str  # next_link | create_page | query | numbered | datastore | goform
    date_fmt: str  # iso | cn | slash_time
    list_reply: str  # date | status | none
    per_page: int = 10
    messages: list[Msg] = field(default_factory=list)
    excluded: bool = False
    special: str = ""  # "" | empty | login | search_form | write_form | script
    oldest_first: bool = False

    @property
    def entry(self) -> str:
        return {
            "query": self.directory + "list.jsp",
            "numbered": self.directory + "list.html",
            "goform": self.directory + "list.do",
        }.get(self.pager, self.directory)


@dataclass
class Truth:
    unanswered: set[str] = field(default_factory=set)  # message keys (see message_key)
    late: set[str] = field(default_factory=set)
    empty_boards: set[str] = field(default_factory=set)  # board entry paths
    unreadable: dict[str, str] = field(default_factory=dict)  # entry path → reason
    consult_boards: int = 0
    veto2015: bool = False
    veto2019: bool = False
    no_channel: bool = False


TITLES = (
    "关于{}道路破损维修的咨询",
    "{}小区噪音扰民问题反映",
    "咨询{}医保报销政策",
    "{}学校门口交通拥堵",
    "关于{}路灯不亮的问题",
    "{}农村饮水安全问题",
    "反映{}垃圾清运不及时",
    "咨询{}公租房申请条件",
    "{}菜市场占道经营",
    "关于{}公交线路调整的建议",
    "{}养老保险缴费咨询",
    "{}拖欠农民工工资问题",
)
PLACES = ("城关镇", "东风路", "新华村", "滨江小区", "第二中学", "工业园区", "南湖社区", "北街")
ASKERS = ("张先生", "李女士", "王某", "市民", "赵**", "刘先生", "网友", "陈女士")
UNITS = ("县住建局", "县交通运输局", "县医保局", "县教育局", "县城管局", "县人社局", "城关镇政府")
ANSWERED_WORDS = ("已回复", "已办结", "已答复", "已处理")
PENDING_WORDS = ("办理中", "未回复", "待回复", "处理中", "已受理")


def fmt(day: date, style: str, rng: random.Random) -> str:
    if style == "cn":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "slash_time":
        return f"{day:%Y/%m/%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    return day.isoformat()


# --- messages ---------------------------------------------------------------------------------


def make_messages(
    rng: random.Random,
    as_of: date,
    n: int,
    *,
    unanswered: float = 0.15,
    late: float = 0.1,
    start_id: int = 1000,
    oldest_days: int = 520,
    invalid: float = 0.03,
) -> list[Msg]:
    """Messages spread over `oldest_days` before as_of, newest first, none on a boundary."""
    out = []
    for i in range(n):
        age = rng.randint(3, oldest_days)
        if abs(age - ANSWER) <= 3 or abs(age - WINDOW) <= 3:
            age += 7
        asked = as_of - timedelta(days=age)
        roll = rng.random()
        answered: date | None
        if roll < unanswered:
            answered = None
        elif roll < unanswered + late and age > 100:
            answered = asked + timedelta(days=rng.randint(96, min(age - 1, 200)))
        else:
            answered = asked + timedelta(days=rng.randint(1, min(max(age - 1, 1), 40)))
        title = rng.choice(TITLES).format(rng.choice(PLACES))
        out.append(
            Msg(
                start_id + i,
                title,
                rng.choice(ASKERS),
                asked,
                answered,
                invalid=rng.random() < invalid and answered is None,
                reply_unit=rng.choice(UNITS),
            )
        )
    out.sort(key=lambda m: (m.asked, m.ident), reverse=True)
    return out


# --- chrome -----------------------------------------------------------------------------------


def page(
    site: str, title: str, body: str, charset: str, crumbs: str = "", as_of: date | None = None
) -> str:
    clock = f"今天是{as_of.year}年{as_of.month}月{as_of.day}日" if as_of else ""
    return f"""<!DOCTYPE html><html><head><meta charset="{charset}"><title>{title}_{site}</title></head>
<body><div class="header"><h1 class="logo">{site}</h1><span class="date">{clock}</span></div>
<div class="nav"><ul><li><a href="{{{{SITE}}}}/">首页</a></li><li><a href="{{{{SITE}}}}/zwgk/">政务公开</a></li>
<li><a href="{{{{SITE}}}}/xwdt/">新闻动态</a></li><li><a href="{{{{SITE}}}}/hdjl/">互动交流</a></li></ul></div>
<div class="position">当前位置：<a href="{{{{SITE}}}}/">首页</a> &gt; {crumbs or title}</div>
<div class="main">{body}</div>
<div class="footer"><p>版权所有：{site} 2005-{(as_of or date(2026, 1, 1)).year} 主办：{site}办公室</p>
<p>网站标识码：3400000001 皖ICP备05001234号 联系电话：0551-12345678</p></div></body></html>"""


# --- list pages -------------------------------------------------------------------------------


def message_path(board: Board, msg: Msg) -> str:
    if board.detail_style == "none":
        return ""
    if board.list_style == "datastore":
        return f"/art/{msg.asked.year}/{msg.asked.month}/{msg.asked.day}/art_77_{msg.ident}.html"
    if board.pager in ("query", "goform"):
        return f"{board.directory}show.jsp?id={msg.ident}"
    return f"{board.directory}{msg.asked:%Y%m}/t{msg.asked:%Y%m%d}_{msg.ident}.html"


def message_key(board: Board, msg: Msg, list_path: str) -> str:
    path = message_path(board, msg)
    return path if path else f"{list_path}|{msg.title}"


def status_word(msg: Msg, rng: random.Random) -> str:
    if msg.invalid:
        return "不予受理"
    return rng.choice(ANSWERED_WORDS) if msg.answered else rng.choice(PENDING_WORDS)


def _link(board: Board, msg: Msg) -> str:
    path = message_path(board, msg)
    title = msg.title
    if not path:
        return f"<span class='t'>{title}</span>"
    shown = title if len(title) <= 12 else title[:12] + "..."
    return f'<a href="{{{{SITE}}}}{path}" title="{title}" target="_blank">{shown}</a>'


def rows_table(board: Board, msgs: list[Msg], rng: random.Random, offset: int) -> str:
    reply_col = board.list_reply == "date"
    head = "<tr class='th'><th>序号</th><th>信件标题</th><th>来信人</th><th>来信时间</th>"
    head += ("<th>回复时间</th>" if reply_col else "") + "<th>办理状态</th></tr>"
    body = []
    for i, m in enumerate(msgs):
        reply = ""
        if reply_col:
            reply = f"<td>{fmt(m.answered, board.date_fmt, rng) if m.answered else ''}</td>"
        body.append(
            f"<tr><td>{offset + i + 1}</td><td class='title'>{_link(board, m)}</td><td>{m.asker}</td>"
            f"<td>{fmt(m.asked, board.date_fmt, rng)}</td>{reply}<td>{status_word(m, rng)}</td></tr>"
        )
    return f"<table class='letters' width='100%'>{head}{''.join(body)}</table>"


def rows_head_ul(board: Board, msgs: list[Msg], rng: random.Random, offset: int) -> str:
    head = "<div class='list-head'><span>标题</span><span>提问时间</span><span>状态</span></div>"
    items = "".join(
        f"<li><span class='t'>{_link(board, m)}</span><span class='d'>{fmt(m.asked, board.date_fmt, rng)}</span>"
        f"<span class='s'>{status_word(m, rng)}</span></li>"
        for m in msgs
    )
    return f"{head}<ul class='list-body'>{items}</ul>"


def rows_li_labels(board: Board, msgs: list[Msg], rng: random.Random, offset: int) -> str:
    items = []
    for m in msgs:
        reply = (
            f" 回复时间：{fmt(m.answered, board.date_fmt, rng)}"
            if m.answered and board.list_reply == "date"
            else ""
        )
        items.append(
            f"<li><h4>{_link(board, m)}</h4><p>留言人：{m.asker} 留言时间：{fmt(m.asked, board.date_fmt, rng)}{reply}"
            f" <em class='zt'>{status_word(m, rng)}</em></p></li>"
        )
    return f"<ul class='msg-list'>{''.join(items)}</ul>"


def rows_blocks(board: Board, msgs: list[Msg], rng: random.Random, offset: int) -> str:
    blocks = []
    for m in msgs:
        if m.answered and not m.invalid:
            answer = (
                f"<div class='a'><p>回复单位：{m.reply_unit}　回复时间：{fmt(m.answered, board.date_fmt, rng)}</p>"
                f"<p>回复内容：您好！您反映的问题已转相关部门办理，现答复如下：已安排人员处理，感谢您的监督。</p></div>"
            )
        elif m.invalid:
            answer = "<div class='a'><p>办理状态：不予受理</p></div>"
        else:
            answer = "<div class='a'><p>回复内容：暂无回复</p></div>"
        blocks.append(
            f"<div class='item'><div class='q'><h3>{_link(board, m)}</h3><p>网友：{m.asker}　"
            f"留言时间：{fmt(m.asked, board.date_fmt, rng)}</p><p>留言内容：{m.title}，请有关部门尽快处理。</p></div>{answer}</div>"
        )
    return f"<div class='lylist'>{''.join(blocks)}</div>"


def rows_noheader(board: Board, msgs: list[Msg], rng: random.Random, offset: int) -> str:
    rows = "".join(
        f"<tr><td><img src='{{{{SITE}}}}/images/dot.gif'/></td><td>{_link(board, m)}</td>"
        f"<td class='date'>[{fmt(m.asked, board.date_fmt, rng)}]</td><td>{status_word(m, rng)}</td></tr>"
        for m in msgs
    )
    return f"<table class='lb'>{rows}</table>"


LIST_STYLES: dict[str, Callable[[Board, list[Msg], random.Random, int], str]] = {
    "table": rows_table,
    "head_ul": rows_head_ul,
    "li_labels": rows_li_labels,
    "blocks": rows_blocks,
    "noheader": rows_noheader,
}


def pager_html(board: Board, index: int, count: int) -> str:
    """The pager of list page `index` (0-based) of `count`."""
    if count <= 1 and board.pager != "create_page":
        return ""
    if board.pager == "create_page":
        return f'<div class="page"><script>var countPage = {count};var currentPage = {index};createPageHTML(countPage, currentPage, "index", "html");</script></div>'
    nxt = index + 1
    if board.pager == "next_link":
        links = (
            f"<a href='index_{nxt}.html'>下一页</a> <a href='index_{count - 1}.html'>尾页</a>"
            if nxt < count
            else "下一页 尾页"
        )
        return f"<div class='page'>共{count}页 当前第{index + 1}页 <a href='index.html'>首页</a> {links}</div>"
    if board.pager == "query":
        links = f"<a href='list.jsp?page={nxt + 1}'>下一页</a>" if nxt < count else ""
        return f"<div class='pagination'>第{index + 1}/{count}页 {links}</div>"
    if board.pager == "numbered":
        parts = []
        for k in range(count):
            href = "list.html" if k == 0 else f"list_{k + 1}.html"
            parts.append(
                f"<span class='current'>{k + 1}</span>"
                if k == index
                else f"<a href='{href}'>{k + 1}</a>"
            )
        return f"<div class='fenye'>{''.join(parts)}</div>"
    if board.pager == "goform":
        link = f"<a href='javascript:goPage({nxt + 1})'>下一页</a>" if nxt < count else "下一页"
        return (
            "<form name='pageForm' action='list.do' method='get'><input type='hidden' name='pageNo' "
            f"value='{index + 1}'/><input type='hidden' name='sysid' value='8'/></form>"
            f"<div class='pagebar'>共{count}页 {link}</div>"
        )
    return ""


def list_page_path(board: Board, index: int) -> str:
    d = board.directory
    if board.pager in ("next_link", "create_page"):
        return d + ("index.html" if index == 0 else f"index_{index}.html")
    if board.pager == "query":
        return d + ("list.jsp" if index == 0 else f"list.jsp?page={index + 1}")
    if board.pager == "numbered":
        return d + ("list.html" if index == 0 else f"list_{index + 1}.html")
    if board.pager == "goform":
        return d + ("list.do" if index == 0 else f"list.do?pageNo={index + 1}&sysid=8")
    raise ValueError(board.pager)


# --- message pages ----------------------------------------------------------------------------


def detail_html(board: Board, m: Msg, rng: random.Random) -> str:
    asked = fmt(m.asked, board.date_fmt, rng)
    answered = fmt(m.answered, board.date_fmt, rng) if m.answered else ""
    reply = "您好！您反映的问题已收悉。经调查核实，已责成相关单位于近期处理完毕，感谢您对我们工作的关心和支持。"
    status = status_word(m, rng)
    if board.detail_style == "table2":
        rows = [
            ("信件标题", m.title),
            ("来信人", m.asker),
            ("来信时间", asked),
            ("来信内容", f"{m.title}，希望尽快解决。"),
            ("办理状态", status),
        ]
        if m.answered and not m.invalid:
            rows += [("回复单位", m.reply_unit), ("回复时间", answered), ("回复内容", reply)]
        else:
            rows += [("回复内容", "")]
        cells = "".join(f"<tr><td class='tdl'>{k}：</td><td>{v}</td></tr>" for k, v in rows)
        return f"<table class='xjxq'>{cells}</table>"
    if board.detail_style == "paragraphs":
        out = (
            f"<h2>{m.title}</h2><p><b>提问人：</b>{m.asker}</p><p><b>提问时间：</b>{asked}</p>"
            f"<div class='con'><b>咨询内容：</b>{m.title}，请问如何办理？</div>"
        )
        if m.answered and not m.invalid:
            out += f"<p><b>答复单位：</b>{m.reply_unit}</p><p><b>答复时间：</b>{answered}</p><div><b>答复内容：</b>{reply}</div>"
        elif m.invalid:
            out += "<p><b>处理状态：</b>不予受理</p>"
        else:
            out += "<p><b>答复内容：</b>正在办理中</p>"
        return out
    if board.detail_style == "dl":
        items = [
            ("主题", m.title),
            ("留言人", m.asker),
            ("留言时间", asked),
            ("留言内容", f"{m.title}。"),
        ]
        if m.answered and not m.invalid:
            items += [("回复部门", m.reply_unit), ("回复日期", answered), ("回复", reply)]
        else:
            items += [("状态", status)]
        return (
            "<dl class='detail'>" + "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in items) + "</dl>"
        )
    if board.detail_style == "sections":
        out = (
            f"<div class='question'><h2>{m.title}</h2><span>{m.asker}</span> <span>{asked}</span>"
            f"<p>{m.title}，请相关部门关注。</p></div>"
        )
        if m.answered and not m.invalid:
            out += f"<div class='answer'><p>{reply}</p><p class='sign'>{m.reply_unit} {answered}</p></div>"
        else:
            out += "<div class='answer'>暂无回复</div>"
        return out
    raise ValueError(board.detail_style)


# --- boards → pages ---------------------------------------------------------------------------


def board_pages(
    site: str, board: Board, rng: random.Random, as_of: date, charset: str
) -> dict[str, str]:
    pages: dict[str, str] = {}
    crumbs = f"互动交流 &gt; {board.name}"
    if board.special:
        pages[board.entry] = page(site, board.name, special_body(board), charset, crumbs, as_of)
        return pages
    msgs = list(reversed(board.messages)) if board.oldest_first else board.messages
    if board.list_style == "datastore":
        pages.update(datastore_pages(site, board, msgs, rng, as_of, charset))
    else:
        chunks = [msgs[i : i + board.per_page] for i in range(0, len(msgs), board.per_page)] or [[]]
        for index, chunk in enumerate(chunks):
            rows = LIST_STYLES[board.list_style](board, chunk, rng, index * board.per_page)
            if not chunk:
                rows = "<div class='list'>暂无留言</div>"
            body = f"<div class='list-title'>{board.name}</div>{rows}{pager_html(board, index, len(chunks))}"
            pages[list_page_path(board, index)] = page(
                site, board.name, body, charset, crumbs, as_of
            )
    if board.detail_style != "none":
        for m in board.messages:
            pages[message_path(board, m)] = page(
                site, m.title, detail_html(board, m, rng), charset, crumbs, as_of
            )
    return pages


def datastore_pages(
    site: str, board: Board, msgs: list[Msg], rng: random.Random, as_of: date, charset: str
) -> dict[str, str]:
    group = board.per_page * 3
    records = [
        f"<record><![CDATA[\n<li><a href='{{{{SITE}}}}{message_path(board, m)}' title='{m.title}' target='_blank'>{m.title}</a>"
        f"<span class='date'>{fmt(m.asked, board.date_fmt, rng)}</span><span class='zt'>{status_word(m, rng)}</span></li>]]></record>"
        for m in msgs
    ]
    proxy = "/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=3&path=/&columnid=77&unitid=4321&webname=test&permissiontype=0"
    nextgroup = '<nextgroup><![CDATA[<a href="{{SITE}}' + proxy + '"></a>]]></nextgroup>'
    first = "".join(records[:group])
    body = (
        f"<div class='list-title'>{board.name}</div><div id='4321'><script type=\"text/xml\"><datastore>{nextgroup}"
        f"<recordset>{first}</recordset></datastore></script></div>"
        f"<script>$(document).ready(function(){{$('#4321').jpage({{dataStore: dataStore, perPage: {board.per_page}, "
        f"totalRecord: {len(records)}, proxyUrl: '/module/web/jpage/dataproxy.jsp', groupSize: 3}});}});</script>"
    )
    pages = {
        board.directory: page(site, board.name, body, charset, f"互动交流 &gt; {board.name}", as_of)
    }
    end = group
    while end < len(records):
        start, stop = end + 1, end + group
        key = f"{proxy}&startrecord={start}&endrecord={stop}&perpage={board.per_page}"
        chunk = "".join(records[end:stop])
        pages[key] = {
            "body": f"<datastore>{nextgroup}<recordset>{chunk}</recordset></datastore>",
            "headers": {"Content-Type": "text/xml; charset=utf-8"},
        }
        end = stop
    return pages


def special_body(board: Board) -> str:
    if board.special == "empty":
        return f"<div class='list-title'>{board.name}</div><table class='letters'><tr><th>标题</th><th>留言时间</th><th>状态</th></tr></table><div class='list'>暂无留言</div>"
    if board.special == "login":
        return (
            "<div class='login'><p>请先登录后查看信件办理情况</p><form action='login.do' method='post'>用户名：<input name='u'/>"
            "密码：<input type='password' name='p'/><input type='submit' value='登录'/></form></div>"
        )
    if board.special == "search_form":
        return (
            "<div class='cx'><p>请输入信件编号和查询码查询办理结果</p><form action='query.do'>信件编号：<input name='no'/>"
            "查询码：<input name='code'/><input type='submit' value='查询'/></form></div>"
        )
    if board.special == "write_form":
        return (
            "<form action='submit.do' method='post'><p>姓名：<input name='name'/></p><p>标题：<input name='title'/></p>"
            "<p>内容：<textarea name='content'></textarea></p><input type='submit' value='提交'/></form>"
        )
    if board.special == "script":
        return (
            "<div id='letterList'></div><script>$.ajax({url:'/api/letters/list',dataType:'json',success:function(d){"
            "renderList(d)}});</script>"
        )
    raise ValueError(board.special)


# --- sites ------------------------------------------------------------------------------------


@dataclass
class SiteSpec:
    name: str
    charset: str
    boards: list[Board]
    hub: bool = True  # boards linked from /hdjl/ (else straight from the home page)
    extra_links: list[tuple[str, str]] = field(default_factory=list)  # (name, path) not boards


def shape_boards(shape: str, rng: random.Random, as_of: date) -> SiteSpec:
    mk = lambda n, **kw: make_messages(rng, as_of, n, start_id=rng.randint(1000, 90000), **kw)  # noqa: E731
    if shape == "trs":
        return SiteSpec(
            "测试县人民政府",
            "gbk",
            [
                Board(
                    "县长信箱",
                    "/hdjl/xzxx/",
                    "table",
                    "table2",
                    "create_page",
                    "iso",
                    "date",
                    10,
                    mk(47),
                ),
                Board(
                    "咨询投诉",
                    "/hdjl/zxts/",
                    "head_ul",
                    "paragraphs",
                    "next_link",
                    "cn",
                    "status",
                    12,
                    mk(30),
                ),
                Board(
                    "在线访谈",
                    "/hdjl/zxft/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    mk(8, unanswered=0.6),
                    excluded=True,
                ),
                Board(
                    "网上信访",
                    "/hdjl/wsxf/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    mk(8, unanswered=0.6),
                    excluded=True,
                ),
            ],
            extra_links=[("意见征集", "/hdjl/yjzj/"), ("写信须知", "/hdjl/xzxx/xxxz.html")],
        )
    if shape == "jcms":
        return SiteSpec(
            "测试市人民政府",
            "utf-8",
            [
                Board(
                    "领导信箱",
                    "/col/col77/",
                    "datastore",
                    "dl",
                    "datastore",
                    "slash_time",
                    "status",
                    15,
                    mk(120),
                ),
                Board(
                    "我要写信",
                    "/hdjl/wyxx/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    [],
                    special="write_form",
                ),
            ],
            hub=False,
            extra_links=[("信件查询", "/hdjl/xjcx/")],
        )
    if shape == "blocks":
        return SiteSpec(
            "测试区人民政府",
            "utf-8",
            [
                Board(
                    "书记信箱", "/hdjl/sjxx/", "blocks", "none", "numbered", "cn", "date", 8, mk(35)
                ),
                Board(
                    "网上咨询", "/wszx/", "noheader", "table2", "query", "iso", "status", 10, mk(40)
                ),
                Board(
                    "纪委书记信箱",
                    "/hdjl/jwsjxx/",
                    "blocks",
                    "none",
                    "numbered",
                    "iso",
                    "date",
                    8,
                    mk(10, unanswered=0.7),
                    excluded=True,
                ),
            ],
        )
    if shape == "mixed":
        return SiteSpec(
            "测试镇人民政府",
            "gbk",
            [
                Board(
                    "我要咨询",
                    "/hdjl/wyzx/",
                    "li_labels",
                    "sections",
                    "goform",
                    "slash_time",
                    "none",
                    10,
                    mk(33),
                ),
                Board(
                    "市长信箱",
                    "/hdjl/szxx/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    [],
                    special="empty",
                ),
                Board(
                    "12345热线",
                    "/hdjl/rx/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    [],
                    special="login",
                ),
                Board(
                    "投诉",
                    "/hdjl/ts/",
                    "table",
                    "none",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    [],
                    special="script",
                ),
            ],
        )
    if shape == "control":
        msgs = [m for m in mk(40, unanswered=0.2, late=0.0)]
        for m in msgs:
            age = (as_of - m.asked).days
            if m.answered is None and ANSWER - 3 <= age <= WINDOW + 3:
                m.answered = m.asked + timedelta(days=rng.randint(1, 30))
        return SiteSpec(
            "测试乡人民政府",
            "utf-8",
            [
                Board(
                    "乡长信箱",
                    "/hdjl/xzxx/",
                    "table",
                    "table2",
                    "next_link",
                    "iso",
                    "date",
                    10,
                    msgs,
                ),
                Board(
                    "咨询投诉",
                    "/hdjl/zxts/",
                    "head_ul",
                    "dl",
                    "query",
                    "cn",
                    "status",
                    10,
                    [m for m in mk(20, unanswered=0.0, late=0.0)],
                ),
            ],
        )
    if shape == "late":
        return SiteSpec(
            "测试局",
            "utf-8",
            [
                Board(
                    "局长信箱",
                    "/hdjl/jzxx/",
                    "li_labels",
                    "paragraphs",
                    "next_link",
                    "cn",
                    "date",
                    10,
                    mk(30, unanswered=0.0, late=0.25),
                ),
            ],
            hub=False,
        )
    if shape == "nochannel":
        return SiteSpec(
            "测试中心",
            "utf-8",
            [],
            hub=False,
            extra_links=[("在线访谈", "/hdjl/zxft/"), ("意见征集", "/hdjl/yjzj/")],
        )
    if shape == "oldest_first":
        return SiteSpec(
            "测试开发区",
            "utf-8",
            [
                Board(
                    "主任信箱",
                    "/hdjl/zrxx/",
                    "table",
                    "table2",
                    "next_link",
                    "iso",
                    "status",
                    10,
                    mk(45),
                    oldest_first=True,
                ),
            ],
        )
    raise ValueError(shape)


SHAPES = ("trs", "jcms", "blocks", "mixed", "control", "late", "nochannel", "oldest_first")


def build_site(shape: str, as_of: date, seed: int = 1) -> tuple[dict[str, Any], Truth]:
    """The pages of one test site (path → page spec for servers.py) and its truth."""
    rng = random.Random(f"{shape}-{seed}")
    spec = shape_boards(shape, rng, as_of)
    pages: dict[str, Any] = {}
    for board in spec.boards:
        pages.update(board_pages(spec.name, board, rng, as_of, spec.charset))
    links = [(b.name, b.entry) for b in spec.boards] + spec.extra_links
    link_html = "".join(f"<li><a href='{{{{SITE}}}}{path}'>{name}</a></li>" for name, path in links)
    hub = f"<div class='hdjl'><h3>互动交流</h3><ul>{link_html}</ul></div>"
    news = "".join(
        f"<li><a href='{{{{SITE}}}}/xwdt/{as_of:%Y%m}/t{as_of:%Y%m%d}_{i}.html'>工作动态{i}</a><span>{(as_of - timedelta(days=i)).isoformat()}</span></li>"
        for i in range(1, 6)
    )
    home_body = f"<div class='news'><h3>新闻动态</h3><ul>{news}</ul></div>" + (
        "" if spec.hub else hub
    )
    pages["/"] = page(spec.name, "首页", home_body, spec.charset, "首页", as_of)
    pages["/hdjl/"] = page(
        spec.name,
        "互动交流",
        hub if spec.hub else "<p>互动交流</p>",
        spec.charset,
        "互动交流",
        as_of,
    )
    for name, path in spec.extra_links:
        pages.setdefault(
            path, page(spec.name, name, f"<p>{name}栏目</p>", spec.charset, name, as_of)
        )
    if spec.charset == "gbk":
        pages = {
            k: ({"body": v, "encoding": "gbk"} if isinstance(v, str) else v)
            for k, v in pages.items()
        }
    return pages, truth_of(spec, as_of)


def truth_of(spec: SiteSpec, as_of: date) -> Truth:
    truth = Truth()
    start, young = as_of - timedelta(days=WINDOW), as_of - timedelta(days=ANSWER)
    for board in spec.boards:
        if board.excluded:
            continue
        truth.consult_boards += 1
        if board.special and board.special != "empty":
            truth.unreadable[board.entry] = board.special
            continue
        in_year = False
        ordered = list(reversed(board.messages)) if board.oldest_first else board.messages
        for index, m in enumerate(ordered):
            in_year |= start <= m.asked <= as_of
            if m.invalid or not start <= m.asked <= young:
                continue
            list_path = (
                list_page_path(board, index // board.per_page)
                if board.list_style != "datastore"
                else board.directory
            )
            key = message_key(board, m, list_path)
            if m.answered is None:
                truth.unanswered.add(key)
            elif (m.answered - m.asked).days > ANSWER:
                truth.late.add(key)
        if not in_year:
            truth.empty_boards.add(board.entry)
    truth.veto2015 = bool(truth.unanswered or truth.late)
    truth.no_channel = truth.consult_boards == 0
    truth.veto2019 = truth.veto2015 or truth.no_channel
    return truth
