"""The site spider in recheck mode (`inspector recheck`, `scrapy crawl site -a recheck=1`).

A recheck fetches the home page as a full crawl does (with its layout scripts, the item page
that settles a date's year, the "not found" probe and robots.txt), then the pages of its plan
(inspector/store/recheck.py): the pages that linked to a broken target, the list pages of stale
or empty columns, the footer-element sample. Of the links on the pages it fetches, it follows
only those to the plan's targets and pages: it looks at what the full inspection found, not
for new problems. Message boards are not read again. The full run's columns are known from the
start, so a list page fetched again is read as the column it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy import Request

from inspector.crawl.footer import find_footer_elements
from inspector.crawl.reading import SiteReading
from inspector.crawl.readpage import PageRead
from inspector.crawl.sampling import template_key
from inspector.crawl.scope import scope_key
from inspector.crawl.state import SiteCrawl
from inspector.store.db import get_engine, resolve_db_url, session_factory
from inspector.store.recheck import RecheckPlan, plan_recheck


class RecheckCrawl(SiteReading):
    """Mixin of SiteSpider (see the module docstring); `recheck_plans` empty: a full crawl."""

    recheck_plans: dict[str, RecheckPlan]

    def load_recheck_plans(self, settings: Any, site_ids: list[str]) -> None:
        """The plan of each site, from the database the crawl writes to (RecheckError when a
        site has no complete full inspection to recheck)."""
        engine = get_engine(resolve_db_url(settings.get("INSPECTOR_DB_URL") or None))
        max_pages = settings.getint("INSPECTOR_RECHECK_MAX_PAGES")
        with session_factory(engine)() as s:
            self.recheck_plans = {
                site_id: plan_recheck(s, site_id, max_pages) for site_id in site_ids
            }

    def recheck_requests(self, sc: SiteCrawl) -> Iterator[Request]:
        """The plan's pages, asked for with the home page; the full run's columns made known."""
        plan = self.recheck_plans.get(sc.site.site_id)
        if plan is None:
            return
        for column in plan.columns:
            sc.columns.setdefault(column.url, column)
        for url in plan.pages:
            if url in sc.seen or scope_key(url) not in sc.scope:
                continue
            sc.seen.add(url)
            sc.pages += 1
            yield self._request(sc, url, "page", 1)

    def recheck_skips(self, sc: SiteCrawl, url: str) -> bool:
        """A link the recheck does not follow (not one of its plan's targets or pages)."""
        plan = self.recheck_plans.get(sc.site.site_id)
        return plan is not None and not plan.allows(url)

    def sample_elements(
        self, sc: SiteCrawl, page: PageRead, url: str, kind: str
    ) -> dict[str, Any] | None:
        """In a recheck, every page fetched again is read for the footer elements: the pages of
        the full run's sample must be judged again, whatever a sample of a few pages would keep."""
        if sc.site.site_id not in self.recheck_plans:
            return super().sample_elements(sc, page, url, kind)
        elements = find_footer_elements(page.text, url, self.policy.element_patterns)
        return {**elements, "_template": template_key(page.doc)}
