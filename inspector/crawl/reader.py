"""The reader process's side of `inspector.crawl.readpool`: its start (the crawl process's
compiled lexicons received once) and the reading of one page. It imports no Scrapy, Twisted,
database code or pypinyin: a reader process holds the page readers and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from inspector.crawl.collector import quiet_collector
from inspector.crawl.extract.security import SecurityRules
from inspector.crawl.readpage import FingerprintRule, PageRead, read_html


@dataclass(frozen=True, slots=True)
class ReadJob:
    body: bytes
    charset: str | None
    url: str
    fingerprint: FingerprintRule
    site_hosts: frozenset[str]


# In a reader process: what `start_reader` set up once.
_READER: dict[str, Any] = {}


def start_reader(security: SecurityRules | None, as_of: date, link_limit: int) -> None:
    """`security`: the crawl process's compiled lexicons, pickled into this process (their
    automata are rebuilt from their tables: no misspelling is generated again here)."""
    quiet_collector()  # as in the crawl process: trees are freed by reference counting
    _READER["as_of"] = as_of
    _READER["link_limit"] = link_limit
    _READER["security"] = security


def ready() -> bool:
    return True


def read_job(job: ReadJob) -> PageRead:
    page = read_html(
        job.body, job.charset, job.url, is_home=False, as_of=_READER["as_of"],
        fingerprint=job.fingerprint, link_limit=_READER["link_limit"],
        security=_READER["security"], site_hosts=job.site_hosts,
    )  # fmt: skip
    return page.detached()
