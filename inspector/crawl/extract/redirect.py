"""Home pages whose only job is to send the browser on (redirect stubs), and where they send it.

Many portals answer `/` with a stub: `<meta http-equiv="refresh" content="0;url=/site/">`,
`window.location = …` / `location.href` / `location.replace(…)` / `top.location` in an inline
script (also with the URL built by concatenation: `'http:/'+'/'+'www.a.gov.cn/a/'`), a
`<frameset>` or a full-page `<iframe>`, or a splash page whose one link says 进入 (possibly with
the jump in `onclick` or a timer). Judging the stub as the home page vetoes a site for having no
dates, columns or footer; the effective home page is where the stub points.

A page counts as a stub only when it has little of its own (short text, few links): a real
home page with a script that sends phones to a mobile site is not one. A meta refresh with a
short delay sends every visitor on, whatever the page holds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

from inspector.crawl.extract.scripts import script_literals

__all__ = ["Redirect", "find_redirect"]

META_REFRESH_MAX_DELAY = 10  # seconds: a refresh this quick sends every visitor on
STUB_MAX_TEXT = 300  # visible characters (outside scripts) of a stub page
STUB_MAX_LINKS = 3  # links a stub may carry besides its destination
_ENTER_RE = re.compile(r"进入|\benter\b", re.IGNORECASE)

_REFRESH_RE = re.compile(
    r"^\s*(\d+(?:\.\d+)?)?\s*[;,]?\s*(?:url\s*=\s*)?['\"]?([^'\"]*)['\"]?\s*$", re.I
)
# location assignments: window.location = x; location.href = x; top.location.href = x;
# self.location = x; document.location = x; location.replace(x); location.assign(x);
# window.open(x, '_self'); window.navigate(x)
_LOCATION_RE = re.compile(
    r"(?:(?:window|top|self|parent|document)\s*\.\s*)*location(?:\s*\.\s*href)?\s*=(?!=)\s*"
    r"|(?:(?:window|top|self|parent|document)\s*\.\s*)*location\s*\.\s*(?:replace|assign)\s*\("
    r"|window\s*\.\s*navigate\s*\(",
    re.IGNORECASE,
)
_STATEMENT_END_RE = re.compile(r"[;\n]|\)\s*[;}]|\)\s*$")
_SCRIPTS = etree.XPath("//script[not(@src)]")
_EVENT_ATTRS = etree.XPath("//@onclick | //@onload | //body/@onload")
_VISIBLE_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript)]"
)
_LINKS = etree.XPath("//body//a[@href]")


@dataclass(frozen=True, slots=True)
class Redirect:
    """Where a stub page sends the browser.

    `kind`: meta_refresh | script | frameset | iframe | splash; `url`: the absolute destination;
    `evidence`: what was read (the meta content, the script statement, the link text).
    """

    kind: str
    url: str
    evidence: str


def find_redirect(doc: etree._Element, page_url: str) -> Redirect | None:
    """The redirect a page performs as a stub, or None for a page with content of its own.

    The destination is returned even when it is on another host; the caller decides whether
    it is the same site. A page pointing at itself is not a redirect.
    """
    small = _is_small(doc)
    for finder in (_meta_refresh, _frameset, _script_location, _full_page_iframe, _splash):
        found = finder(doc, page_url, small)
        if found is not None and not _same_url(found.url, page_url):
            return found
    return None


# --- the kinds of stub -------------------------------------------------------------------------


def _meta_refresh(doc: etree._Element, page_url: str, small: bool) -> Redirect | None:
    for meta in doc.iter("meta"):
        if (meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        content = meta.get("content") or ""
        match = _REFRESH_RE.match(content)
        if not match or not match.group(2).strip():
            continue
        delay = float(match.group(1) or 0)
        if delay <= META_REFRESH_MAX_DELAY or small:
            url = _absolute(page_url, match.group(2))
            if url:
                return Redirect("meta_refresh", url, content.strip()[:200])
    return None


def _frameset(doc: etree._Element, page_url: str, small: bool) -> Redirect | None:
    frames = [f for f in doc.iter("frame") if (f.get("src") or "").strip()]
    if doc.find(".//frameset") is None or not frames:
        return None
    # The content frame: named main/content/mainframe, else the first frame with a page.
    named = [f for f in frames if re.search(r"main|content|body|center", f.get("name") or "", re.I)]
    frame = (named or frames)[0]
    url = _absolute(page_url, frame.get("src"))
    return (
        Redirect("frameset", url, etree.tostring(frame, encoding="unicode")[:200]) if url else None
    )


def _script_location(doc: etree._Element, page_url: str, small: bool) -> Redirect | None:
    if not small:
        return None
    sources = [s.text or "" for s in _SCRIPTS(doc)] + [str(a) for a in _EVENT_ATTRS(doc)]
    for source in sources:
        for match in _LOCATION_RE.finditer(source):
            statement = _statement(source, match.end())
            target, consumed = _leading_concat(statement)
            if not target or target.startswith(("#", "javascript")):
                continue
            url = _absolute(page_url, target)
            if url:
                shown = (source[match.start() : match.end()] + statement[:consumed]).strip()
                return Redirect("script", url, shown[:200])
    return None


def _full_page_iframe(doc: etree._Element, page_url: str, small: bool) -> Redirect | None:
    if not small:
        return None
    frames = [f for f in doc.iter("iframe") if (f.get("src") or "").strip()]
    if len(frames) != 1:
        return None
    frame = frames[0]
    size = f"{frame.get('width') or ''} {frame.get('height') or ''} {frame.get('style') or ''}"
    if "100%" not in size and "100vh" not in size:
        return None
    url = _absolute(page_url, frame.get("src"))
    return Redirect("iframe", url, etree.tostring(frame, encoding="unicode")[:200]) if url else None


def _splash(doc: etree._Element, page_url: str, small: bool) -> Redirect | None:
    """A splash page: one link or button that says 进入 (its href, or the jump in onclick)."""
    if not small:
        return None
    for element in doc.iter("a", "area", "input", "button", "img", "span", "div", "td"):
        label = _label(element)
        if not _ENTER_RE.search(label):
            continue
        link = element if element.tag in ("a", "area") else element.getparent()
        href = (link.get("href") or "") if link is not None and link.tag == "a" else ""
        href = href if element.tag in ("a", "area", "img") else ""
        target = href if href and not href.strip().lower().startswith(("javascript", "#")) else ""
        if not target:
            click = element.get("onclick") or ""
            match = _LOCATION_RE.search(click)
            target = _leading_string(_statement(click, match.end())) if match else ""
        url = _absolute(page_url, target) if target else ""
        if url:
            return Redirect("splash", url, " ".join(label.split())[:200])
    return None


def _label(element: etree._Element) -> str:
    """What an element says: its text, or alt/title/value (of itself or of its images)."""
    parts = [element.get(attr) or "" for attr in ("alt", "title", "value")]
    if element.tag != "input":
        parts.append(element.text_content())
    if element.tag == "a":
        parts.extend(img.get("alt") or img.get("title") or "" for img in element.iter("img"))
    return " ".join(parts)


# --- helpers -----------------------------------------------------------------------------------


def _is_small(doc: etree._Element) -> bool:
    text = "".join(t.strip() for t in _VISIBLE_TEXT(doc))
    return len(text) <= STUB_MAX_TEXT and len(_LINKS(doc)) <= STUB_MAX_LINKS + 1


def _statement(source: str, start: int) -> str:
    """The expression after `location =` (or inside replace( … )), up to its end."""
    end = _STATEMENT_END_RE.search(source, start)
    rest = source[start : end.start() if end else len(source)]
    return rest.strip()


def _leading_string(expression: str) -> str:
    """The value of a leading `'a' + "b" + 'c'` concatenation ("" when it starts otherwise)."""
    return _leading_concat(expression)[0]


def _leading_concat(expression: str) -> tuple[str, int]:
    """(value, characters read) of a leading string concatenation."""
    parts: list[str] = []
    i, n, want_literal = 0, len(expression), True
    while i < n:
        char = expression[i]
        if char.isspace():
            i += 1
        elif want_literal and char in "'\"`":
            end = i + 1
            while end < n and expression[end] != char:
                end += 2 if expression[end] == "\\" else 1
            parts.append("".join(script_literals(expression[i : end + 1])))
            i, want_literal = end + 1, False
        elif not want_literal and char == "+":
            i, want_literal = i + 1, True
        else:
            break
    consumed = i if not want_literal else expression.rfind("+", 0, i)
    return "".join(parts), max(consumed, 0)


def _absolute(page_url: str, target: str) -> str:
    target = (target or "").strip()
    if not target or target.lower().startswith(("javascript:", "mailto:", "#")):
        return ""
    try:
        url = urljoin(page_url, target)
    except ValueError:
        return ""
    return url if urlsplit(url).scheme in ("http", "https") else ""


def _same_url(a: str, b: str) -> bool:
    """The same document: "/" and "/index.html" are not (a stub at "/" often sends the browser
    to "/index.html", a different file)."""

    def norm(url: str) -> str:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().removeprefix("www.")
        return f"{host}{parts.path or '/'}?{parts.query}"

    return norm(a) == norm(b)
