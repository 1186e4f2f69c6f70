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

from lxml import etree

SHORT = 256  # bytes: shorter texts are read and hashed directly (cheaper than the lookup)
MAX_TEXT = 512 * 1024  # bytes: longer ones are not kept (a hostile page's giant script)
MAX_KEPT = 16 * 1024 * 1024  # bytes kept in all (the oldest texts go first)

_tostring = etree.tostring
# (length, first and last 32 bytes) -> (the bytes, the str); oldest first (OrderedDict: popping
# the oldest stays O(1) however many were popped before, unlike a dict's first key)
_known: OrderedDict[tuple[int, bytes, bytes], tuple[bytes, str]] = OrderedDict()
_kept = 0


def element_text(el: Any) -> str:
    """`el.text` of a `<script>` or `<style>` (their content is one text node), "" if none."""
    global _kept
    raw = _tostring(el, method="text", encoding="utf-8", with_tail=False)
    if len(raw) < SHORT or len(raw) > MAX_TEXT:
        return raw.decode("utf-8", "replace")
    key = (len(raw), raw[:32], raw[-32:])
    hit = _known.get(key)
    if hit is not None and hit[0] == raw:
        return hit[1]
    text = raw.decode("utf-8", "replace")
    if hit is not None:  # same length and ends, other middle: the newer text takes the key
        _kept -= len(hit[0])
    _known[key] = (raw, text)
    _kept += len(raw)
    while _kept > MAX_KEPT:
        _kept -= len(_known.popitem(last=False)[1][0])
    return text
