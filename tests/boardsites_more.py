"""More board sites, written apart from `boardsites.py` to catch a reader tuned to one author's
markup: each generator returns (pages, truth) like `boardsites.build_site`.

- ``dl_gbk``: GBK county site; 县长信箱 reached by an image link (alt text); one <dl> per letter
  (来信时间 in Chinese with 时/分, 办理状态 受理中/未办结/已转办/已办结); message pages with
  labelled paragraphs and a reply block that says 该信件正在办理中 when there is none.
- ``reply_columns``: a table with 回复单位 and 回复时间 columns and no status column (blank cells
  mean no reply), 40 % of the rows without a page of their own, ``?page=N&type=1``; the board
  reached by a "更多>>" link and named by the hub.
- ``cards``: cards with separate label and value spans (提问人 / 提问时间 / 状态), a numbered pager
  in ``#pagination``, message pages as <th>/<td> tables; reached through 公众参与.
- ``leader_hub``: 领导信箱 is a page listing 书记信箱 and 县长信箱, each a TRS list.
- ``div_rows_js``: rows of <div class="cell"> under a head row (提交时间 / 回复时间, blank when
  there is no reply), titles opened by onclick, pages by `goPage(n)` whose script builds
  `list.jsp?pageNo=n`; message pages mark the reply only by class (`hfnr`) and date it by a
  signature; unanswered ones have no reply part at all. ``div_rows_js_noreply``: the same
  without the 回复时间 column, so that every answer is read on the message page.
- ``dl_bracket_reply``: GBK; 民意直通车 reached by a "more" link under its block title on the
  政民互动 hub (next to an excluded 网上信访); <dl> rows "回复状态：… | 留言时间：2025.11.05";
  下页 links to list_pN.htm; message pages head the reply "领导回复（2026-01-05）".
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from boardsites import ANSWER, WINDOW, Truth, make_messages


def cn(d):
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


def cnt(d, r):
    return f"{d.year}年{d.month:02d}月{d.day:02d}日 {r.randint(8, 18)}时{r.randint(0, 59):02d}分"


def shell(body, title, charset="utf-8"):
    return f"<html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'><title>{title}</title></head><body><div id='top'><a href='{{{{SITE}}}}/'>首页</a> <a href='{{{{SITE}}}}/zmhd/'>政民互动</a></div><div id='content'>{body}</div><div id='bottom'>地址：某某路1号 电话：0000-1234567 Copyright 2020-2026</div></body></html>"


def truth_add(truth, key, m, as_of):
    start, young = as_of - timedelta(days=WINDOW), as_of - timedelta(days=ANSWER)
    if m.invalid or not start <= m.asked <= young:
        return
    if m.answered is None:
        truth.unanswered.add(key)
    elif (m.answered - m.asked).days > ANSWER:
        truth.late.add(key)


def dl_gbk(as_of, seed):
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    msgs = make_messages(r, as_of, 36, start_id=500)
    per = 12
    chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
    for k, ch in enumerate(chunks):
        items = ""
        for m in ch:
            path = f"/zmhd/xzxx/{m.asked:%Y%m}/t{m.asked:%Y%m%d}_{m.ident}.shtml"
            st = (
                "不予受理"
                if m.invalid
                else ("已办结" if m.answered else r.choice(["受理中", "未办结", "已转办"]))
            )
            items += f"<dl class='xjlb'><dt><a href='{{{{SITE}}}}{path}'>{m.title}</a></dt><dd>来信时间：{cn(m.asked)}</dd><dd>办理状态：<span>{st}</span></dd></dl>"
            reply = (
                f"<div class='hfnr'><p>答复单位：{m.reply_unit}</p><p>答复时间：{cnt(m.answered, r)}</p><p>答复内容：你好，来信收悉，经研究答复如下……</p></div>"
                if m.answered and not m.invalid
                else "<div class='hfnr'><p>答复内容：</p><p>该信件正在办理中，请耐心等待。</p></div>"
            )
            pages[path] = {
                "body": shell(
                    f"<h1>{m.title}</h1><p>来信人：{m.asker}</p><p>来信时间：{cnt(m.asked, r)}</p><p>来信内容：{m.title}。</p>{reply}",
                    m.title,
                    "gbk",
                ),
                "encoding": "gbk",
            }
            truth_add(truth, path, m, as_of)
        nxt = f"<a href='index_{k + 1}.shtml'>下一页</a>" if k + 1 < len(chunks) else ""
        pages["/zmhd/xzxx/" + ("index.shtml" if k == 0 else f"index_{k}.shtml")] = {
            "body": shell(
                f"<h2>县长信箱</h2>{items}<div class='fy'>{nxt}</div>", "县长信箱", "gbk"
            ),
            "encoding": "gbk",
        }
    pages["/"] = {
        "body": shell(
            "<a href='{{SITE}}/zmhd/xzxx/index.shtml'><img src='x.png' alt='县长信箱'></a> <a href='{{SITE}}/news/'>要闻</a>",
            "某县",
            "gbk",
        ),
        "encoding": "gbk",
    }
    pages["/zmhd/"] = {"body": shell("<p>政民互动</p>", "政民互动", "gbk"), "encoding": "gbk"}
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


def reply_columns(as_of, seed):
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    msgs = make_messages(r, as_of, 45, start_id=700, invalid=0)
    per = 15
    chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
    for k, ch in enumerate(chunks):
        rows = ""
        for i, m in enumerate(ch):
            link = r.random() < 0.6
            path = f"/hdjl/lyb/view.php?id={m.ident}"
            title = f"<a href='{{{{SITE}}}}{path}'>{m.title}</a>" if link else m.title
            listp = "/hdjl/lyb/index.php" + ("" if k == 0 else f"?page={k + 1}&type=1")
            ans = (
                f"<td>{m.reply_unit}</td><td>{m.answered:%Y-%m-%d}</td>"
                if m.answered
                else "<td></td><td></td>"
            )
            rows += f"<tr><td>{k * per + i + 1}</td><td>{title}</td><td>{m.asker}</td><td>{m.asked:%Y-%m-%d}</td>{ans}</tr>"
            if link:
                rep = (
                    f"<tr><th>回复时间</th><td>{m.answered}</td></tr><tr><th>回复内容</th><td>您好，已处理。感谢留言。</td></tr>"
                    if m.answered
                    else "<tr><th>回复内容</th><td>暂无回复</td></tr>"
                )
                pages[path] = shell(
                    f"<table class='info'><tr><th>留言标题</th><td>{m.title}</td></tr><tr><th>留言时间</th><td>{m.asked}</td></tr>{rep}</table>",
                    m.title,
                )
                truth_add(truth, path, m, as_of)
            else:
                truth_add(truth, f"{listp}|{m.title}", m, as_of)
        nxt = f"<a href='index.php?page={k + 2}&type=1'>下一页</a>" if k + 1 < len(chunks) else ""
        key = "/hdjl/lyb/index.php" + ("" if k == 0 else f"?page={k + 1}&type=1")
        pages[key] = shell(
            f"<table class='lb' border='1'><tr><td>编号</td><td>留言标题</td><td>留言人</td><td>留言时间</td><td>回复单位</td><td>回复时间</td></tr>{rows}</table><p>{nxt}</p>",
            "网上留言",
        )
    pages["/"] = shell(
        "<ul class='menu'><li><a href='{{SITE}}/zmhd/'>政民互动</a></li></ul><div class='box'><h3>网上留言</h3><a href='{{SITE}}/hdjl/lyb/index.php'>更多&gt;&gt;</a></div>",
        "某市",
    )
    pages["/zmhd/"] = shell(
        "<ul><li><a href='{{SITE}}/hdjl/lyb/index.php'>网上留言</a></li><li><a href='{{SITE}}/hdjl/zxft/'>在线访谈</a></li></ul>",
        "政民互动",
    )
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


def cards(as_of, seed):
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    msgs = make_messages(r, as_of, 28, start_id=900)
    per = 10
    chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
    for k, ch in enumerate(chunks):
        cards = ""
        for m in ch:
            path = f"/gzcy/wyzx/detail_{m.ident}.html"
            st = "无效留言" if m.invalid else ("已回复" if m.answered else "待回复")
            cards += (
                f"<div class='card'><div class='card-title'><a href='{{{{SITE}}}}{path}'>{m.title}</a></div>"
                f"<div class='meta'><span>提问人：</span><span>{m.asker}</span><span>提问时间：</span><span>{m.asked:%Y/%m/%d %H:%M}</span></div>"
                f"<div class='meta'><span>状态：</span><span class='tag'>{st}</span></div></div>"
            )
            if m.answered and not m.invalid:
                rep = f"<tr><th>答复部门</th><td>{m.reply_unit}</td></tr><tr><th>答复时间</th><td>{m.answered:%Y/%m/%d} 09:30</td></tr><tr><th>答复内容</th><td>感谢您的关注，相关问题已解决。</td></tr>"
            else:
                rep = "<tr><th>答复内容</th><td>—</td></tr>"
            pages[path] = shell(
                f"<table><tr><th>标题</th><td>{m.title}</td></tr><tr><th>提问人</th><td>{m.asker}</td></tr><tr><th>提问时间</th><td>{m.asked:%Y/%m/%d} 10:00</td></tr><tr><th>问题内容</th><td>请问……</td></tr>{rep}</table>",
                m.title,
            )
            truth_add(truth, path, m, as_of)
        nums = "".join(
            f"<a class='num{' active' if j == k else ''}' href='list_{j + 1}.html'>{j + 1}</a>"
            for j in range(len(chunks))
        )
        pages[f"/gzcy/wyzx/list_{k + 1}.html"] = shell(
            f"<h2>我要咨询</h2><div class='cards'>{cards}</div><div id='pagination'>{nums}</div>",
            "我要咨询",
        )
    pages["/"] = shell("<div class='nav'><a href='{{SITE}}/gzcy/'>公众参与</a></div>", "某局")
    pages["/gzcy/"] = shell(
        "<div class='sub'><a href='{{SITE}}/gzcy/wyzx/list_1.html'>我要咨询</a> <a href='{{SITE}}/gzcy/dczj/'>调查征集</a></div>",
        "公众参与",
    )
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


def leader_hub(as_of, seed):
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    for bi, (bname, bdir) in enumerate((("书记信箱", "/ldxx/sjxx/"), ("县长信箱", "/ldxx/xzxx/"))):
        msgs = make_messages(r, as_of, 22, start_id=3000 + bi * 100)
        per = 10
        chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
        for k, ch in enumerate(chunks):
            rows = ""
            for m in ch:
                path = f"{bdir}{m.asked:%Y%m}/t{m.asked:%Y%m%d}_{m.ident}.html"
                st = "已回复" if m.answered else "未回复"
                if m.invalid:
                    st = "不予受理"
                rows += f"<li><span class='bt'><a href='{{{{SITE}}}}{path}'>{m.title}</a></span><span class='zt'>[{st}]</span><span class='sj'>{m.asked}</span></li>"
                body = f"<div class='xl'><h3>{m.title}</h3><div class='ly'>留言时间：{m.asked} 留言人：{m.asker}</div><div class='lynr'>{m.title}</div>"
                body += (
                    f"<div class='hf'><div class='hfsj'>回复时间：{m.answered}</div><div class='hfnr'>回复内容：已处理，谢谢。</div></div>"
                    if m.answered and not m.invalid
                    else "<div class='hf'>回复内容：</div>"
                )
                pages[path] = shell(body + "</div>", m.title)
                truth_add(truth, path, m, as_of)
            script = f"<script>createPageHTML({len(chunks)}, {k}, 'index', 'html');</script>"
            pages[bdir + ("index.html" if k == 0 else f"index_{k}.html")] = shell(
                f"<ul class='list'>{rows}</ul>{script}", bname
            )
    pages["/ldxx/"] = shell(
        "<div class='ldlist'><a href='{{SITE}}/ldxx/sjxx/'>书记信箱</a><a href='{{SITE}}/ldxx/xzxx/'>县长信箱</a></div>",
        "领导信箱",
    )
    pages["/"] = shell(
        "<div class='mainnav'><a href='{{SITE}}/ldxx/'>领导信箱</a> <a href='{{SITE}}/xxgk/'>信息公开</a></div>",
        "某县",
    )
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


def div_rows_js(as_of, seed, reply_col=True):
    """div rows with a head row, goPage via script, blank reply cells, no reply part on unanswered pages."""
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    msgs = make_messages(r, as_of, 40, start_id=4000, invalid=0)
    per = 10
    chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
    for k, ch in enumerate(chunks):
        rows = (
            "<div class='row head'><div class='cell'>编号</div><div class='cell'>标题</div><div class='cell'>提交时间</div>"
            + ("<div class='cell'>回复时间</div>" if reply_col else "")
            + "</div>"
        )
        for m in ch:
            path = f"/wsly/detail.jsp?id={m.ident}"
            ans = f"{m.answered:%Y-%m-%d}" if m.answered else ""
            rows += (
                f"<div class='row'><div class='cell'>{m.ident}</div><div class='cell'><a href='javascript:void(0)' onclick=\"window.open('detail.jsp?id={m.ident}')\">{m.title}</a></div>"
                f"<div class='cell'>{m.asked:%Y-%m-%d %H:%M}</div>"
                + (f"<div class='cell'>{ans}</div>" if reply_col else "")
                + "</div>"
            )
            body = f"<div class='xx'><h2>{m.title}</h2><p>提交时间：{m.asked}</p><div class='lynr'>{m.title}，请回复。</div>"
            if m.answered:
                body += f"<div class='hfnr'><p>{m.reply_unit}：您好，已处理。</p><span class='hfsj'>{m.answered:%Y年%m月%d日}</span></div>"
            pages[path] = shell(body + "</div>", m.title)
            truth_add(truth, path, m, as_of)
        nxt = (
            f"<a href='javascript:void(0)' onclick='goPage({k + 2})'>下一页</a>"
            if k + 1 < len(chunks)
            else ""
        )
        script = "<script>function goPage(n){location.href='list.jsp?pageNo='+n;}</script>"
        key = "/wsly/list.jsp" + ("" if k == 0 else f"?pageNo={k + 1}")
        pages[key] = shell(
            f"<div class='lm'>网上留言</div><div class='table'>{rows}</div><div class='pg'>{nxt}</div>{script}",
            "网上留言",
        )
    pages["/"] = shell(
        "<div class='box'><h3>网上留言</h3><a href='{{SITE}}/wsly/list.jsp'>网上留言</a></div>",
        "某县",
    )
    pages["/zmhd/"] = shell("<p>x</p>", "政民互动")
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


def dl_bracket_reply(as_of, seed):
    """<dl> rows with 回复状态 | 留言时间 (2025.11.05); 下页 links; the reply headed 领导回复（date）."""
    r = random.Random(seed)
    pages = {}
    truth = Truth()
    msgs = make_messages(r, as_of, 33, start_id=7000)
    per = 8
    chunks = [msgs[i : i + per] for i in range(0, len(msgs), per)]
    for k, ch in enumerate(chunks):
        items = ""
        for m in ch:
            path = f"/zmhd/myzt/{m.ident}.htm"
            st = "无效件" if m.invalid else ("已回复" if m.answered else "未回复")
            items += f"<dl><dt><a href='{{{{SITE}}}}{path}'>{m.title}</a></dt><dd>回复状态：{st} | 留言时间：{m.asked:%Y.%m.%d}</dd></dl>"
            if m.answered and not m.invalid:
                rep = f"<div class='ldhf'><h4>领导回复（{m.answered:%Y-%m-%d}）</h4><p>您好，来信收悉。我们已安排处理，谢谢监督。</p></div>"
            else:
                rep = "<div class='ldhf'><h4>领导回复</h4><p>暂未回复</p></div>"
            pages[path] = {
                "body": shell(
                    f"<h1>{m.title}</h1><p>留言人：{m.asker}　留言时间：{m.asked:%Y.%m.%d}</p><p>{m.title}。</p>{rep}",
                    m.title,
                    "gbk",
                ),
                "encoding": "gbk",
            }
            truth_add(truth, path, m, as_of)
        nxt = f"<a href='list_p{k + 2}.htm'>下页</a>" if k + 1 < len(chunks) else ""
        key = "/zmhd/myzt/" + ("list.htm" if k == 0 else f"list_p{k + 1}.htm")
        pages[key] = {
            "body": shell(f"<div class='lb'>{items}</div><div>{nxt}</div>", "民意直通车", "gbk"),
            "encoding": "gbk",
        }
    pages["/"] = {
        "body": shell("<div class='dh'><a href='{{SITE}}/zmhd/'>政民互动</a></div>", "某县", "gbk"),
        "encoding": "gbk",
    }
    pages["/zmhd/"] = {
        "body": shell(
            "<div class='zmhd-box'><div class='tit'>民意直通车</div><a href='{{SITE}}/zmhd/myzt/list.htm'>more</a></div><div><a href='{{SITE}}/zmhd/wsxf/'>网上信访</a></div>",
            "政民互动",
            "gbk",
        ),
        "encoding": "gbk",
    }
    truth.veto2015 = truth.veto2019 = bool(truth.unanswered or truth.late)
    return pages, truth


MORE: dict[str, Callable[[date, int], tuple[dict[str, Any], Truth]]] = {
    "dl_gbk": dl_gbk,
    "reply_columns": reply_columns,
    "cards": cards,
    "leader_hub": leader_hub,
    "div_rows_js": div_rows_js,
    "div_rows_js_noreply": lambda as_of, seed: div_rows_js(as_of, seed, reply_col=False),
    "dl_bracket_reply": dl_bracket_reply,
}
