"""Score what the crawl reads from a page against a blind corpus's labels.

A corpus folder holds `<case>/page.html` (bytes as served), `meta.json` (url, as_of, encoding,
kind: home | list | article | soft404 | closed | not_closed, site_kind) and `expected.json`
(what a careful person reads: newest_date, pub_date, elements, mandatory_columns, empty,
item_count, soft404, closed_notice). The labels were written by someone who never saw this
code; the scorer maps them onto the functions the crawl runs on every such page.

Every comparison is tallied under a label that says which way it went, so a test can hold
the ones that publish a wrong verdict to zero: a "missing" element or column that the page
shows, a date later than the page's newest (it hides a stale site), an error page or closure
notice read where the page is neither.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from checks.columns import columns_present, required_columns
from inspector.crawl.columns import discover_columns, shown_names
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.notfound import closed_notice, not_found_hint
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.listpage import list_page_facts
from inspector.profile import load_profile

PROFILE = load_profile("census2015")
# The labels' column categories → the profile's required columns.
CATEGORIES = {
    "信息公开": "政府信息公开",
    "政务动态": "新闻动态",
    "办事服务": "办事服务",
    "领导信箱": "领导信箱",
    "咨询投诉": "咨询投诉",
    "征集调查": "征集调查",
    "政策解读": "政策解读",
}
PRESENCE = {
    (True, True): "found",
    (True, False): "missed",
    (False, True): "found though absent",
    (False, False): "absent",
}


def cases(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "page.html").exists())


def _date_tag(want: str | None, got: str | None) -> str:
    if want == got:
        return "exact"
    if got is None:
        return "none"
    if want is None:
        return "spurious"
    return "later" if got > want else "earlier"


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


class Scores:
    """Tallies per measure, and the cases behind every tally that is not a clean hit."""

    def __init__(self) -> None:
        self.tally: dict[str, Counter[str]] = defaultdict(Counter)
        self.misses: list[str] = []

    def add(self, measure: str, tag: str, case: str, detail: str = "") -> None:
        self.tally[measure][tag] += 1
        if tag not in ("exact", "found", "absent", "right"):
            self.misses.append(f"{case}: {measure} {tag} {detail}".rstrip())

    def table(self) -> dict[str, dict[str, int]]:
        return {measure: dict(sorted(c.items())) for measure, c in sorted(self.tally.items())}


def score(root: Path) -> Scores:
    scores = Scores()
    for folder in cases(root):
        _score_case(folder, scores)
    return scores


def _score_case(folder: Path, scores: Scores) -> None:
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    text, _declared, _used = decode_html((folder / "page.html").read_bytes(), None)
    url, as_of, kind = meta["url"], date.fromisoformat(meta["as_of"]), meta["kind"]
    name = folder.name
    if "\ufffd" in text:
        scores.add("decoding", "replacement characters", name)
    doc = parse_html(text)
    title = title_of(doc)
    if kind == "home":
        _score_home(name, text, doc, title, url, as_of, expected, scores)
    elif kind == "list":
        facts = list_page_facts(text, url, as_of)
        # A year the page does not settle is no date yet: the crawl reads the item's page.
        got = None if facts["year_uncertain"] else _iso(facts["newest_date"])
        want = expected.get("newest_date")
        scores.add("list date", _date_tag(want, got), name, f"want {want} got {got}")
        empty = bool(facts["empty_marker"])
        right = "right" if empty == expected["empty"] else "wrong"
        scores.add("list empty", right, name, f"want {expected['empty']} got {empty}")
    elif kind == "article":
        dates = extract_dates(doc, as_of, title=title, url=url, is_home=False)
        want, got = expected.get("pub_date"), _iso(dates.pub_date or dates.date)
        scores.add("article date", _date_tag(want, got), name, f"want {want} got {got}")
    if "soft404" in expected:
        got_404 = bool(not_found_hint(doc, title))
        scores.add("error page", PRESENCE[(expected["soft404"], got_404)], name)
    if "closed_notice" in expected:
        got_closed = closed_notice(doc, title) is not None
        scores.add("closure notice", PRESENCE[(expected["closed_notice"], got_closed)], name)


def _score_home(
    name: str,
    text: str,
    doc: Any,
    title: str,
    url: str,
    as_of: date,
    expected: dict[str, Any],
    scores: Scores,
) -> None:
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=True)
    got = None if dates.year_uncertain else _iso(dates.date)
    want = expected.get("newest_date")
    scores.add("home date", _date_tag(want, got), name, f"want {want} got {got}")
    found = find_footer_elements(text, url, PROFILE.section("elements"))
    for element, shown in expected["elements"].items():
        tag = PRESENCE[(bool(shown), bool(found[element]["found"]))]
        scores.add("elements", tag, name, element)
    columns = discover_columns(text, url, PROFILE.section("categories"))
    names = [c.name for c in columns] + shown_names(text, url)
    # As a portal, where every required column is looked for (a department's optional ones too).
    present = columns_present(names, required_columns(PROFILE), "portal").found
    for label, shown in expected["mandatory_columns"].items():
        tag = PRESENCE[(bool(shown), bool(present.get(CATEGORIES[label])))]
        scores.add("columns", tag, name, label)
    if not_found_hint(doc, title) or closed_notice(doc, title) is not None:
        scores.add("home read as an error page", "wrong", name)
