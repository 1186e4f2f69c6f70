"""Soft 404 by content and closed-site notices: error pages as CMSs and servers word them, and
pages that only quote the words. Recall and precision are measured on the whole set."""

from __future__ import annotations

import pytest

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.notfound import closed_notice, not_found_hint

TEMPLATE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="header"><img src="/logo.png" alt="某某县人民政府"><form action="/search"><input name="q"></form></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/xwzx/">新闻中心</a></li>
<li><a href="/bsfw/">办事服务</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>
<div class="main">{body}</div>
<div class="footer">主办：某某县人民政府办公室 网站标识码：3609220001 赣ICP备05004155号</div></body></html>"""

# (title, main content) of pages that ARE error pages, as real sites word them.
ERROR_PAGES = [
    ("页面不存在", "<p>返回首页</p>"),
    ("404 - 某某县人民政府", "<h1>404</h1><p>抱歉，您访问的页面不存在！</p>"),
    ("某某县人民政府", "<div class='err'>对不起，您所访问的页面不存在或已被删除。</div>"),
    ("提示信息", "<p>该信息已删除或已过期</p><a href='/'>返回</a>"),
    ("404 Not Found", "<h1>404 Not Found</h1><hr><center>nginx</center>"),
    ("Error 404", "<p>PAGE NOT FOUND</p>"),
    ("错误提示", "<p>您要查看的文章不存在！</p>"),
    (
        "某某县人民政府",
        "<div class='box404'><p>很抱歉，您要找的页面走丢了……</p><p><a href='/'>返回首页</a></p></div>",
    ),
    ("系统提示", "<table><tr><td>信息不存在或已被撤销</td></tr></table>"),
    (
        "HTTP 404 - 找不到文件或目录",
        "<h2>404 - 找不到文件或目录。</h2><h3>您要查找的资源可能已被删除。</h3>",
    ),
    (
        "无法找到该页",
        "<h1>无法找到该页</h1><p>您正在搜索的页面可能已经删除、更名或暂时不可用。</p>",
    ),
    (
        "The resource cannot be found.",
        "<h1>Server Error in '/' Application.</h1><h2>The resource cannot be found.</h2>",
    ),
    (
        "Not Found",
        "<h1>Not Found</h1><p>The requested URL /abc.html was not found on this server.</p>",
    ),
    ("某某县人民政府", "<p class='tip'>您访问的栏目不存在！</p>"),
    ("某某县人民政府-提示", "<div>链接已失效，该内容已下线。</div>"),
    ("出错啦", "<p>抱歉！您访问的网页不存在</p>"),
    ("某某县人民政府", "<p>稿件已被删除</p><p>5秒后自动跳转至首页</p>"),
    ("页面找不到了_某某县人民政府", "<img src='/404.png'><p>返回首页</p>"),
    ("某某县人民政府", "<div class='notfound'><h2>找不到您要访问的页面</h2></div>"),
    ("某某县人民政府", "<p>对不起，该文件不存在或已被删除！</p>"),
]

# Pages that are NOT error pages although they contain the words.
NORMAL_PAGES = [
    (
        "工作动态",
        "<ul>"
        + "".join(
            f"<li><a href='/a{i}.html'>{t}</a><span>2025-11-{20 - i}</span></li>"
            for i, t in enumerate(
                [
                    "关于修复网站“页面不存在”等问题的情况通报",
                    "县政务中心开展培训",
                    "404错误页面专项整治完成",
                ]
            )
        )
        + "</ul>",
    ),
    (
        "我县完成网站普查整改",
        "<h1>我县完成网站普查整改</h1><div>发布时间：2025-10-15</div><p>"
        + "检查中发现部分栏目显示“您访问的页面不存在”，已全部整改。" * 8
        + "</p>",
    ),
    (
        "关于整治页面不存在问题的通知",
        "<h1>关于整治页面不存在问题的通知</h1><p>" + "各单位要对照问题清单逐项整改。" * 20 + "</p>",
    ),
    (
        "常见问题",
        "<dl><dt>打开链接提示页面不存在怎么办？</dt><dd>"
        + "请清除浏览器缓存后重试，或拨打服务热线咨询。" * 10
        + "</dd></dl>",
    ),
    (
        "搜索结果",
        "<p>共找到 23 条结果</p><ul><li><a href='/x.html'>页面不存在问题整改情况</a></li></ul>",
    ),
    ("网站纠错", "<p>您可以通过我为政府网站找错平台反映“页面打不开”“信息不存在”等问题。</p>" * 6),
    ("某某县人民政府", "<p>欢迎访问某某县人民政府门户网站！</p>"),
    (
        "政策解读",
        "<h1>一图读懂404号文件</h1><div>发布日期：2025-09-01</div><p>"
        + "文件要点如下。" * 30
        + "</p>",
    ),
    (
        "留言详情",
        "<p>留言内容：我在网站上看到的通知链接点开显示页面不存在，请处理。</p><p>回复：已修复，感谢您的反馈。</p>"
        * 4,
    ),
    (
        "新闻中心",
        "<ul>"
        + "".join(f"<li><a href='/n{i}.html'>新闻标题第{i}条</a></li>" for i in range(10))
        + "</ul>",
    ),
]


def hint(title: str, body: str) -> str:
    return not_found_hint(parse_html(TEMPLATE.format(title=title, body=body)), title)


@pytest.mark.parametrize(("title", "body"), ERROR_PAGES)
def test_error_pages_are_soft_404(title: str, body: str) -> None:
    assert hint(title, body)


@pytest.mark.parametrize(("title", "body"), NORMAL_PAGES)
def test_pages_that_quote_the_words_are_not(title: str, body: str) -> None:
    assert hint(title, body) == ""


def test_recall_and_precision_on_the_set(capsys) -> None:
    caught = sum(bool(hint(t, b)) for t, b in ERROR_PAGES)
    false = sum(bool(hint(t, b)) for t, b in NORMAL_PAGES)
    recall, precision = caught / len(ERROR_PAGES), caught / max(caught + false, 1)
    with capsys.disabled():
        print(f"\n  soft 404 by content: recall {recall:.1%}, precision {precision:.1%}", end="")
    assert recall >= 0.95 and precision >= 0.97


def test_the_message_is_the_evidence() -> None:
    assert hint("某某县人民政府", "<div>对不起，您所访问的页面不存在或已被删除。</div>") == (
        "对不起，您所访问的页面不存在或已被删除。"
    )
    assert hint("页面不存在 - 某某县人民政府", "<p>返回首页</p>") == "页面不存在"


@pytest.mark.parametrize(
    ("body", "moved_to"),
    [
        ("<h2>本网站已停止更新</h2><p>请访问 http://www.a.gov.cn 。</p>", "http://www.a.gov.cn"),
        ("<p>网站已于2023年6月30日关闭，感谢您的关注。</p>", ""),
        (
            "<p>本站已整合至<a href='https://www.b.gov.cn/bm/'>县政府门户网站</a>。</p>",
            "https://www.b.gov.cn/bm/",
        ),
        ("<p>网站已迁移至新域名，请访问新网站：www.c.gov.cn</p>", "www.c.gov.cn"),
    ],
)
def test_closed_notices(body: str, moved_to: str) -> None:
    html = (
        f"<html><head><meta charset='utf-8'><title>某某局</title></head><body>{body}</body></html>"
    )
    notice = closed_notice(parse_html(html))
    assert notice is not None and notice.moved_to == moved_to and notice.text


def test_an_article_about_closing_sites_is_not_a_notice() -> None:
    body = (
        "<h1>关于部分网站关停的公告</h1><div>发布日期：2023-12-20</div><p>"
        + "县商务局网站已停止运行。" * 30
        + "</p>"
    )
    assert closed_notice(parse_html(TEMPLATE.format(title="公告", body=body))) is None
