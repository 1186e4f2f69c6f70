"""Run the site spider over a list of sites in this process (what `inspector crawl` does)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from inspector.profile import load_profile
from inspector.registry import Site


def settings_from_options(
    set_options: Iterable[str] = (),
    db_url: str | None = None,
    *,
    rules: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings of a command: `--set NAME=VALUE`, `--db`, `--rules` (validated here).

    Raises ValueError (a ProfileError for a bad profile) with a message for the user.
    """
    # The project's settings even when started outside the project root (cron, another cwd),
    # where Scrapy would not find scrapy.cfg.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "inspector.settings")
    overrides: dict[str, Any] = {**parse_set_options(set_options), **(extra or {})}
    if rules:
        overrides["INSPECTOR_RULES"] = rules
    settings = build_settings(overrides, db_url=db_url)
    load_profile(settings.get("INSPECTOR_RULES"))
    return settings


def build_settings(
    overrides: Mapping[str, Any] | None = None, *, db_url: str | None = None
) -> Settings:
    """Project settings, then --set NAME=VALUE overrides (as `scrapy crawl -s`), then flags."""
    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if db_url:
        settings.set("INSPECTOR_DB_URL", db_url, priority="cmdline")
    return settings


def parse_set_options(pairs: Iterable[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set expects NAME=VALUE, got {pair!r}")
        result[name.strip()] = value
    return result


@dataclass
class CrawlResult:
    run_ids: dict[str, int] = field(default_factory=dict)
    batch: str = ""
    stats: dict[str, Any] = field(default_factory=dict)


def crawl_sites(
    sites: list[Site], settings: Settings, *, as_of: date | None, batch: str = ""
) -> CrawlResult:
    from spiders.site import SiteSpider

    batch = batch or uuid.uuid4().hex[:12]
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(SiteSpider)
    process.crawl(crawler, sites=sites, as_of=as_of, batch=batch)
    process.start()
    spider = crawler.spider
    return CrawlResult(
        run_ids=dict(getattr(spider, "run_ids", {})),
        batch=batch,
        stats=dict(crawler.stats.get_stats()) if crawler.stats else {},
    )
