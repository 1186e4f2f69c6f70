"""What message-board reading costs (prints figures; not a test).

    .venv/bin/python bench/bench_boards.py [--pages DIR] [--rounds N]

1. Pages that are not boards: the spider's board hook (`BoardsMixin.boards_see`) on the saved
   real pages, with the 2019 profile (guides on, the costlier case), against the per-page
   extraction the crawl does anyway (`page_facts` + `extract_links` on the parsed tree). The
   claim to check: the hook adds nothing that matters to a page that is not a board.
2. Board pages: `read_list` on generated list pages and `read_message` on message pages
   (tests/boardsites.py), per page — what a board page costs on top of the crawl's own work.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
for extra in (ROOT, ROOT / "tests"):
    if str(extra) not in sys.path:  # run as a script from anywhere
        sys.path.insert(0, str(extra))

from boardsites import SHAPES, build_site  # noqa: E402

from inspector.crawl.boardcrawl import BoardsMixin  # noqa: E402
from inspector.crawl.boards import read_list, read_message  # noqa: E402
from inspector.crawl.extract.encoding import decode_html, parse_html  # noqa: E402
from inspector.crawl.extract.links import extract_links, title_of  # noqa: E402
from inspector.crawl.extract.page import page_facts  # noqa: E402
from inspector.crawl.policy import CrawlPolicy  # noqa: E402
from inspector.crawl.state import SiteCrawl  # noqa: E402
from inspector.profile import load_profile  # noqa: E402
from inspector.registry import Site  # noqa: E402

DEFAULT_PAGES = ROOT.parent / "shared" / "realpages"
AS_OF = date(2026, 3, 20)


def _timed(fn, rounds: int) -> float:  # noqa: ANN001
    start = time.perf_counter()
    for _ in range(rounds):
        fn()
    return time.perf_counter() - start


def hook_cost(files: list[Path], rounds: int) -> None:
    texts = [decode_html(f.read_bytes(), None)[0] for f in files]
    docs = [parse_html(t) for t in texts]
    urls = [f"http://www.example.gov.cn/p/{i}.html" for i in range(len(docs))]
    titles = [title_of(d) for d in docs]
    spider = BoardsMixin()
    spider.policy = CrawlPolicy.from_profile(load_profile("spotcheck2019"))
    spider.as_of = AS_OF
    sc = SiteCrawl(Site("b", "b", "http://www.example.gov.cn/", "portal", "active"), {"x"}, "s", "")
    sc.boards = SimpleNamespace(on_columns=lambda c: [])  # a site whose boards are started
    meta = {"depth": 1, "key": ""}

    def crawl_work() -> None:
        for doc, url, title in zip(docs, urls, titles, strict=True):
            page_facts(doc, AS_OF, title=title, url=url, is_home=False)
            extract_links(doc, url, include_invalid=True)

    def hook() -> None:
        for doc, url, title in zip(docs, urls, titles, strict=True):
            meta["key"] = url
            for _ in spider.boards_see(sc, meta, url, doc, title, False):
                pass

    crawl_work(), hook()  # warm caches
    n = len(docs) * rounds
    base = _timed(crawl_work, rounds) / n
    extra = _timed(hook, rounds) / n
    print(f"{len(docs)} real pages × {rounds} rounds")
    print(f"  per-page extraction the crawl does anyway: {base * 1e3:8.3f} ms/page")
    print(f"  board hook on a page that is not a board:  {extra * 1e6:8.2f} µs/page "
          f"({extra / base * 100:.3f}% of it)")  # fmt: skip


def reading_cost(rounds: int) -> None:
    lists, details = [], []
    for shape in SHAPES:
        pages, _ = build_site(shape, AS_OF, 1)
        for path, spec in pages.items():
            text = spec if isinstance(spec, str) else spec.get("body", "")
            if not text.startswith("<"):
                continue
            doc = parse_html(text)
            url = "http://www.example.gov.cn" + path
            (details if "/t20" in path or "show.jsp" in path or "/art/" in path else lists).append(
                (doc, url, text)
            )
    read_lists = _timed(lambda: [read_list(d, u, t) for d, u, t in lists], rounds)
    read_details = _timed(lambda: [read_message(d, u) for d, u, _ in details], rounds)
    print(
        f"board pages from the test sites ({len(lists)} list pages, {len(details)} message pages)"
    )
    print(f"  read_list:    {read_lists / (len(lists) * rounds) * 1e3:8.3f} ms/page")
    print(f"  read_message: {read_details / (len(details) * rounds) * 1e3:8.3f} ms/page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"no *.html pages in {args.pages}", file=sys.stderr)
        return 1
    hook_cost(files, args.rounds)
    reading_cost(max(1, args.rounds // 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
