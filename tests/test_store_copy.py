"""PostgreSQL's COPY path (inspector/store/pgcopy.py) stores exactly what the executemany path
stores, bounded values included, and a refused batch is split the same way (real PostgreSQL);
the snapshot reads back the links checks need (both databases)."""

from __future__ import annotations

from typing import Any

from conftest import bare_runs
from sqlalchemy import text

from inspector.store.batch import Batch, write_isolated, write_rows, write_rows_executemany

TARGET_COLUMNS = (
    "url, internal, kind, method, status, reason, final_url, redirects, content_type, size, "
    "elapsed_ms, note, note_code, note_params"
)
LINK_COLUMNS = "source_url, target_url, element, attribute, text, fragment, position"


def _target(run_id: int, url: str, **kw: Any) -> dict[str, Any]:
    row = {
        "run_id": run_id,
        "url": url,
        "internal": True,
        "kind": "page",
        "method": "GET",
        "status": 200,
        "reason": "",
        "final_url": url,
        "redirects": [],
        "content_type": "text/html",
        "size": 1234,
        "elapsed_ms": 12,
        "note": "",
        "note_code": "",
        "note_params": None,
    }
    row.update(kw)
    return row


def _batches(run_id: int) -> list[Batch]:
    """Two batches of one run: awkward values, a URL twice in one batch, and an update of a
    target stored by the first batch."""
    long_url = "http://a/?" + "é" * 3000
    first = Batch(
        targets=[
            _target(run_id, "http://a/1.html"),
            _target(run_id, long_url, status=10**12, size=2**70, note="坏\x00" + "\ud800"),
            _target(
                run_id,
                "http://a/r",
                redirects=["http://a/x", "http://a/y"],
                note_params={"status": 404, "文字": "引号\"'\\\t\n"},
                reason="http_404",
                kind="resource",
                method="HEAD",
                status=None,
                size=None,
                elapsed_ms=None,
            ),
            _target(run_id, "http://a/twice", status=500, note="first"),
            _target(run_id, "http://a/twice", status=404, note="second"),
            _target(run_id, "http://a/tab\there", content_type="x" * 500, note="\\N"),
        ],
        links=[
            (run_id, "http://a/", "http://a/1.html", "a", "href", "首页", "", "nav"),
            (run_id, "http://a/", long_url, "a" * 40, "href", "长\x00", "frag", "content"),
            (run_id, "http://a/", "http://a/r", "img", "src", "\\N", "", ""),
            (run_id, "http://a/", "http://a/r", "img", "src", "t\ud800" * 15_000, "", "footer"),
            (run_id, "http://a/", "http://a/tab\there", "a", "href", "a\tb\nc\\d", "x\ry", "nav"),
            (run_id, "http://a/", "http://a/1.html", "a", "href", "", "", "nav"),
        ],
    )
    second = Batch(
        targets=[_target(run_id, "http://a/1.html", status=404, reason="http_404")],
        links=[(run_id, "http://a/1.html", "http://a/", "a", "href", "返回", "", "nav")],
    )
    # Columns left out get their Python-side defaults (method GET, redirects [] …).
    third = Batch(targets=[{"run_id": run_id, "url": "http://a/few", "internal": 0, "kind": "x"}])
    return [first, second, third]


def _stored(sessions: Any, run_id: int) -> tuple[list[Any], list[Any]]:
    """Every column but ids as PostgreSQL's own text (NULL stays None): JSON null, 'null' and
    NULL, or an integer clamped differently, would not compare equal."""
    with sessions() as s:
        targets = s.execute(
            text(
                f"SELECT {', '.join(f'({c.strip()})::text' for c in TARGET_COLUMNS.split(','))} "
                "FROM target WHERE run_id = :r ORDER BY url"
            ),
            {"r": run_id},
        ).all()
        links = s.execute(
            text(
                f"SELECT {', '.join(f'({c.strip()})::text' for c in LINK_COLUMNS.split(','))} "
                "FROM link WHERE run_id = :r ORDER BY id"
            ),
            {"r": run_id},
        ).all()
    return [tuple(r) for r in targets], [tuple(r) for r in links]


def test_copy_stores_what_executemany_stores(pg_url):
    (by_executemany, by_copy), sessions = bare_runs(pg_url, 2)
    for batch in _batches(by_executemany):
        assert write_isolated(sessions, batch, write_rows_executemany) == []
    for batch in _batches(by_copy):
        assert write_isolated(sessions, batch, write_rows) == []
    expected, got = _stored(sessions, by_executemany), _stored(sessions, by_copy)
    assert got == expected
    targets, links = got
    assert len(targets) == 6 and len(links) == 7
    twice = next(t for t in targets if t[0] == "http://a/twice")
    assert (twice[4], twice[11]) == ("404", "second")  # the last row of the batch wins
    few = next(t for t in targets if t[0] == "http://a/few")
    assert (few[3], few[7]) == ("GET", "[]")
    updated = next(t for t in targets if t[0] == "http://a/1.html")
    assert updated[4] == "404"  # the second batch's upsert replaced the first row


def test_a_refused_copy_is_split_like_a_refused_executemany(pg_url):
    """Rows of a run that does not exist are refused (foreign key) in both tables; the good rows
    of the same batch land, and the failures are the same whichever path wrote them."""
    (by_executemany, by_copy), sessions = bare_runs(pg_url, 2)
    failures = {}
    for run_id, write in ((by_executemany, write_rows_executemany), (by_copy, write_rows)):
        missing = run_id + 1000
        batch = Batch(
            targets=[_target(run_id, "http://a/1"), _target(missing, "http://a/bad-target")],
            links=[
                (run_id, "http://a/", "http://a/1", "a", "href", "一", "", "nav"),
                (missing, "http://a/", "http://a/bad-link", "a", "href", "二", "", "nav"),
                (run_id, "http://a/", "http://a/2", "a", "href", "三", "", "nav"),
            ],
        )
        failed = write_isolated(sessions, batch, write)
        failures[write] = [(f.run_id - run_id, f.table, f.url) for f in failed]
        assert all("foreign key" in f.error or "ForeignKey" in f.error for f in failed)
    assert (
        failures[write_rows]
        == failures[write_rows_executemany]
        == [
            (1000, "target", "http://a/bad-target"),
            (1000, "link", "http://a/bad-link"),
        ]
    )
    assert _stored(sessions, by_copy) == _stored(sessions, by_executemany)
    targets, links = _stored(sessions, by_copy)
    assert [t[0] for t in targets] == ["http://a/1"] and len(links) == 2


def test_the_snapshot_reads_the_links_checks_need(db_url):
    """The home page's links, links to problem targets and links naming a fragment, of one run
    only (another run's rows written between its own), in (target, id) order; on both
    databases."""
    from inspector.store.snapshot import _links

    (mine, other), sessions = bare_runs(db_url, 2)
    home, page = "http://a/", "http://a/p.html"

    def link(run_id: int, source: str, target: str, fragment: str = "") -> tuple[Any, ...]:
        return (run_id, source, target, "a", "href", "文", fragment, "content")

    batches = [
        Batch(
            targets=[_target(mine, "http://a/gone", reason="http_404", status=404)],
            links=[link(mine, page, "http://a/z"), link(other, home, "http://a/gone")],
        ),
        Batch(
            links=[
                link(other, page, "http://a/x", "frag"),
                link(mine, page, "http://a/gone"),
                link(mine, home, "http://a/z"),
                link(other, page, "http://a/gone"),
                link(mine, page, "http://a/b", "top"),
                link(mine, page, "http://a/ok"),
                link(mine, home, "http://a/a"),
            ]
        ),
    ]
    for batch in batches:
        assert write_isolated(sessions, batch, write_rows) == []
    with sessions() as s:
        found = [(f.source_url, f.target_url, f.fragment) for f in _links(s, mine, home)]
        assert _links(s, 999_999, home) == []
    assert found == [
        (home, "http://a/a", ""),
        (page, "http://a/b", "top"),
        (page, "http://a/gone", ""),
        (home, "http://a/z", ""),
    ]
