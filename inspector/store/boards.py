"""Message boards and their messages in the `board` and `message` tables; 办事指南 samples in
`run.stats["service_guides"]` (a list of `inspector.guidefacts.guide_to_dict` objects)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from inspector.boardfacts import BoardFacts, MessageFacts, board_fields
from inspector.guidefacts import GuideFacts, guide_from_dict, guide_to_dict
from inspector.store.bounds import bounded_row, bounded_rows
from inspector.store.db import table
from inspector.store.models import BoardRow, MessageRow, RunRow

GUIDES_KEY = "service_guides"


def store_boards(session: Session, run_id: int, boards: Sequence[BoardFacts]) -> None:
    """Replace the run's boards and messages (a re-run of the same run id writes them anew)."""
    session.execute(delete(MessageRow).where(MessageRow.run_id == run_id))
    session.execute(delete(BoardRow).where(BoardRow.run_id == run_id))
    messages: list[dict[str, Any]] = []
    for board in boards:
        values = {"run_id": run_id, **board_fields(board)}
        row = BoardRow(**bounded_row(table(BoardRow), values))
        session.add(row)
        session.flush()  # the board's id, for its messages
        messages += [_message_row(run_id, row.id, m) for m in board.messages]
    if messages:
        session.execute(table(MessageRow).insert(), bounded_rows(table(MessageRow), messages))


def _message_row(run_id: int, board_id: int, message: MessageFacts) -> dict[str, Any]:
    return {
        "run_id": run_id,
        "board_id": board_id,
        "url": message.url,
        "list_url": message.list_url,
        "title": message.title,
        "asker": message.asker,
        "asked": message.asked,
        "answered": message.answered,
        "status": message.status,
        "state": message.state,
        "reply_unit": message.reply_unit,
        "source": message.source,
        "evidence": dict(message.evidence),
    }


def load_boards(session: Session, run_id: int) -> list[BoardFacts]:
    """The run's boards, in the order the crawl found them, each with its messages."""
    by_board: dict[int, list[MessageFacts]] = {}
    for m in session.scalars(
        select(MessageRow).where(MessageRow.run_id == run_id).order_by(MessageRow.id)
    ):
        by_board.setdefault(m.board_id, []).append(
            MessageFacts(
                url=m.url,
                list_url=m.list_url,
                title=m.title,
                asker=m.asker,
                asked=m.asked,
                answered=m.answered,
                status=m.status,
                state=m.state,
                reply_unit=m.reply_unit,
                source=m.source,
                evidence=m.evidence or {},
            )
        )
    return [
        BoardFacts(
            name=b.name,
            url=b.url,
            list_url=b.list_url,
            kind=b.kind,
            excluded_by=b.excluded_by,
            source=b.source,
            list_pages=b.list_pages,
            detail_pages=b.detail_pages,
            messages=tuple(by_board.get(b.id, ())),
            unreadable=b.unreadable,
            empty_marker=b.empty_marker,
            truncated=b.truncated,
            notes=tuple(b.notes or ()),
        )
        for b in session.scalars(
            select(BoardRow).where(BoardRow.run_id == run_id).order_by(BoardRow.id)
        )
    ]


def message_states(session: Session, run_id: int) -> dict[str, tuple[str, Any]]:
    """Message key → (state, answered date) of a run: whether an unanswered message got its reply."""
    states: dict[str, tuple[str, Any]] = {}
    for board in load_boards(session, run_id):
        for m in board.messages:
            states.setdefault(m.key, (m.state, m.answered))
    return states


def guides_of_run(run: RunRow) -> list[GuideFacts]:
    return [guide_from_dict(g) for g in (run.stats or {}).get(GUIDES_KEY, ())]


def guides_stats(guides: Sequence[GuideFacts]) -> list[dict[str, Any]]:
    return [guide_to_dict(g) for g in guides]
