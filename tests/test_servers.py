"""The test web servers themselves: the hostile server (tests/servers.py) and the demo site."""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

try:
    from servers import SITES, ServerProcess, start_server
except ImportError:  # tests/ became a package
    from tests.servers import SITES, ServerProcess, start_server

from inspector.demo import SITE_DIR
from inspector.demo.server import (
    COLUMNS,
    GBK_PAGES,
    PLANTED,
    WRONG_CHARSET_PAGES,
    DemoServer,
    planted_urls,
    serve,
)

TIMEOUT = 5.0


@pytest.fixture(scope="module")
def srv() -> Iterator[ServerProcess]:
    with start_server() as server:
        yield server


def request(
    srv_or_port: ServerProcess | int,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> tuple[int, dict[str, str], bytes]:
    """One request without following redirects: status, lower-cased headers, body."""
    port = srv_or_port if isinstance(srv_or_port, int) else srv_or_port.port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


# --------------------------------------------------------------------------- hostile server


def test_reports_ports(srv: ServerProcess) -> None:
    assert srv.running and srv.port > 0 and srv.dead_port > 0 and srv.port != srv.dead_port
    status, _headers, body = request(srv, "/")
    assert status == 200 and b"/redirect-loop/a" in body
    with pytest.raises(ConnectionRefusedError):
        request(srv.dead_port, "/")


@pytest.mark.parametrize("code", [200, 404, 410, 500, 503])
def test_status(srv: ServerProcess, code: int) -> None:
    status, headers, _ = request(srv, f"/status/{code}")
    assert status == code and headers["content-type"].startswith("text/html")
    assert request(srv, f"/status/{code}", "HEAD")[0] == code


def test_redirects(srv: ServerProcess) -> None:
    status, headers, _ = request(srv, "/redirect-loop/a")
    assert (status, headers["location"]) == (302, "/redirect-loop/b")
    status, headers, _ = request(srv, "/redirect-loop/b")
    assert (status, headers["location"]) == (302, "/redirect-loop/a")
    with urllib.request.urlopen(srv.url("/redirect-chain/3"), timeout=TIMEOUT) as resp:
        assert resp.status == 200 and resp.url.endswith("/redirect-chain/0")


def test_hang_times_out(srv: ServerProcess) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        request(srv, "/hang", timeout=0.5)
    assert time.monotonic() - started < 3


def test_slow(srv: ServerProcess) -> None:
    started = time.monotonic()
    assert request(srv, "/slow/0.4")[0] == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(TimeoutError):
        request(srv, "/slow/3", timeout=0.3)


def test_reset(srv: ServerProcess) -> None:
    with pytest.raises(ConnectionResetError):
        request(srv, "/reset")


def test_endless_body_and_server_survives(srv: ServerProcess) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=TIMEOUT)
    conn.request("GET", "/endless")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Transfer-Encoding") == "chunked"
    got = 0
    while got < 3 << 20:
        got += len(resp.read(65536))
    conn.close()
    assert request(srv, "/status/200")[0] == 200


def test_big(srv: ServerProcess) -> None:
    status, headers, body = request(srv, "/big/0.5")
    assert status == 200 and int(headers["content-length"]) == len(body) == 512 * 1024
    status, headers, body = request(srv, "/big/100", "HEAD")
    assert int(headers["content-length"]) == 100 << 20 and body == b""


def test_garbage_wrong_charset_and_pdfs(srv: ServerProcess) -> None:
    status, headers, body = request(srv, "/garbage")
    assert headers["content-type"] == "text/html" and len(body) == 4096
    assert request(srv, "/garbage")[2] == body  # deterministic
    status, headers, body = request(srv, "/wrong-charset")
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert "送温暖" in body.decode("gbk")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    status, headers, body = request(srv, "/not-html.pdf")
    assert headers["content-type"].startswith("text/html") and body.lstrip().startswith(
        b"<!DOCTYPE"
    )
    status, headers, body = request(srv, "/empty.pdf")
    assert (status, headers["content-type"], headers["content-length"], body) == (
        200,
        "application/pdf",
        "0",
        b"",
    )


def test_no_head(srv: ServerProcess) -> None:
    status, headers, _ = request(srv, "/no-head/files/report.pdf", "HEAD")
    assert status == 405 and headers["allow"] == "GET"
    status, headers, body = request(srv, "/no-head/files/report.pdf")
    assert (
        status == 200 and headers["content-type"] == "application/pdf" and body.startswith(b"%PDF")
    )


def test_retry_after(srv: ServerProcess) -> None:
    status, headers, _ = request(srv, "/retry-after?case=1")
    assert status == 429 and headers["retry-after"] == "1"
    assert request(srv, "/retry-after?case=1")[0] == 200
    assert request(srv, "/retry-after", headers={"X-Client-Key": "k1"})[0] == 429
    assert request(srv, "/retry-after?other", headers={"X-Client-Key": "k1"})[0] == 200


def test_soft404_and_calendar_trap(srv: ServerProcess) -> None:
    status, _, body = request(srv, "/soft404/no/such/page.html")
    assert status == 200 and "页面不存在" in body.decode()
    status, _, body = request(srv, "/trap/calendar?year=2026&month=12&day=31")
    text = body.decode()
    assert status == 200
    assert "year=2027&amp;month=1&amp;day=1" in text  # next day and next month
    assert "year=2026&amp;month=11&amp;day=1" in text  # previous month


def test_builtin_site(srv: ServerProcess) -> None:
    assert "basic" in SITES
    status, headers, body = request(srv, "/site/basic/")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert f"{srv.base_url}/site/basic/a.html".encode() in body  # {{SITE}} filled in
    assert f"127.0.0.1:{srv.dead_port}/".encode() in body
    status, headers, body = request(srv, "/site/basic/gbk.html")
    assert headers["content-type"] == "text/html" and "政策文件" in body.decode("gbk")
    assert request(srv, "/site/basic/img/1.png")[1]["content-type"] == "image/png"
    assert request(srv, "/site/basic/missing.html")[0] == 404
    assert request(srv, "/site/basic")[0] == 301
    assert request(srv, "/site/nosuchsite/")[0] == 404


def test_add_site_after_start_and_reload(srv: ServerProcess) -> None:
    url = srv.add_site(
        "t1",
        {
            "/": '<a href="{{SITE}}/a.html">a</a>',
            "a.html": {"body": "<p>甲</p>", "encoding": "gbk", "headers": {"X-Test": "{{PORT}}"}},
            "/list?page=2": "<p>page two</p>",
            "/moved": {"status": 301, "headers": {"Location": "/site/t1/a.html"}},
            "/logo.png": b"\x89PNG\r\n\x1a\nxx",
            "*": {"status": 200, "body": "<p>页面不存在</p>"},
        },
    )
    assert url == srv.site_url("t1")
    _, _, body = request(srv, "/site/t1/")
    assert body == f'<a href="{srv.base_url}/site/t1/a.html">a</a>'.encode()
    _status, headers, body = request(srv, "/site/t1/a.html")
    assert body.decode("gbk") == "<p>甲</p>" and headers["x-test"] == str(srv.port)
    assert request(srv, "/site/t1/list?page=2")[2] == b"<p>page two</p>"
    assert request(srv, "/site/t1/list")[2] == "<p>页面不存在</p>".encode()  # catch-all
    assert request(srv, "/site/t1/moved")[1]["location"] == "/site/t1/a.html"
    assert request(srv, "/site/t1/logo.png")[1]["content-type"] == "image/png"
    srv.add_site("t1", {"/": "<p>v2</p>"})
    assert request(srv, "/site/t1/")[2] == b"<p>v2</p>"
    srv.remove_site("t1")
    assert request(srv, "/site/t1/")[0] == 404


def test_site_before_start_and_request_log() -> None:
    with start_server(sites={"pre": {"/": "<p>ready</p>"}}) as srv:
        assert request(srv, "/site/pre/")[2] == b"<p>ready</p>"
        request(srv, "/status/404", "HEAD")
        log = srv.requests(clear=True)
        assert [(r["method"], r["path"]) for r in log] == [
            ("GET", "/site/pre/"),
            ("HEAD", "/status/404"),
        ]
        assert srv.requests() == []
        proc = srv.proc
    assert proc is not None and proc.poll() is not None  # stopped on exit


def test_server_exits_when_parent_dies(tmp_path: Path) -> None:
    here = Path(__file__).resolve().parent
    parent = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                sys.path.insert(0, {str(here)!r})
                from servers import start_server
                srv = start_server()
                print(srv.proc.pid, srv.port, flush=True)
                time.sleep(60)
                """
            ),
        ],
        stdout=subprocess.PIPE,
    )
    try:
        assert parent.stdout is not None
        pid, port = map(int, parent.stdout.readline().split())
        assert request(port, "/status/200")[0] == 200
    finally:
        parent.send_signal(signal.SIGKILL)
        parent.wait(5)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(pid):
        time.sleep(0.1)
    assert not _alive(pid)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie (reparented, not yet reaped) counts as gone
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


# --------------------------------------------------------------------------- demo site


@pytest.fixture(scope="module")
def demo() -> Iterator[DemoServer]:
    server, thread = serve(slow_seconds=2.0)
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_demo_pages_and_headers(demo: DemoServer) -> None:
    pages = sorted(p for p in SITE_DIR.rglob("*.html"))
    assert 40 <= len(pages) <= 60
    for p in pages:
        path = "/" + p.relative_to(SITE_DIR).as_posix()
        status, headers, body = request(demo.port, path)
        assert status == 200, path
        assert b"{{" not in body, path
        text = body.decode("gbk" if path in GBK_PAGES else "utf-8")
        for footer in (
            "网站标识码：3609220001",
            "赣ICP备05004155号",
            "党政机关",
            "我为政府网站找错",
        ):
            assert footer in text, (path, footer)
        if path in WRONG_CHARSET_PAGES:
            assert headers["content-type"] == "text/html; charset=utf-8"
        elif path in GBK_PAGES:
            assert headers["content-type"] in (
                "text/html; charset=gbk",
                "text/html; charset=gb2312",
            )
        else:
            assert headers["content-type"] == "text/html; charset=utf-8"
    for path in GBK_PAGES:
        body = request(demo.port, path)[2]
        assert "发布时间" in body.decode("gbk") or "政策文件" in body.decode("gbk")
        with pytest.raises(UnicodeDecodeError):
            body.decode("utf-8")
    status, headers, body = request(demo.port, "/", "HEAD")
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000


def test_demo_columns(demo: DemoServer) -> None:
    for col in COLUMNS:
        body = request(demo.port, col["url"])[2]
        text = body.decode("gbk" if col["url"] in GBK_PAGES else "utf-8")
        dates = re.findall(r"<span>(\d{4}-\d{2}-\d{2})</span>", text)
        if col["state"] == "empty":
            assert not dates and "暂无信息" in text
        else:
            assert max(dates) == col["newest"].isoformat(), col["name"]


def _links(base: str, body: bytes) -> set[str]:
    text = body.decode("utf-8", "replace")
    out = set()
    for raw in re.findall(r'(?:href|src)="([^"]+)"', text):
        if raw.startswith(("javascript:", "mailto:", "tel:", "#")):
            continue
        out.add(urljoin(base, raw.replace("&amp;", "&")).split("#")[0])
    return out


def test_demo_planted_defects_are_the_only_broken_links(demo: DemoServer) -> None:
    """A tiny link check over the whole demo finds exactly the planted problems."""
    site = f"127.0.0.1:{demo.port}"
    seen: set[str] = set()
    queue = [demo.url("/index.html")]
    found: dict[str, str] = {}
    for _ in range(2000):  # bounded crawl
        if not queue:
            break
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if parts.path.startswith(("/slow/", "/loop/")):
            found[url] = "skipped"
            continue
        try:
            status, headers, body = request(parts.port or 80, path, timeout=2)
        except ConnectionRefusedError:
            found[url] = "connection_refused"
            continue
        if status in (301, 302):
            queue.append(urljoin(url, headers["location"]))
            continue
        if status != 200:
            found[url] = f"http_{status}"
            continue
        if parts.netloc == site and headers["content-type"].startswith("text/html"):
            queue.extend(u for u in _links(url, body) if u not in seen)
    assert not queue
    planted = {p["url"]: p["expected_reason"] for p in planted_urls(demo)}
    expected = {u: r for u, r in planted.items() if r and r not in ("timeout", "redirect_loop")}
    broken = {u: r for u, r in found.items() if r != "skipped"}
    assert broken == expected
    assert {u for u, r in found.items() if r == "skipped"} == {
        demo.url("/slow/wsbs/index.html"),
        demo.url("/loop/a"),
    }
    assert len(PLANTED) == len(planted)


def test_demo_special_paths(demo: DemoServer) -> None:
    assert request(demo.port, "/loop/a")[1]["location"] == "/loop/b"
    assert request(demo.port, "/loop/b")[1]["location"] == "/loop/a"
    status, headers, _ = request(demo.port, "/old/zwgk.html")
    assert (status, headers["location"]) == (301, "/xxgk/index.html")
    with pytest.raises(TimeoutError):
        request(demo.port, "/slow/wsbs/index.html", timeout=0.5)
    with pytest.raises(ConnectionRefusedError):
        request(demo.dead_port, "/")
    assert request(demo.port, "/ext/www.yanshi-old.gov.cn/")[0] == 404
    assert request(demo.port, "/ext/www.gov.cn/")[0] == 200
    assert request(demo.port, "/zcwj/202610/P020261015523118692341.pdf")[1]["content-type"] == (
        "application/pdf"
    )
    assert request(demo.port, "/../../../etc/passwd")[0] == 404
