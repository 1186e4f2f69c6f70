"""Hostile-sites benchmark: peak memory of a crawl of hostile sites, and what they cost a
healthy site crawled with them.

    .venv/bin/python bench/bench_hostile.py                  # 2 copies of every hostile site
    .venv/bin/python bench/bench_hostile.py --copies 4 --site-seconds 120

A script, not a test. It serves the hostile sites of tests/hostile.py (endless bodies and
headers, compression bombs, 200,000 links on a page, 100k nested elements, endless URL spaces,
slowloris, never answering …) with the test server (tests/servers.py) on 127.0.0.1, each on its
own host name, and runs `inspector crawl` twice in a subprocess with the default budgets
(INSPECTOR_SITE_SECONDS lowered to --site-seconds so that the endless sites end):

1. the healthy site alone;
2. `--copies` copies of every hostile site and the same healthy site, in one run.

It prints, per run: sites, wall time, peak RSS of the crawler (the largest process of the
command's tree, sampled every 0.2 s and exact from wait4), the healthy site's own crawl time
(its run's started/finished) and what it found, and the bounds the hostile sites tripped.
The issue's target: peak RSS under 500 MB, the healthy site about as fast as alone.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT / "bench", ROOT / "tests"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import hostile  # noqa: E402
from bench_crawl import run_measured  # noqa: E402
from servers import start_server  # noqa: E402

TARGET_RSS_MB = 500.0


def write_registry(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["site_id", "name", "url", "kind", "status", "organizer", "site_code"])
        for site_id, url in rows:
            out.writerow([site_id, site_id, url, "portal", "active", "", ""])


def crawl(
    workdir: Path, name: str, rows: list[tuple[str, str]], hosts: dict[str, str], args: Any
) -> dict[str, Any]:
    registry = workdir / f"{name}.csv"
    db = workdir / f"{name}.db"
    write_registry(registry, rows)
    cmd = [
        sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry),
        "--db", f"sqlite:///{db}", "--processes", "1", "--as-of", "2026-11-28",
        "--log-file", str(workdir / f"{name}.log"),
        "--set", f"INSPECTOR_STATIC_HOSTS={json.dumps(hosts)}",
        "--set", f"INSPECTOR_SITE_SECONDS={args.site_seconds}",
    ]  # fmt: skip
    measured = run_measured(
        cmd,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HOME": str(workdir)},
        timeout=args.timeout,
        stdout=workdir / f"{name}.out",
        stderr=workdir / f"{name}.err",
    )
    return {"measured": measured, "runs": read_runs(db)}


def read_runs(db: Path) -> dict[str, dict[str, Any]]:
    con = sqlite3.connect(db)
    runs: dict[str, dict[str, Any]] = {}
    query = (
        "SELECT r.site_id, r.status, r.started_at, r.finished_at, r.bounds_tripped,"
        " (SELECT count(*) FROM target t WHERE t.run_id = r.id),"
        " (SELECT count(*) FROM finding f WHERE f.run_id = r.id AND f.\"check\" = 'broken_link')"
        " FROM run r"
    )
    for site_id, status, started, finished, bounds, targets, broken in con.execute(query):
        seconds = None
        if started and finished:
            delta = datetime.fromisoformat(finished) - datetime.fromisoformat(started)
            seconds = delta.total_seconds()
        runs[site_id] = {
            "status": status,
            "seconds": seconds,
            "bounds": sorted(json.loads(bounds or "{}")),
            "targets": targets,
            "broken": broken,
        }
    con.close()
    return runs


def healthy_of(runs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return next(v for k, v in runs.items() if k.startswith("healthy-"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=2, help="copies of every hostile site")
    parser.add_argument("--site-seconds", type=float, default=60.0, help="INSPECTOR_SITE_SECONDS")
    parser.add_argument("--timeout", type=float, default=1200.0, help="limit of each crawl (s)")
    args = parser.parse_args()
    with start_server() as server, tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        workdir = Path(tmp)
        rows, hosts, _ = hostile.registry(server)
        healthy = [row for row in rows if row[0].startswith("healthy-")]
        hostile_rows = [row for row in rows if not row[0].startswith("healthy-")]
        for _ in range(args.copies - 1):
            more, more_hosts, _ = hostile.registry(server)
            hostile_rows += [row for row in more if not row[0].startswith("healthy-")]
            hosts.update(more_hosts)
        alone = crawl(workdir, "alone", healthy, hosts, args)
        mixed = crawl(workdir, "mixed", healthy + hostile_rows, hosts, args)
    print_results(alone, mixed, len(hostile_rows))
    return 0


def print_results(alone: dict[str, Any], mixed: dict[str, Any], hostile_sites: int) -> None:
    print(f"{'run':<34} {'sites':>5} {'wall s':>7} {'peak RSS MB':>11} {'healthy s':>9} healthy")
    for label, result in (
        ("healthy site alone", alone),
        (f"healthy + {hostile_sites} hostile sites", mixed),
    ):
        m, h = result["measured"], healthy_of(result["runs"])
        found = f"{h['status']}, {h['targets']} targets, {h['broken']} broken"
        print(
            f"{label:<34} {len(result['runs']):>5} {m.wall_s:>7.1f} {m.peak_rss_mb:>11.0f}"
            f" {h['seconds'] or 0:>9.1f} {found}"
        )
    print("\nbounds tripped by the hostile sites (site: bounds):")
    for site_id, run in sorted(mixed["runs"].items()):
        if run["bounds"]:
            print(f"  {site_id}: {', '.join(run['bounds'])}")
    peak = mixed["measured"].peak_rss_mb
    verdict = "under" if peak < TARGET_RSS_MB else "OVER"
    print(f"\npeak RSS {peak:.0f} MB: {verdict} the {TARGET_RSS_MB:.0f} MB target")


if __name__ == "__main__":
    sys.exit(main())
