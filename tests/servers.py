"""A hostile, scriptable HTTP server for end-to-end tests, run in a subprocess.

Run it by hand::

    python tests/servers.py [--port N] [--sites DIR] [--ipv6] [--exit-on-stdin-eof] [-v]

It listens on 127.0.0.1 only (``--ipv6``: on ::1 only) and prints ``PORT=<n>`` as the first stdout line (flushed) and
``DEAD_PORT=<n>`` (a loopback port nothing listens on) as the second. It exits on SIGTERM/Ctrl-C,
when its parent process dies, and (with ``--exit-on-stdin-eof``) when stdin closes.

From tests::

    from servers import start_server            # tests/ is on sys.path under pytest

    with start_server() as srv:                 # a subprocess; stopped on exit
        srv.add_site("mini", {"/": '<a href="a.html">a</a>', "/a.html": "<p>a</p>"})
        srv.url("/status/404")                  # http://127.0.0.1:<port>/status/404
        srv.site_url("mini", "/a.html")         # http://127.0.0.1:<port>/site/mini/a.html
        srv.requests()                          # what the server was asked, in order

Routes (GET and HEAD everywhere; HEAD answers the GET headers without the body):

=========================== ================================================================
``/``                       an index page that links to the routes below
``/site/<name>/<path>``     a synthetic site: a file ``<name>.json`` in ``--sites DIR`` (re-read
                            when it changes) or the built-in dicts in `SITES` (see `Page spec`)
``/status/<code>``          answers that status (200–599); ``?location=URL`` adds a Location
``/hang``                   never answers: holds the connection (up to 600 s), then closes it
``/slow/<seconds>``         a 200 HTML page after a delay (at most 600 s)
``/reset``                  closes the socket abruptly (SO_LINGER 0 → TCP RST), no response
``/endless``                200 text/html with an endless chunked body (stops when the client
                            goes away; bounded at 300 s / 4 GiB)
``/big/<mb>``               a body of <mb> MiB (float) with Content-Length; ``?ct=`` type
``/redirect-loop/a``        302 → ``/redirect-loop/b`` → 302 → ``/redirect-loop/a`` …
``/redirect-chain/<n>``     n hops of 302 (``/redirect-chain/<n-1>`` …) then 200
``/garbage``                random bytes (``?size=4096&seed=1234``) sent as text/html
``/wrong-charset``          a GBK page (``<meta charset="gbk">``) sent with ``charset=utf-8``;
                            ``/wrong-charset/nometa`` has no meta at all
``/no-head/<path>``         405 to HEAD (Allow: GET), 200 to GET (type from the extension)
``/retry-after``            429 + ``Retry-After: 1`` the first time per client key, then 200; the
                            key is the ``X-Client-Key`` header, else the full path with query
``/soft404/<anything>``     200 with a "页面不存在" page for every path
``/trap/calendar``          an endless calendar: ``?year=&month=&day=`` pages that link to the
                            next/previous day and month
``/not-html.pdf``           an HTML page at a .pdf URL, sent as text/html (``?ct=pdf``: sent
                            as application/pdf)
``/empty.pdf``              0 bytes, application/pdf
``/echo``                   JSON of the request: method, path, headers
``/__requests__``           JSON list of the requests received so far (``?clear=1`` empties it)
``/hostile/<case>``         the hostile answers of tests/hostile.py (header floods, compression
                            bombs, broken framing, endless URL spaces, HEAD/GET disagreement …)
=========================== ================================================================

Page spec (a site maps a path inside the site — ``"/"``, ``"/a.html"``, ``"/list?page=2"`` — to
a page; ``"*"`` is the page for every path not listed, e.g. a soft-404 site)::

    "<html>…</html>"                  # shorthand: 200, text/html; charset=utf-8
    {"status": 200,                    # default 200
     "headers": {"Location": "/b"},    # default {}; Content-Type defaults as below
     "body": "<html>…</html>",         # text, encoded with "encoding"
     "body_b64": "iVBORw0…",           # or raw bytes, base64 (images, PDFs)
     "encoding": "gbk",                # default utf-8
     "delay": 0.5,                     # seconds to wait before answering (default 0)
     "vary": [{"user_agent": "Baiduspider", "page": {…}},   # another page (a spec) when the
              {"referer": "baidu.com", "page": {…}}]}        # header contains the text: a
                                                             # cloaking site; first match wins

Default Content-Type: from the path's extension; HTML when there is none. HTML bodies in utf-8
get ``text/html; charset=utf-8``; in any other encoding a bare ``text/html`` (the page's
``<meta>`` decides) — set the header yourself to send a wrong one. In bodies and header values,
``{{PORT}}``, ``{{DEAD_PORT}}``, ``{{BASE}}`` (``http://127.0.0.1:<port>``) and ``{{SITE}}``
(``{{BASE}}/site/<name>``) are replaced when served.
"""

from __future__ import annotations

import argparse
import base64
import calendar
import html
import json
import logging
import os
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import deque
from collections.abc import Mapping
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import hostile

log = logging.getLogger("tests.servers")

HOST = "127.0.0.1"
MAX_WAIT = 600.0  # longest /hang, /slow or page delay
ENDLESS_SECONDS = 300.0
ENDLESS_BYTES = 4 << 30
MAX_BIG_MB = 2048.0
MAX_CHAIN = 1000
SITE_NAME_RE = re.compile(r"^[A-Za-z0-9_.-]+$")

Page = str | Mapping[str, Any]

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".shtml": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
}

# A 1x1 PNG, for sites that need an image that exists.
PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC"
)
MINI_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)

# Built-in synthetic sites: name -> {path -> page spec}. A --sites file of the same name wins.
SITES: dict[str, dict[str, Page]] = {
    "basic": {
        "/": """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>基础站点</title>
<link rel="stylesheet" href="style.css"><script src="/site/basic/app.js"></script></head>
<body>
<div class="nav"><a href="a.html">栏目A</a> <a href="./sub/b.html">栏目B</a> <a href="{{SITE}}/a.html">栏目A（绝对地址）</a></div>
<ul>
<li><a href="a.html">重复链接</a><span>2026-11-20</span></li>
<li><a href="a.html#top">带锚点</a><span>2026-11-19</span></li>
<li><a href="missing.html">坏链</a><span>2026-11-18</span></li>
<li><a href="refresh.html">跳转页</a></li>
<li><a href="gbk.html">GBK页面</a></li>
<li><a href="javascript:void(0)">脚本链接</a> <a href="mailto:a@example.org">邮件</a> <a href="tel:12345">电话</a></li>
</ul>
<img src="img/1.png" srcset="img/1.png 1x, img/2x.png 2x" alt="图片">
<iframe src="frame.html"></iframe>
<a href="http://127.0.0.1:{{DEAD_PORT}}/">外部坏链</a>
</body></html>
""",
        "/a.html": '<html><head><meta charset="utf-8"><title>A</title></head><body><a id="top" href="./">首页</a><p>发布时间：2026-11-20 09:30</p></body></html>',
        "/sub/b.html": """<html><head><meta charset="utf-8"><title>B</title><base href="{{SITE}}/other/"></head>
<body><a href="c.html">相对于 base 的链接（/other/c.html）</a> <a href="../a.html">../a.html（/a.html）</a></body></html>""",
        "/other/c.html": '<html><head><meta charset="utf-8"><title>C</title></head><body><a href="/site/basic/">首页</a></body></html>',
        "/refresh.html": '<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0; url=a.html"><title>跳转</title></head><body></body></html>',
        "/frame.html": '<html><head><meta charset="utf-8"><title>框架</title></head><body><a href="a.html">A</a></body></html>',
        "/gbk.html": {
            "body": '<html><head><meta charset="gbk"><title>政策文件</title></head><body><ul><li><a href="a.html">关于印发通知</a><span>2026-10-15</span></li></ul></body></html>',
            "encoding": "gbk",
        },
        "/img/1.png": {"body_b64": base64.b64encode(PNG_1X1).decode()},
        "/img/2x.png": {"body_b64": base64.b64encode(PNG_1X1).decode()},
        "/style.css": {"body": "body{color:#333}"},
        "/app.js": {"body": "var x = 1;"},
    },
    "soft404": {
        "/": '<html><head><meta charset="utf-8"><title>首页</title></head><body><a href="gone.html">已删除</a></body></html>',
        "*": '<html><head><meta charset="utf-8"><title>页面不存在</title></head><body><p>抱歉，您访问的页面不存在！</p></body></html>',
    },
}

GBK_PAGE = """<!DOCTYPE html>
<html><head>{meta}<title>通知公告</title></head>
<body><h1>关于开展2026年冬季“送温暖”活动的通知</h1>
<p>发布时间：2026-11-10 10:00　来源：县民政局</p></body></html>
"""

SOFT_404_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>页面不存在</title></head>
<body><div class="error"><h1>页面不存在</h1><p>抱歉，您访问的页面不存在或已被删除！</p>
<p><a href="/">返回首页</a></p></div></body></html>
"""

NOT_HTML_PDF_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>文件下载</title></head>
<body><p>文件不存在或已被删除。</p></body></html>
"""


def closed_port(host: str = HOST) -> int:
    """A port on host that nothing listens on (bound, then closed again)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def content_type_for(path: str, default: str = "text/html") -> str:
    name = urlsplit(path).path.rsplit("/", 1)[-1]
    ext = os.path.splitext(name)[1].lower()
    return CONTENT_TYPES.get(ext, default)


def normalize_pages(pages: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Page specs as JSON-ready dicts (bytes bodies become body_b64; paths start with '/')."""
    out: dict[str, dict[str, Any]] = {}
    for path, page in pages.items():
        key = path if path == "*" or path.startswith("/") else "/" + path
        if isinstance(page, bytes):
            spec: dict[str, Any] = {"body_b64": base64.b64encode(page).decode()}
        elif isinstance(page, str):
            spec = {"body": page}
        else:
            spec = dict(page)
            body = spec.get("body")
            if isinstance(body, bytes):
                spec.pop("body")
                spec["body_b64"] = base64.b64encode(body).decode()
        out[key] = spec
    return out


class SiteStore:
    """Site specs: `<name>.json` files in a directory (re-read when they change), then `SITES`."""

    def __init__(self, sites_dir: Path | None) -> None:
        self.sites_dir = sites_dir
        self._cache: dict[str, tuple[tuple[int, int, int], dict[str, dict[str, Any]]]] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> dict[str, dict[str, Any]] | None:
        if not SITE_NAME_RE.match(name):
            return None
        if self.sites_dir is not None:
            path = self.sites_dir / f"{name}.json"
            try:
                st = path.stat()
            except FileNotFoundError:
                pass
            else:
                key = (st.st_mtime_ns, st.st_size, st.st_ino)
                with self._lock:
                    cached = self._cache.get(name)
                    if cached and cached[0] == key:
                        return cached[1]
                pages = normalize_pages(json.loads(path.read_text("utf-8")))
                with self._lock:
                    self._cache[name] = (key, pages)
                return pages
        builtin = SITES.get(name)
        return normalize_pages(builtin) if builtin is not None else None


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self, address: tuple[str, int], sites_dir: Path | None = None) -> None:
        super().__init__(address, HostileHandler)
        self.sites = SiteStore(sites_dir)
        self.dead_port = closed_port(address[0])
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.retry_seen: set[str] = set()
        self.request_log: deque[dict[str, Any]] = deque(maxlen=20000)

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        host = str(self.server_address[0])
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"


class HostileServer6(HostileServer):
    address_family = socket.AF_INET6

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()


class HostileHandler(BaseHTTPRequestHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"
    server_version = "hostile-test-server"
    timeout = 120  # socket timeout: idle keep-alive connections and stuck writes end

    # -- plumbing

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch(head=False)

    def do_HEAD(self) -> None:
        self._dispatch(head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(min(length, 1 << 20))
        self._dispatch(head=False)

    def _dispatch(self, head: bool) -> None:
        split = urlsplit(self.path)
        path = unquote(split.path) or "/"
        query = {k: v[-1] for k, v in parse_qs(split.query).items()}
        if not path.startswith("/__requests__"):
            with self.server.lock:
                self.server.request_log.append(
                    {
                        "time": time.time(),
                        "method": self.command,
                        "path": self.path,
                        "headers": dict(self.headers.items()),
                    }
                )
        try:
            self._route(path, query, head)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _wait(self, seconds: float) -> bool:
        """Sleep up to `seconds`; False when the server stops or the client hangs up first."""
        deadline = time.monotonic() + min(max(seconds, 0.0), MAX_WAIT)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return True
            if self.server.stopping.wait(min(left, 0.2)):
                return False
            if self._client_gone():
                return False

    def _client_gone(self) -> bool:
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            if not readable:
                return False
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except (OSError, ValueError):
            return True

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str | None,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        extra = dict(headers or {})
        names = {k.lower() for k in extra}
        if content_type and "content-type" not in names:
            self.send_header("Content-Type", content_type)
        if status not in (204, 304) and "content-length" not in names:
            self.send_header("Content-Length", str(len(body)))
        for k, v in extra.items():
            self.send_header(k, v)
        self.end_headers()
        if not head and status not in (204, 304):
            self.wfile.write(body)

    def _html(
        self, status: int, text: str, head: bool, headers: Mapping[str, str] | None = None
    ) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8", head, headers)

    def _redirect(self, location: str, head: bool, status: int = 302) -> None:
        body = f'<html><body><a href="{html.escape(location)}">moved</a></body></html>'
        self._html(status, body, head, {"Location": location})

    def _not_found(self, head: bool) -> None:
        self._html(
            404,
            "<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>",
            head,
        )

    # -- routes

    def _route(self, path: str, query: dict[str, str], head: bool) -> None:
        parts = path.split("/")
        first = parts[1] if len(parts) > 1 else ""
        if path == "/":
            self.route_index(head)
        elif first == "__requests__":
            self.route_requests(query, head)
        elif first in ROUTES:
            getattr(self, ROUTES[first])(path, parts[2:], query, head)
        else:
            self._not_found(head)

    def route_index(self, head: bool) -> None:
        links = [
            "/site/basic/", "/site/soft404/", "/status/404", "/hang", "/slow/2", "/reset",
            "/endless", "/big/1", "/redirect-loop/a", "/redirect-chain/3", "/garbage",
            "/wrong-charset", "/no-head/file.pdf", "/retry-after", "/soft404/x", "/trap/calendar",
            "/not-html.pdf", "/empty.pdf", "/echo", "/__requests__",
        ]  # fmt: skip
        lis = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
        self._html(
            200,
            f"<html><head><title>hostile test server</title></head><body><ul>{lis}</ul></body></html>",
            head,
        )

    def route_requests(self, query: dict[str, str], head: bool) -> None:
        with self.server.lock:
            entries = list(self.server.request_log)
            if query.get("clear"):
                self.server.request_log.clear()
        self._send(200, json.dumps(entries, ensure_ascii=False).encode(), "application/json", head)

    def route_hostile(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        if not hostile.route(self, rest, head, {"pdf": MINI_PDF, "png": PNG_1X1}):
            self._not_found(head)

    def route_echo(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        data = {"method": self.command, "path": self.path, "headers": dict(self.headers.items())}
        self._send(200, json.dumps(data, ensure_ascii=False).encode(), "application/json", head)

    def route_site(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        name = rest[0] if rest else ""
        pages = self.server.sites.get(name) if name else None
        if pages is None:
            self._not_found(head)
            return
        if len(rest) == 1:  # /site/<name> -> /site/<name>/
            self._redirect(f"/site/{name}/", head, 301)
            return
        inner = "/" + "/".join(rest[1:])
        raw_query = urlsplit(self.path).query
        candidates = [inner + "?" + raw_query] if raw_query else []
        candidates.append(inner)
        if inner.endswith("/"):
            candidates.append(inner + "index.html")
        spec = next((pages[c] for c in candidates if c in pages), pages.get("*"))
        if spec is None:
            self._not_found(head)
            return
        for variant in spec.get("vary") or ():
            wanted = [
                (h, variant[k])
                for k, h in (("user_agent", "User-Agent"), ("referer", "Referer"))
                if k in variant
            ]
            if wanted and all(text in (self.headers.get(h) or "") for h, text in wanted):
                spec = normalize_pages({"*": variant["page"]})["*"]
                break
        self._serve_spec(name, inner, spec, head)

    def _fill(self, text: str, site: str) -> str:
        base = self.server.base_url
        return (
            text.replace("{{SITE}}", f"{base}/site/{site}")
            .replace("{{BASE}}", base)
            .replace("{{PORT}}", str(self.server.port))
            .replace("{{DEAD_PORT}}", str(self.server.dead_port))
        )

    def _serve_spec(self, site: str, inner: str, spec: Mapping[str, Any], head: bool) -> None:
        delay = float(spec.get("delay") or 0)
        if delay and not self._wait(delay):
            self.close_connection = True
            return
        status = int(spec.get("status", 200))
        encoding = str(spec.get("encoding") or "utf-8")
        if "body_b64" in spec:
            body = base64.b64decode(spec["body_b64"])
        else:
            body = self._fill(str(spec.get("body", "")), site).encode(encoding)
        headers = {k: self._fill(str(v), site) for k, v in (spec.get("headers") or {}).items()}
        ctype = content_type_for(inner)
        if (
            ctype.startswith("text/")
            and "body_b64" not in spec
            and encoding.lower() in ("utf-8", "utf8")
        ):
            ctype += "; charset=utf-8"
        self._send(status, body, ctype, head, headers)

    def route_status(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        try:
            code = int(rest[0])
        except (IndexError, ValueError):
            code = 0
        if not 200 <= code <= 599:
            self._html(400, "<html><body>status must be 200-599</body></html>", head)
            return
        headers = {"Location": query["location"]} if "location" in query else {}
        self._html(
            code,
            f"<html><head><title>{code}</title></head><body>status {code}</body></html>",
            head,
            headers,
        )

    def route_hang(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        self._wait(MAX_WAIT)
        self.close_connection = True

    def route_slow(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        try:
            seconds = float(rest[0])
        except (IndexError, ValueError):
            seconds = 5.0
        if not self._wait(seconds):
            self.close_connection = True
            return
        self._html(
            200,
            f"<html><head><title>slow</title></head><body>answered after {seconds:g} s</body></html>",
            head,
        )

    def route_reset(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        fd = self.connection.detach()  # the handler's later flush/shutdown then touch nothing
        os.close(fd)  # linger 0: the kernel answers with RST
        self.close_connection = True

    def route_endless(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        chunked = self.request_version != "HTTP/1.0"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        else:
            self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        if head:
            return
        block = b"<html><body>\n" + b"<p>endless endless endless endless endless</p>\n" * 1300
        frame = (f"{len(block):x}\r\n".encode() + block + b"\r\n") if chunked else block
        deadline = time.monotonic() + ENDLESS_SECONDS
        sent = 0
        while (
            sent < ENDLESS_BYTES
            and time.monotonic() < deadline
            and not self.server.stopping.is_set()
        ):
            self.wfile.write(frame)
            sent += len(block)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def route_big(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        try:
            mb = min(max(float(rest[0]), 0.0), MAX_BIG_MB)
        except (IndexError, ValueError):
            mb = 1.0
        size = int(mb * 1024 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", query.get("ct", "text/html"))
        self.send_header("Content-Length", str(size))
        self.end_headers()
        if head:
            return
        block = b"<!-- padding -->\n" * 4096
        left = size
        while left > 0 and not self.server.stopping.is_set():
            piece = block[: min(left, len(block))]
            self.wfile.write(piece)
            left -= len(piece)
        if left:
            self.close_connection = True

    def route_redirect_loop(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        here = rest[0] if rest else ""
        if here not in ("a", "b"):
            self._not_found(head)
            return
        self._redirect("/redirect-loop/" + ("b" if here == "a" else "a"), head)

    def route_redirect_chain(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        try:
            n = min(int(rest[0]), MAX_CHAIN)
        except (IndexError, ValueError):
            self._not_found(head)
            return
        if n > 0:
            self._redirect(f"/redirect-chain/{n - 1}", head)
        else:
            self._html(
                200,
                "<html><head><title>end of chain</title></head><body>arrived</body></html>",
                head,
            )

    def route_garbage(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        try:
            size = min(int(query.get("size", 4096)), 10 << 20)
            seed = int(query.get("seed", 1234))
        except ValueError:
            size, seed = 4096, 1234
        body = random.Random(seed).randbytes(size)
        self._send(200, body, "text/html", head)

    def route_wrong_charset(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        meta = "" if rest[:1] == ["nometa"] else '<meta charset="gbk">'
        body = GBK_PAGE.format(meta=meta).encode("gbk")
        self._send(200, body, "text/html; charset=utf-8", head)

    def route_no_head(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        if head:
            self._send(405, b"", "text/html; charset=utf-8", head, {"Allow": "GET"})
            return
        ctype = content_type_for(path)
        if ctype == "application/pdf":
            self._send(200, MINI_PDF, ctype, head)
        elif ctype == "text/html":
            self._html(
                200, "<html><head><title>no HEAD</title></head><body>GET only</body></html>", head
            )
        else:
            self._send(200, b"\x00" * 1024, ctype, head)

    def route_retry_after(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        key = self.headers.get("X-Client-Key") or self.path
        with self.server.lock:
            first = key not in self.server.retry_seen
            self.server.retry_seen.add(key)
        if first:
            self._html(
                429, "<html><body>Too Many Requests</body></html>", head, {"Retry-After": "1"}
            )
        else:
            self._html(
                200, "<html><head><title>ok</title></head><body>ok after retry</body></html>", head
            )

    def route_soft404(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        self._html(200, SOFT_404_PAGE, head)

    def route_trap(self, path: str, rest: list[str], query: dict[str, str], head: bool) -> None:
        if rest[:1] != ["calendar"]:
            self._not_found(head)
            return
        try:
            year = min(max(int(query.get("year", 2026)), 1), 9998)
            month = min(max(int(query.get("month", 11)), 1), 12)
            day = min(max(int(query.get("day", 1)), 1), calendar.monthrange(year, month)[1])
        except ValueError:
            year, month, day = 2026, 11, 1
        today = date(year, month, day)

        def href(d: date) -> str:
            return f"/trap/calendar?year={d.year}&amp;month={d.month}&amp;day={d.day}"

        def add_months(d: date, n: int) -> date:
            y, m = divmod(d.month - 1 + n, 12)
            y += d.year
            return date(y, m + 1, 1) if 1 <= y <= 9998 else d

        days = "".join(
            f'<td><a href="{href(date(year, month, x))}">{x}</a></td>'
            for x in range(1, calendar.monthrange(year, month)[1] + 1)
        )
        body = f"""<html><head><meta charset="utf-8"><title>日历 {today.isoformat()}</title></head><body>
<h1>{year}年{month}月{day}日</h1>
<a href="{href(add_months(today, -1))}">上个月</a> <a href="{href(add_months(today, 1))}">下个月</a>
<a href="{href(today - timedelta(days=1))}">前一天</a> <a href="{href(today + timedelta(days=1))}">后一天</a>
<table><tr>{days}</tr></table></body></html>"""
        self._html(200, body, head)

    def route_not_html_pdf(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        ctype = "application/pdf" if query.get("ct") == "pdf" else "text/html; charset=utf-8"
        self._send(200, NOT_HTML_PDF_PAGE.encode("utf-8"), ctype, head)

    def route_empty_pdf(
        self, path: str, rest: list[str], query: dict[str, str], head: bool
    ) -> None:
        self._send(200, b"", "application/pdf", head)


# First path segment -> handler method (each takes path, rest segments, query, head).
ROUTES: dict[str, str] = {
    "site": "route_site",
    "status": "route_status",
    "hang": "route_hang",
    "slow": "route_slow",
    "reset": "route_reset",
    "endless": "route_endless",
    "big": "route_big",
    "redirect-loop": "route_redirect_loop",
    "redirect-chain": "route_redirect_chain",
    "garbage": "route_garbage",
    "wrong-charset": "route_wrong_charset",
    "no-head": "route_no_head",
    "retry-after": "route_retry_after",
    "soft404": "route_soft404",
    "trap": "route_trap",
    "not-html.pdf": "route_not_html_pdf",
    "empty.pdf": "route_empty_pdf",
    "echo": "route_echo",
    "hostile": "route_hostile",
}


# --------------------------------------------------------------------------- process side


def _watch_parent(server: HostileServer, stdin: bool) -> None:
    """Stop the server when the parent dies (ppid changes) or, if asked, when stdin closes."""
    parent = os.getppid()

    def stop() -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    def poll_parent() -> None:
        while not server.stopping.wait(1.0):
            if os.getppid() != parent:
                stop()
                return

    def read_stdin() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        stop()

    threading.Thread(target=poll_parent, name="parent-watch", daemon=True).start()
    if stdin:
        threading.Thread(target=read_stdin, name="stdin-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Hostile HTTP server for inspector's tests (127.0.0.1 only)."
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument(
        "--sites", type=Path, default=None, help="directory of <name>.json site specs"
    )
    parser.add_argument("--ipv6", action="store_true", help="listen on ::1 instead of 127.0.0.1")
    parser.add_argument("--exit-on-stdin-eof", action="store_true", help="stop when stdin closes")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    if args.ipv6:
        server: HostileServer = HostileServer6(("::1", args.port), args.sites)
    else:
        server = HostileServer((HOST, args.port), args.sites)
    print(f"PORT={server.port}", flush=True)
    print(f"DEAD_PORT={server.dead_port}", flush=True)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    _watch_parent(server, args.exit_on_stdin_eof)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()
    return 0


class ServerProcess:
    """The hostile server in a subprocess. Use `start_server()` or `with ServerProcess() as srv:`."""

    def __init__(
        self,
        sites_dir: str | Path | None = None,
        *,
        startup_timeout: float = 15.0,
        ipv6: bool = False,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if sites_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="inspector-sites-")
            sites_dir = self._tmp.name
        self.sites_dir = Path(sites_dir)
        self.sites_dir.mkdir(parents=True, exist_ok=True)
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen[bytes] | None = None
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - kept for the server's life
        self.ipv6 = ipv6
        self.host = "::1" if ipv6 else HOST
        self.port = 0
        self.dead_port = 0

    # -- lifecycle

    def start(self) -> ServerProcess:
        if self.proc is not None:
            return self
        cmd = [
            sys.executable, "-u", str(Path(__file__).resolve()),
            "--port", "0", "--sites", str(self.sites_dir), "--exit-on-stdin-eof",
        ] + (["--ipv6"] if self.ipv6 else [])  # fmt: skip
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr
        )
        found: dict[str, int] = {}
        stdout = self.proc.stdout
        assert stdout is not None

        def read_ports() -> None:
            for _ in range(2):
                line = stdout.readline().decode("ascii", "replace").strip()
                if "=" in line:
                    k, _, v = line.partition("=")
                    if v.isdigit():
                        found[k] = int(v)

        reader = threading.Thread(target=read_ports, daemon=True)
        reader.start()
        reader.join(self.startup_timeout)
        if "PORT" not in found:
            self.stop()
            raise RuntimeError(
                f"test server did not report its port within {self.startup_timeout} s: {self.stderr_text()}"
            )
        self.port = found["PORT"]
        self.dead_port = found.get("DEAD_PORT", 0)
        return self

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            try:
                if proc.stdin:
                    proc.stdin.close()  # --exit-on-stdin-eof: a clean exit
                proc.wait(5)
            except (subprocess.TimeoutExpired, OSError):
                proc.terminate()
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
            if proc.stdout:
                proc.stdout.close()
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stderr_text(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    # -- addresses

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def site_url(self, name: str, path: str = "/") -> str:
        return self.url(f"/site/{name}" + (path if path.startswith("/") else "/" + path))

    # -- sites and inspection

    def add_site(self, name: str, pages: Mapping[str, Any]) -> str:
        """Write (or replace) the site `name`; served at once, before or after start. Returns its URL."""
        if not SITE_NAME_RE.match(name):
            raise ValueError(f"site name {name!r}: use letters, digits, '_', '-', '.'")
        target = self.sites_dir / f"{name}.json"
        tmp = target.with_suffix(f".json.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(normalize_pages(pages), ensure_ascii=False), "utf-8")
        os.replace(tmp, target)
        return self.site_url(name)

    def remove_site(self, name: str) -> None:
        (self.sites_dir / f"{name}.json").unlink(missing_ok=True)

    def requests(self, clear: bool = False) -> list[dict[str, Any]]:
        """The requests the server received (method, path, headers), oldest first."""
        url = self.url("/__requests__" + ("?clear=1" if clear else ""))
        with urllib.request.urlopen(url, timeout=10) as resp:
            return list(json.loads(resp.read()))


def start_server(
    sites: Mapping[str, Mapping[str, Any]] | None = None,
    sites_dir: str | Path | None = None,
    *,
    ipv6: bool = False,
) -> ServerProcess:
    """Start the hostile server in a subprocess (with these sites) and return it, running;
    `ipv6`: listening on ::1 instead of 127.0.0.1."""
    srv = ServerProcess(sites_dir, ipv6=ipv6)
    for name, pages in (sites or {}).items():
        srv.add_site(name, pages)
    return srv.start()


if __name__ == "__main__":
    sys.exit(main())
