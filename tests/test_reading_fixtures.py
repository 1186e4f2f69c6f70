"""Realistic pages of our own, one folder per case (web-poet style golden files).

`tests/fixtures/reading/<case>/` holds `page.html` (bytes in the page's own charset: GBK and
UTF-8 cases for every rule), `meta.json` (the URL it is served at, the as-of day, whether it is
a home page, the site kind) and `expected.json` (what a careful reader takes from it). Every
key present in expected.json is checked; adding a case is adding a folder.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from checks.columns import columns_present, required_columns
from inspector.crawl.columns import discover_columns, shown_names
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.notfound import closed_notice, not_found_hint
from inspector.crawl.extract.redirect import find_redirect
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.listpage import list_page_facts
from inspector.profile import load_profile

ROOT = Path(__file__).parent / "fixtures" / "reading"
CASES = sorted(p.name for p in ROOT.iterdir() if (p / "page.html").exists())
PROFILE = load_profile("census2015")


def load(case: str) -> tuple[str, dict, dict]:
    folder = ROOT / case
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    raw = (folder / "page.html").read_bytes()
    text, _declared, used = decode_html(raw, None)
    assert "\ufffd" not in text
    assert used == ("gb18030" if meta["encoding"] == "gbk" else "utf-8")
    return text, meta, expected


def test_every_rule_has_a_gbk_and_a_utf8_case():
    rules: dict[str, set[str]] = {}
    for case in CASES:
        rule = case.removeprefix("not-").split("-", 1)[0]
        rules.setdefault(rule, set()).add(case.rsplit("-", 1)[-1])
    assert {rule: kinds for rule, kinds in rules.items() if kinds != {"gbk", "utf8"}} == {}


@pytest.mark.parametrize("case", CASES)
def test_reading(case: str) -> None:
    text, meta, expected = load(case)
    url, as_of = meta["url"], date.fromisoformat(meta["as_of"])
    doc = parse_html(text)
    title = title_of(doc)
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=meta.get("home", False))
    got: dict[str, object] = {}
    if "kind" in expected:
        got["kind"] = dates.kind
    if "date" in expected:
        got["date"] = dates.date.isoformat() if dates.date else None
    if "year" in expected:  # where the newest month-day date got its year
        newest = max(
            (c for c in dates.candidates if c.accepted and c.rule == "list_item" and c.year),
            key=lambda c: c.date,
        )
        got["year"] = newest.year
    if "year_uncertain" in expected:
        got["year_uncertain"] = dates.year_uncertain
    if "settled" in expected:
        got["settled"] = dates.newest_settled.isoformat() if dates.newest_settled else None
    if "generated" in expected:
        got["generated"] = dates.generated.isoformat() if dates.generated else None
    redirect = find_redirect(doc, url)
    if "redirect" in expected:
        got["redirect"] = redirect.url if redirect else None
    if "redirect_kind" in expected:
        got["redirect_kind"] = redirect.kind if redirect else None
    if "not_found" in expected:
        got["not_found"] = bool(not_found_hint(doc, title))
    notice = closed_notice(doc, title)
    if "closed" in expected:
        got["closed"] = notice is not None
    if "moved_to" in expected:
        got["moved_to"] = notice.moved_to if notice else None
    got.update(_structure(text, meta, expected, as_of))
    assert got == {key: expected[key] for key in got}
    assert set(got) == set(expected), "every expected key is checked"


def _structure(text: str, meta: dict, expected: dict, as_of: date) -> dict[str, object]:
    url = meta["url"]
    got: dict[str, object] = {}
    columns = discover_columns(text, url, PROFILE.section("categories"))
    if "columns_present" in expected or "columns_absent" in expected:
        names = [c.name for c in columns] + shown_names(text, url)
        kind = meta.get("kind", "portal")
        found = columns_present(names, required_columns(PROFILE), kind).found
        if "columns_present" in expected:
            got["columns_present"] = [c for c in expected["columns_present"] if found.get(c)]
        if "columns_absent" in expected:
            got["columns_absent"] = [c for c in expected["columns_absent"] if not found.get(c)]
    if "columns_found" in expected:
        by_name = {c.name: c.url for c in columns}
        got["columns_found"] = {
            name: by_name[name].removeprefix(url.rstrip("/")) if name in by_name else None
            for name in expected["columns_found"]
        }
    if "not_columns" in expected:
        names = {c.name for c in columns}
        got["not_columns"] = [n for n in expected["not_columns"] if n not in names]
    if "elements" in expected:
        found = find_footer_elements(text, url)
        got["elements"] = {e: found[e]["found"] for e in expected["elements"]}
    if "breadcrumb" in expected or "item_count" in expected:
        facts = list_page_facts(text, url, as_of)
        if "breadcrumb" in expected:
            got["breadcrumb"] = facts["breadcrumb"]
        if "item_count" in expected:
            got["item_count"] = facts["item_count"]
    return got
