"""One hostile page or row never costs the run: bounded values, row-by-row retry, store errors.

Real crawls of the hostile test server into SQLite and the real PostgreSQL, with a healthy site
in the same run.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import pytest_twisted
from conftest import bare_runs, crawl, open_session, site
from sqlalchemy import Engine, func, select, text

from inspector.store.batch import LINK_COLUMNS, Batch, row_refused, write_isolated
from inspector.store.bounds import (
    KEY_MAX_BYTES,
    bounded_key,
    bounded_row,
    bounded_tuples,
    clean_text,
    column_bounds,
)
from inspector.store.db import ensure_schema, get_engine, session_factory, table
from inspector.store.models import FindingRow, LinkRow, PageRow, RunRow, TargetRow
from reports.export import export_data
from reports.render import render_reports, site_filename

LONG_QUERY = "q=" + "x" * 9000


def _hostile_pages() -> dict:
    long_link = f'<a href="deep.html?{LONG_QUERY}">很长的链接</a>'
    return {
        "/": (
            '<html><head><meta charset="utf-8"><title>恶意站点</title></head><body>'
            '<a href="charset.html">字符集</a> <a href="long.html">长链接</a> '
            '<a href="refuse-me.html">数据库拒收的页面</a> <a href="nul.html">空字符</a> '
            f"{long_link}<p>2026-11-20</p></body></html>"
        ),
        "/charset.html": {
            "headers": {"Content-Type": "text/html; charset=" + "a" * 300},
            "body": '<html><head><title>字符集</title></head><body><a href="./">首页</a></body></html>',
        },
        "/long.html": f"<html><head><title>长</title></head><body>{long_link}</body></html>",
        "/deep.html": "<html><head><title>深</title></head><body><p>深</p></body></html>",
        # NUL in the title, a link's text and its URL: PostgreSQL refuses NUL in text.
        "/nul.html": (
            "<html><head><title>标\x00题</title></head><body>"
            '<a href="./?q=a\x00b">首\x00页</a></body></html>'
        ),
        "/refuse-me.html": "<html><head><title>拒收</title></head><body><p>拒收</p></body></html>",
    }


def _count(s, model, run_id: int) -> int:
    return s.scalar(select(func.count()).select_from(model).where(model.run_id == run_id)) or 0


def _refuse_rows(engine: Engine) -> None:
    """Make the database itself refuse any page row and link whose URL says "refuse-me" — a
    stand-in for whatever refusal nobody foresaw (bounding makes the known ones impossible)."""
    ensure_schema(engine)
    with engine.begin() as c:
        if engine.dialect.name == "sqlite":
            for name, col in (("page", "url"), ("link", "target_url")):
                c.execute(
                    text(
                        f"CREATE TRIGGER refuse_{name} BEFORE INSERT ON {name} "
                        f"WHEN NEW.{col} LIKE '%refuse-me%' "
                        "BEGIN SELECT RAISE(ABORT, 'refused by the test database'); END"
                    )
                )
        else:
            c.execute(
                text("ALTER TABLE page ADD CONSTRAINT refuse CHECK (url NOT LIKE '%refuse-me%')")
            )
            c.execute(
                text(
                    "ALTER TABLE link ADD CONSTRAINT refuse CHECK (target_url NOT LIKE '%refuse-me%')"
                )
            )


@pytest_twisted.ensureDeferred
async def test_hostile_values_and_refused_rows_cost_neither_the_run_nor_the_other_site(
    server, db_url, tmp_path: Path
):
    server.add_site("hostile-store", _hostile_pages())
    _refuse_rows(get_engine(db_url))
    runs = await crawl(
        [
            site("hostile", server.site_url("hostile-store", "/")),
            site("basic", server.site_url("basic", "/")),
        ],
        db_url,
        INSPECTOR_BATCH_SIZE=1000,  # the refused rows share their batch with good ones
    )
    with open_session(db_url) as s:
        hostile, basic = s.get(RunRow, runs["hostile"]), s.get(RunRow, runs["basic"])
        assert hostile.status == basic.status == "finished"
        assert _count(s, PageRow, basic.id) == basic.pages_crawled >= 6
        # Every page but the refused one: home, charset, long, deep (a 9,000-character URL), nul.
        assert _count(s, PageRow, hostile.id) == hostile.pages_crawled >= 5
        titles = set(s.scalars(select(PageRow.title).where(PageRow.run_id == hostile.id)))
        assert not any("\x00" in t for t in titles)
        declared = s.scalar(
            select(PageRow.encoding_declared).where(
                PageRow.run_id == hostile.id, PageRow.url.like("%charset.html")
            )
        )
        assert declared.startswith("header:aaa") and declared.endswith("…")
        assert len(declared) == 100
        deep = s.scalar(
            select(PageRow.url).where(PageRow.run_id == hostile.id, PageRow.url.like("%deep.html%"))
        )
        assert len(deep.encode()) <= KEY_MAX_BYTES and "sha256:" in deep
        # The same URL is cut the same way in every table: links still find their target.
        links = s.scalars(
            select(LinkRow.target_url).where(
                LinkRow.run_id == hostile.id, LinkRow.target_url.like("%deep.html%")
            )
        ).all()
        assert links and set(links) == {deep}
        assert (
            s.scalar(
                select(TargetRow.reason).where(
                    TargetRow.run_id == hostile.id, TargetRow.url == deep
                )
            )
            == ""
        )
        site_export = {x["site_id"]: x for x in export_data(s)["sites"]}
        index = render_reports(s, tmp_path / "reports", "en")
    errors = site_export["hostile"]["store_errors"]
    assert errors["count"] >= 2  # the page row, and the links to it (home, home?q=…)
    assert {(r["table"], r["url"].rsplit("/", 1)[-1]) for r in errors["rows"]} == {
        ("page", "refuse-me.html"),
        ("link", "refuse-me.html"),
    }
    assert all("refuse" in r["error"] for r in errors["rows"])
    assert site_export["basic"]["store_errors"] == {"count": 0, "rows": []}
    report = (index.parent / "sites" / site_filename("hostile")).read_text("utf-8")
    assert f"{errors['count']} crawled records could not be stored" in report
    assert "refuse-me.html" in report
    healthy = (index.parent / "sites" / site_filename("basic")).read_text("utf-8")
    assert 'id="store-errors"' not in healthy
    json.dumps(site_export)  # the export stays plain JSON


def test_a_refused_row_is_retried_alone_and_reported(db_url):
    """A batch with a row the database refuses (a run that does not exist): the others land."""
    (run_id,), sessions = bare_runs(db_url)
    good = {"run_id": run_id, "url": "http://a/1", "internal": True, "kind": "page"}
    bad = {**good, "run_id": run_id + 1000, "url": "http://a/2"}
    link = (run_id, "http://a/", "http://a/1", "a", "href", "一", "", "content")
    failures = write_isolated(sessions, Batch(targets=[good, bad], links=[link, link]))
    assert [(f.run_id, f.table, f.url) for f in failures] == [
        (run_id + 1000, "target", "http://a/2")
    ]
    with sessions() as s:
        assert s.scalars(select(TargetRow.url)).all() == ["http://a/1"]
        assert _count(s, LinkRow, run_id) == 2


def test_values_are_bounded_by_their_columns():
    row = bounded_row(
        table(PageRow),
        {
            "url": "http://a/?" + "é" * 5000,
            "title": "标题\x00" + "\ud800",
            "encoding_declared": "x" * 500,
            "status": 10**12,
            "facts": {"kept": "x" * 50_000},
        },
    )
    assert len(row["url"].encode()) <= KEY_MAX_BYTES and row["url"].startswith("http://a/?é")
    assert row["title"] == "标题\ufffd\ufffd"
    assert row["encoding_declared"] == "x" * 99 + "…"
    assert row["status"] == 2**31 - 1
    assert row["facts"] == {"kept": "x" * 50_000}
    # Two long URLs with the same beginning stay apart; the same URL is always cut the same way.
    a, b = "http://a/?" + "x" * 3000 + "1", "http://a/?" + "x" * 3000 + "2"
    assert bounded_key(a) != bounded_key(b) and bounded_key(a) == bounded_key(a)
    assert bounded_key("http://a/") == "http://a/" and clean_text("ok") == "ok"
    # A finding's identity naming a bounded URL stays whole (tracking and reviews compare it).
    identity = "broken_link|site|" + bounded_key(a)
    assert bounded_row(table(FindingRow), {"identity": identity})["identity"] == identity
    assert len(bounded_row(table(FindingRow), {"identity": a})["identity"].encode()) <= 2500


def test_link_tuples_are_bounded_as_each_value_alone():
    """The column-at-a-time bounding of link rows gives exactly what bounding every value does,
    for plain batches (passed as they are) and for batches with one awkward value per column."""
    bounds = column_bounds(table(LinkRow))

    def one_by_one(rows):
        return [
            tuple(bounds[c](v) if c in bounds else v for c, v in zip(LINK_COLUMNS, r, strict=True))
            for r in rows
        ]

    plain = [
        (7, "http://a/", f"http://a/{i}.html", "a", "href", "通知公告", "", "nav")
        for i in range(50)
    ]
    assert bounded_tuples(table(LinkRow), LINK_COLUMNS, plain) == plain
    awkward_values = [
        2**40, True, None, -(2**40), "x" * 501, "é" * 501, "é" * 499, "\x00", "a\ud800b",
        "t" * 21, "文" * 20, "文" * 21, "y" * 20_001, "", 3.5,
    ]  # fmt: skip
    for column in range(len(LINK_COLUMNS)):
        for value in awkward_values:
            awkward = (*plain[3][:column], value, *plain[3][column + 1 :])
            rows = [*plain[:3], awkward, *plain[4:6]]
            assert bounded_tuples(table(LinkRow), LINK_COLUMNS, rows) == one_by_one(rows), (
                LINK_COLUMNS[column],
                value,
            )


def test_a_lost_database_is_not_a_refused_row(tmp_path: Path):
    """Row-by-row retry is for rows: when the database itself fails, the error is raised."""
    from sqlalchemy.exc import OperationalError

    url = f"sqlite:///{tmp_path / 'gone.db'}"
    engine = get_engine(url)
    ensure_schema(engine)
    with engine.begin() as c:
        c.execute(text("DROP TABLE link"))
    batch = Batch(links=[(1, "http://a/", "http://a/1", "a", "href", "", "", "content")])
    with pytest.raises(OperationalError) as caught:
        write_isolated(session_factory(engine), batch)
    assert not row_refused(caught.value)


def test_store_errors_wait_for_the_database(tmp_path: Path, db_url):
    """Rows lost while the database itself failed are counted on their run once it answers."""
    from inspector.store.batch import RowFailure, StoreErrors, store_errors

    (run_id,), sessions = bare_runs(db_url, stats={"kept": 1})
    gone = get_engine(f"sqlite:///{tmp_path / 'gone.db'}")  # no tables: every write fails
    errors = StoreErrors()
    errors.add([RowFailure(run_id, "link", f"http://a/{i}", "lost") for i in range(30)])
    with pytest.raises(Exception, match="no such table"):
        errors.record(session_factory(gone))
    errors.add([RowFailure(run_id, "page", "http://a/x", "refused")])
    errors.record(sessions)
    errors.record(sessions)  # nothing pending: nothing added twice
    with sessions() as s:
        run = s.get(RunRow, run_id)
        assert store_errors(run)["count"] == 31 and len(store_errors(run)["rows"]) == 20
        assert run.stats["kept"] == 1
