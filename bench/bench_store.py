"""What storage isolation costs: bounding every value, and retrying a refused batch row by row.

    .venv/bin/python bench/bench_store.py [--pages N] [--rounds R] [--db URL]

A crawl-shaped batch (per page: a page row, a target row, 30 link occurrences with Chinese
anchor texts) is written through inspector/store/batch.py into a fresh SQLite file (or --db):

- `write`: the batch written as the crawl writes it (values bounded, one transaction);
- `bound only`: the bounding alone (inspector/store/bounds.py) over the same rows: its share of
  `write` is what bounding costs;
- `one refused row`: the same batch with one link the database refuses (a trigger or a CHECK,
  as in tests/test_store_isolation.py), so the batch is rolled back and written again in halves
  down to the refused row: the price of a bad row, paid only by the batch that holds it;
- on PostgreSQL, `write, executemany`: the same batch without COPY (inspector/store/pgcopy.py),
  as it was written before.

Use a database of its own for --db: the bench adds a CHECK constraint to its `link` table.

Prints the median of R rounds of each, measured in the same run.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import text

from inspector.store.batch import LINK_COLUMNS, Batch, write_isolated, write_rows_executemany
from inspector.store.bounds import bounded_rows, bounded_tuples
from inspector.store.db import ensure_schema, get_engine, session_factory, table
from inspector.store.models import LinkRow, PageRow, RunRow, TargetRow

LINKS_PER_PAGE = 30


def make_batch(run_id: int, pages: int, round_no: int, refused: bool) -> Batch:
    batch = Batch()
    base = f"http://www.example.gov.cn/r{round_no}"
    for p in range(pages):
        url = f"{base}/xwdt/2026/11/t20261120_{p}.html"
        batch.pages.append(
            {"run_id": run_id, "url": url, "final_url": url, "status": 200, "title": "关于印发通知",
             "content_type": "text/html; charset=utf-8", "encoding_declared": "header:utf-8",
             "facts": {"items": 3, "dates": []}}
        )  # fmt: skip
        batch.targets.append({"run_id": run_id, "url": url, "internal": True, "kind": "page"})
        for i in range(LINKS_PER_PAGE):
            target = f"{base}/zwgk/2026/t20261120_{p}_{i}.html"
            batch.links.append(
                (run_id, url, target, "a", "href", "关于印发某某县工作报告的通知", "", "content")
            )
    if refused:
        batch.links[len(batch.links) // 2] = (
            run_id,
            base,
            base + "/refuse-me",
            "a",
            "href",
            "",
            "",
            "content",
        )
    return batch


def setup(url: str) -> tuple[Any, int]:
    engine = get_engine(url)
    ensure_schema(engine)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO site (site_id, name, url, kind, status, organizer, site_code) "
                "VALUES ('bench', 'bench', 'http://www.example.gov.cn/', 'portal', 'active', '', '')"
            )
        )
        if engine.dialect.name == "sqlite":
            c.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE INSERT ON link WHEN NEW.target_url LIKE "
                    "'%refuse-me%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
                )
            )
        else:
            c.execute(
                text(
                    "ALTER TABLE link ADD CONSTRAINT refuse CHECK (target_url NOT LIKE '%refuse-me%')"
                )
            )
    sessions = session_factory(engine)
    with sessions() as s:
        from datetime import date, datetime

        run = RunRow(site_id="bench", as_of=date(2026, 11, 28), started_at=datetime(2026, 11, 28),
                     stats={}, bounds_tripped={}, home_evidence={}, check_errors={},
                     verdict_detail={})  # fmt: skip
        s.add(run)
        s.commit()
        return sessions, run.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150, help="pages per batch (~32 rows each)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--db", default="")
    args = parser.parse_args()
    logging.getLogger("psycopg").setLevel(logging.ERROR)  # its note on each aborted pipeline
    with tempfile.TemporaryDirectory() as tmp:
        sessions, run_id = setup(args.db or f"sqlite:///{tmp}/bench.db")
        timings: dict[str, list[float]] = {"write": [], "bound only": [], "one refused row": []}
        postgres = args.db.startswith("postgresql")
        if postgres:
            timings["write, executemany"] = []
        for r in range(args.rounds):
            batch = make_batch(run_id, args.pages, 2 * r, refused=False)
            t = time.perf_counter()
            bounded_rows(table(PageRow), batch.pages)
            bounded_rows(table(TargetRow), batch.targets)
            bounded_tuples(table(LinkRow), LINK_COLUMNS, batch.links)
            timings["bound only"].append(time.perf_counter() - t)
            t = time.perf_counter()
            assert write_isolated(sessions, batch) == []
            timings["write"].append(time.perf_counter() - t)
            if postgres:  # the same rows through executemany: what COPY replaced
                batch = make_batch(run_id, args.pages, 2 * r + 100, refused=False)
                t = time.perf_counter()
                assert write_isolated(sessions, batch, write_rows_executemany) == []
                timings["write, executemany"].append(time.perf_counter() - t)
            batch = make_batch(run_id, args.pages, 2 * r + 1, refused=True)
            t = time.perf_counter()
            assert len(write_isolated(sessions, batch)) == 1
            timings["one refused row"].append(time.perf_counter() - t)
    rows = len(batch)
    print(f"batch: {args.pages} pages = {rows} rows; median of {args.rounds} rounds")
    write = statistics.median(timings["write"])
    for name, values in timings.items():
        m = statistics.median(values)
        print(
            f"  {name:16s} {m * 1000:9.1f} ms  {m / rows * 1e6:7.1f} µs/row  {m / write:6.2f}× write"
        )


if __name__ == "__main__":
    main()
