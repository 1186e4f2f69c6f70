"""Which inner pages are checked for the footer elements: the same ones every run.

The census wants the 网站标识码, ICP and police record on every page; the crawl checks a sample.
A sample taken in crawl order differs between two runs of an unchanged site (pages arrive in a
different order), and sometimes holds utility pages (a 备案 or 党政机关 badge page without the
site's footer), so element findings came and went. The rule here:

- only content pages count: articles and lists (`kind`), of the site's own template (the
  template most content pages share, by their stylesheets);
- among them, the pages whose URL hashes lowest (blake2b), `n` of them.

The crawl does not know the final set of pages while it runs, so it keeps, per template, the
`n` lowest hashes seen so far (`BottomK`) and reads elements on a page only while it is among
them; every page of the final sample was among them when it arrived, whatever the order.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from lxml import etree

__all__ = ["BottomK", "SampleCandidate", "choose_sample", "template_key", "url_rank"]

CONTENT_KINDS = frozenset({"article", "list"})
_STYLESHEETS = etree.XPath(
    "//link[contains(translate(@rel, 'STYLESHET', 'styleshet'), 'stylesheet')]/@href"
)


def url_rank(url: str) -> str:
    """A stable pseudo-random rank of a URL (scheme and `www.` ignored)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    key = f"{host}{parts.path or '/'}?{parts.query}"
    return hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def template_key(doc: etree._Element) -> str:
    """The identity of a page's template: the file names of its stylesheets ("" for none)."""
    names = sorted(
        {str(href).split("?", 1)[0].rsplit("/", 1)[-1].lower() for href in _STYLESHEETS(doc)}
    )
    return ",".join(n for n in names if n)


@dataclass(frozen=True, slots=True)
class SampleCandidate:
    url: str
    kind: str  # page kind: article, list, other, not_found …
    template: str


def choose_sample(candidates: Iterable[SampleCandidate], n: int) -> list[str]:
    """The `n` content pages of the site's own template with the lowest URL rank, in rank order."""
    content = [c for c in candidates if c.kind in CONTENT_KINDS]
    if not content or n <= 0:
        return []
    counts = Counter(c.template for c in content)
    # The most common template; ties broken by the key itself so the choice is stable.
    template = min(counts, key=lambda key: (-counts[key], key))
    chosen = sorted((url_rank(c.url), c.url) for c in content if c.template == template)
    return [url for _, url in chosen[:n]]


@dataclass(slots=True)
class BottomK:
    """The `n` lowest-ranked URLs seen so far, per template: whether a page arriving now may
    end up in the final sample (and so must be examined)."""

    n: int
    _heaps: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def offer(self, url: str, template: str) -> bool:
        if self.n <= 0:
            return False
        heap = self._heaps.setdefault(template, [])  # a max-heap by negated rank
        rank = url_rank(url)
        entry = (_negate(rank), url)
        if any(u == url for _, u in heap):
            return False
        if len(heap) < self.n:
            heapq.heappush(heap, entry)
            return True
        if entry > heap[0]:  # lower rank than the current highest kept
            heapq.heapreplace(heap, entry)
            return True
        return False

    def kept(self, template: str) -> Sequence[str]:
        return [url for _, url in sorted(self._heaps.get(template, []), reverse=True)]


def _negate(rank: str) -> str:
    """A string that sorts in the opposite order of the hex rank."""
    return rank.translate(_NEGATED)


_NEGATED = str.maketrans("0123456789abcdef", "fedcba9876543210")
