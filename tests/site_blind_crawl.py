"""Whole made-up sites, written blind with the findings a careful inspector would publish,
served each on its own port and crawled by the real spider; the findings scored against the
labels by which way they went.

A site folder holds `www/` (the files as served: a missing file is a 404), `site.json`
(site_id, name, kind, as_of, home) and `expected.json` (home_stale, stale_columns,
empty_columns, broken_links, missing_columns, missing_elements). Per kind of finding, a
labelled one the crawl published is `found`, one it did not is `missed`, and one it published
that nobody labelled is `unlabelled`: each of those is a verdict a site would dispute, and the
test prints every one.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, TargetRow

KINDS = ("home_stale", "stale_columns", "empty_columns", "broken_links", "missing_columns",
         "missing_elements")  # fmt: skip
# A directory server in a process of its own: the crawl's parsing would hold the GIL against
# a thread of the test's process.
SERVER = """
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
handler.func.log_message = lambda *a: None
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
"""


@dataclass
class Tally:
    found: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)
    unlabelled: list[str] = field(default_factory=list)

    def figures(self) -> tuple[int, int, int]:
        return len(self.found), len(self.missed), len(self.unlabelled)


@contextmanager
def serve_dir(www: Path) -> Iterator[int]:
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(www)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        yield int(proc.stdout.readline())
    finally:
        proc.kill()
        proc.wait()


def _name(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _path_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.port or ''}{parts.path or '/'}{'?' + parts.query if parts.query else ''}"


def _published(findings: list[FindingRow]) -> dict[str, set[str]]:
    """What the crawl published, in the labels' terms."""
    out: dict[str, set[str]] = {kind: set() for kind in KINDS}
    for f in findings:
        d = f.detail or {}
        if f.check == "homepage_stale":
            out["home_stale"].add("home")
        elif f.check == "column_stale":
            out["stale_columns"].add(_name(d.get("column", "")))
        elif f.check == "column_empty":
            out["empty_columns"].add(_name(d.get("column", "")))
        elif f.check == "broken_link" and urlsplit(f.url).hostname == "127.0.0.1":
            # Other hosts (www.gov.cn, conac.cn) have no address here: not the sites' fault.
            out["broken_links"].add(_path_key(f.url))
        elif f.check == "missing_column":
            out["missing_columns"].add(d.get("column", ""))
            out["missing_columns"].update(d.get("sub_columns_not_found") or ())
        elif f.check == "missing_element" and d.get("where") == "home" and "problem" not in d:
            out["missing_elements"].add(d.get("element", ""))
    return out


def _labelled(expected: dict[str, Any], root: str) -> dict[str, set[str]]:
    return {
        "home_stale": {"home"} if expected.get("home_stale") else set(),
        "stale_columns": {_name(c["name"]) for c in expected.get("stale_columns", [])},
        "empty_columns": {_name(c) for c in expected.get("empty_columns", [])},
        "broken_links": {
            _path_key(urljoin(root, b["url"])) for b in expected.get("broken_links", [])
        },
        "missing_columns": set(expected.get("missing_columns", [])),
        "missing_elements": set(expected.get("missing_elements", [])),
    }


async def crawl_sites(folder: Path, db_url: str) -> tuple[dict[str, Tally], list[str]]:
    """Crawl every site under `folder`; the tallies per kind, and the sites' pages the crawl
    could not fetch (a figure must not measure the harness)."""
    tallies = {kind: Tally() for kind in KINDS}
    unfetched: list[str] = []
    for site_dir in sorted(p for p in folder.iterdir() if (p / "site.json").exists()):
        meta = json.loads((site_dir / "site.json").read_text(encoding="utf-8"))
        expected = json.loads((site_dir / "expected.json").read_text(encoding="utf-8"))
        with serve_dir(site_dir / "www") as port:
            root = f"http://127.0.0.1:{port}/"
            home = urljoin(root, meta.get("home") or "/")
            entry = site(meta["site_id"], home, name=meta["name"], kind=meta["kind"])
            runs = await crawl(
                [entry], db_url, date.fromisoformat(meta["as_of"]), DOWNLOAD_TIMEOUT=30
            )
            run_id = runs[meta["site_id"]]
            with open_session(db_url) as s:
                findings = list(s.scalars(select(FindingRow).where(FindingRow.run_id == run_id)))
                targets = {
                    t.url: t.status
                    for t in s.scalars(select(TargetRow).where(TargetRow.run_id == run_id))
                }
        labelled = _labelled(expected, root)
        published = _published(findings)
        tag = meta["site_id"]
        for kind in KINDS:
            t = tallies[kind]
            t.found += [f"{tag}: {x}" for x in sorted(labelled[kind] & published[kind])]
            t.missed += [f"{tag}: {x}" for x in sorted(labelled[kind] - published[kind])]
            t.unlabelled += [f"{tag}: {x}" for x in sorted(published[kind] - labelled[kind])]
        # Every page of the site the crawl asked for answered, unless labelled broken.
        broken = labelled["broken_links"]
        unfetched += [
            f"{tag}: {url} ({status})"
            for url, status in targets.items()
            if url.startswith(root) and status is None and _path_key(url) not in broken
        ]
    return tallies, unfetched


def report(tallies: dict[str, Tally]) -> str:
    lines = []
    for kind, t in tallies.items():
        lines.append(f"{kind}: found {len(t.found)}, missed {len(t.missed)}, unlabelled "
                     f"{len(t.unlabelled)}")  # fmt: skip
        lines += [f"   missed {x}" for x in t.missed] + [f"   unlabelled {x}" for x in t.unlabelled]
    return "\n".join(lines)
