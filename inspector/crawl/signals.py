"""Signals the crawl sends besides Scrapy's own (connect with `crawler.signals.connect`)."""

from __future__ import annotations

# Sent by the storage pipeline once a site's crawl is stored, checked and scored, with
# `site_id`, `run_id` and `findings` (the list of inspector.facts.Finding the checks yielded).
# The progress display and the console's per-site lines count its problems with
# inspector.judge.counts.problem_count, so they agree with the summary, export and reports.
site_judged = object()

# Sent by the storage pipeline, with `site_id`, `run_id` and `again`, when a site's crawl is done
# but its run is not finished here: another worker took the site over (distributed mode, lease
# expired; the site is finished once, by that worker), or (`again=True`) rows of the site were
# lost while the database was unreachable, so it must be crawled again.
site_not_finished = object()
