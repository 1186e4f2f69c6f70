"""A recheck (复查) next to the full inspection it rechecks, on the synthetic county portal.

A script, not a test. It generates (or reuses) the site of bench/sitegen.py with its planted
broken links and stale columns, serves it on 127.0.0.1, runs `inspector crawl` on it, then
`inspector recheck` (nothing was fixed in between: the recheck must find every rechecked problem
again), and prints for both: wall time, pages stored, URLs checked, problems open and fixed.

    .venv/bin/python bench/bench_recheck.py [--pages 5000] [--site-dir DIR] [--concurrency 16]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
if str(BENCH) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(BENCH))

from bench_crawl import SITE_ID, Server, free_port, prepare_site  # noqa: E402


def _inspector(args: list[str], cwd: Path) -> tuple[float, subprocess.CompletedProcess]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INSPECTOR_")}
    env["PYTHONPATH"] = str(ROOT)
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "inspector.cli", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return time.perf_counter() - t0, done


def _export(db: str, cwd: Path) -> dict[str, Any]:
    _, done = _inspector(["export", "--db", db, "--site", SITE_ID], cwd)
    return json.loads(done.stdout)["sites"][0]


def _row(db: Path, run_id: int) -> tuple[str, int, int]:
    with sqlite3.connect(db) as con:
        kind, pages, urls = con.execute(
            "SELECT kind, pages_crawled, targets_checked FROM run WHERE id = ?", (run_id,)
        ).fetchone()
    return kind, pages, urls


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=2015)
    parser.add_argument("--site-dir", type=Path, default=None)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--server", default="auto", choices=("auto", "nginx", "python"))
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-recheck-"))
    site_dir = args.site_dir or workdir / "site"
    manifest = prepare_site(site_dir, args.pages, args.seed)
    port = free_port()
    server = Server(site_dir, workdir, port, manifest["ext_port"], args.server)
    server.start()
    try:
        base = f"http://127.0.0.1:{port}"
        registry = workdir / "registry.csv"
        registry.write_text(
            "site_id,name,url,kind,status,organizer,site_code\n"
            f"{SITE_ID},{manifest['site_name']},{base}/,portal,active,"
            f"{manifest['organizer']},{manifest['site_code']}\n",
            encoding="utf-8",
        )
        db_path = workdir / "inspector.db"
        db = f"sqlite:///{db_path}"
        common = ["--db", db, "--as-of", manifest["as_of"]]
        common += ["--set", f"INSPECTOR_SITE_CONCURRENCY={args.concurrency}"]
        print(f"site: {manifest['pages']} pages at {base} ({server.description})", flush=True)
        rows = []
        for what, command in (
            ("full inspection", ["crawl", "--registry", str(registry), *common]),
            ("recheck", ["recheck", "--site", SITE_ID, *common]),
        ):
            seconds, done = _inspector(command, workdir)
            if done.returncode != 0:
                print(f"{what} exited {done.returncode}:\n{done.stderr[-2000:]}")
                return 1
            record = _export(db, workdir)
            kind, pages, urls = _row(db_path, record["run_id"])
            problems = record["problems"]
            rows.append((what, kind, seconds, pages, urls, problems))
        print(f"\n{'run':<16} {'kind':<8} {'wall s':>7} {'pages':>7} {'URLs':>7} "
              f"{'problems':>9} {'open':>6} {'fixed':>6}")  # fmt: skip
        for what, kind, seconds, pages, urls, p in rows:
            print(f"{what:<16} {kind:<8} {seconds:7.1f} {pages:7,} {urls:7,} "
                  f"{p['total']:9,} {p['open']:6,} {p['fixed']:6,}")  # fmt: skip
        full, recheck = rows
        print(
            f"\nrecheck/full: wall {recheck[2] / full[2]:.2f}, URLs {recheck[4] / full[4]:.3f} "
            "(wall times include ~2 s of interpreter, Scrapy and database start-up each)"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
