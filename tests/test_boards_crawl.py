"""Message boards end to end: real crawls (Scrapy, the test server on 127.0.0.1) of generated
board sites into SQLite and PostgreSQL: findings, veto, storage, score."""

from __future__ import annotations

from datetime import date

import pytest
import pytest_twisted
from boardsites import SHAPES, build_site
from boardsites_more import MORE
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.boards import load_boards
from inspector.store.models import FindingRow, RunRow

T = date(2026, 3, 20)


def findings(db_url: str, run_id: int, check: str) -> list[FindingRow]:
    with open_session(db_url) as s:
        return list(
            s.scalars(select(FindingRow).where(FindingRow.run_id == run_id, FindingRow.check == check))
        )


def message_keys(rows: list[FindingRow], prefix: str) -> set[str]:
    keys = set()
    for row in rows:
        url = row.detail["message_url"]
        keys.add(url.removeprefix(prefix) if url else f"{row.detail['list_url'].removeprefix(prefix)}|{row.detail['title']}")
    return keys


async def crawl_shape(server, db_url: str, name: str, pages: dict, **settings) -> tuple[int, str]:  # noqa: ANN001, ANN003
    server.add_site(name, pages)
    base = server.site_url(name, "/")
    runs = await crawl([site(name, base)], db_url, as_of=T, **settings)
    return runs[name], base[:-1]


@pytest.mark.parametrize("shape", [*SHAPES, *sorted(MORE)])
@pytest_twisted.ensureDeferred
async def test_board_sites_crawled_and_judged(server, sqlite_url, shape: str) -> None:  # noqa: ANN001
    pages, truth = MORE[shape](T, 5) if shape in MORE else build_site(shape, T, 5)
    run_id, prefix = await crawl_shape(server, sqlite_url, f"crawl-{shape}", pages)
    assert message_keys(findings(sqlite_url, run_id, "interaction_unanswered"), prefix) == truth.unanswered
    assert message_keys(findings(sqlite_url, run_id, "interaction_late"), prefix) == truth.late
    vetoes = findings(sqlite_url, run_id, "interaction_veto")
    assert bool(vetoes) == truth.veto2015
    with open_session(sqlite_url) as s:
        run = s.get(RunRow, run_id)
        assert (run.verdict == "fail") == truth.veto2015
        assert run.check_errors == {}


@pytest_twisted.ensureDeferred
async def test_board_site_on_both_databases(server, db_url) -> None:  # noqa: ANN001
    pages, truth = build_site("trs", T, 1)
    run_id, prefix = await crawl_shape(server, db_url, "crawl-db-trs", pages)
    unanswered = findings(db_url, run_id, "interaction_unanswered")
    assert message_keys(unanswered, prefix) == truth.unanswered
    first = unanswered[0]
    assert first.url == first.detail["message_url"]
    assert set(first.detail) >= {"column", "list_url", "message_url", "asked", "days_open"}
    assert first.detail["column"] in ("县长信箱", "咨询投诉")
    with open_session(db_url) as s:
        boards = load_boards(s, run_id)
    assert {b.name: b.kind for b in boards}["在线访谈"] == "excluded"
    consult = [b for b in boards if b.kind == "consult"]
    assert sum(len(b.messages) for b in consult) == 77
    assert all(b.list_pages >= 1 and not b.unreadable for b in consult)


@pytest_twisted.ensureDeferred
async def test_no_channel_is_a_2019_veto(server, sqlite_url) -> None:  # noqa: ANN001
    pages, _truth = build_site("nochannel", T, 1)
    run_2015, _ = await crawl_shape(server, sqlite_url, "crawl-nochannel", pages)
    assert findings(sqlite_url, run_2015, "interaction_veto") == []
    run_2019, _ = await crawl_shape(
        server, sqlite_url, "crawl-nochannel", pages, INSPECTOR_RULES="spotcheck2019"
    )
    assert [f.detail["rule"] for f in findings(sqlite_url, run_2019, "interaction_veto")] == ["no_channel"]
    assert len(findings(sqlite_url, run_2019, "interaction_no_channel")) == 1
