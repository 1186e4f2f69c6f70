"""Response bytes → text → lxml document, the way a careful crawler has to do it on Chinese sites.

Scrapy trusts the HTTP header over `<meta charset>` and decodes an undeclared GBK page as
cp1252. Real government sites send `utf-8` headers on GBK pages and `gb2312` metas on pages that
are really UTF-8 (rendered DOM dumps), so `decode_html` tries the codecs in an order where a
wrong label cannot win against bytes that prove otherwise:

1. a byte-order mark decides alone;
2. UTF-8, strictly: valid non-ASCII UTF-8 is practically never GBK by accident (GBK trail
   bytes are not UTF-8 continuation bytes in the common ranges), and this is the cheapest test;
3. the declared charsets (header, then meta), strictly, with gb2312/gbk widened to gb18030;
4. only then charset-normalizer, on a bounded prefix (it costs milliseconds per 10 KB);
5. last resort: the candidate that loses the fewest characters, with U+FFFD replacement.

Every page goes through step 2 and usually stops at 2 or 3, so the detector stays off the hot path.
"""

from __future__ import annotations

import codecs
import re

import lxml.html
from lxml import etree

__all__ = ["decode_html", "normalise_charset", "parse_html", "sniff_meta_charset", "text_utf8"]

# How many bytes to scan for <meta charset>. The HTML spec says 1024; real CMS pages put a
# large <style> or comment block first, so scan more.
META_SCAN_BYTES = 4096
# How many bytes charset-normalizer sees. Its cost grows with the input; a few tens of KB
# of a page are enough to tell GBK from Big5 from UTF-8.
DETECT_BYTES = 32 * 1024

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.IGNORECASE
)
_HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_STRAY_HTML_END_RE = re.compile(r"</html\s*>", re.IGNORECASE)
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*>")


def _html_parser() -> lxml.html.HTMLParser:
    """lxml.html's parser, its element classes found without a Python call per element.

    lxml.html picks an element's class with a Python method (HtmlElementClassLookup.lookup),
    called each time an element object is made: a page's checks walk a hundred elements or
    more (links, scripts, styles), and the security facts spent about a fifth of their time
    there. The same classes by lxml's own lookups, which run in C: form, input, select,
    textarea and label by tag name (those of lxml.html), HtmlElement for every other element,
    lxml.html's comment, processing-instruction and entity classes.
    """
    parser = lxml.html.HTMLParser()
    fallback = etree.ElementDefaultClassLookup(
        element=lxml.html.HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
    lookup = etree.ElementNamespaceClassLookup(fallback)
    by_tag = lookup.get_namespace(None)
    for tag, cls in lxml.html.HtmlElementClassLookup._default_element_classes.items():
        by_tag[tag] = cls
    parser.set_element_class_lookup(lookup)
    return parser


_PARSER = _html_parser()

_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with the UTF-16 one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Labels that name a subset of a codec we would rather decode with. GB18030 is a superset of
# GBK which is a superset of GB2312; sites label GBK pages "gb2312" and then use GBK characters.
_WIDER = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "cp936": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",  # what browsers do for latin-1 labels
    "ascii": "utf-8",
}


def normalise_charset(label: str | None) -> str | None:
    """Python codec name for a charset label (None when unknown), subsets widened."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    match = _HEADER_CHARSET_RE.search(label)
    if match:  # a whole Content-Type value was passed
        label = match.group(1).lower()
    aliases = {"x-gbk": "gbk", "gb_2312-80": "gb2312", "x-gb2312": "gb2312", "utf8": "utf-8"}
    label = aliases.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _WIDER.get(name, name)


def sniff_meta_charset(body: bytes, limit: int = META_SCAN_BYTES) -> str | None:
    """The charset label of the first `<meta charset>` / `http-equiv` in the first bytes."""
    match = _META_CHARSET_RE.search(body, 0, limit)
    return match.group(1).decode("ascii", "replace").lower() if match else None


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str, str]:
    """Decode an HTML response body; returns (text, declared, used).

    `declared` says what the page claimed ("header:utf-8 meta:gb2312", "bom:utf-8", "" when
    nothing); `used` is the Python codec that produced `text`.
    """
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(codec, "replace"), f"bom:{codec}", codec

    header_label = _header_label(header_charset)
    meta_label = sniff_meta_charset(body)
    declared = " ".join(
        f"{where}:{label}"
        for where, label in (("header", header_label), ("meta", meta_label))
        if label
    )

    candidates = _unique(["utf-8", normalise_charset(header_label), normalise_charset(meta_label)])
    for codec in candidates:
        text = _strict(body, codec)
        if text is not None:
            return text, declared, codec

    detected = _detect(body)
    if detected and detected not in candidates:
        text = _strict(body, detected)
        if text is not None:
            return text, declared, detected
        candidates.append(detected)

    # Nothing decodes cleanly (truncated multi-byte characters are common in CMS summaries):
    # keep the codec that loses least, preferring the declared ones on ties.
    ordered = [c for c in candidates if c != "utf-8"] + ["utf-8", "gb18030"]
    best_codec, best_text, best_lost = "utf-8", "", -1
    for codec in _unique(ordered):
        text = body.decode(codec, "replace")
        lost = text.count("\ufffd")
        if best_lost < 0 or lost < best_lost:
            best_codec, best_text, best_lost = codec, text, lost
    return best_text, declared, best_codec


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse a page into an lxml document without losing what follows a stray `</html>`.

    libxml2 2.14 (lxml 6) drops everything after the first `</html>`; CMS header includes
    often carry their own `</html>` (www.gov.cn 公报 pages lose their whole body and footer).
    The end tag carries no information, so it is removed before parsing.
    """
    if "</" in text:
        text = _STRAY_HTML_END_RE.sub("", text)
    # lxml refuses str input that carries an XML encoding declaration; the text is decoded already.
    text = _XML_DECL_RE.sub("", text, count=1)
    try:
        return lxml.html.document_fromstring(text, _PARSER)
    except etree.ParserError:  # empty or comment-only documents
        return lxml.html.document_fromstring("<html><body></body></html>", _PARSER)


def text_utf8(el) -> bytes:  # noqa: ANN001 - lxml element
    """text_content() of `el` as UTF-8, serialised by libxml2: no XPath and no str on the way
    (text_content() builds one through an XPath, a fifth more time), and bytes are what the
    text automaton reads."""
    return etree.tostring(el, method="text", encoding="utf-8", with_tail=False)


def _header_label(header_charset: str | None) -> str | None:
    if not header_charset:
        return None
    match = _HEADER_CHARSET_RE.search(header_charset)
    label = match.group(1) if match else header_charset
    label = label.strip().strip("\"'").lower()
    return label or None


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detect(body: bytes) -> str | None:
    from charset_normalizer import from_bytes  # imported lazily: rarely needed, slow to import

    sample = body[:DETECT_BYTES]
    if len(body) > DETECT_BYTES:
        # Cut at an ASCII byte so the sample does not end inside a multi-byte character.
        cut = max(sample.rfind(b"<"), sample.rfind(b"\n"))
        if cut > DETECT_BYTES // 2:
            sample = sample[:cut]
    best = from_bytes(sample).best()
    return normalise_charset(best.encoding) if best is not None else None


def _unique(items: list[str | None]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item and item not in seen:
            seen.append(item)
    return seen
