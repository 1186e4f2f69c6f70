"""Politeness: each site is one download slot with its own concurrency and delay (the registry
row's, else the settings'); other hosts share the default slots."""

from __future__ import annotations

from typing import Any

from inspector.registry import Site


def slot_settings(settings: Any, site: Site) -> dict[str, Any]:
    """Politeness of one site's download slot: the registry row, else the settings."""
    return {
        "concurrency": site.concurrency or settings.getint("INSPECTOR_SITE_CONCURRENCY"),
        "delay": site.delay
        if site.delay is not None
        else settings.getfloat("INSPECTOR_SITE_DELAY"),
        "jitter": 0,
    }


def configure_politeness(settings: Any, sites: list[Site]) -> None:
    """One download slot per site (`site:<site_id>`), a connection pool sized to them, and the
    contact URL in the user agent."""
    slots = dict(settings.getdict("DOWNLOAD_SLOTS"))
    for site in sites:
        slots[f"site:{site.site_id}"] = slot_settings(settings, site)
    settings.set("DOWNLOAD_SLOTS", slots, priority="spider")
    # Scrapy sizes its HTTP/1.1 connection pool (maxPersistentPerHost) with this setting. At 2
    # nearly every request to a site opened a new TCP connection (~8% of the crawl's CPU). Twice
    # the largest site concurrency keeps an idle keep-alive connection ready; external hosts
    # stay at INSPECTOR_EXTERNAL_HOST_CONCURRENCY through the spider's own per-host queue.
    busiest = max(
        [
            settings.getint("INSPECTOR_SITE_CONCURRENCY"),
            *(s.get("concurrency", 0) for s in slots.values()),
        ]
    )
    settings.set(
        "CONCURRENT_REQUESTS_PER_DOMAIN",
        max(2 * busiest, settings.getint("INSPECTOR_EXTERNAL_HOST_CONCURRENCY")),
        priority="spider",
    )
    if settings.getpriority("USER_AGENT") <= settings.getpriority("INSPECTOR_CONTACT_URL"):
        settings.set(
            "USER_AGENT",
            f"Mozilla/5.0 (compatible; inspector/0.1; +{settings.get('INSPECTOR_CONTACT_URL')})",
            priority=settings.getpriority("INSPECTOR_CONTACT_URL"),
        )
