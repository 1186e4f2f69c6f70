"""Per-page extraction on the crawl's hot path: encoding, dates, links, page facts (lxml)."""
