"""What message-board reading costs (prints figures; not a test).

    .venv/bin/python bench/bench_boards.py [--pages DIR] [--rounds N]

1. Pages that are not boards: the spider's board hook (`BoardsMixin.boards_see`) on the saved
   real pages, with the 2019 profile (guides on, the costlier case), against the per-page
   extraction the crawl does anyway (`page_facts` + `extract_links` on the parsed tree). The
   claim to check: the hook adds nothing that matters to a page that is not a board.
2. Board pages: `read_list` on generated list pages and `read_message` on message pages
   (tests/boardsites.py), per page — what a board page costs on top of the crawl's own work.

With `--crawl SEEDS`, also the accuracy of a real `inspector crawl` (test server on 127.0.0.1,
SQLite) of every generated board site shape (tests/boardsites.py, tests/boardsites_more.py)
for that many seeds: unanswered-message recall and precision, late-answer recall and
precision, and the share of sites whose 互动回应差 veto is right (2015 and 2019 profiles).
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


def _timed(fn, rounds: int) -> float:
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


def crawl_accuracy(seeds: int) -> None:
    import csv
    import functools
    import json
    import subprocess
    import tempfile

    from boardsites_more import MORE
    from servers import start_server
    from sqlalchemy import create_engine, text

    shapes = {s: functools.partial(build_site, s) for s in SHAPES} | MORE
    counts = dict.fromkeys(("tp", "fp", "fn", "ltp", "lfp", "lfn", "v15", "v19", "sites"), 0)
    with start_server() as srv, tempfile.TemporaryDirectory() as tmp:
        truths, rows = {}, []
        for shape, build in shapes.items():
            for seed in range(100, 100 + seeds):
                pages, truth = build(AS_OF, seed)
                name = f"acc-{shape}-{seed}".replace("_", "-")
                srv.add_site(name, pages)
                url = srv.site_url(name, "/")
                truths[name] = (truth, url[:-1])
                rows.append([name, name, url, "portal", "active", "", ""])
        registry = Path(tmp) / "sites.csv"
        with registry.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(
                [["site_id", "name", "url", "kind", "status", "organizer", "site_code"], *rows]
            )
        for rules in ("census2015", "spotcheck2019"):
            db = f"sqlite:///{tmp}/{rules}.db"
            subprocess.run(
                [sys.executable, "-m", "inspector.cli", "crawl", "--registry", str(registry), "--db", db,
                 "--as-of", AS_OF.isoformat(), "--rules", rules, "--set", "LOG_LEVEL=ERROR",
                 "--set", "INSPECTOR_PROGRESS=false"],
                cwd=ROOT, check=True, capture_output=True,
            )  # fmt: skip
            engine = create_engine(db)
            with engine.connect() as conn:
                found = conn.execute(text(
                    "select r.site_id, f.\"check\", f.detail from finding f join run r on r.id = f.run_id"
                )).all()  # fmt: skip
            by_site: dict[str, list] = {}
            for site_id, check, detail in found:
                by_site.setdefault(site_id, []).append(
                    (check, json.loads(detail) if isinstance(detail, str) else detail)
                )
            for name, (truth, prefix) in truths.items():
                got = by_site.get(name, [])
                veto = any(c == "interaction_veto" for c, _ in got)
                if rules == "census2015":
                    counts["v15"] += veto == truth.veto2015
                    counts["sites"] += 1
                    _count(counts, got, truth, prefix)
                else:
                    counts["v19"] += veto == truth.veto2019
    n = counts["sites"]
    print(f"real crawls of {n} generated board sites ({len(shapes)} shapes × {seeds} seeds)")
    print(
        f"  unanswered: recall {counts['tp'] / max(1, counts['tp'] + counts['fn']):.3f}, "
        f"precision {counts['tp'] / max(1, counts['tp'] + counts['fp']):.3f} "
        f"({counts['tp']} found, {counts['fp']} wrong, {counts['fn']} missed)"
    )
    print(
        f"  late:       recall {counts['ltp'] / max(1, counts['ltp'] + counts['lfn']):.3f}, "
        f"precision {counts['ltp'] / max(1, counts['ltp'] + counts['lfp']):.3f}"
    )
    print(f"  veto right: census2015 {counts['v15'] / n:.3f}, spotcheck2019 {counts['v19'] / n:.3f}")  # fmt: skip


def _count(counts: dict[str, int], got: list, truth, prefix: str) -> None:
    def keys(code: str) -> set[str]:
        out = set()
        for check, detail in got:
            if check == code:
                url = detail.get("message_url") or ""
                out.add(
                    url.removeprefix(prefix)
                    if url
                    else f"{detail['list_url'].removeprefix(prefix)}|{detail.get('title')}"
                )
        return out

    unanswered, late = keys("interaction_unanswered"), keys("interaction_late")
    counts["tp"] += len(unanswered & truth.unanswered)
    counts["fp"] += len(unanswered - truth.unanswered)
    counts["fn"] += len(truth.unanswered - unanswered)
    counts["ltp"] += len(late & truth.late)
    counts["lfp"] += len(late - truth.late)
    counts["lfn"] += len(truth.late - late)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--crawl", type=int, default=0, metavar="SEEDS")
    args = parser.parse_args()
    if args.crawl:
        crawl_accuracy(args.crawl)
        return 0
    files = sorted(args.pages.glob("*.html"))
    if not files:
        print(f"no *.html pages in {args.pages}", file=sys.stderr)
        return 1
    hook_cost(files, args.rounds)
    reading_cost(max(1, args.rounds // 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
