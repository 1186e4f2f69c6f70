"""The address policy in a real crawl: a public site's links into the machine's own networks are
recorded as `blocked_address`, never fetched and never counted as broken.

Every test site is on 127.0.0.1, which would make it an intranet site (whose private links may
be fetched). The site here is registered by a name (INSPECTOR_STATIC_HOSTS → 127.0.0.1) and
crawled with INSPECTOR_INTRANET_SITES off — the setting of a public site pointed at a mirror on
a private address — so the policy treats it as the public site it stands for. The loopback
target is another path of the same test server: the server's own request log says whether the
crawler went there.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest_twisted
from conftest import crawl, open_session, site
from sqlalchemy import select

from inspector.store.models import FindingRow, TargetRow
from inspector.vocabulary import is_broken

PUBLIC = {"INSPECTOR_INTRANET_SITES": False, "INSPECTOR_SOFT404_PROBES": 0}


def _public_site(
    server: Any, name: str, links: list[str], redirect: str
) -> tuple[Any, dict[str, str]]:
    """A site named `<name>.example` at the test server, its home page linking to `links`, to
    `go.html` (an in-site redirect to `redirect`), to a page of its own and to a missing page
    (the healthy part of the crawl); and the static hosts for its name and its intranet name."""
    own = '<a href="a.html">本站页面</a><a href="missing.html">坏链</a><a href="go.html">跳转</a>'
    pages: dict[str, Any] = {
        "/": "<html><body>" + own + "".join(f'<a href="{u}">外链</a>' for u in links) + "</body>",
        "/a.html": "<html><body><p>本站页面</p></body></html>",
        "/go.html": {"status": 302, "headers": {"Location": redirect}},
    }
    url = server.add_site(name, pages).replace("127.0.0.1", f"{name}.example")
    hosts = {f"{name}.example": "127.0.0.1", f"intranet-{name}.example": "10.1.2.3"}
    return site(name, url), hosts


def _targets(db_url: str, run_id: int) -> tuple[dict[str, TargetRow], set[str]]:
    with open_session(db_url) as s:
        targets = {t.url: t for t in s.scalars(select(TargetRow).where(TargetRow.run_id == run_id))}
        broken = {
            f.url
            for f in s.scalars(select(FindingRow).where(FindingRow.run_id == run_id))
            if f.check == "broken_link"
        }
    return targets, broken


def _asked(server: Any, fragment: str) -> list[str]:
    return [r["path"] for r in server.requests() if fragment in r["path"]]


@pytest_twisted.ensureDeferred
async def test_a_public_site_s_links_into_private_networks_are_blocked_not_broken(
    server: Any, db_url: str
) -> None:
    base = server.url("").rstrip("/")
    name = f"pub-{uuid.uuid4().hex[:6]}"
    probe = f"secret-{uuid.uuid4().hex[:6]}"
    links = [
        f"{base}/site/{probe}/loopback",  # the crawler's own machine (127.0.0.1:PORT)
        "http://10.20.30.40/intranet/",  # the office network
        f"http://intranet-{name}.example/oa/",  # a name that resolves to 10.1.2.3
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata: never, for any site
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fd12:3456::1]/",  # a private IPv6 network
        "http://[::1]/admin/",
    ]
    sited, hosts = _public_site(server, name, links, f"{base}/site/{probe}/via-redirect")
    home = sited.url
    run_ids = await crawl([sited], db_url, INSPECTOR_STATIC_HOSTS=hosts, **PUBLIC)
    targets, broken = _targets(db_url, run_ids[name])

    for url in links:
        target = targets[url]
        assert (target.reason, target.status) == ("blocked_address", None), (
            url,
            target.status,
            target.reason,
            target.note,
        )
        assert "address" in target.note or "地址" in target.note, target.note
        assert url not in broken and not is_broken(target.reason)
    redirected = targets[home + "go.html"]
    assert redirected.reason == "blocked_address", (redirected.status, redirected.note)
    assert redirected.url not in broken
    assert _asked(server, probe) == []  # neither the link nor the redirect reached the server

    # The site itself was crawled as usual: its page fetched, its missing page broken.
    assert targets[home + "a.html"].status == 200
    assert targets[home + "missing.html"].reason == "http_404"
    assert home + "missing.html" in broken


@pytest_twisted.ensureDeferred
async def test_allowing_private_addresses_fetches_the_loopback_link_but_never_metadata(
    server: Any, sqlite_url: str
) -> None:
    base = server.url("").rstrip("/")
    probe = f"allowed-{uuid.uuid4().hex[:6]}"
    loopback = f"{base}/site/{probe}/loopback"
    metadata = "http://169.254.169.254/latest/meta-data/"
    name = f"pub-{uuid.uuid4().hex[:6]}"
    sited, hosts = _public_site(server, name, [loopback, metadata], loopback)
    settings = {**PUBLIC, "INSPECTOR_ALLOW_PRIVATE_ADDRESSES": True}
    run_ids = await crawl([sited], sqlite_url, INSPECTOR_STATIC_HOSTS=hosts, **settings)
    targets, _ = _targets(sqlite_url, run_ids[name])
    assert targets[loopback].status == 404 and targets[loopback].reason == "http_404"
    assert _asked(server, probe)  # the server was asked
    assert targets[metadata].reason == "blocked_address"


@pytest_twisted.ensureDeferred
async def test_an_intranet_site_fetches_its_private_links_by_default(
    server: Any, sqlite_url: str
) -> None:
    base = server.url("").rstrip("/")
    probe = f"intranet-{uuid.uuid4().hex[:6]}"
    loopback = f"{base}/site/{probe}/loopback"
    metadata = "http://169.254.169.254/latest/meta-data/"
    name = f"lan-{uuid.uuid4().hex[:6]}"
    sited, hosts = _public_site(server, name, [loopback, metadata], loopback)
    # Its home page answers from 127.0.0.1: a site on the machine's network, as an
    # intranet deployment is.
    run_ids = await crawl([sited], sqlite_url, INSPECTOR_STATIC_HOSTS=hosts)
    targets, _ = _targets(sqlite_url, run_ids[name])
    assert targets[loopback].reason == "http_404" and _asked(server, probe)
    assert targets[metadata].reason == "blocked_address"
