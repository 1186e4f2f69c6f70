"""Shared fixtures: the hostile test server, databases (SQLite and the real PostgreSQL), crawls.

Crawls run in-process with Scrapy's CrawlerRunner on the asyncio reactor (pytest-twisted,
`--reactor=asyncio` in pyproject.toml); the test web server runs in a subprocess so it never
shares the crawler's reactor.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

# Every crawl of the tests reads its pages in its own process (inherited by the commands the
# tests start); the tests of the reader processes set INSPECTOR_READ_PROCESSES themselves.
os.environ["INSPECTOR_READ_PROCESSES"] = "0"
# The wording matchers the tests generate are kept in a folder of their own, not the user's
# cache, and removed at the end (set here: test modules compile lexicons when imported).
if "INSPECTOR_CACHE_DIR" not in os.environ:
    os.environ["INSPECTOR_CACHE_DIR"] = tempfile.mkdtemp(prefix="inspector-test-cache-")
    atexit.register(shutil.rmtree, os.environ["INSPECTOR_CACHE_DIR"], ignore_errors=True)

import inspector  # noqa: F401 - sets the offline tldextract configuration first

REPO = Path(__file__).resolve().parents[1]
REALPAGES = REPO.parent / "shared" / "realpages"
PEER_SUITES = REPO.parent / "shared" / "peer-suites"
PG_ADMIN_URL = os.environ.get(
    "INSPECTOR_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def server() -> Iterator[Any]:
    from servers import start_server

    with start_server() as srv:
        yield srv


@pytest.fixture(scope="session")
def demo_server() -> Iterator[Any]:
    """The bundled demo site, served in a thread (its slow link answers after 1 s)."""
    from inspector.demo.server import serve

    srv, _thread = serve(port=0, slow_seconds=1.0)
    yield srv
    srv.shutdown()
    srv.server_close()


def _pg_available() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means: not available here
        return f"{type(exc).__name__}: {exc}"


def require_pg() -> None:
    why = _pg_available()
    if why is None:
        return
    if os.environ.get("INSPECTOR_REQUIRE_PG") == "1":
        pytest.fail(f"PostgreSQL is required (INSPECTOR_REQUIRE_PG=1) but not reachable: {why}")
    pytest.skip(f"PostgreSQL at {PG_ADMIN_URL} not reachable ({why}); set INSPECTOR_PG_URL")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    require_pg()
    import psycopg

    name = f"inspector_test_{uuid.uuid4().hex[:10]}"
    dsn = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    from inspector.store.db import _engines

    for key in [k for k in _engines if k.endswith("/" + name)]:
        _engines.pop(key).dispose()
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_proxy(pg_url: str) -> Iterator[tuple[str, Any]]:
    """The test's PostgreSQL database through a TCP proxy of its own (tests/tcpproxy.py), as
    (URL through the proxy, proxy): cutting it loses the database for whoever uses that URL
    only — the test itself, and every other test, talk to PostgreSQL directly."""
    from sqlalchemy.engine import make_url
    from tcpproxy import TcpProxy

    url = make_url(pg_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        yield url.set(host="127.0.0.1", port=proxy.port).render_as_string(False), proxy


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'inspector.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inspector.db'}"
    return request.getfixturevalue("pg_url")


AS_OF = date(2026, 11, 28)

# Settings for test crawls: short timeouts so hostile endpoints cost seconds, not minutes.
TEST_SETTINGS = {
    "DOWNLOAD_TIMEOUT": 3,
    "LOG_LEVEL": "WARNING",
    "INSPECTOR_HOME_RETRIES": 1,
    "INSPECTOR_FLUSH_SECONDS": 0.5,
    "INSPECTOR_SITE_CONCURRENCY": 8,
}


async def crawl(
    sites: list[Any],
    db_url: str,
    as_of: date = AS_OF,
    *,
    crawler_hook: Callable[[Any], None] | None = None,
    **settings: Any,
) -> dict[str, int]:
    """Crawl `sites` into `db_url` in this process; returns {site_id: run_id}.
    `crawler_hook(crawler)` runs before the crawl starts (to connect signals)."""
    from scrapy.crawler import CrawlerRunner
    from twisted.internet import reactor

    from inspector.crawl.resolver import StaticHostsResolver
    from inspector.options import build_settings
    from spiders.site import SiteSpider

    s = build_settings({**TEST_SETTINGS, **settings}, db_url=db_url)
    runner = CrawlerRunner(s)
    crawler = runner.create_crawler(SiteSpider)
    # CrawlerProcess installs the resolver of TWISTED_DNS_RESOLVER; CrawlerRunner leaves that
    # to its caller. Without it a made-up name would go to a real DNS server.
    StaticHostsResolver.from_crawler(crawler, reactor).install_on_reactor()
    if crawler_hook is not None:
        crawler_hook(crawler)
    await runner.crawl(crawler, sites=sites, as_of=as_of, batch="test")
    return dict(crawler.spider.run_ids)


def site(site_id: str, url: str, **kw: Any) -> Any:
    from inspector.registry import Site

    return Site(
        site_id=site_id,
        name=kw.pop("name", site_id),
        url=url,
        kind=kw.pop("kind", "portal"),
        status=kw.pop("status", "active"),
        **kw,
    )


def open_session(db_url: str) -> Any:
    from inspector.store.db import get_engine, session_factory

    return session_factory(get_engine(db_url))()


def bare_runs(
    db_url: str, n: int = 1, stats: dict[str, Any] | None = None
) -> tuple[list[int], Any]:
    """A schema with one site `a` (http://a/) and `n` empty runs of it, for storage tests that
    write rows themselves: (run ids, session factory)."""
    from datetime import datetime

    from inspector.store.db import ensure_schema, get_engine, session_factory
    from inspector.store.models import RunRow, SiteRow

    engine = get_engine(db_url)
    ensure_schema(engine)
    sessions = session_factory(engine)
    with sessions() as s:
        s.add(SiteRow(site_id="a", name="a", url="http://a/", kind="portal", status="active"))
        s.flush()
        runs = [
            RunRow(
                site_id="a",
                as_of=date(2026, 1, 1),
                started_at=datetime(2026, 1, 1),
                stats=dict(stats or {}),
                bounds_tripped={},
                home_evidence={},
                check_errors={},
                verdict_detail={},
            )
            for _ in range(n)
        ]
        s.add_all(runs)
        s.commit()
        return [r.id for r in runs], sessions
