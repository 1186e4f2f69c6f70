"""Signals the crawl sends besides Scrapy's own (connect with `crawler.signals.connect`)."""

from __future__ import annotations

# Sent by the storage pipeline once a site's crawl is stored, checked and scored, with
# `site_id`, `run_id` and `findings` (the list of inspector.facts.Finding the checks yielded).
# The progress display and the console's per-site lines count its problems with
# inspector.judge.counts.problem_count, so they agree with the summary, export and reports.
site_judged = object()
