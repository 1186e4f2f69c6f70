"""Hostile answers for the test server (tests/servers.py): ``/hostile/<case>[/<arg>]``.

Each case is a way a real or malicious server makes a crawler misbehave; tests/test_hostile.py
crawls them all in one run next to a healthy site. GET and HEAD are answered alike (HEAD gets
the headers only) unless the case is about their disagreement.

=================================  ==============================================================
``slowloris``                      a status line, then one header byte every 0.5 s (≤ 600 s)
``endless-headers``                200, then header lines forever (≤ 300 s / client gone)
``huge-header``                    one header whose value is 1 MiB
``bomb/<gzip|deflate|br>``         text/html, 128 KiB compressed, 64 MiB decompressed
``endless-file.pdf``               application/pdf, an endless chunked body
``bad-chunked``                    chunked with a chunk size that is not hexadecimal
``cl-long``                        Content-Length 10000, 100 bytes sent, connection closed
``cl-short``                       Content-Length 60 of a longer page, connection closed
``reset-mid-body``                 Content-Length 100000, 1000 bytes, then TCP RST
``retry/<status>``                 that status with ``Retry-After: 999999``
``links/<n>``                      one page linking n distinct images (``<k>.gif``)
``nested/<n>``                     n nested ``<div>`` elements, then a link
``deep/<n>``                       an endless path space: links to ``deep/<n+1>`` and ``deep/<n+1>/x``
``slowtree/<n>``                   a page after 0.5 s that links two more of them (2n, 2n+1)
``head-chunked.pdf``               HEAD: 200 chunked, no Content-Length; GET: a PDF, chunked
``head-zero.pdf``                  HEAD: Content-Length 0; GET: a PDF
``head-404.png``                   HEAD: 404; GET: a PNG
``huge-charset``                   a page whose Content-Type charset parameter is 300 characters
=================================  ==============================================================
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import time
import uuid
import zlib
from functools import cache
from typing import Any

MAX_LINKS = 300_000
MAX_NESTED = 200_000
BOMB_BYTES = 64 << 20


@cache
def bomb(encoding: str) -> bytes:
    plain = b"<html><body>" + b" " * BOMB_BYTES
    if encoding == "gzip":
        return gzip.compress(plain, 9)
    if encoding == "br":
        import brotli

        return bytes(brotli.compress(plain, quality=4))
    return zlib.compress(plain, 9)


def _number(rest: list[str], default: int, ceiling: int) -> int:
    try:
        return max(0, min(int(rest[0]), ceiling))
    except (IndexError, ValueError):
        return default


def _page(title: str, body: str) -> bytes:
    return (
        f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'
    ).encode()


def _chunked_start(h: Any, ctype: str) -> None:
    h.send_response(200)
    h.send_header("Content-Type", ctype)
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    h.close_connection = True


def slowloris(h: Any, rest: list[str], head: bool) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\n")
    h.wfile.flush()
    for byte in b"X-Slow: " + b"z" * 1200:
        if not h._wait(0.5):
            break
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
    h.close_connection = True


def endless_headers(h: Any, rest: list[str], head: bool) -> None:
    h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n")
    deadline = time.monotonic() + 300
    n = 0
    while time.monotonic() < deadline and not h.server.stopping.is_set():
        h.wfile.write(b"".join(b"X-Filler-%d: %s\r\n" % (n + i, b"f" * 40) for i in range(200)))
        n += 200
    h.close_connection = True


def huge_header(h: Any, rest: list[str], head: bool) -> None:
    h._send(200, _page("huge", "huge header"), "text/html", head, {"X-Huge": "h" * (1 << 20)})


def compression_bomb(h: Any, rest: list[str], head: bool) -> None:
    encoding = rest[0] if rest and rest[0] in ("gzip", "deflate", "br") else "gzip"
    h._send(200, bomb(encoding), "text/html", head, {"Content-Encoding": encoding})


def endless_file(h: Any, rest: list[str], head: bool) -> None:
    _chunked_start(h, "application/pdf")
    if head:
        return
    block = b"%PDF-1.4 " + b"0" * 65000
    frame = f"{len(block):x}\r\n".encode() + block + b"\r\n"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not h.server.stopping.is_set():
        h.wfile.write(frame)


def bad_chunked(h: Any, rest: list[str], head: bool) -> None:
    _chunked_start(h, "text/html")
    if not head:
        h.wfile.write(b"zz\r\n<html>not a chunk size</html>\r\n0\r\n\r\n")


def content_length_long(h: Any, rest: list[str], head: bool) -> None:
    h._send(200, _page("short", "x" * 10)[:100], "text/html", head, {"Content-Length": "10000"})
    h.close_connection = True


def content_length_short(h: Any, rest: list[str], head: bool) -> None:
    body = _page("cut", '<a href="/hostile/after-the-cut.html">after</a>' + "y" * 500)
    h._send(200, body, "text/html; charset=utf-8", head, {"Content-Length": "60"})
    h.close_connection = True


def reset_mid_body(h: Any, rest: list[str], head: bool) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.send_header("Content-Length", "100000")
    h.end_headers()
    if head:
        return
    h.wfile.write(b"<html><body>" + b"r" * 1000)
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    os.close(h.connection.detach())
    h.close_connection = True


def retry(h: Any, rest: list[str], head: bool) -> None:
    status = _number(rest, 503, 599) if rest and rest[0] in ("429", "503") else 503
    h._html(status, "<html><body>busy</body></html>", head, {"Retry-After": "999999"})


def many_links(h: Any, rest: list[str], head: bool) -> None:
    n = _number(rest, 1000, MAX_LINKS)
    imgs = "".join(f"<img src={k}.gif>" for k in range(n))
    h._send(200, _page(f"{n} links", imgs), "text/html; charset=utf-8", head)


def nested(h: Any, rest: list[str], head: bool) -> None:
    n = _number(rest, 1000, MAX_NESTED)
    body = "<div>" * n + '<a href="/hostile/under-the-nest.html">deep</a>' + "</div>" * n
    h._send(200, _page("nested", body), "text/html; charset=utf-8", head)


def deep(h: Any, rest: list[str], head: bool) -> None:
    n = _number(rest, 0, 10**9)
    links = f'<a href="/hostile/deep/{n + 1}">next</a><a href="/hostile/deep/{n + 1}/x">x</a>'
    h._send(200, _page(f"deep {n}", links), "text/html; charset=utf-8", head)


def slowtree(h: Any, rest: list[str], head: bool) -> None:
    n = _number(rest, 1, 10**12)
    if not h._wait(0.5):
        h.close_connection = True
        return
    links = (
        f'<a href="/hostile/slowtree/{2 * n}">a</a><a href="/hostile/slowtree/{2 * n + 1}">b</a>'
    )
    h._send(200, _page(f"slow {n}", links), "text/html; charset=utf-8", head)


def huge_charset(h: Any, rest: list[str], head: bool) -> None:
    h._send(200, _page("charset", "x"), "text/html; charset=" + "u" * 300, head)


def head_chunked_pdf(h: Any, rest: list[str], head: bool, pdf: bytes) -> None:
    _chunked_start(h, "application/pdf")
    if not head:
        h.wfile.write(f"{len(pdf):x}\r\n".encode() + pdf + b"\r\n0\r\n\r\n")


def head_zero_pdf(h: Any, rest: list[str], head: bool, pdf: bytes) -> None:
    if head:
        h._send(200, b"", "application/pdf", head, {"Content-Length": "0"})
    else:
        h._send(200, pdf, "application/pdf", head)


def head_404_png(h: Any, rest: list[str], head: bool, png: bytes) -> None:
    if head:
        h._html(404, "<html><body>no HEAD here</body></html>", head)
    else:
        h._send(200, png, "image/png", head)


ANSWERS = {
    "slowloris": slowloris,
    "endless-headers": endless_headers,
    "huge-header": huge_header,
    "bomb": compression_bomb,
    "endless-file.pdf": endless_file,
    "bad-chunked": bad_chunked,
    "cl-long": content_length_long,
    "cl-short": content_length_short,
    "reset-mid-body": reset_mid_body,
    "retry": retry,
    "links": many_links,
    "nested": nested,
    "deep": deep,
    "slowtree": slowtree,
    "huge-charset": huge_charset,
}
# Cases that answer with one of the server's sample files (a PDF or a PNG).
FILE_CASES = {
    "head-chunked.pdf": (head_chunked_pdf, "pdf"),
    "head-zero.pdf": (head_zero_pdf, "pdf"),
    "head-404.png": (head_404_png, "png"),
}


def route(h: Any, rest: list[str], head: bool, samples: dict[str, bytes]) -> bool:
    """Answer /hostile/<case>/…; False when there is no such case."""
    name = rest[0] if rest else ""
    if name in ANSWERS:
        ANSWERS[name](h, rest[1:], head)
        return True
    if name in FILE_CASES:
        answer, sample = FILE_CASES[name]
        answer(h, rest[1:], head, samples[sample])
        return True
    return False


# ---- a registry of hostile sites (tests/test_hostile.py, bench/bench_hostile.py) -----------------

PAGE = '<html><head><meta charset="utf-8"><title>{t}</title></head><body>{b}</body></html>'


def _links(*hrefs: str) -> str:
    return PAGE.format(t="首页", b="".join(f'<a href="{h}">{h}</a>' for h in hrefs))


# site → {link as written on its home page → expected reason ("" = fine)}.
CASES: dict[str, dict[str, str]] = {
    "bodies": {
        "/endless": "too_large",  # an endless chunked page
        "/hostile/bomb/gzip": "too_large",
        "/hostile/bomb/deflate": "too_large",
        "/hostile/bomb/br": "too_large",
        "/hostile/endless-file.pdf": "",  # an endless link target: checked by its headers
        "/hostile/slowloris": "timeout",
        "/hang": "timeout",  # never answers
        "/hostile/bad-chunked": "bad_response",
        "/hostile/cl-long": "connection_reset",
        "/hostile/cl-short": "",
        "/hostile/reset-mid-body": "connection_reset",
        "/garbage?size=200000": "",  # binary garbage as text/html
    },
    "headers": {
        "/hostile/endless-headers": "too_large",
        "/hostile/huge-header": "too_large",
    },
    "links": {"/hostile/links/200000": ""},
    "nested": {"/hostile/nested/100000": ""},
    "traps": {
        "/trap/calendar": "",
        "/hostile/deep/0": "",
        "/redirect-chain/50": "too_many_redirects",
        "/hostile/retry/429": "http_429",
        "/hostile/retry/503": "http_503",
        "/hostile/retry/503/banner.png": "http_503",
    },
    "headget": {
        "/hostile/head-chunked.pdf": "",
        "/hostile/head-zero.pdf": "",
        "/hostile/head-404.png": "",
        "/empty.pdf": "error_link",  # really empty: GET reads nothing
    },
    "slowtree": {"/hostile/slowtree/1": ""},
    # What a site controls reaches the database bounded (inspector/store/bounds.py).
    "storage": {"/echo?q=" + "q" * 9000: "", "/hostile/huge-charset": ""},
    "addr": {
        "http://169.254.169.254/latest/meta-data/": "blocked_address",
        "http://[fd00:ec2::254]/": "blocked_address",
        "http://100.100.100.200/latest/meta-data/": "blocked_address",
    },
}
# site → bounds its run must record.
BOUNDS = {
    "bodies": {"body_bytes"},
    "headers": {"response_headers"},
    "links": {"page_links", "max_urls"},
    "traps": {"query_variants", "max_depth"},
    "slowtree": {"site_seconds"},
}
HEALTHY = {
    "/": PAGE.format(
        t="健康站点",
        b='<a href="a.html">A</a><a href="b.html">B</a><img src="logo.png">'
        '<a href="doc.pdf">附件</a><a href="missing.html">坏链</a>',
    ),
    "/a.html": PAGE.format(t="A", b="<p>发布时间：2026-11-20</p>"),
    "/b.html": PAGE.format(t="B", b='<a href="a.html">A</a>'),
    "/logo.png": {
        "body_b64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
    },
    "/doc.pdf": {"body": "%PDF-1.4\n%%EOF\n"},
}
HEALTHY_REASONS = {
    "a.html": "",
    "b.html": "",
    "logo.png": "",
    "doc.pdf": "",
    "missing.html": "http_404",
}


def registry(
    server: Any, server6: Any = None
) -> tuple[list[tuple[str, str]], dict[str, str], dict[str, str]]:
    """((site_id, home URL) rows, static hosts, site name → home URL) of a hostile run:
    every site on its own host name, served by `server` (and `server6`, on ::1, if given)."""
    port = server.port
    sites: list[tuple[str, str]] = []
    hosts: dict[str, str] = {}
    homes: dict[str, str] = {}
    tag = uuid.uuid4().hex[:6]
    for name in ["healthy", "never", *CASES]:
        host = f"{name}-{tag}.hostile.test"
        hosts[host] = "127.0.0.1"
        if name == "healthy":
            server.add_site(f"{name}-{tag}", HEALTHY)
        elif name != "never":
            hrefs = list(CASES[name])
            if name == "addr" and server6 is not None:
                hrefs.append(server6.site_url(f"v6lit-{tag}", "/"))
            server.add_site(f"{name}-{tag}", {"/": _links(*hrefs)})
        path = "/hang" if name == "never" else f"/site/{name}-{tag}/"
        homes[name] = f"http://{host}:{port}{path}"
        sites.append((f"{name}-{tag}", homes[name]))
    if server6 is not None:
        pages = {
            "/": PAGE.format(t="IPv6", b='<a href="a.html">A</a>'),
            "/a.html": PAGE.format(t="A", b=""),
        }
        server6.add_site(f"v6lit-{tag}", pages)
        server6.add_site(f"v6name-{tag}", pages)
        hosts[f"v6only-{tag}.test"] = "::1"
        homes["v6lit"] = server6.site_url(f"v6lit-{tag}", "/")
        homes["v6name"] = f"http://v6only-{tag}.test:{server6.port}/site/v6name-{tag}/"
        sites += [(f"v6lit-{tag}", homes["v6lit"]), (f"v6name-{tag}", homes["v6name"])]
    return sites, hosts, homes
