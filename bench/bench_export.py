"""How long the exports take: JSON (the reference: what every export reads first), CSV and xlsx.

A SQLite database of `--sites` sites with `--problems` broken links each, over `--nights`
nights (so that the xlsx has its 每日趋势 sheet), every broken link carried by two pages in
the navigation and the content (so that 所在页面 / 位置 are read from the link table). Prints
seconds and rows per second of each format, best of `--rounds`:

    .venv/bin/python bench/bench_export.py [--sites 40] [--problems 100] [--nights 2] [--rounds 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest_reports import ReportDB, broken  # noqa: E402

from inspector.store.models import LinkRow  # noqa: E402
from reports.export import export_csv, export_json, export_xlsx  # noqa: E402


def build(path: Path, sites: int, problems: int, nights: int) -> ReportDB:
    db = ReportDB.create(path)
    first = date(2026, 11, 1)
    for i in range(sites):
        base = f"https://s{i}.example.gov.cn/"
        site = db.site(f"s{i:04d}", f"测试网站{i}", base)
        for night in range(nights):
            targets = [f"{base}p{j}.html" for j in range(problems)]
            sources = [base, f"{base}list.html"]
            run_id = db.run(
                site,
                first + timedelta(days=night),
                [
                    broken(t, home=j % 10 == 0, sources=sources, texts=[f"链接{j}"])
                    for j, t in enumerate(targets)
                ],
            )
            with db.session() as s:
                s.add_all(
                    LinkRow(
                        run_id=run_id,
                        source_url=source,
                        target_url=t,
                        element="a",
                        attribute="href",
                        text=f"链接{j}",
                        fragment="",
                        position=position,
                    )
                    for j, t in enumerate(targets)
                    for source, position in zip(sources, ("nav", "content"), strict=True)
                )
                s.commit()
    return db


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=40)
    parser.add_argument("--problems", type=int, default=100)
    parser.add_argument("--nights", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-export-"))
    t0 = time.perf_counter()
    db = build(work / "export.db", args.sites, args.problems, args.nights)
    print(
        f"database: {args.sites} sites x {args.problems} problems x {args.nights} nights "
        f"built in {time.perf_counter() - t0:.1f} s"
    )
    rows = args.sites * args.problems
    best: dict[str, float] = {}
    for _ in range(args.rounds):
        with db.session() as s:
            for name, run in (
                ("json", lambda: export_json(s)),
                ("csv", lambda: export_csv(s)),
                ("xlsx", lambda: export_xlsx(s, work / "export.xlsx")),
            ):
                t = time.perf_counter()
                run()
                best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
    for name, seconds in best.items():
        print(f"{name:5} {seconds:6.2f} s  {rows / seconds:7.0f} problems/s")
    size = (work / "export.xlsx").stat().st_size
    print(f"xlsx size {size / 1e6:.2f} MB for {rows} problem rows")


if __name__ == "__main__":
    main()
