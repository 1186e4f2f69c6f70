"""Redirect stubs: pages whose only job is to send the browser on, and pages that are not."""

from __future__ import annotations

import pytest

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.redirect import find_redirect

URL = "http://www.a.gov.cn/"


def stub(head: str = "", body: str = "") -> str:
    return f"<html><head><meta charset='utf-8'><title>某县人民政府</title>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("html", "kind", "destination"),
    [
        (
            stub("<meta http-equiv='Refresh' content='0;URL=/col/col1/index.html'>"),
            "meta_refresh",
            URL + "col/col1/index.html",
        ),
        (
            stub(
                "<meta http-equiv='refresh' content=\"3; url='https://www.a.gov.cn/site/'\">",
                "<p>页面跳转中……</p>",
            ),
            "meta_refresh",
            "https://www.a.gov.cn/site/",
        ),
        (
            stub(body="<script>window.location = '/zw/index.shtml';</script>"),
            "script",
            URL + "zw/index.shtml",
        ),
        (stub(body='<script>top.location.href="/a/"+"b/";</script>'), "script", URL + "a/b/"),
        (
            stub(body="<script>document.location.replace('index2.html')</script>"),
            "script",
            URL + "index2.html",
        ),
        (
            stub(body="<script>setTimeout(function(){location.assign('/new/')}, 3000);</script>"),
            "script",
            URL + "new/",
        ),
        (
            stub(body="<a href='#' onclick=\"window.location.href='/portal/'\">点击进入</a>"),
            "script",
            URL + "portal/",
        ),
        (
            stub(body="<div><a href='/main.html'><img src='/e.png' alt='进入首页'></a></div>"),
            "splash",
            URL + "main.html",
        ),
        (
            stub(
                body="<iframe src='/real/' style='width:100%;height:100%' frameborder=0></iframe>"
            ),
            "iframe",
            URL + "real/",
        ),
        (
            "<html><frameset cols='*'><frame name='content' src='/c/'></frameset></html>",
            "frameset",
            URL + "c/",
        ),
    ],
)
def test_stubs_send_the_browser_on(html: str, kind: str, destination: str) -> None:
    found = find_redirect(parse_html(html), URL)
    assert found is not None and (found.kind, found.url) == (kind, destination) and found.evidence


@pytest.mark.parametrize(
    "html",
    [
        stub(
            body="<script>if(isMobile()){window.location.href='/m/';}</script>"
            + "<p>正文内容很多。</p>" * 80
        ),
        stub(body="<script>window.location.href = window.location.href;</script>"),  # a reload
        stub("<meta http-equiv='refresh' content='600'>", "<p>首页</p>"),  # refresh in place
        stub(body="<script>location.href='/';</script>"),  # to itself
        stub(
            "<meta http-equiv='refresh' content='60;url=/x/'>",
            "".join(f"<a href='/n{i}'>新闻{i}</a>" for i in range(40)) + "<p>内容</p>" * 100,
        ),
        stub(
            body="<a href='/a/'>政务公开</a><a href='/b/'>办事服务</a><a href='/c/'>互动交流</a><a href='/d/'>走进本县</a><a href='/e/'>新闻</a>"
        ),
    ],
)
def test_pages_with_content_of_their_own_are_not_stubs(html: str) -> None:
    assert find_redirect(parse_html(html), URL) is None


def test_the_destination_may_be_another_host() -> None:
    found = find_redirect(
        parse_html(stub(body="<script>location.href='http://www.city.gov.cn/county/';</script>")),
        URL,
    )
    assert found is not None and found.url == "http://www.city.gov.cn/county/"  # the caller decides
