"""A virtual-host web server for the third blind security batch: each county portal of
tests/security_blind3_cases.py under its own host name, and cloaking sites that answer by the
visitor's User-Agent and Referer — some hostile, some only dynamic (a mobile version, a random
banner, a time stamp, a firewall). Runs in a thread on 127.0.0.1; the crawl reaches the names
through INSPECTOR_STATIC_HOSTS."""

from __future__ import annotations

import itertools
import random
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from security_blind3_cases import PAGE_CASES, Case
from security_blind3_templates import SITES, TEMPLATES, Spots

Answer = tuple[int, dict[str, str], bytes]
Handler = Callable[[str, dict[str, str]], Answer]


def render(case: Case) -> tuple[str, str]:
    county, _host, encoding = SITES[case.tpl]
    return TEMPLATES[case.tpl](county, case.title, case.date, case.body, case.spots), encoding


def case_path(case: Case) -> str:
    return f"/case/{case.name}.html"


def _html(text: str, encoding: str = "utf-8", status: int = 200) -> Answer:
    ctype = "text/html; charset=utf-8" if encoding == "utf-8" else "text/html"
    return status, {"Content-Type": ctype}, text.encode(encoding, "xmlcharrefreplace")


def portal(tpl: str) -> Handler:
    """A county portal: the home page lists the template's case pages."""
    county, _host, encoding = SITES[tpl]
    cases = {case_path(c): c for c in PAGE_CASES if c.tpl == tpl}
    items = "".join(f'<li><a href="{p}">{c.title}（{c.name}）</a></li>' for p, c in cases.items())
    home = TEMPLATES[tpl](county, "首页", "2026-11-27", f"<ul class='list'>{items}</ul>", Spots())

    def answer(path: str, headers: dict[str, str]) -> Answer:
        if path in ("/", "/index.html"):
            return _html(home, encoding)
        case = cases.get(path)
        if case is None:
            return _html("<html><body>404 页面不存在</body></html>", "utf-8", 404)
        return _html(render(case)[0], encoding)

    return answer


def is_spider(headers: dict[str, str]) -> bool:
    return bool(
        re.search(r"baiduspider|sogou|360spider|yisouspider", headers.get("user-agent", ""), re.I)
    )


def from_search(headers: dict[str, str]) -> bool:
    return bool(
        re.search(r"baidu\.com|sogou\.com|so\.com|sm\.cn", headers.get("referer", ""), re.I)
    )


def county_page(county: str, title: str, body: str, extra_head: str = "") -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title>{extra_head}
<script src="https://hm.baidu.com/hm.js?0f1e2d3c4b5a69788796a5b4c3d2e1f0"></script></head><body>
<div class="header"><img src="/logo.png" alt="{county}人民政府"><a href="/">首页</a> <a href="/xxgk/1.html">信息公开</a>
<a href="/xwzx/2.html">新闻中心</a></div><div class="main">{body}</div>
<div class="footer">主办：{county}人民政府办公室 网站标识码：1404310005 晋ICP备08003456号
<span id="_ideConac"><script src="https://dcs.conac.cn/js/05/000/0000/60413308/CA050000000604133080003.js"></script></span></div>
</body></html>"""


NEWS = (
    '<ul><li><a href="/xwzx/2.html">县长主持召开政府常务会议</a> 2026-11-26</li>'
    '<li><a href="/xxgk/1.html">2026年县级财政预算执行情况</a> 2026-11-24</li></ul>'
)
SPAM_LINKS = (
    '<a href="http://www.pj5599.com/">澳门葡京</a> <a href="http://www.tyc8877.com/">太阳城娱乐</a> '
    '<a href="http://www.bjpk10kj.com/">北京赛车pk10</a> <a href="http://www.ssc2288.net/">时时彩</a>'
)


INNER = {
    "/xxgk/1.html": ("2026年县级财政预算执行情况", "<p>发布时间：2026-11-24</p><p>全县一般公共预算收入完成年度预算的86%。</p>"),
    "/xwzx/2.html": ("县长主持召开政府常务会议", "<p>发布时间：2026-11-26</p><p>会议研究了冬季供暖保障等事项。</p>"),
}  # fmt: skip


def title_of(county: str, path: str) -> str:
    return INNER[path][0] if path in INNER else f"{county}人民政府"


def plain_site(county: str, spider: Callable[[str, dict[str, str]], Answer | None]) -> Handler:
    """A small county site (home + two inner pages); `spider` may answer instead of it."""
    pages = {"/": (f"{county}人民政府", f"<h2>政务要闻</h2>{NEWS}"), **INNER}

    def answer(path: str, headers: dict[str, str]) -> Answer:
        key = "/" if path == "/index.html" else path
        if key not in pages:
            return _html("<html><body>404</body></html>", status=404)
        other = spider(path, headers)
        if other is not None:
            return other
        title, body = pages[key]
        return _html(county_page(county, title, body))

    return answer


def _spam_page(title: str) -> Answer:
    body = f"<h1>{title}</h1><p>澳门葡京赌场官方网站，百家乐、真人视讯、时时彩、北京赛车pk10，注册送彩金。</p>{SPAM_LINKS}"
    return _html(
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>{body}</body></html>"
    )


def _cloaked_sites() -> dict[str, Handler]:
    def ua_full(path, h):
        return _spam_page("澳门葡京娱乐场_太阳城集团官网_百家乐") if is_spider(h) else None

    def referer_302(path, h):
        return (
            (302, {"Location": "http://www.pj5599.com/?ref=gov"}, b"") if from_search(h) else None
        )

    def inner_only(path, h):
        return (
            _spam_page("北京赛车pk10开奖直播_重庆时时彩") if path != "/" and is_spider(h) else None
        )

    def appended(path, h):
        if not is_spider(h):
            return None
        block = f"<div class='keys'>真人百家乐 澳门威尼斯人 开元棋牌 {SPAM_LINKS}</div>"
        return _html(
            county_page("壶关县", title_of("壶关县", path), f"<h2>政务要闻</h2>{NEWS}{block}")
        )

    def title_stuffing(path, h):
        if not is_spider(h) or path != "/":
            return None
        return _html(
            county_page(
                "沁源县",
                "北京赛车pk10开奖_时时彩计划_快三-沁源县人民政府",
                f"<h2>政务要闻</h2>{NEWS}",
            )
        )

    def referer_parasite(path, h):
        return _spam_page("太阳城集团-亚洲最大真人娱乐平台") if from_search(h) else None

    return {
        "www.lingchuan.gov.cn": plain_site("陵川县", ua_full),
        "www.wuxiang.gov.cn": plain_site("武乡县", referer_302),
        "www.pingshun.gov.cn": plain_site("平顺县", inner_only),
        "www.huguan.gov.cn": plain_site("壶关县", appended),
        "www.qinyuan.gov.cn": plain_site("沁源县", title_stuffing),
        "www.licheng.gov.cn": plain_site("黎城县", referer_parasite),
    }


def _control_sites() -> dict[str, Handler]:
    counter = itertools.count(1000)

    def identical(path, h):
        return None

    def mobile(path, h):
        ua = h.get("user-agent", "")
        if re.search(r"Mobile|Android|iPhone", ua) and not path.startswith("/m/"):
            return 302, {"Location": "/m" + path}, b""
        return None

    def banner(path, h):
        if path != "/":
            return None
        slides = [("/zt/yhyshj/", "优化营商环境"), ("/zt/xczx/", "全面推进乡村振兴"),
                  ("/zt/aqsc/", "安全生产月"), ("/zt/wmcj/", "创建全国文明城市"), ("/zt/fzzf/", "法治政府建设")]  # fmt: skip
        href, alt = random.choice(slides)
        news = NEWS if random.random() < 0.5 else NEWS.replace("<li>", "<li class='x'>")
        body = f"<div class='banner'><a href='{href}'><img src='/img/{random.randint(1, 9)}.jpg' alt='{alt}'></a></div>{news}"
        return _html(county_page("长子县", "长子县人民政府", body))

    def stamp(path, h):
        now = time.strftime("%Y-%m-%d %H:%M:%S")
        body = (f"<p>今天是：{now} 您是第{next(counter)}位访客</p>"
                f"<input type='hidden' name='csrf' value='{random.getrandbits(64):x}'>{NEWS}")  # fmt: skip
        return _html(county_page("屯留区", title_of("屯留区", path), body))

    def firewall(path, h):
        if is_spider(h):
            return _html(
                "<html><head><title>访问被拦截</title></head><body>网站防火墙：您的请求存在安全风险，已被拦截。</body></html>",
                status=403,
            )
        return None

    def highlight(path, h):
        q = parse_qs(urlsplit(h.get("referer", "")).query).get("wd", [""])[0]
        if not q:
            return None
        return _html(
            county_page(
                "襄垣县",
                title_of("襄垣县", path),
                f"<p class='kw'>您搜索的关键词：{unquote(q)}</p>{NEWS}",
            )
        )

    def light(path, h):
        if not is_spider(h):
            return None
        return _html(
            f"<html><head><meta charset='utf-8'><title>{title_of('沁县', path)}</title></head>"
            f"<body><!-- static cache for crawlers --><a href='/'>首页</a>{NEWS}</body></html>"
        )

    def everyone_index(path, h):
        return (302, {"Location": "/index.html"}, b"") if path == "/" else None

    return {
        "www.yangcheng.gov.cn": plain_site("阳城县", identical),
        "www.gaoping.gov.cn": _with_mobile(plain_site("高平市", mobile)),
        "www.zhangzi.gov.cn": plain_site("长子县", banner),
        "www.tunliu.gov.cn": plain_site("屯留区", stamp),
        "www.changzhi.gov.cn": plain_site("长治县", firewall),
        "www.xiangyuan.gov.cn": plain_site("襄垣县", highlight),
        "www.qinxian.gov.cn": plain_site("沁县", light),
        "www.lucheng.gov.cn": plain_site("潞城区", everyone_index),
    }


def _with_mobile(inner: Handler) -> Handler:
    def answer(path: str, headers: dict[str, str]) -> Answer:
        if path.startswith("/m/"):
            return _html(county_page("高平市", "高平市人民政府", f"<div class='m'>{NEWS}</div>",
                                     '<meta name="viewport" content="width=device-width">'))  # fmt: skip
        return inner(path, headers)

    return answer


CLOAKED = _cloaked_sites()
CONTROLS = _control_sites()
PORTALS = {SITES[t][1]: portal(t) for t in TEMPLATES}


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _answer(self, head: bool) -> None:
        host = self.headers.get("Host", "").split(":")[0].lower()
        headers = {k.lower(): v for k, v in self.headers.items()}
        site = self.server.sites.get(host)  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        status, hdrs, body = site(path, headers) if site else (404, {}, b"no such host")
        self.send_response(status)
        for k, v in hdrs.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)


@contextmanager
def serve() -> Iterator[int]:
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.daemon_threads = True
    srv.sites = {**PORTALS, **CLOAKED, **CONTROLS}  # type: ignore[attr-defined]
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()
