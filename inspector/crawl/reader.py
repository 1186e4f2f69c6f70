"""The reader process's side of `inspector.crawl.readpool`: its start (the crawl process's
compiled lexicons received once) and the reading of one page. It imports no Scrapy, Twisted,
database code or pypinyin: a reader process holds the page readers and nothing else."""

from __future__ import annotations

from dataclasses import dataclass

from inspector.crawl.collector import quiet_collector
from inspector.crawl.readpage import FingerprintRule, PageRead, PageReader


@dataclass(frozen=True, slots=True)
class ReadJob:
    body: bytes
    charset: str | None
    url: str
    fingerprint: FingerprintRule
    site_hosts: frozenset[str]


def read_job(reader: PageReader, job: ReadJob) -> PageRead:
    """A page sent to the readers, read by `reader` (in a reader process, or in the crawl
    process again when its reader failed)."""
    return reader.read_html(
        job.body, job.charset, job.url, is_home=False, fingerprint=job.fingerprint,
        site_hosts=job.site_hosts,
    )  # fmt: skip


# In a reader process: the crawl's PageReader, received once by `start_reader`.
_READER: list[PageReader] = []


def start_reader(reader: PageReader) -> None:
    """`reader` holds the crawl process's compiled lexicons, pickled into this process (their
    automata are rebuilt from their tables: no misspelling is generated again here)."""
    quiet_collector()  # as in the crawl process: trees are freed by reference counting
    _READER.append(reader)


def ready() -> bool:
    return True


def read_apart(jobs: list[ReadJob]) -> list[PageRead | None]:
    """What a reader process runs for the pages sent together: their facts, without their text,
    tree and body; None for a page whose reading raised (the crawl process reads it again, and
    meets the same error where it is handled)."""
    pages: list[PageRead | None] = []
    for job in jobs:
        try:
            pages.append(read_job(_READER[0], job).detached())
        except Exception:  # noqa: BLE001 - reported where the page is read again
            pages.append(None)
    return pages
