"""A column's list page (page one): its items, its newest item date, 暂无信息 markers, and the
breadcrumb (当前位置：首页 > 信息公开 > 信息公开年报) that names the column and its parent."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from lxml import etree

from inspector.crawl.columns import ColumnRules, article_url, column_rules, normalise_name
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.page import date_evidence, uncertain_item
from inspector.crawl.extract.scripts import list_script
from inspector.crawl.markup import (
    LINKS,
    TEXT_OF,
    absolute,
    base_href,
    body_of,
    in_chrome,
    link_text,
    prepare,
)

__all__ = ["breadcrumb", "list_page_facts"]

_CRUMB_LABEL_RE = re.compile(
    r"(?:当前位置|您现在的位置|您的位置|现在位置|所在位置|当前页面|位置)\s*[:：]?"
)
_CRUMB_ATTR = etree.XPath(
    "//*[re:test(@class, 'crumb|position|location|dqwz|weizhi|curr?ent[-_]?pos', 'i')"
    " or re:test(@id, 'crumb|position|location|dqwz|weizhi|curr?ent[-_]?pos', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
EVIDENCE_ITEMS = 5  # newest dated items kept as evidence
HUB_NAME_MAX = 10  # a link name this short on an undated page is a sub-column, not an item
HUB_MIN_LINKS = 3


def list_page_facts(
    html: str,
    base_url: str,
    as_of: date,
    *,
    rules: ColumnRules | Mapping[str, Any] | None = None,
    item_dates: Mapping[str, date] | None = None,
) -> dict[str, Any]:
    """Facts of a column's list page (page one).

    `item_count`: links of the main list (the largest group of sibling item links with
    title-like texts outside the page chrome); `newest_date`: the newest list-item date, or the
    visible publication date when the column shows a single article; `year_uncertain`: that
    date was shown without a year and nothing on the page settles the year; `empty_marker`:
    the page shows 暂无信息/正在建设中… and no dated item; `evidence`: the newest dated items
    (text, date, rule, year, url); `breadcrumb`: the names of the page's 当前位置 trail;
    `uncertain_item`: the link of the newest item whose year stays uncertain (see page_facts);
    `item_dates`: dates read on items' own pages (href as written → date). A hub page (one
    that lists sub-columns, not items: nothing dated, its links short column names) has the
    evidence `[{"hub": [names]}]`: it is neither stale nor empty, its sub-columns are judged. A
    page without items whose list its scripts draw from data it does not hold (an ajax call, a
    template) has `[{"script_list": what shows it}]`: nobody could read it, so it is not judged.
    """
    rules = column_rules(rules)
    doc = prepare(html)
    dates = extract_dates(doc, as_of, url=base_url, item_dates=item_dates)
    newest = dates.newest_item_date
    uncertain = dates.year_uncertain
    if newest is None and dates.pub_date is not None:
        shown = any(
            c.accepted and c.date == dates.pub_date and not c.rule.startswith(("meta:", "url"))
            for c in dates.candidates
        )
        newest = dates.pub_date if shown else None
    items = _count_items(doc, rules)
    empty_marker = bool(_empty_marker(doc, rules)) and not dates.item_dates
    drawn = list_script(doc) if not items and newest is None and not empty_marker else ""
    return {
        "item_count": items,
        "newest_date": newest,
        "year_uncertain": uncertain,
        "newest_settled": dates.newest_settled,
        "empty_marker": empty_marker,
        "kind": dates.kind,
        "item_dates": list(dates.item_dates),
        "evidence": (
            [{"hub": hub}]
            if (hub := hub_page(doc, dates.item_dates, dates.kind, rules))
            else [{"script_list": drawn}]
            if drawn
            else date_evidence(dates, EVIDENCE_ITEMS, base_url)
        ),
        "breadcrumb": [name for name, _ in breadcrumb(doc, base_url, rules)],
        "uncertain_item": uncertain_item(dates),
    }


def breadcrumb(
    doc: etree._Element | str, base_url: str, rules: ColumnRules | None = None
) -> list[tuple[str, str]]:
    """The 当前位置 trail as (name, url) pairs, home page left out; [] when there is none."""
    rules = column_rules(rules)
    if isinstance(doc, str):
        doc = prepare(doc)
    base = base_href(doc, base_url)
    for container in _crumb_containers(doc):
        links = LINKS(container)
        if not links or len(links) > 8:
            continue
        trail = []
        for link in links:
            name = normalise_name(link_text(link), rules)
            if name and name.lower() not in {t.lower() for t in rules.ignore_texts}:
                trail.append((name, absolute(base, link.get("href"))))
        if trail:
            return trail
    return []


def _crumb_containers(doc: etree._Element) -> list[etree._Element]:
    found = list(_CRUMB_ATTR(doc))
    for text in TEXT_OF(body_of(doc)):
        if _CRUMB_LABEL_RE.match(text.strip()) and len(text.strip()) <= 12:
            parent = text.getparent()
            if text.is_tail and parent is not None:
                parent = parent.getparent()
            if parent is not None:
                found.append(parent)
    return found


def hub_page(doc: etree._Element, item_dates: Any, kind: str, rules: ColumnRules) -> list[str]:
    """A page that lists sub-columns rather than items: no dated item, not an article, no
    暂无信息 marker, and no title-like link at all, only short column-like names (a 新闻中心
    index of 要闻动态, 部门动态 …)."""
    if item_dates or kind == "article":
        return []
    body = body_of(doc)
    short: list[str] = []
    long = 0
    for link in LINKS(body):
        name = normalise_name(link_text(link), rules)
        href = (link.get("href") or "").strip().lower()
        if not name or href.startswith(("javascript", "#", "mailto:")) or in_chrome(link, body):
            continue
        if len(name) <= HUB_NAME_MAX and not article_url(href, rules):
            short.append(name)
        else:
            long += 1
    if len(short) >= HUB_MIN_LINKS and long == 0 and not _empty_marker(doc, rules):
        return list(dict.fromkeys(short))[:30]
    return []


def _count_items(doc: etree._Element, rules: ColumnRules) -> int:
    """Size of the largest group of sibling item links with title-like texts."""
    body = body_of(doc)
    groups: dict[etree._Element, int] = {}
    for link in LINKS(body):
        name = normalise_name(link_text(link), rules)
        url = link.get("href", "").strip()
        if len(name) < 5 or url.startswith(("javascript", "#", "mailto:")):
            continue
        if in_chrome(link, body):
            continue
        item = _item_of(link)
        container = item.getparent()
        if container is not None:
            groups[container] = groups.get(container, 0) + 1
    return max(groups.values(), default=0)


def _item_of(link: etree._Element) -> etree._Element:
    node = link
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            break
        node = parent
        if node.tag == "tr":
            table = _one_row_table(node)
            return node if table is None else table
        if node.tag in ("li", "dd", "dt"):
            return node
    return link.getparent() if link.getparent() is not None else link


def _one_row_table(row: etree._Element) -> etree._Element | None:
    """The table of a row that is its only row: one table per item (Hanweb records, old CMSs)
    makes the table the item, so that the items are siblings."""
    table = row.getparent()
    if table is not None and table.tag == "tbody":
        table = table.getparent()
    if table is None or table.tag != "table" or len(table.findall(".//tr")) != 1:
        return None
    return table


def _empty_marker(doc: etree._Element, rules: ColumnRules) -> str:
    body = body_of(doc)
    for text in TEXT_OF(body):
        stripped = text.strip()
        if not stripped or len(stripped) > 40:
            continue
        for marker in rules.empty_markers:
            if marker in stripped and not in_chrome(text.getparent(), body):
                return marker
    return ""
