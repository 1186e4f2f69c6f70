"""What a linked resource must be (img → image, script → JavaScript, stylesheet → CSS, icon,
font), and whether an answer can be it: pure functions the crawl applies to every resource."""

from __future__ import annotations

import pytest

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.links import extract_links
from inspector.crawl.extract.resources import (
    expected_from_url,
    expected_resource,
    looks_like_html,
    resource_mismatch,
)

ERROR_PAGE = "<!DOCTYPE html><html><head><title>404</title></head><body>页面不存在</body></html>"


def test_each_element_says_what_it_expects():
    html = """<html><head>
    <link rel="stylesheet" href="/css/a.css"><link rel="shortcut icon" href="/favicon.ico">
    <link rel="preload" as="font" href="/f.woff2"><link rel="canonical" href="/index.html">
    <script src="/js/a.js"></script></head>
    <body background="/bg.gif"><img src="/a.png" srcset="/a2.png 2x"><a href="/p.html">页</a>
    <input type="image" src="/go.gif"><video poster="/v.jpg" src="/v.mp4"></video></body></html>"""
    expects = {
        link.url.rsplit("/", 1)[-1]: link.expects
        for link in extract_links(parse_html(html), "http://a.gov.cn/")
    }
    assert expects == {
        "a.css": "stylesheet", "favicon.ico": "icon", "f.woff2": "font", "index.html": "",
        "a.js": "script", "bg.gif": "image", "a.png": "image", "a2.png": "image", "p.html": "",
        "go.gif": "image", "v.jpg": "image", "v.mp4": "",
    }  # fmt: skip


def test_expectations_from_urls_and_attributes():
    assert expected_resource("link", "href", "apple-touch-icon") == "icon"
    assert expected_resource("link", "href", "preload", "script") == "script"
    assert expected_resource("a", "href") == ""
    assert expected_from_url("/fonts/x.TTF?v=2") == "font"
    assert expected_from_url("/js/menu.js") == "script"
    assert expected_from_url("/list.html") == ""


@pytest.mark.parametrize(
    ("expects", "content_type", "head", "size", "problem"),
    [
        ("image", "text/html; charset=utf-8", ERROR_PAGE.encode(), None, "html"),
        ("image", "text/html", None, None, "html"),  # HEAD only: the type decides
        ("image", "text/html", b"\x89PNG\r\n\x1a\n...", None, ""),  # mislabelled, still a PNG
        ("image", "application/octet-stream", b"\xff\xd8\xff\xe0", None, ""),
        ("image", "", b"GIF89a", None, ""),
        ("image", "image/png", b"", 0, "empty"),
        ("script", "text/html", b"var menu = [];\nfunction show(){}", None, ""),
        (
            "script",
            "application/javascript",
            "<!-- 出错了 --><html><body>系统错误".encode(),
            None,
            "html",
        ),
        ("stylesheet", "text/plain", b"body{margin:0}", None, ""),
        ("stylesheet", "text/html", b"<html><head><title>404</title>", None, "html"),
        ("icon", "image/x-icon", b"\x00\x00\x01\x00", None, ""),
        ("font", "application/octet-stream", b"wOF2", None, ""),
        ("", "text/html", ERROR_PAGE.encode(), None, ""),  # a page link: nothing to expect
    ],
)
def test_an_html_page_or_nothing_cannot_be_the_resource(expects, content_type, head, size, problem):  # noqa: ANN001
    assert resource_mismatch(expects, content_type, head, size) == problem


def test_looks_like_html_with_bom_and_comments():
    assert looks_like_html("\ufeff<!-- TRS --><!DOCTYPE HTML PUBLIC>".encode())
    assert not looks_like_html(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>")
    assert not looks_like_html(b"<!-- old css -->\nbody { color: red }")
