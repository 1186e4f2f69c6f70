"""Throughput of date extraction over the saved real pages (prints figures; not a test).

    .venv/bin/python bench/bench_dates.py [--pages DIR] [--rounds N]

Three figures, pages per second on one core:
- extract only: `extract_dates` on documents parsed beforehand (what the crawler adds per page,
  since it parses every page anyway for its links);
- parse + extract: `parse_html` then `extract_dates`;
- decode + parse + extract: from the raw bytes, as the crawler sees them.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from inspector.crawl.extract.dates import extract_dates  # noqa: E402
from inspector.crawl.extract.encoding import decode_html, parse_html  # noqa: E402

DEFAULT_PAGES = ROOT.parent / "shared" / "realpages"
AS_OF = date(2025, 11, 28)


def _rate(label: str, pages: int, seconds: float) -> None:
    print(f"{label:28s} {pages / seconds:8.0f} pages/s   ({seconds / pages * 1000:.2f} ms/page)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()

    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"no *.html pages in {args.pages}", file=sys.stderr)
        return 1
    bodies = [f.read_bytes() for f in files]
    texts = [decode_html(body, None)[0] for body in bodies]
    docs = [parse_html(text) for text in texts]
    megabytes = sum(len(b) for b in bodies) / 1e6
    print(f"{len(files)} pages, {megabytes:.1f} MB, {args.rounds} rounds")

    for doc in docs:  # warm up regex and XPath caches
        extract_dates(doc, AS_OF)

    n = len(docs) * args.rounds
    start = time.perf_counter()
    for _ in range(args.rounds):
        for doc in docs:
            extract_dates(doc, AS_OF)
    _rate("extract only", n, time.perf_counter() - start)

    start = time.perf_counter()
    for _ in range(args.rounds):
        for text in texts:
            extract_dates(parse_html(text), AS_OF)
    _rate("parse + extract", n, time.perf_counter() - start)

    start = time.perf_counter()
    for _ in range(args.rounds):
        for body in bodies:
            extract_dates(parse_html(decode_html(body, None)[0]), AS_OF)
    _rate("decode + parse + extract", n, time.perf_counter() - start)

    slowest = sorted(
        ((_time_one(doc), f.name) for doc, f in zip(docs, files, strict=True)), reverse=True
    )[:3]
    for seconds, name in slowest:
        print(f"  slowest: {seconds * 1000:.2f} ms  {name}")
    return 0


def _time_one(doc, repeat: int = 5) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        extract_dates(doc, AS_OF)
    return (time.perf_counter() - start) / repeat


if __name__ == "__main__":
    sys.exit(main())
