"""Fourth blind batch: issue 15's accuracy targets on 74 pages written without sight of the
detectors, crawled by the real spider.

The pages come from tests/fixtures/security_blind4/make.py, kept as its author wrote it (a
helper that never opened the project's code or tests; README.md there says what the corpus
holds): county, district and city portals of old TRS table sites, div/jQuery sites, column
lists and articles, with 44 hostile pages (23 with hidden links, 15 with injected code, 9 with
wording errors) and 30 controls full of the furniture that must stay silent — the badge and
statistics scripts, cnzz's own `document.write(unescape(…))`, hidden menus and tab panes of the
site's own columns and of 人民网/新华网, 中华民国二年 in a history page, 接近平均水平 (近平), news
about fighting gambling. The generator writes the pages and their labels (labels.json) into a
temporary folder; each page is served under its own host name and path, and the findings are
read from the database the crawl wrote.

How it counts is tests/test_security_blind3.py's: a hostile page's hidden links are found when
a `hidden_links` finding names one of its labelled targets, and a finding naming anything else
is a false alarm; each injected piece is one case, found when a `malicious_script` finding is
about it (its host, its code, or the markup it writes decoded); each wrong text is one case.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import sys
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow

CORPUS = Path(__file__).parent / "fixtures" / "security_blind4"
HOST_RE = re.compile(r"(?<![\w.@-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[:/\"'\s?#<&)\\]|$)")
B64_RE = re.compile(r"""['"]([A-Za-z0-9+/]{16,}={0,2})['"]""")
SCRIPT_RE = re.compile(r"<script[^>]*>(.*?)</script>", re.S | re.I)

# The first run, at main 7d25d47, before anything was changed for this batch (found, cases,
# false alarms), and what it missed. No false alarm in any family; every target met.
FIRST_RUN = {
    "hidden_links": (
        (22, 23, 0),
        ["030: gambling links written after </html> (shown at the foot)"],
    ),
    "malicious_script": (
        (14, 15, 0),
        ['010: var _0xa1="PHNjcmlwdCBz…"; document.write(atob(_0xa1))'],
    ),
    "wording_error": (
        (8, 10, 0),
        ["006: 美国、日本、台湾等国家", "022: 中华民国经济部 (present-day)"],
    ),
}
# Now: links after </html> are read from the page's source (AFTER_END in extract/security.py,
# counted with a spam word), base64 string literals written by a script are decoded
# (injected.py), 台湾/香港/澳门等国家 are banned terms (exceptions: …等国家和地区, 国家级). Left
# as it was: 中华民国 — the same words name the Republic of 1912–1949 on history pages (the
# controls' 中华民国二年), and no wording tells the present from the past.
EXPECTED_NOW = {
    "hidden_links": (23, 23, 0),
    "malicious_script": (15, 15, 0),
    "wording_error": (9, 10, 0),
}
TARGETS = {
    "hidden_links": (0.95, 0.90),
    "malicious_script": (0.90, 0.90),
    "wording_error": (0.8, 0.8),
}


def generate(into: Path) -> list[dict]:
    for name in ("make.py", "texts.py"):
        shutil.copy(CORPUS / name, into / name)
    (into / "pages").mkdir()
    subprocess.run([sys.executable, str(into / "make.py")], check=True, capture_output=True)
    return json.loads((into / "labels.json").read_text(encoding="utf-8"))


@contextmanager
def serve(files: dict[tuple[str, str], Path], lists: dict[str, str]) -> Iterator[int]:
    """Each page at its host and path; /__list.html of a host links to its pages."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            host = (self.headers.get("Host") or "").split(":")[0].lower()
            path = urlsplit(self.path).path
            body = lists.get(host, "").encode() if path == "/__list.html" else None
            if body is None and (host, path) in files:
                body = files[(host, path)].read_bytes()
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        yield srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


class Tally:
    def __init__(self) -> None:
        self.cases = self.found = self.right = self.wrong = 0
        self.misses: list[str] = []
        self.false_alarms: list[str] = []

    def figures(self) -> tuple[int, int, int]:
        return self.found, self.cases, self.wrong

    def meets(self, target: tuple[float, float]) -> bool:
        n = self.right + self.wrong
        return self.found / self.cases >= target[0] and (self.right / n if n else 1) >= target[1]


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
        elif label["hidden"] and d.get("host") and d["host"] in _decoded(raw):
            t.right += 1  # the code that writes the page's hidden links: injected too
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


@pytest_twisted.ensureDeferred
async def test_fourth_blind_batch(sqlite_url, tmp_path):
    labels = generate(tmp_path)
    files: dict[tuple[str, str], Path] = {}
    by_host: dict[str, list[dict]] = defaultdict(list)
    for label in labels:
        parts = urlsplit(label["url"])
        host, path = (parts.hostname or "").lower(), parts.path or "/"
        if (host, path) in files:  # two pages of one corpus at one address: the second aside
            path = f"/dup-{label['page']}"
        files[(host, path)] = tmp_path / "pages" / label["page"]
        label["path"] = path
        by_host[host].append(label)
    lists = {
        host: "<html><body>" + "".join(f'<a href="{x["path"]}">{x["page"]}</a>' for x in ls)
        for host, ls in by_host.items()
    }
    names: set[str] = set()
    for path in files.values():
        names.update(HOST_RE.findall(path.read_text(encoding="utf-8").lower()))
    static = {**dict.fromkeys(sorted(names), ""), **dict.fromkeys(by_host, "127.0.0.1")}
    with serve(files, lists) as port:
        hosts = sorted(by_host)
        sites = [site(f"b{i}", f"http://{h}:{port}/__list.html") for i, h in enumerate(hosts)]
        runs = await crawl(
            sites, sqlite_url, INSPECTOR_STATIC_HOSTS=static, INSPECTOR_CLOAKING_SAMPLE=0
        )
    found: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    with open_session(sqlite_url) as s:
        for f in s.scalars(select(FindingRow).where(FindingRow.run_id.in_(runs.values()))):
            found[f.url][f.check].append(f.detail)
    tallies = {k: Tally() for k in TARGETS}
    pages = {}
    for label in labels:
        page = f"http://{urlsplit(label['url']).hostname}:{port}{label['path']}"
        pages[page] = label
        raw = files[(urlsplit(page).hostname or "", label["path"])].read_text(encoding="utf-8")
        judge(label, raw, page, found.get(page, {}), tallies)
    stray = sorted(
        u for u, checks in found.items() if u not in pages and set(checks) & set(TARGETS)
    )
    for k, t in tallies.items():
        print(f"\n{k}: {t.figures()} (found, cases, false alarms); first run {FIRST_RUN[k]}")
        for line in t.misses + t.false_alarms:
            print("  ", line)
    assert not stray, stray
    assert {k: t.figures() for k, t in tallies.items()} == EXPECTED_NOW
    for k, t in tallies.items():
        assert t.meets(TARGETS[k]), (k, t.figures())
