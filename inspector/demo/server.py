"""Serve the bundled demo government website (演示县人民政府) on 127.0.0.1.

README
======

Run it::

    python -m inspector.demo.server [--port N] [--slow-seconds S]

The first line on stdout is ``PORT=<n>`` (flushed), the second ``DEAD_PORT=<n>``; then the server
serves until it is killed (SIGTERM / Ctrl-C). From Python: ``server, thread = serve()``; stop it
with ``server.shutdown(); server.server_close()``.

**Crawl the demo with ``--as-of 2026-11-28``** (``AS_OF``): every date on the site was chosen
relative to that day. With that as-of date

* the home page is fresh (newest dated item 2026-11-25, within 14 days);
* 要闻动态 is fresh, 乡镇动态 is a *stale* news column (newest 2026-09-01, older than 14 days);
* 征集调查 (under 互动交流) is an *empty* column: its list page shows only 暂无信息;
* 通知公告, 政策文件, 政策解读 (183 days), 人事信息 and 规划计划 (365 days) are fresh;
* `COLUMNS` lists every column with its list page, category and newest date.

The site is static HTML under ``site/`` (59 pages, 2026 county-portal style: nav bar, blocks with
"更多>>" links, dated lists, articles with ``发布时间：`` and ``来源：``, attachments, a footer with
主办单位, 网站标识码 3609220001, 赣ICP备05004155号, 赣公网安备 36092202000123号, the 党政机关
badge, 联系电话, 我为政府网站找错, and a search form). Some pages are really GBK-encoded
(`GBK_PAGES`); one of them is sent with a wrong ``charset=utf-8`` header (`WRONG_CHARSET_PAGES`),
as real sites do, while its ``<meta charset="gbk">`` is right.

Placeholders in ``.html`` files are replaced at serve time, byte for byte (GBK bytes stay GBK):
``{{PORT}}`` → this server's port, ``{{DEAD_PORT}}`` → a loopback port that nothing listens on
(picked at start by binding and closing a socket).

Special paths (not files):

* ``/slow/...`` sleeps ``slow_seconds`` (default 20 s, env ``INSPECTOR_DEMO_SLOW_SECONDS`` or
  ``--slow-seconds``) before answering, for GET and HEAD: a demo crawl uses a shorter download
  timeout, so the link times out.
* ``/loop/a`` → 302 ``/loop/b`` → 302 ``/loop/a`` … (a redirect loop).
* ``/old/zwgk.html`` → 301 ``/xxgk/index.html`` (a redirect that works; `REDIRECTS`).
* ``/ext/<host>/...`` on the host name ``localhost`` stands for an external site (中国政府网,
  备案 pages, 党政机关 badge, 找错 …): links to ``http://localhost:{{PORT}}/ext/...`` have a
  different host string than the site (``127.0.0.1``), so they count as external. They answer 200
  with a stand-in page, except hosts in `GONE_EXTERNAL`, which answer 404.

`PLANTED` lists the link defects a crawl must find (and the two fine links that look like
traps). Other traps: list-page pagination (``/xwdt/index_1.html``), relative links (``./``,
``../../``), ``javascript:``/``mailto:``/``tel:`` links, an absolute self link
``http://127.0.0.1:{{PORT}}/``, a CMS-migrated article whose ``<meta name="PubDate">`` (2026-06-18)
disagrees with the visible 发布时间 (2025-03-05) (`META_DATE_MISMATCH`), a ``<meta http-equiv>``
gb2312 declaration, a JavaScript "今天是…" clock and a robots.txt that disallows ``/search/``.
"""

from __future__ import annotations

import argparse
import logging
import os
import posixpath
import re
import signal
import socket
import sys
import threading
from datetime import date
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from inspector.demo import SITE_DIR

log = logging.getLogger(__name__)

AS_OF = date(2026, 11, 28)
HOME_NEWEST = date(2026, 11, 25)
HOST = "127.0.0.1"
SLOW_SECONDS_ENV = "INSPECTOR_DEMO_SLOW_SECONDS"
DEFAULT_SLOW_SECONDS = 20.0
SITE_CODE = "3609220001"
SITE_NAME = "演示县人民政府"

PORT_PLACEHOLDER = b"{{PORT}}"
DEAD_PORT_PLACEHOLDER = b"{{DEAD_PORT}}"

# Every column (栏目) of the demo: list page, category (as checks/rules/census2015.toml names
# it; "other" = no freshness window), newest item date and what a census check should say.
_COLUMN_FIELDS = ("name", "url", "category", "newest", "state")
COLUMNS: list[dict[str, Any]] = [
    dict(zip(_COLUMN_FIELDS, row, strict=True))
    for row in (
        ("要闻动态", "/xwdt/index.html", "news", date(2026, 11, 25), "fresh"),
        ("乡镇动态", "/xzdt/index.html", "news", date(2026, 9, 1), "stale"),
        ("通知公告", "/tzgg/index.html", "notice", date(2026, 11, 20), "fresh"),
        ("政策文件", "/zcwj/index.html", "policy", date(2026, 10, 15), "fresh"),
        ("政策解读", "/zcjd/index.html", "policy", date(2026, 10, 16), "fresh"),
        ("人事信息", "/rsxx/index.html", "personnel", date(2026, 3, 12), "fresh"),
        ("规划计划", "/ghjh/index.html", "planning", date(2026, 1, 20), "fresh"),
        ("信息公开年报", "/xxgk/xxgknb/index.html", "other", date(2026, 1, 20), "fresh"),
        ("县长信箱", "/hdjl/xzxx/index.html", "other", date(2026, 11, 22), "fresh"),
        ("咨询投诉", "/hdjl/zxts/index.html", "other", date(2026, 11, 15), "fresh"),
        ("征集调查", "/hdjl/zjdc/index.html", "other", None, "empty"),
    )
]

# Pages whose bytes are GBK (declared with <meta charset="gbk">, or gb2312 via http-equiv).
GBK_PAGES: tuple[str, ...] = (
    "/zcwj/index.html",
    "/zcwj/202610/t20261015_3015.html",
    "/zcwj/202608/t20260826_3026.html",
    "/zcwj/202603/t20260320_3020.html",  # <meta http-equiv="Content-Type" ... charset=gb2312>
    "/ghjh/202503/t20250305_6005.html",
)
# GBK pages served with a wrong "Content-Type: text/html; charset=utf-8" header.
WRONG_CHARSET_PAGES: frozenset[str] = frozenset({"/zcwj/202608/t20260826_3026.html"})
# Visible 发布时间 2025-03-05 10:00, but <meta name="PubDate" content="2026-06-18 10:23:41">.
META_DATE_MISMATCH: dict[str, tuple[date, date]] = {
    "/ghjh/202503/t20250305_6005.html": (date(2025, 3, 5), date(2026, 6, 18)),
}

REDIRECTS: dict[str, str] = {"/old/zwgk.html": "/xxgk/index.html"}
LOOP: dict[str, str] = {"/loop/a": "/loop/b", "/loop/b": "/loop/a"}
GONE_EXTERNAL: frozenset[str] = frozenset({"www.yanshi-old.gov.cn"})

# The planted link defects (and two fine links that look like traps). `url_path_or_url` is a
# path on the demo server or an absolute URL with the {{PORT}} / {{DEAD_PORT}} placeholders
# (`planted_urls()` resolves them); `found_on` is the page that links to it; `expected_reason`
# is "" when the link is fine.
PLANTED: list[dict[str, Any]] = [
    {
        "url_path_or_url": "/xwdt/202611/t20261109_1109.html",
        "on_home_page": True,
        "expected_reason": "http_404",
        "found_on": "/index.html",
        "note": "home-page news item (2026-11-09) whose article page was deleted",
    },
    {
        "url_path_or_url": "http://127.0.0.1:{{DEAD_PORT}}/",
        "on_home_page": True,
        "expected_reason": "connection_refused",
        "found_on": "/index.html",
        "note": "友情链接 演示市人民政府: a loopback port nothing listens on (same host as the site, "
        "other port: external when scope compares host:port)",
    },
    {
        "url_path_or_url": "http://localhost:{{PORT}}/ext/www.yanshi-old.gov.cn/",
        "on_home_page": True,
        "expected_reason": "http_404",
        "found_on": "/index.html",
        "note": "external link (host 'localhost') to a closed old site: answers 404",
    },
    {
        "url_path_or_url": "http://localhost:{{PORT}}/ext/www.gov.cn/",
        "on_home_page": True,
        "expected_reason": "",
        "found_on": "/index.html",
        "note": "NOT a defect: external link (host 'localhost' differs from the site's '127.0.0.1') "
        "standing for 中国政府网; answers 200. The footer's 备案/党政机关/找错 links are alike.",
    },
    {
        "url_path_or_url": "/zt/aqsc2025/index.html",
        "on_home_page": False,
        "expected_reason": "http_404",
        "found_on": "/xwdt/202611/t20261118_1118.html",
        "note": "broken internal link in an article (相关链接：安全生产专题)",
    },
    {
        "url_path_or_url": "/tzgg/202610/t20261010_2010.html",
        "on_home_page": False,
        "expected_reason": "http_404",
        "found_on": "/tzgg/202609/t20260918_2018.html",
        "note": "broken internal link in an article, written relative: ../202610/t20261010_2010.html",
    },
    {
        "url_path_or_url": "/images/xwdt/20261120_cxdj.jpg",
        "on_home_page": False,
        "expected_reason": "http_404",
        "found_on": "/xwdt/202611/t20261120_1120.html",
        "note": "missing image (<img src>)",
    },
    {
        "url_path_or_url": "/tzgg/202611/P020261110385612345678.xls",
        "on_home_page": False,
        "expected_reason": "http_404",
        "found_on": "/tzgg/202611/t20261110_2110.html",
        "note": "missing attachment (附件：困难群众慰问名单.xls, linked as ./P020261110385612345678.xls)",
    },
    {
        "url_path_or_url": "/slow/wsbs/index.html",
        "on_home_page": False,
        "expected_reason": "timeout",
        "found_on": "/bsfw/index.html",
        "note": "answers after slow_seconds (default 20 s): times out with the demo's short timeout",
    },
    {
        "url_path_or_url": "/loop/a",
        "on_home_page": False,
        "expected_reason": "redirect_loop",
        "found_on": "/bsfw/index.html",
        "note": "/loop/a -> 302 /loop/b -> 302 /loop/a ...",
    },
    {
        "url_path_or_url": "/old/zwgk.html",
        "on_home_page": False,
        "expected_reason": "",
        "found_on": "/xwdt/202611/t20261112_1112.html",
        "note": "NOT a defect: 301 to /xxgk/index.html (a redirect that works)",
    },
]

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)

NOT_FOUND_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>404 页面不存在_演示县人民政府</title></head>
<body><div class="error"><h1>404</h1><p>抱歉，您访问的页面不存在或已被删除！</p>
<p><a href="/index.html">返回首页</a></p></div></body></html>
"""

EXTERNAL_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{host}（外部网站替身）</title></head>
<body><h1>{host}</h1><p>演示用的外部网站替身页面：演示站点以此代表站外链接。</p></body></html>
"""

SLOW_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>网上办事大厅_演示县人民政府</title></head>
<body><h1>网上办事大厅</h1><p>系统繁忙，请稍后再试。</p></body></html>
"""


def html_charset(body: bytes) -> str:
    """The charset a page's <meta> declares (utf-8 when it declares none)."""
    m = _META_CHARSET.search(body[:2048])
    return m.group(1).decode("ascii").lower() if m else "utf-8"


def closed_port(host: str = HOST) -> int:
    """A port on host that nothing listens on (bound, then closed again)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def default_slow_seconds() -> float:
    raw = os.environ.get(SLOW_SECONDS_ENV, "")
    try:
        return float(raw) if raw else DEFAULT_SLOW_SECONDS
    except ValueError:
        log.warning(
            "%s=%r is not a number; using %s s", SLOW_SECONDS_ENV, raw, DEFAULT_SLOW_SECONDS
        )
        return DEFAULT_SLOW_SECONDS


def resolve_url(url_path_or_url: str, port: int, dead_port: int) -> str:
    """An absolute URL for a `PLANTED` / `COLUMNS` entry on a server at `port`."""
    url = url_path_or_url.replace("{{PORT}}", str(port)).replace("{{DEAD_PORT}}", str(dead_port))
    return f"http://{HOST}:{port}{url}" if url.startswith("/") else url


def planted_urls(server: DemoServer) -> list[dict[str, Any]]:
    """`PLANTED` with absolute `url` and `found_on_url` for a running server."""
    out = []
    for item in PLANTED:
        d = dict(item)
        d["url"] = resolve_url(item["url_path_or_url"], server.port, server.dead_port)
        d["found_on_url"] = resolve_url(item["found_on"], server.port, server.dead_port)
        out.append(d)
    return out


class DemoServer(ThreadingHTTPServer):
    """A threaded HTTP server for the demo site; `port`, `dead_port` and `base_url` tell where."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(
        self,
        address: tuple[str, int] = (HOST, 0),
        *,
        site_dir: Path = SITE_DIR,
        slow_seconds: float = DEFAULT_SLOW_SECONDS,
        dead_port: int | None = None,
    ) -> None:
        self.site_dir = site_dir.resolve()
        self.slow_seconds = slow_seconds
        self.stopping = threading.Event()
        super().__init__(address, DemoHandler)
        self.dead_port = dead_port if dead_port is not None else closed_port(address[0])

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def shutdown(self) -> None:
        self.stopping.set()  # wake sleeping /slow/ handlers
        super().shutdown()

    def fill_placeholders(self, body: bytes) -> bytes:
        return body.replace(PORT_PLACEHOLDER, str(self.port).encode()).replace(
            DEAD_PORT_PLACEHOLDER, str(self.dead_port).encode()
        )


class DemoHandler(BaseHTTPRequestHandler):
    server: DemoServer
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    timeout = 60  # idle keep-alive connections are closed after this

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)

    # -- routing

    def _handle(self, head: bool) -> None:
        try:
            self._route(head)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True

    def _route(self, head: bool) -> None:
        path = unquote(urlsplit(self.path).path) or "/"
        if path.startswith("/slow/"):
            if self.server.stopping.wait(self.server.slow_seconds):
                self.close_connection = True
                return
            self._send(200, SLOW_PAGE.encode(), "text/html; charset=utf-8", head)
        elif path in LOOP:
            self._redirect(302, LOOP[path], head)
        elif path in REDIRECTS:
            self._redirect(301, REDIRECTS[path], head)
        elif path.startswith("/ext/"):
            host = path.split("/")[2]
            status = 404 if host in GONE_EXTERNAL or not host else 200
            body = NOT_FOUND_PAGE if status == 404 else EXTERNAL_PAGE.format(host=host)
            self._send(status, body.encode(), "text/html; charset=utf-8", head)
        else:
            self._static(path, head)

    def _static(self, path: str, head: bool) -> None:
        root = self.server.site_dir
        rel = posixpath.normpath(path).lstrip("/")
        target = (root / rel).resolve() if rel not in ("", ".") else root
        if target != root and root not in target.parents:
            self._not_found(head)
            return
        if target.is_dir():
            if not path.endswith("/"):
                self._redirect(301, path + "/", head)
                return
            target = target / "index.html"
        if not target.is_file():
            self._not_found(head)
            return
        body = target.read_bytes()
        ext = target.suffix.lower()
        ctype = CONTENT_TYPES.get(ext, "application/octet-stream")
        if ext in (".html", ".htm"):
            body = self.server.fill_placeholders(body)
            page = "/" + target.relative_to(root).as_posix()
            charset = "utf-8" if page in WRONG_CHARSET_PAGES else html_charset(body)
            ctype = f"{ctype}; charset={charset}"
        elif ext in (".css", ".js", ".txt"):
            ctype = f"{ctype}; charset=utf-8"
        self._send(200, body, ctype, head)

    # -- responses

    def _not_found(self, head: bool) -> None:
        self._send(404, NOT_FOUND_PAGE.encode(), "text/html; charset=utf-8", head)

    def _redirect(self, status: int, location: str, head: bool) -> None:
        body = f'<html><body><a href="{location}">{HTTPStatus(status).phrase}</a></body></html>'
        self._send(status, body.encode(), "text/html; charset=utf-8", head, {"Location": location})

    def _send(
        self,
        status: int,
        body: bytes,
        content_type: str,
        head: bool,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head:
            self.wfile.write(body)


def serve(
    host: str = HOST, port: int = 0, slow_seconds: float = DEFAULT_SLOW_SECONDS
) -> tuple[DemoServer, threading.Thread]:
    """Start the demo server in a daemon thread. Stop it with `shutdown()` + `server_close()`."""
    server = DemoServer((host, port), slow_seconds=slow_seconds)
    thread = threading.Thread(target=server.serve_forever, name="demo-server", daemon=True)
    thread.start()
    return server, thread


def _exit_on_stdin_eof(server: DemoServer) -> None:
    def watch() -> None:
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        threading.Thread(target=server.shutdown, daemon=True).start()

    threading.Thread(target=watch, name="stdin-watch", daemon=True).start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m inspector.demo.server",
        description=f"Serve the demo government website ({SITE_NAME}) on {HOST}. "
        f"Crawl it with --as-of {AS_OF.isoformat()}. Prints PORT=<n> on the first stdout line.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument(
        "--slow-seconds",
        type=float,
        default=None,
        help=f"how long /slow/... waits before answering (default: ${SLOW_SECONDS_ENV} or "
        f"{DEFAULT_SLOW_SECONDS:g})",
    )
    parser.add_argument(
        "--exit-on-stdin-eof",
        action="store_true",
        help="stop when stdin closes (for a parent process that starts this with stdin=PIPE)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(name)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    slow = args.slow_seconds if args.slow_seconds is not None else default_slow_seconds()
    server = DemoServer((HOST, args.port), slow_seconds=slow)
    print(f"PORT={server.port}", flush=True)
    print(f"DEAD_PORT={server.dead_port}", flush=True)
    log.info("serving %s at %s (slow paths wait %g s)", SITE_NAME, server.base_url, slow)

    def on_term(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    if args.exit_on_stdin_eof:
        _exit_on_stdin_eof(server)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stopping.set()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
