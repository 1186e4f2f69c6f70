"""Board reading over real HTTP: generated test sites in the shapes real government boards come
in (tests/boardsites.py), served by the test server, read the way the spider reads them
(tests/boarddriver.py), judged, and compared with each site's truth."""

from __future__ import annotations

from datetime import date

import pytest
from boarddriver import read_boards
from boardsites import SHAPES, build_site
from boardsites_more import MORE

from checks.interaction import InteractionRules, judge
from inspector.boardfacts import BoardFacts, MessageFacts

T = date(2026, 3, 20)
SEEDS = (1, 2, 3)


def keys(found: list[tuple[BoardFacts, MessageFacts, int]], prefix: str) -> set[str]:
    return {
        m.url.removeprefix(prefix) if m.url else f"{m.list_url.removeprefix(prefix)}|{m.title}"
        for _, m, _ in found
    }


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_board_site_is_read_right(server, shape: str, seed: int) -> None:  # noqa: ANN001
    pages, truth = build_site(shape, T, seed)
    name = f"boards-{shape}-{seed}"
    server.add_site(name, pages)
    prefix = server.site_url(name, "/")[:-1]
    boards, fetched = read_boards(prefix + "/", T)
    found = judge(boards, T, InteractionRules())
    assert keys(found.unanswered, prefix) == truth.unanswered
    assert keys(found.late, prefix) == truth.late
    assert bool(found.unanswered or found.late) == truth.veto2015
    assert {b.url.removeprefix(prefix) for b in found.empty} == truth.empty_boards
    unreadable = {b.url.removeprefix(prefix): b.unreadable for b in found.unreadable}
    assert unreadable == {path: reason for path, reason in truth.unreadable.items()}
    assert (found.channels == 0) == truth.no_channel
    excluded = [b for b in boards if b.kind == "excluded"]
    assert all(not b.messages for b in excluded)  # listed, never read


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("shape", sorted(MORE))
def test_more_board_sites_are_read_right(server, shape: str, seed: int) -> None:  # noqa: ANN001
    pages, truth = MORE[shape](T, seed)
    name = f"more-{shape}-{seed}"
    server.add_site(name, pages)
    prefix = server.site_url(name, "/")[:-1]
    boards, _fetched = read_boards(prefix + "/", T)
    found = judge(boards, T, InteractionRules())
    assert keys(found.unanswered, prefix) == truth.unanswered
    assert keys(found.late, prefix) == truth.late
    assert bool(found.unanswered or found.late) == truth.veto2015
    assert [b.name for b in boards if b.kind == "consult" and not b.messages] == []


def test_boards_of_non_board_sites_cost_nothing(server) -> None:  # noqa: ANN001
    server.add_site(
        "boards-none",
        {"/": "<html><body><a href='news/'>新闻动态</a><a href='zwgk/'>政务公开</a></body></html>"},
    )
    boards, fetched = read_boards(server.site_url("boards-none", "/"), T)
    assert boards == [] and fetched == 0
