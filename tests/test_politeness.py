"""Per-site politeness, seen from the server: never more requests at once than allowed."""

from __future__ import annotations

import pytest_twisted
from conftest import crawl, site

DELAY = 0.6


def page_fetches(requests: list[dict], prefix: str) -> tuple[list[float], list[float]]:
    """(arrival times of the crawl's own fetches of the pages under `prefix`, those of every
    request there): the cloaking fetches (as Baiduspider, with a Baidu Referer; checks/security)
    ask for a few pages again, through the same per-site slot."""
    every = [r for r in requests if r["path"].startswith(prefix)]
    own = [
        r
        for r in every
        if "Baiduspider" not in r["headers"].get("User-Agent", "")
        and "baidu.com" not in r["headers"].get("Referer", "")
    ]
    return [r["time"] for r in own], [r["time"] for r in every]


def max_in_flight(arrivals: list[float], duration: float) -> int:
    """Most requests in progress at once, each lasting `duration` from its arrival."""
    events = sorted([(t, 1) for t in arrivals] + [(t + duration - 0.05, -1) for t in arrivals])
    current = peak = 0
    for _, step in events:
        current += step
        peak = max(peak, current)
    return peak


@pytest_twisted.ensureDeferred
async def test_site_concurrency_holds_under_a_burst(server, sqlite_url):
    pages = {"/": "".join(f'<a href="p{i}.html">第{i}页</a>' for i in range(12))}
    pages |= {
        f"/p{i}.html": {"body": "<html><body>x</body></html>", "delay": DELAY} for i in range(12)
    }
    home = server.add_site("polite", pages)
    await crawl(
        [site("polite", home)],
        sqlite_url,
        INSPECTOR_SITE_CONCURRENCY=2,
        INSPECTOR_SOFT404_PROBES=0,
        INSPECTOR_CLOAKING_SAMPLE=0,  # the pages once each: the count below is exact
    )
    arrivals, every = page_fetches(server.requests(), "/site/polite/p")
    assert len(arrivals) == 12
    assert max_in_flight(every, DELAY) <= 2


@pytest_twisted.ensureDeferred
async def test_registry_concurrency_overrides_the_setting(server, sqlite_url):
    pages = {"/": "".join(f'<a href="q{i}.html">第{i}页</a>' for i in range(9))}
    pages |= {
        f"/q{i}.html": {"body": "<html><body>x</body></html>", "delay": DELAY} for i in range(9)
    }
    home = server.add_site("polite1", pages)
    await crawl(
        [site("polite1", home, concurrency=1)],
        sqlite_url,
        INSPECTOR_SITE_CONCURRENCY=8,
        INSPECTOR_SOFT404_PROBES=0,
        INSPECTOR_CLOAKING_SAMPLE=0,
    )
    arrivals, every = page_fetches(server.requests(), "/site/polite1/q")
    assert len(arrivals) == 9
    assert max_in_flight(every, DELAY) == 1
