"""What a linked resource must be, and whether the answer can be it.

An image, icon, script, stylesheet or font whose URL answers an HTML page — directly, or after
a redirect to the site's error page — is broken for the reader (the picture does not show, the
menu script does not run). A resource is judged by what its element expects (`img` → image,
`script` → JavaScript, `link rel=stylesheet` → CSS, `link rel=icon` → icon, a font
preload/url → font), tolerant of servers that send `application/octet-stream`, `text/plain` or
no type at all: only an answer that *is* an HTML page (by type, confirmed by its first bytes
when we have them) or an empty body counts as the wrong thing.
"""

from __future__ import annotations

import re

__all__ = [
    "EXPECT_FONT",
    "EXPECT_ICON",
    "EXPECT_IMAGE",
    "EXPECT_NAMES_ZH",
    "EXPECT_SCRIPT",
    "EXPECT_STYLESHEET",
    "expected_resource",
    "looks_like_html",
    "resource_mismatch",
]

EXPECT_IMAGE, EXPECT_ICON, EXPECT_SCRIPT = "image", "icon", "script"
EXPECT_STYLESHEET, EXPECT_FONT = "stylesheet", "font"
# What each expectation is called in a Chinese note (the English note says the code itself).
EXPECT_NAMES_ZH = {
    EXPECT_IMAGE: "图片", EXPECT_ICON: "图标", EXPECT_SCRIPT: "脚本",
    EXPECT_STYLESHEET: "样式表", EXPECT_FONT: "字体",
}  # fmt: skip

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HTML_START_RE = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|title|meta|div|table|p|h1|center|script)\b",
    re.IGNORECASE | re.DOTALL,
)
# Signatures of the things a resource may really be, whatever its Content-Type says.
_BINARY_SIGNATURES = (
    b"\x89PNG",
    b"GIF87a",
    b"GIF89a",
    b"\xff\xd8\xff",  # JPEG
    b"RIFF",  # WebP
    b"BM",  # BMP
    b"\x00\x00\x01\x00",  # ICO
    b"wOFF",
    b"wOF2",
    b"\x00\x01\x00\x00",  # TrueType
    b"OTTO",
)
_FONT_EXTENSIONS = ("woff", "woff2", "ttf", "otf", "eot")
_IMAGE_EXTENSIONS = ("jpg", "jpeg", "png", "gif", "bmp", "webp", "svg", "ico")


def expected_resource(element: str, attribute: str, rel: str = "", as_: str = "") -> str:
    """What a link's element expects to load ("" when it expects nothing in particular).

    `rel` and `as_` are a `<link>`'s rel and as attributes.
    """
    element = element.lower()
    if element == "img" or (element == "input" and attribute == "src"):
        return EXPECT_IMAGE
    if element in ("body", "table", "tr", "td", "th") and attribute == "background":
        return EXPECT_IMAGE
    if element == "video" and attribute == "poster":
        return EXPECT_IMAGE
    if element == "source" and attribute == "srcset":
        return EXPECT_IMAGE  # <picture><source srcset>
    if element == "script" and attribute == "src":
        return EXPECT_SCRIPT
    if element == "link":
        tokens = set(rel.lower().split())
        if "stylesheet" in tokens:
            return EXPECT_STYLESHEET
        if tokens & {"icon", "apple-touch-icon", "apple-touch-icon-precomposed", "mask-icon"}:
            return EXPECT_ICON
        if tokens & {"preload", "prefetch", "modulepreload"}:
            return {"font": EXPECT_FONT, "style": EXPECT_STYLESHEET, "script": EXPECT_SCRIPT,
                    "image": EXPECT_IMAGE}.get(as_.lower(), "")  # fmt: skip
    return ""


def expected_from_url(url: str) -> str:
    """The expectation a URL's extension gives (for CSS `url(...)` references and the like)."""
    path = url.split("?", 1)[0].split("#", 1)[0].lower()
    extension = path.rsplit(".", 1)[-1] if "." in path.rsplit("/", 1)[-1] else ""
    if extension in _FONT_EXTENSIONS:
        return EXPECT_FONT
    if extension in _IMAGE_EXTENSIONS:
        return EXPECT_ICON if extension == "ico" else EXPECT_IMAGE
    return {"js": EXPECT_SCRIPT, "css": EXPECT_STYLESHEET}.get(extension, "")


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a body are an HTML page (BOM and leading comments allowed)."""
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if head.startswith(_BINARY_SIGNATURES):
        return False
    return bool(_HTML_START_RE.match(head[:4096]))


def resource_mismatch(
    expects: str, content_type: str, head: bytes | None = None, size: int | None = None
) -> str:
    """Why an answer cannot be the expected resource: "html" (an HTML page answered), "empty"
    (0 bytes), or "" when it can be (or nothing in particular is expected).

    `head` is the first bytes of the body when they were read; None when only headers were
    (a HEAD request): then an HTML Content-Type alone decides, and the caller may GET the first
    bytes to confirm.
    """
    if not expects:
        return ""
    if size == 0 or (head is not None and not head.strip() and size is None):
        return "empty"
    main_type = content_type.split(";", 1)[0].strip().lower()
    if head is not None:
        if head.startswith(_BINARY_SIGNATURES):
            return ""
        if looks_like_html(head):
            # An SVG image or a script may legitimately start with "<"; an HTML page does not
            # start with <svg or with code.
            return "html"
        return ""
    return "html" if main_type in _HTML_TYPES else ""
