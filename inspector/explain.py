"""`inspector explain`: what the inspector reads from one page, and why.

Inspectors need this to argue a verdict with a site operator ("your newest item is 2025-10-02,
this clock in the header is not a publication date"); it is also how extraction is tested on
real pages. A page is read exactly as a crawl reads it: same decoding, parser and extractors.
"""

from __future__ import annotations

import urllib.request
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from inspector.crawl.boards import BOARD, LIST, classify, next_page, read_list, read_message
from inspector.crawl.boards.rows import fields_of
from inspector.crawl.columns import discover_columns
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.notfound import closed_notice, not_found_hint
from inspector.crawl.extract.redirect import find_redirect
from inspector.crawl.footer import find_footer_elements
from inspector.crawl.policy import CrawlPolicy
from inspector.crawl.scope import same_page

FETCH_LIMIT = 20 * 1024 * 1024
MAX_HOME_HOPS = 3  # redirect stubs followed from a live home page, as the crawl does


def fetch(
    url: str, timeout: float = 15.0, user_agent: str = "inspector-explain"
) -> tuple[bytes, str | None, str]:
    """(body, header charset, final URL) of one GET."""
    request = urllib.request.Request(url, headers={"User-Agent": user_agent})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read(FETCH_LIMIT)
        return body, response.headers.get_content_charset(), response.geturl()


def looks_like_home(url: str) -> bool:
    parts = urlsplit(url)
    return same_page(url, f"{parts.scheme}://{parts.netloc}/")


def explain_bytes(
    body: bytes,
    url: str,
    as_of: date,
    policy: CrawlPolicy,
    *,
    header_charset: str | None = None,
    is_home: bool | None = None,
) -> dict[str, Any]:
    text, declared, used = decode_html(body, header_charset)
    doc = parse_html(text)
    title = title_of(doc)
    home = looks_like_home(url) if is_home is None else is_home
    dates = extract_dates(doc, as_of, title=title, url=url, is_home=home)
    stub = find_redirect(doc, url)
    notice = closed_notice(doc, title)
    kind = dates.kind
    if kind == "home" and not_found_hint(doc, title):
        kind = "not_found"
    columns = []
    if home:
        columns = [
            _plain(asdict(c))
            for c in discover_columns(
                text,
                url,
                policy.categories,
                rules=policy.column_rules,
            )
        ]
    return {
        "url": url,
        "title": title,
        "encoding": {"declared": declared, "used": used},
        "kind": kind,
        "date": _iso(dates.date),
        "pub_date": _iso(dates.pub_date),
        "newest_item_date": _iso(dates.newest_item_date),
        "meta_date": _iso(dates.meta_date),
        "item_dates": [_iso(d) for d in dates.item_dates],
        "year_uncertain": dates.year_uncertain,
        "newest_settled": _iso(dates.newest_settled),
        "generated": _iso(dates.generated),
        "redirect": (
            {"kind": stub.kind, "to": stub.url, "evidence": stub.evidence} if stub else None
        ),
        "closed_notice": ({"text": notice.text, "moved_to": notice.moved_to} if notice else None),
        "not_found_hint": not_found_hint(doc, title),
        "candidates": [
            {
                "text": c.text,
                "date": _iso(c.date),
                "rule": c.rule,
                "accepted": c.accepted,
                "reason": c.reason,
                "year": c.year,
                "item_url": c.url,
            }
            for c in dates.candidates
        ],
        "columns": columns,
        "elements": find_footer_elements(text, url, policy.element_patterns),
        "board": board_section(doc, text, url, title, policy),
    }


def board_section(
    doc: Any, text: str, url: str, title: str, policy: CrawlPolicy
) -> dict[str, Any] | None:
    """What the board reader reads on the page: the rows of a message list (each with what was
    read from it), or a message page's dates and reply. None for pages that are neither."""
    named = classify(title.split("_")[0].split("-")[0], url, policy.board_rules)
    is_board = named is not None and named.role in (BOARD, LIST)
    page = read_list(doc, url, text, policy.board_rules)
    detail = read_message(doc, url)
    one_letter = detail.asked_by == "label" and len(page.rows) <= 1  # a message page, not a list
    message_like = any(r.status or r.answered or r.asker or r.reply for r in page.rows)
    if page.rows and (is_board or message_like) and not one_letter:
        found = next_page(doc, url, text)
        return {
            "kind": "list",
            "shape": page.shape,
            "rows": [{**fields_of(r), "state": r.state or "unknown"} for r in page.rows],
            "next_page": found.url if found else None,
            "pagination": found.how if found else None,
        }
    if detail.fields and (detail.asked or detail.reply or detail.reply_shown_empty):
        return {
            "kind": "message",
            "asked": _iso(detail.asked),
            "answered": _iso(detail.answered),
            "status": detail.status,
            "state": detail.state or "unknown",
            "reply_unit": detail.reply_unit,
            "fields": detail.fields,
        }
    if is_board:
        return {
            "kind": "board",
            "empty_marker": page.empty_marker,
            "unreadable": page.unreadable,
            "list_links": page.list_links,
            "frame_url": page.frame_url,
        }
    return None


def explain_target(
    target: str,
    as_of: date,
    policy: CrawlPolicy,
    *,
    is_home: bool | None = None,
    base_url: str | None = None,
) -> dict[str, Any]:
    """A URL is fetched; anything else is a saved HTML file (read as if served at `base_url`)."""
    if target.startswith(("http://", "https://")):
        chain: list[dict[str, Any]] = []
        body, charset, final = fetch(target)
        report = explain_bytes(body, final, as_of, policy, header_charset=charset, is_home=is_home)
        # A home page that is a redirect stub: the page judged is where it sends the browser.
        home = is_home if is_home is not None else looks_like_home(final)
        while home and report["redirect"] and len(chain) < MAX_HOME_HOPS:
            hop = {"url": final, **report["redirect"]}
            if any(hop["to"] in (h["url"], h["to"]) for h in chain):
                break
            chain.append(hop)
            body, charset, final = fetch(hop["to"])
            report = explain_bytes(body, final, as_of, policy, header_charset=charset, is_home=True)
        report["home_chain"] = chain
        return report
    path = Path(target)
    body = path.read_bytes()
    url = base_url or f"file://{path.resolve()}"
    home = (looks_like_home(url) if base_url else False) if is_home is None else is_home
    return explain_bytes(body, url, as_of, policy, is_home=home)


def explain_stored(session: Any, run_id: int, url: str) -> dict[str, Any]:
    """What a stored run recorded for one of its pages (the HTML itself is not kept)."""
    from sqlalchemy import select

    from inspector.store.models import ColumnRow, PageRow, RunRow

    run = session.get(RunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the database")
    page = session.scalars(
        select(PageRow).where(
            PageRow.run_id == run_id, (PageRow.url == url) | (PageRow.final_url == url)
        )
    ).first()
    board = stored_board(session, run_id, url)
    if page is None and board is not None:
        return {"url": url, "board": board, "as_of": _iso(run.as_of), "stored": True}
    if page is None:
        raise LookupError(f"run {run_id} has no page {url}")
    facts = page.facts or {}
    columns = []
    if page.is_home:
        columns = [
            {
                "name": c.name,
                "canonical": c.canonical,
                "category": c.category,
                "url": c.url,
                "parent": c.parent,
                "newest_date": _iso(c.newest_date),
                "item_count": c.item_count,
            }
            for c in session.scalars(
                select(ColumnRow).where(ColumnRow.run_id == run_id).order_by(ColumnRow.id)
            )
        ]
    date_value = (
        page.pub_date if page.kind == "article" else (page.newest_item_date or page.pub_date)
    )
    return {
        "url": page.url,
        "title": page.title,
        "encoding": {"declared": page.encoding_declared, "used": page.encoding_used},
        "kind": page.kind,
        "date": _iso(date_value),
        "pub_date": _iso(page.pub_date),
        "newest_item_date": _iso(page.newest_item_date),
        "meta_date": _iso(page.meta_date),
        "not_found_hint": page.not_found_hint,
        "candidates": [
            {**c, "accepted": True, "reason": "", "item_url": c.get("url", "")}
            for c in facts.get("dates", [])
        ],
        "columns": columns,
        "elements": facts.get("elements", {}),
        "redirect": facts.get("redirect"),
        "home_chain": facts.get("home_chain", []),
        "item_page": facts.get("item_page"),
        "as_of": _iso(run.as_of),
        "stored": True,
        "board": board,
    }


def stored_board(session: Any, run_id: int, url: str) -> dict[str, Any] | None:
    """What the run read of the board at `url` (its list rows, as stored per message), or of
    the message at `url`; None when `url` is neither."""
    from inspector.store.boards import load_boards

    for board in load_boards(session, run_id):
        if url in (board.url, board.list_url):
            return {
                "kind": "list",
                "shape": "stored",
                "rows": [
                    {
                        **m.evidence,
                        "asked": _iso(m.asked),
                        "answered": _iso(m.answered),
                        "state": m.state,
                        "title": m.title,
                        "url": m.url,
                    }
                    for m in board.messages
                ],
                "next_page": None,
                "pagination": f"{board.list_pages} list pages, {board.detail_pages} message pages read",
            }
        for m in board.messages:
            if m.url == url:
                return {
                    "kind": "message",
                    "asked": _iso(m.asked),
                    "answered": _iso(m.answered),
                    "status": m.status,
                    "state": m.state,
                    "reply_unit": m.reply_unit,
                    "fields": dict(m.evidence),
                }
    return None


def render_text(report: dict[str, Any]) -> str:
    if "kind" not in report:  # a stored board or message that is not a stored page
        return "\n".join([f"page      {report['url']}", *_board_lines(report.get("board"))])
    lines = [
        f"page      {report['url']}",
        f"title     {report['title']}",
        f"encoding  declared {report['encoding']['declared'] or '-'}, decoded as {report['encoding']['used']}",
        f"kind      {report['kind']}"
        + (f" (shows “{report['not_found_hint']}”)" if report["not_found_hint"] else ""),
        f"date      {report['date'] or '-'}   publication {report['pub_date'] or '-'}, "
        f"newest item {report['newest_item_date'] or '-'}, meta {report['meta_date'] or '-'}",
        *_reading_lines(report),
        "",
        "date candidates:",
    ]
    for c in report["candidates"]:
        verdict = "accepted" if c["accepted"] else f"rejected: {c['reason']}"
        year = f" [year: {c['year']}]" if c.get("year") else ""
        lines.append(
            f"  {c['date'] or '?':<10}  {c['rule']:<16} {verdict:<22} {c['text'][:60]}{year}"
        )
    if report["columns"]:
        lines += ["", "columns:"]
        for col in report["columns"]:
            parent = f" (under {col['parent']})" if col.get("parent") else ""
            lines.append(
                f"  {col['name']:<12} {col['category']:<10} {col['canonical'] or '-':<8} {col['url']}{parent}"
            )
    lines += _board_lines(report.get("board"))
    lines += ["", "page elements:"]
    for name, info in report["elements"].items():
        if name.startswith("_"):
            continue
        value = f"{info.get('value')} ({info.get('where')})" if info.get("found") else "not found"
        if not info.get("found") and info.get("written_by"):
            value = "undecided: written by " + ", ".join(info["written_by"])
        lines.append(f"  {name:<15} {value}")
    return "\n".join(lines)


def _reading_lines(report: dict[str, Any]) -> list[str]:
    """Redirect stubs followed, the page's generation time, years left uncertain, notices."""
    lines = []
    for hop in report.get("home_chain") or []:
        lines.append(f"home via  {hop['url']} → {hop['to']} ({hop['kind']}: {hop['evidence']})")
    redirect = report.get("redirect")
    if redirect:
        lines.append(
            f"redirect  this page sends the browser to {redirect['to']} "
            f"({redirect['kind']}: {redirect['evidence']})"
        )
    if report.get("generated"):
        lines.append(f"generated {report['generated']} (the page's own generation time)")
    if report.get("year_uncertain"):
        lines.append(
            "year      the newest item shows month-day only and nothing settles its year: "
            f"it proves nothing (newest settled: {report.get('newest_settled') or '-'})"
        )
    item = report.get("item_page")
    if item:
        lines.append(f"item page {item.get('url')}: {item.get('date') or item.get('error') or '-'}")
    notice = report.get("closed_notice")
    if notice:
        lines.append(
            f"notice    {notice['text']}"
            + (f" → {notice['moved_to']}" if notice["moved_to"] else "")
        )
    return lines


def _board_lines(board: dict[str, Any] | None) -> list[str]:
    if not board:
        return []
    if board["kind"] == "list":
        lines = ["", f"message board list ({board['shape']}), {len(board['rows'])} rows:"]
        for row in board["rows"]:
            read = ", ".join(
                f"{k}={v}" for k, v in row.items() if k not in ("title", "url", "state")
            )
            lines.append(
                f"  {row.get('asked') or '?':<10}  {row['state']:<10}  {row.get('title', '')[:30]}"
            )
            lines.append(f"      {row.get('url') or '(no page of its own)'}")
            lines.append(f"      read: {read}")
        lines.append(f"  next page: {board['next_page'] or '-'} ({board['pagination'] or 'none'})")
        return lines
    if board["kind"] == "message":
        lines = ["", "message page:",
                 f"  asked {board['asked'] or '-'}, answered {board['answered'] or '-'}, "
                 f"state {board['state']}, status {board['status'] or '-'}, reply unit {board['reply_unit'] or '-'}"]  # fmt: skip
        lines += [f"  {label}: {value[:60]}" for label, value in board["fields"].items()]
        return lines
    reason = board.get("unreadable") or (
        f"empty ({board['empty_marker']})" if board.get("empty_marker") else ""
    )
    follow = board.get("list_links") or ([board["frame_url"]] if board.get("frame_url") else [])
    return ["", f"message board page without rows: {reason or 'the list is elsewhere'}"] + [
        f"  list: {u}" for u in follow
    ]


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _plain(record: dict[str, Any]) -> dict[str, Any]:
    return {k: _iso(v) if isinstance(v, date) else v for k, v in record.items()}
