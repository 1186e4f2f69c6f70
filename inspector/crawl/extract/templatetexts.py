"""The texts a site's pages repeat — its template's inline scripts and `<style>` sheets — read
as the same str object on every page.

Reading a script as a str (`el.text`) decodes it again on every page, and each cache keyed by
it (the verdicts on inline scripts, the style-sheet indexes) hashes it again: on a page with
twenty template scripts that costs more than judging them (bench/bench_security.py). Here the
text is serialised as UTF-8 by libxml2, recognised by its length and its ends, and confirmed by
comparing the bytes (a memcmp, ten times faster than hashing them); a text seen before comes
back as the str made the first time, whose hash Python keeps, so the caches answer at once.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from inspector.crawl.extract.encoding import text_utf8

SHORT = 256  # bytes: shorter texts are read and hashed directly (cheaper than the lookup)
MAX_TEXT = 512 * 1024  # bytes: longer ones are not kept (a hostile page's giant script)
MAX_KEPT = 16 * 1024 * 1024  # bytes kept in all (the oldest texts go first)


class KeptTexts:
    """The texts read so far, at most `limit` bytes of them, oldest dropped first."""

    def __init__(self, limit: int = MAX_KEPT) -> None:
        self.limit = limit
        self.kept = 0  # bytes
        # (length, first and last 32 bytes) -> (the bytes, the str); an OrderedDict: dropping
        # the oldest stays O(1) however many went before, unlike a dict's first key
        self._known: OrderedDict[tuple[int, bytes, bytes], tuple[bytes, str]] = OrderedDict()

    def text(self, el: Any) -> str:
        """`el.text` of a `<script>` or `<style>` (their content is one text node), "" if none."""
        raw = text_utf8(el)
        if len(raw) < SHORT or len(raw) > MAX_TEXT:
            return raw.decode("utf-8", "replace")
        key = (len(raw), raw[:32], raw[-32:])
        hit = self._known.get(key)
        if hit is not None and hit[0] == raw:
            return hit[1]
        text = raw.decode("utf-8", "replace")
        if hit is not None:  # same length and ends, other middle: the newer text takes the key
            self.kept -= len(hit[0])
        self._known[key] = (raw, text)
        self.kept += len(raw)
        while self.kept > self.limit:
            self.kept -= len(self._known.popitem(last=False)[1][0])
        return text


# One per crawl process, like the other per-site caches of the security facts.
KEPT = KeptTexts()
element_text = KEPT.text
