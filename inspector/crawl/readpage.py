"""What the crawl reads from every HTML page that needs nothing of the crawl's state: the page
decoded and parsed once, its title, page facts (dates, kind, "not found" signals, fingerprint),
link rows, security facts and template key.

`PageReader.read_html` is that reading, whether it runs in the crawl process or in a reader process of
`inspector.crawl.readpool` (bytes in, plain data out): one function, so both give the same facts.
What needs the crawl's state (columns, the footer sample, boards, guides, the cloaking sample)
stays in the spider and asks for the tree or the text only on the few pages it reads
(`PageRead.doc` and `.text`, decoded and parsed again on first use after a reader process).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import (
    LinkRow,
    PageElements,
    datastore_link_rows,
    link_rows,
    title_of,
)
from inspector.crawl.extract.page import page_facts, title_key
from inspector.crawl.extract.security import SecurityRules, page_security
from inspector.crawl.sampling import CONTENT_KINDS, template_key


@dataclass(frozen=True, slots=True)
class FingerprintRule:
    """Which pages need a fingerprint (only a page that may be the site's "not found" page):
    all while a soft-404 probe is unanswered (`always`), else those titled like a probe's page."""

    always: bool
    probe_titles: frozenset[str] = frozenset()

    def wants(self, title: str) -> bool:
        return self.always or title_key(title) in self.probe_titles


@dataclass(slots=True)
class PageRead:
    """One HTML page as read by `PageReader.read_html`. `read` is page_facts' dict without its text."""

    declared: str
    used: str
    title: str
    read: dict[str, Any]
    links: list[LinkRow]
    security: dict[str, Any]
    template: str  # template_key, for content pages ("" for the others)
    # The page itself: kept when read in the crawl process, rebuilt on first use otherwise.
    body: bytes = field(default=b"", repr=False)
    charset: str | None = None
    _text: str | None = field(default=None, repr=False)
    _doc: Any = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode_html(self.body, self.charset)[0]
        return self._text

    @property
    def doc(self) -> Any:
        if self._doc is None:
            self._doc = parse_html(self.text)
        return self._doc

    def detached(self) -> PageRead:
        """The same facts without the text, tree and body (what a reader process sends back)."""
        return PageRead(
            self.declared, self.used, self.title, self.read, self.links, self.security,
            self.template,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class PageReader:
    """What reading a page needs that is the same for every page of a crawl: made once by the
    spider, and pickled once into each reader process."""

    as_of: date
    link_limit: int  # link rows read at most (one more than INSPECTOR_MAX_PAGE_LINKS: the trip)
    security: SecurityRules | None  # None: `[security] enabled = false`

    def read_html(
        self,
        body: bytes,
        charset: str | None,
        url: str,
        *,
        is_home: bool,
        fingerprint: FingerprintRule,
        site_hosts: frozenset[str],
    ) -> PageRead:
        """Read one HTML page (`charset`: the Content-Type header's)."""
        text, declared, used = decode_html(body, charset)
        doc = parse_html(text)
        title = title_of(doc)
        read = page_facts(
            doc, self.as_of, title=title, url=url, is_home=is_home,
            with_fingerprint=is_home or fingerprint.wants(title),
        )  # fmt: skip
        security = self.security
        seen = PageElements() if security is not None else None  # what the security facts read
        links = link_rows(doc, url, include_invalid=True, limit=self.link_limit, seen=seen)
        room = self.link_limit - len(links) if self.link_limit else 0  # 0: no limit
        if room > 0 or not self.link_limit:
            links += datastore_link_rows(doc, text, url, limit=room)
        text_utf8 = read.pop("text_utf8")
        facts = {}
        if security is not None:
            facts = page_security(
                doc, url, security, site_hosts=site_hosts, on=read["pub_date"] or self.as_of,
                title=title, text_utf8=text_utf8, seen=seen, source=text,
            )  # fmt: skip
        template = template_key(doc) if read["kind"] in CONTENT_KINDS else ""
        return PageRead(
            declared, used, title, read, links, facts, template,
            body=body, charset=charset, _text=text, _doc=doc,
        )  # fmt: skip
