"""`make demo`: serve the bundled demo site, crawl it via seeds/demo.csv, export, summarise.

Everything lands in var/demo/: the database, the exports and the reports. The demo uses the
as-of date the site was written for (2026-11-28) and a 5 s download timeout instead of the
census 15 s, so that its planted slow link costs seconds.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from inspector.demo.server import AS_OF, PLANTED, resolve_url, serve

REPO = Path(__file__).resolve().parents[2]
REGISTRY = REPO / "seeds" / "demo.csv"
# INSPECTOR_DEMO_OUT moves everything elsewhere (the golden export test crawls into a tmp dir).
OUT = Path(os.environ.get("INSPECTOR_DEMO_OUT") or REPO / "var" / "demo").resolve()
DEMO_PORT = 8770
DEMO_TIMEOUT = 5


def _shown(path: Path) -> Path:
    return path.relative_to(REPO) if path.is_relative_to(REPO) else path


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def main() -> int:
    from inspector.crawl.run import crawl_sites
    from inspector.options import build_settings
    from inspector.registry import load_registry
    from inspector.store.db import ensure_schema, get_engine, session_factory
    from reports.export import export_csv, export_data

    OUT.mkdir(parents=True, exist_ok=True)
    port = int(os.environ.get("INSPECTOR_DEMO_PORT", DEMO_PORT))
    if not _port_free(port):
        port = 0  # taken: any free port, and a registry rewritten for it
    server, _thread = serve(port=port, slow_seconds=DEMO_TIMEOUT + 3)
    registry = REGISTRY
    if server.port != DEMO_PORT:
        registry = OUT / "demo.csv"
        registry.write_text(
            REGISTRY.read_text(encoding="utf-8").replace(":8770/", f":{server.port}/"),
            encoding="utf-8",
        )
    db_url = f"sqlite:///{OUT / 'inspector.db'}"
    print(f"demo site: {server.base_url}/  (registry {_shown(registry)}, as of {AS_OF})")
    try:
        settings = build_settings(
            {
                "DOWNLOAD_TIMEOUT": DEMO_TIMEOUT,
                "LOG_LEVEL": "WARNING",
                "LOG_FILE": str(OUT / "crawl.log"),
            },
            db_url=db_url,
        )
        result = crawl_sites(load_registry(registry), settings, as_of=AS_OF, batch=f"demo-{AS_OF}")
    finally:
        server.shutdown()
        server.server_close()

    engine = get_engine(db_url)
    ensure_schema(engine)
    with session_factory(engine)() as session:
        data = export_data(session)
        (OUT / "export.json").write_text(
            json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8"
        )
        (OUT / "findings.csv").write_text(export_csv(session), encoding="utf-8")
        index = _render_reports(session)
    _summarise(data, server.port, server.dead_port)
    if apart := result.stats.get("inspector/pages_read_apart"):
        print(f"\npages read by reader processes (INSPECTOR_READ_PROCESSES): {apart}")
    print(f"\nresults: {_shown(OUT)}/export.json, findings.csv, inspector.db, crawl.log")
    if index:
        print(f"reports: {index}")
    return 0


def _render_reports(session: Any) -> Path:
    from reports.render import render_reports

    return render_reports(session, OUT / "reports", lang="zh")


def _summarise(data: dict, port: int, dead_port: int) -> None:
    print("\nsite                 status     pages  findings  verdict        score")
    for s in data["sites"]:
        score = "-" if s["score"] is None else f"{s['score']:.1f}"
        print(
            f"{s['site_id']:<20} {s['status']:<10} {s['pages_crawled']:>5}  {len(s['findings']):>8}  "
            f"{s['verdict'] or '-':<14} {score}"
        )
    demo = next((s for s in data["sites"] if s["site_id"] == "demo"), None)
    if demo is None:
        return
    broken = {
        f["url"]: f["detail"]["reason"] for f in demo["findings"] if f["check"] == "broken_link"
    }
    planted = {
        resolve_url(p["url_path_or_url"], port, dead_port): p["expected_reason"]
        for p in PLANTED
        if p["expected_reason"]
    }
    found = [u for u in planted if u in broken]
    print(
        f"\nbroken links found: {len(broken)} (planted: {len(planted)}, found {len(found)} of them)"
    )
    for url, reason in sorted(broken.items()):
        mark = "planted" if url in planted else "extra"
        print(f"  {reason:<20} {url}  [{mark}]")
    counts: dict[str, int] = {}
    for f in demo["findings"]:
        counts[f["check"]] = counts.get(f["check"], 0) + 1
    print("findings by check: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))


if __name__ == "__main__":
    sys.exit(main())
