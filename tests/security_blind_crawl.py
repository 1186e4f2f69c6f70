"""A blind corpus of pages (labels.json + pages/, written without sight of the detectors)
served under each page's own host name and path, crawled by the real spider, and scored like
tests/test_security_blind3.py: a hostile page's hidden links are found when a `hidden_links`
finding names one of its labelled targets, and a finding naming anything else is a false alarm;
each injected piece is one case, found when a `malicious_script` finding is about it (its host,
its code, or the markup it writes decoded); each wrong text is one case. Any security finding
on a page outside the corpus fails the test (the same hostile page at another address)."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, TargetRow

HOST_RE = re.compile(r"(?<![\w.@-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[:/\"'\s?#<&)\\]|$)")
B64_RE = re.compile(r"""['"]([A-Za-z0-9+/]{16,}={0,2})['"]""")
SCRIPT_RE = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)
# Issue 15's targets: (recall, precision).
TARGETS = {
    "hidden_links": (0.95, 0.90),
    "malicious_script": (0.90, 0.90),
    "wording_error": (0.80, 0.80),
}
SECURITY = {*TARGETS, "spam_links", "cloaking"}


class Tally:
    def __init__(self) -> None:
        self.cases = self.found = self.right = self.wrong = 0
        self.misses: list[str] = []
        self.false_alarms: list[str] = []

    def figures(self) -> tuple[int, int, int]:
        """(found, cases, false alarms)"""
        return self.found, self.cases, self.wrong

    def meets(self, target: tuple[float, float]) -> bool:
        n = self.right + self.wrong
        return self.found / self.cases >= target[0] and (self.right / n if n else 1) >= target[1]


def _codec(label: dict) -> str:
    return {"gb2312": "gbk"}.get(label.get("charset", "utf-8"), label.get("charset", "utf-8"))


@contextmanager
def serve(files: dict[tuple[str, str], tuple[Path, str]], lists: dict[str, str]) -> Iterator[int]:
    """Each page at its host and path (and query), UTF-8 ones labelled so in the header, the
    others as plain text/html (the page's own <meta> says its charset); /__list.html of a host
    links to its pages."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            parts = urlsplit(self.path)
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            ctype = "text/html; charset=utf-8"
            body = lists.get(host, "").encode() if path == "/__list.html" else None
            if body is None and (host, path) in files:
                file, codec = files[(host, path)]
                body = file.read_bytes()
                ctype = ctype if codec == "utf-8" else "text/html"
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a crawler closing a connection early is no error of the test

    srv = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.path.rstrip("/"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _decoded(code: str) -> str:
    """A script's code with what it carries encoded: URL escapes and base64 literals."""
    out = [code, unquote(code)]
    for m in B64_RE.finditer(code):
        value = m.group(1)
        try:
            out.append(base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8"))
        except ValueError:
            continue
    return "\n".join(out)


def _about(detail: dict, mark: str, raw: str) -> bool:
    src, host, snippet = detail.get("src") or "", detail.get("host") or "", detail.get("snippet")
    if mark in src or mark == host or (host and host in mark):
        return True
    if snippet and (mark in snippet or _squash(mark)[:20] in _squash(snippet)):
        return True
    code = next((c for c in SCRIPT_RE.findall(raw) if mark in c), "")
    if not code:
        return False
    decoded = _decoded(code)
    return bool(
        (host and host in decoded) or (snippet and _squash(snippet)[:20] in _squash(decoded))
    )


def judge(label: dict, raw: str, page: str, found: dict, tallies: dict[str, Tally]) -> None:
    name = label["page"][:3]
    t = tallies["hidden_links"]
    expected = {_key(urljoin(page, u)) for u in label["hidden"]}
    t.cases += bool(expected)
    hit = False
    for d in found.get("hidden_links", []):
        targets = [_key(urljoin(page, u)) for u in d.get("targets", [])]
        mine = [k for k in targets if k in expected]
        hit = hit or bool(mine)
        if mine:
            t.right += 1
        else:
            t.wrong += 1
            t.false_alarms.append(f"{name}: {targets[:3]} ({d.get('technique')})")
    if expected:
        t.found += hit
        if not hit:
            t.misses.append(f"{name}: {label['note']}")
    t = tallies["malicious_script"]
    t.cases += len(label["scripts"])
    seen: set[str] = set()
    for d in found.get("malicious_script", []):
        marks = [m for m in label["scripts"] if _about(d, m, raw)]
        if marks:
            t.right += 1
            seen.update(marks)
        elif (label["hidden"] or label["scripts"]) and d.get("host") and d["host"] in _decoded(raw):
            t.right += 1  # injected code the labels do not name (it writes the hidden links)
        else:
            t.wrong += 1
            t.false_alarms.append(f"{name}: {d.get('why')} {d.get('src') or d.get('snippet')}")
    t.found += len(seen)
    t.misses += [f"{name}: {m}" for m in label["scripts"] if m not in seen]
    t = tallies["wording_error"]
    t.cases += len(label["wording"])
    seen = set()
    for d in found.get("wording_error", []):
        said = d.get("wrong") or ""
        match = [w for w in label["wording"] if said and (said in w or w in said)]
        if match:
            t.right += 1
            seen.update(match)
        else:
            t.wrong += 1
            t.false_alarms.append(f"{name}: {said} → {d.get('suggestion')}")
    t.found += len(seen)
    t.misses += [f"{name}: {w}" for w in label["wording"] if w not in seen]


async def crawl_corpus(folder: Path, db_url: str) -> tuple[dict[str, Tally], list[str]]:
    """Crawl the corpus in `folder` (labels.json, pages/); the tallies and the addresses outside
    the corpus that got a security finding."""
    labels = json.loads((folder / "labels.json").read_text(encoding="utf-8"))
    files: dict[tuple[str, str], tuple[Path, str]] = {}
    by_host: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        parts = urlsplit(label["url"])
        host = (parts.hostname or "").lower()
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if (host, path) in files:  # two pages of one corpus at one address: the second aside
            path = f"/dup-{label['page']}"
        files[(host, path)] = (folder / "pages" / label["page"], _codec(label))
        label["path"] = path
        by_host[host].append(label)
    lists = {
        host: "<html><body>" + "".join(f'<a href="{x["path"]}">{x["page"]}</a>' for x in ls)
        for host, ls in by_host.items()
    }
    names: set[str] = set()
    for file, codec in files.values():
        names.update(HOST_RE.findall(file.read_bytes().decode(codec, "replace").lower()))
    static = {**dict.fromkeys(sorted(names), ""), **dict.fromkeys(by_host, "127.0.0.1")}
    with serve(files, lists) as port:
        hosts = sorted(by_host)
        sites = [site(f"b{i}", f"http://{h}:{port}/__list.html") for i, h in enumerate(hosts)]
        # The server answers from a thread of this process, which the crawl's parsing holds
        # the GIL against: a generous timeout, so that a busy machine costs time, not pages.
        runs = await crawl(
            sites, db_url, INSPECTOR_STATIC_HOSTS=static, INSPECTOR_CLOAKING_SAMPLE=0,
            DOWNLOAD_TIMEOUT=60,
        )  # fmt: skip
    found: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    fetched: dict[str, tuple[int | None, str]] = {}
    with open_session(db_url) as s:
        for f in s.scalars(select(FindingRow).where(FindingRow.run_id.in_(runs.values()))):
            found[f.url][f.check].append(f.detail)
        for t in s.scalars(select(TargetRow).where(TargetRow.run_id.in_(runs.values()))):
            fetched[t.url] = (t.status, t.reason)
    tallies = {k: Tally() for k in TARGETS}
    pages = {}
    for label in labels:
        host = (urlsplit(label["url"]).hostname or "").lower()
        page = f"http://{host}:{port}{label['path']}"
        pages[page] = label
        # Every page read, or the figures would measure the harness, not the detectors.
        assert fetched.get(page) == (200, ""), (page, fetched.get(page))
        file, codec = files[(host, label["path"])]
        judge(label, file.read_bytes().decode(codec, "replace"), page, found.get(page, {}), tallies)
        for check in ("spam_links", "cloaking"):  # not labelled: a false alarm wherever it is
            if found.get(page, {}).get(check):
                tallies["hidden_links"].wrong += 1
                tallies["hidden_links"].false_alarms.append(f"{label['page'][:3]}: {check}")
    stray = sorted(u for u, checks in found.items() if u not in pages and set(checks) & SECURITY)
    return tallies, stray


def judged(
    tallies: dict[str, Tally], stray: list[str], first_run: dict[str, Any], expected: dict
) -> None:
    """Print the figures beside the first run's, then hold them to `expected` and the targets."""
    for k, t in tallies.items():
        print(f"\n{k}: {t.figures()} (found, cases, false alarms); first run {first_run[k]}")
        for line in t.misses + t.false_alarms:
            print("  ", line)
    assert not stray, stray
    assert {k: t.figures() for k, t in tallies.items()} == expected
    for k, t in tallies.items():
        assert t.meets(TARGETS[k]), (k, t.figures())
