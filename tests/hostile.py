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
=================================  ==============================================================
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import time
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


CASES = {
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
    if name in CASES:
        CASES[name](h, rest[1:], head)
        return True
    if name in FILE_CASES:
        answer, sample = FILE_CASES[name]
        answer(h, rest[1:], head, samples[sample])
        return True
    return False
