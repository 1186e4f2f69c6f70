"""The 互动交流 part of a site report and of the export: one row per message board (messages
read, answered share, median days to answer, the overdue messages with links), and the 2019
score structure (indicator caps, bonus items) for the arithmetic table."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from inspector.boardfacts import UNREADABLE_REASONS, BoardFacts, board_stats
from inspector.store.boards import load_boards
from inspector.store.models import FindingRow, RunRow
from reports.format import fmt_number, safe_href
from reports.i18n import t

OVERDUE_CHECKS = ("interaction_unanswered", "interaction_late")
MESSAGES_SHOWN = 20  # overdue messages listed per board in a report

UNREADABLE_EN = {
    "login": "a login is needed to see the messages",
    "search_form": "only a query form (a code is needed), no public list",
    "write_form": "only a form to write, no public list",
    "script": "the list is written by script: no message in the page",
    "no_list": "no message list recognised on the page",
    "fetch_failed": "the board's page does not open",
    "external": "an off-site platform (not read)",
}


def board_order(board: BoardFacts) -> tuple[bool, str, str]:
    """Consultation boards first, then by URL: the same order whatever order pages came in."""
    return (board.kind != "consult", board.url, board.name)


def board_summary(board: BoardFacts) -> dict[str, Any]:
    """A board as the export shows it (`interaction.boards[]`)."""
    return {
        "name": board.name,
        "url": board.url,
        "list_url": board.list_url,
        "kind": board.kind,
        "excluded_by": board.excluded_by,
        "unreadable": board.unreadable,
        "empty_marker": board.empty_marker,
        "truncated": board.truncated,
        "list_pages": board.list_pages,
        "detail_pages": board.detail_pages,
        **board_stats(board.messages),
    }


def interaction_summary(
    boards: Sequence[BoardFacts], findings: Sequence[FindingRow]
) -> dict[str, Any]:
    """The per-site `interaction` object of the export."""
    count = {code: sum(1 for f in findings if f.check == code) for code in OVERDUE_CHECKS}
    veto = [f for f in findings if f.check == "interaction_veto"]
    return {
        "boards": [board_summary(b) for b in sorted(boards, key=board_order)],
        "consult_boards": sum(1 for b in boards if b.kind == "consult"),
        "messages": sum(len(b.messages) for b in boards if b.kind == "consult"),
        "unanswered": count["interaction_unanswered"],
        "late": count["interaction_late"],
        "veto": bool(veto),
        "veto_rules": sorted({str((f.detail or {}).get("rule")) for f in veto}),
    }


def board_view(
    session: Session, run: RunRow, findings: Sequence[FindingRow], lang: str
) -> list[dict[str, Any]]:
    """One row per board for the report's 互动交流 table."""
    overdue: dict[str, list[FindingRow]] = defaultdict(list)
    for f in findings:
        if f.check in OVERDUE_CHECKS:
            overdue[str((f.detail or {}).get("column", ""))].append(f)
    rows = []
    for board in sorted(load_boards(session, run.id), key=board_order):
        stats = board_stats(board.messages)
        share = stats["answered_share"]
        late = overdue.get(board.name, [])
        rows.append(
            {
                "name": board.name,
                "url": board.list_url or board.url,
                "href": safe_href(board.list_url or board.url),
                "state": _state(board, lang),
                "judged": board.kind == "consult" and not board.unreadable,
                "messages": stats["messages"],
                "answered_share": "—" if share is None else f"{fmt_number(round(share * 100, 1))}%",
                "median_days": "—"
                if stats["median_days"] is None
                else fmt_number(stats["median_days"]),
                "p90_days": "—" if stats["p90_days"] is None else fmt_number(stats["p90_days"]),
                "overdue": [_overdue(f, lang) for f in late[:MESSAGES_SHOWN]],
                "overdue_more": max(0, len(late) - MESSAGES_SHOWN),
            }
        )
    return rows


def _state(board: BoardFacts, lang: str) -> str:
    if board.kind == "excluded":
        return t(lang, "board_excluded", word=board.excluded_by)
    if board.unreadable:
        if lang == "en":
            return UNREADABLE_EN.get(board.unreadable, board.unreadable)
        return UNREADABLE_REASONS.get(board.unreadable, board.unreadable)
    if board.empty_marker or not board.messages:
        return t(lang, "board_empty")
    if board.truncated:
        return t(lang, "board_truncated")
    return t(lang, "board_read")


def _overdue(f: FindingRow, lang: str) -> dict[str, Any]:
    detail = f.detail or {}
    url = detail.get("message_url") or f.url
    if f.check == "interaction_late":
        text = t(
            lang,
            "message_late",
            asked=detail.get("asked"),
            answered=detail.get("answered"),
            days=detail.get("days"),
        )
    else:
        text = t(
            lang, "message_unanswered", asked=detail.get("asked"), days=detail.get("days_open")
        )
    return {"title": detail.get("title") or url, "href": safe_href(url), "text": text}


def score_extras(detail: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """Indicator caps and bonus items of a 2019-style score, for the arithmetic table."""
    indicators = [
        {
            "title": row.get("title") or row.get("indicator"),
            "raw": fmt_number(row.get("raw")),
            "cap": fmt_number(row.get("cap")),
            "deducted": fmt_number(row.get("deducted")),
            "capped": bool(row.get("capped")),
        }
        for row in detail.get("indicators") or []
        if isinstance(row, dict)
    ]
    bonus = detail.get("bonus") if isinstance(detail.get("bonus"), dict) else None
    bonus_view = None
    if bonus:
        reason = bonus.get("not_eligible_because") or ""
        bonus_view = {
            "items": [
                {
                    "title": item.get("title"),
                    "points": fmt_number(item.get("points")),
                    "earned": fmt_number(item.get("earned"))
                    if item.get("checked")
                    else t(lang, "not_checked"),
                }
                for item in bonus.get("items") or []
            ],
            "earned": fmt_number(bonus.get("earned")),
            "note": t(lang, f"bonus_{reason}", above=fmt_number(bonus.get("above")))
            if reason
            else "",
        }
    return {"indicators": indicators, "bonus": bonus_view}
