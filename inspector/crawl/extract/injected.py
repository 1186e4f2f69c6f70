"""Injected code (挂马): scripts and frames from untrusted hosts, obfuscated inline script, and
scripts that send visitors from a search engine (or search-engine crawlers) elsewhere.

Pure functions over elements the caller collected in its one pass over the tree. Every item
says `why` with a stable code (README lists them); an inline item carries a `snippet` of the
code around what fired, a loaded one its `src`.

Statistics and badge snippets write their script tag through `document.write(unescape(…))`
(CNZZ, the 党政机关 badge of dcs.conac.cn, www.gov.cn's webdig): the written markup is decoded and
judged by the hosts it loads, so an allow-listed service stays silent and the same call loading
an unknown host does not.
"""

from __future__ import annotations

import base64
import itertools
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, urljoin

import ahocorasick_rs

from inspector.crawl.extract.scripts import written_html
from inspector.lexicons import HostPolicy, host_key

SNIPPET_CHARS = 160
MAX_ITEMS = 30


class _Bounded:
    """A regular expression whose alternatives open with \\b, searched as `re` would: an
    expression that opens with \\b gives the engine no first character to skip ahead to, so it
    tries every position of a script (25 ns a character, a long script's largest cost). Every
    match is one of the same expression without its \\b at the same place, which the engine
    finds by skipping ahead: the expression is tried only there, and the first place it matches
    is where a search would have found it."""

    def __init__(self, source: str) -> None:
        self.exact = re.compile(source)
        # (no source here has an escaped backslash before a b)
        self.quick = re.compile(source.replace(r"\b", ""))

    def search(self, text: str) -> re.Match[str] | None:
        at = 0
        while (m := self.quick.search(text, at)) is not None:
            found = self.exact.match(text, m.start())
            if found is not None:
                return found
            at = m.start() + 1
        return None


# A script element created in code and given a URL: var s = createElement("script"); s.src = "…"
_LOADS = re.compile(r"""(?:\.src\s*=\s*|getScript\s*\(\s*)['"]\s*((?:https?:)?//[^'"\s]+)""")
_TRIGGERS = ("eval", "fromCharCode", "\\x", "\\u00", "_0x", "atob", "document.write", "innerHTML",
             ".html(", "insertAdjacentHTML", ".src='", '.src="', ".src = '", '.src = "', "getScript",
             "referrer", "userAgent", "unescape", "decodeURI", "location")  # fmt: skip
_TRIGGER_AUTOMATON = ahocorasick_rs.BytesAhoCorasick(
    [t.encode() for t in _TRIGGERS], implementation=ahocorasick_rs.Implementation.DFA
)  # the DFA: the same matches, 40% faster than the default automaton over scripts
_OBFUSCATION_TRIGGERS = frozenset(
    ("eval", "fromCharCode", "\\x", "\\u00", "_0x", "atob", "unescape", "decodeURI")
)
_WRITE_TRIGGERS = frozenset(("document.write", "innerHTML", ".html(", "insertAdjacentHTML"))
_LOAD_TRIGGERS = frozenset((".src='", '.src="', ".src = '", '.src = "', "getScript"))
_ENCODING_TRIGGERS = frozenset(("unescape", "decodeURI"))
_ENCODED_SOURCE = r"\b(?:unescape|decodeURIComponent|decodeURI)\s*\("
_ENCODED = re.compile(_ENCODED_SOURCE, re.I)
# eval, or what runs a string as code as eval does: new Function(…), setTimeout("…").
_EVAL = r"\b(?:eval|Function|setTimeout|setInterval)\s*\(\s*"
_EVAL_CHARCODE = _Bounded(_EVAL + r"(?:window\.)?String\.fromCharCode\s*\(")
# Twelve codes or more: enough for a short URL (a redirect target assembled from codes).
_CHARCODES = re.compile(r"String\.fromCharCode\s*\(\s*((?:\d{1,5}\s*,\s*){11,}\d{1,5})\s*\)")
_URL_IN_TEXT = re.compile(r"(?:https?:)?//[a-z0-9][^\s'\"<>]*", re.I)
# What cloaking code does for a crawler: navigate, write, or change the title search engines index.
_SHOWS_OTHER = re.compile(r"document\.title\s*=(?!=)|innerHTML\s*=(?!=)", re.I)
_PACKED = _Bounded(
    r"\beval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[rd]\s*\)"
)
# Twenty escaped characters in a row: \x.. anything, or \u00.. — ASCII written as \u escapes
# (Chinese text escaped as \u4e2d… is what minifiers do with any non-ASCII string).
_HEX_BLOB = re.compile(r"(?:\\x[0-9a-fA-F]{2}|\\u00[0-7][0-9a-fA-F]){20,}")
_EVAL_DECODED = _Bounded(
    _EVAL + r"(?:window\.)?(?:unescape|decodeURIComponent|decodeURI|atob)\s*\("
)
_OBFUSCATOR = re.compile(r"\b_0x[0-9a-f]{4,6}\b")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{200,}={0,2}")
_RUNS_CODE = _Bounded(r"\beval\s*\(|\bFunction\s*\(|document\.write")
# Lowercase names whose presence, with document.referrer and a navigation, makes a redirect of
# visitors from search engines.
_SEARCH_ENGINES = ("baidu", "sogou", "so.com", "sm.cn", "google", "bing", "yahoo", "soso", "youdao",
                   "haosou", "360.cn", "toutiao", "yandex")  # fmt: skip
_SPIDERS = ("spider", "googlebot", "bingbot", "sogou", "yisou", "bytespider")
_NAVIGATE = re.compile(
    r"location(?:\.href)?\s*=(?!=)|location\.(?:replace|assign)\s*\(|window\.open\s*\(|"
    r"document\.write|\.href\s*=(?!=)|top\.location|window\.navigate|setTimeout\s*\(\s*['\"]\s*location",
    re.I,
)
# A host in written markup: after // (absolute or protocol-relative), or the first thing of a
# string that follows a concatenation ("…" + protocol + "s9.cnzz.com/…").
_HOST_IN_CODE = re.compile(
    r"""(?://|\+\s*['"]\s*)([a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)+)(?=[/:'"?\s\\]|$)""", re.I
)
_TAG_SRC = re.compile(r"<\s*(script|iframe|frame)\b([^>]*)>", re.I)
# What a host seen in code must not end with: file names (//jquery.min.js in a comment).
_NOT_TLD = frozenset(("js", "css", "html", "htm", "shtml", "php", "asp", "aspx", "jsp", "do",
                      "action", "png", "gif", "jpg", "jpeg", "swf", "json", "xml", "txt", "cgi"))  # fmt: skip
_SPACE = re.compile(r"\s+")
# window["location"]["href"] is window.location.href.
_BRACKETS = re.compile(r"""\[\s*['"]([A-Za-z_$][\w$]*)['"]\s*\]""")
_GOES = re.compile(r"location(?:\.href)?\s*=(?!=)|location\.(?:replace|assign)\s*\(")
# Code that runs when someone acts (a named function, an event handler), not on load.
_ON_DEMAND = _Bounded(
    r"\bfunction\s+[A-Za-z_$]|\bon[a-z]+\s*=|addEventListener|attachEvent|\.(?:on|click|bind)\s*\(",
)
_ABSOLUTE_URL = re.compile(r"https?://[a-z0-9][a-z0-9\-]*(?:\.[a-z0-9\-]+)+[^\s'\"<>]*", re.I)
# "<scr"+"ipt": a tag name split by joined string literals, to dodge scanners.
_JOINED_LITERALS = re.compile(
    r"""<\s*/?(?:s|sc|scr|scri|scrip|i|if|ifr|ifra|ifram|f|fr|fra|fram)['"]\s*\+\s*['"]""", re.I
)
_CONDITIONAL = ("search_referrer_redirect", "crawler_user_agent_check")
_ATOB = re.compile(r"""\batob\s*\(\s*['"]([A-Za-z0-9+/]{8,}={0,2})['"]\s*\)""")


_BASE64_LITERAL = re.compile(r"""['"]([A-Za-z0-9+/]{16,}={0,2})['"]""")


def _from_base64(value: str, errors: str = "strict") -> str | None:
    """base64 (its padding optional, as atob takes it) of UTF-8 text, decoded; None when it is
    not base64, or (errors="strict") not text."""
    try:
        return base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8", errors)
    except ValueError:  # binascii.Error, UnicodeDecodeError
        return None


def _base64_literals(code: str) -> str:
    """The code's string literals that are base64 of UTF-8 text, decoded, one per line."""
    found = (_from_base64(m.group(1)) for m in itertools.islice(_BASE64_LITERAL.finditer(code), 20))
    return "\n".join(text for text in found if text is not None)


def snippet(text: str, at: int = 0) -> str:
    start = max(0, at - SNIPPET_CHARS // 4)
    return _SPACE.sub(" ", text[start : start + SNIPPET_CHARS]).strip()


_ABSOLUTE = re.compile(r"(?:https?:)?[/\\]{2}", re.IGNORECASE)


def is_absolute(value: str) -> bool:
    """Does the URL name a host (lexicons.NETLOC), as browsers read it, backslashes included?"""
    low = value[:8].lower()
    if low.startswith(("http://", "https://")) or value.startswith("//"):
        return True
    return "\\" in value[:8] and _ABSOLUTE.match(value) is not None


def untrusted_host(value: str, policy: HostPolicy, site_hosts: frozenset[str]) -> str:
    """The host key of an absolute URL nobody trusts, else "". A relative URL (most script
    URLs) is answered before the cache, which would cost more to fill than the answer."""
    return _untrusted_host(value, policy, site_hosts) if is_absolute(value) else ""


@lru_cache(maxsize=65536)
def _untrusted_host(value: str, policy: HostPolicy, site_hosts: frozenset[str]) -> str:
    """Remembered per URL: a site's template loads the same scripts on every page."""
    key = host_key(value)
    return key if key and not policy.trust(key, site_hosts) else ""


@lru_cache(maxsize=4096)
def _inline_items(
    code: str, policy: HostPolicy, site_hosts: frozenset[str], scheme: str
) -> tuple[dict[str, Any], ...]:
    """What one inline script shows, remembered: a site's template scripts repeat on every page."""
    found = _triggers(code)
    if not found:
        return ()  # half of a page's scripts: no judge to build
    judge = ScriptJudge(f"{scheme}://x/", policy, site_hosts)
    judge.read_triggered(code, found)
    return tuple(judge.items)


def _triggers(code: str) -> set[str]:
    """JavaScript names are case-sensitive, so each rule needs a plain name in the code
    (eval, document.write, referrer …); one automaton pass over the UTF-8 bytes finds which
    are there before any regular expression runs."""
    return {
        _TRIGGERS[i]
        for i, _, _ in _TRIGGER_AUTOMATON.find_matches_as_indexes(code.encode("utf-8", "replace"))
    }


class ScriptJudge:
    """Judges the scripts, frames and refresh tags of one page."""

    def __init__(self, page_url: str, policy: HostPolicy, site_hosts: frozenset[str]) -> None:
        self.page_url = page_url
        self.policy = policy
        self.site_hosts = site_hosts
        self.items: list[dict[str, Any]] = []
        self._seen: set[tuple[str, str]] = set()

    def trust(self, key: str) -> str:
        """ "site" | "gov" | "allowed" | "" (untrusted) for a host key."""
        return self.policy.trust(key, self.site_hosts)

    def _add(self, why: str, **fields: Any) -> None:
        key = (why, fields.get("src") or fields.get("snippet", ""))
        if key not in self._seen and len(self.items) < MAX_ITEMS:
            self._seen.add(key)
            self.items.append({"why": why, **fields})

    def untrusted(self, value: str) -> str:
        """The host key of an absolute URL nobody trusts, else ""."""
        return untrusted_host(value, self.policy, self.site_hosts)

    def external(self, el: Any, hidden: bool) -> None:
        """A `<script src>`, `<iframe src>` or `<frame src>`."""
        src = (el.get("src") or "").strip()
        if not src:
            return
        if src[:5].lower() == "data:":
            payload = _data_payload(src)
            # Code served from a data: URI is how injected scripts hide from file scans; a
            # payload that writes, evaluates, navigates or names an untrusted host is reported.
            if el.tag == "script" and payload and self._suspicious_payload(payload):
                self._add("data_uri_script", snippet=snippet(payload))
            return
        host = self.untrusted(src)
        if not host:
            return
        url = urljoin(self.page_url, src)
        if el.tag == "script":
            self._add("untrusted_script_host", src=url, host=host)
        else:
            self._add("hidden_iframe" if hidden else "untrusted_iframe_host", src=url, host=host)

    def refresh(self, content: str) -> None:
        """`<meta http-equiv=refresh content="0;url=…">` to a host nobody trusts."""
        m = _REFRESH_URL.search(content)
        if m and self.untrusted(m.group(1)):
            self._add(
                "meta_refresh_untrusted",
                src=urljoin(self.page_url, m.group(1)),
                host=host_key(m.group(1)),
            )

    def inline(self, code: str) -> None:
        """Inline code (judged once per distinct text and site)."""
        scheme = "https" if self.page_url.startswith("https:") else "http"
        for item in _inline_items(code, self.policy, self.site_hosts, scheme):
            self._add(**item)

    def read_triggered(self, code: str, found: set[str]) -> None:
        """Inline code, given the trigger names in it (_triggers)."""
        if not found:
            return
        if found & _OBFUSCATION_TRIGGERS:
            for why, at in self._obfuscation(code, found):
                self._add(why, snippet=snippet(code, at))
        if found & _WRITE_TRIGGERS:
            self._written(code, found)
        if found & _LOAD_TRIGGERS:
            for m in _LOADS.finditer(code):
                host = self.untrusted(m.group(1))
                if host:
                    self._add(
                        "loads_untrusted_script", src=urljoin(self.page_url, m.group(1)), host=host
                    )
        if "referrer" in found or "userAgent" in found:
            low = code.lower()
            if (
                "referrer" in found
                and any(e in low for e in _SEARCH_ENGINES)
                and _NAVIGATE.search(code)
            ):
                self._add("search_referrer_redirect", snippet=snippet(code, code.find("referrer")))
            spider = next((low.find(s) for s in _SPIDERS if s in low), -1)
            if (
                "userAgent" in found
                and spider >= 0
                and (_NAVIGATE.search(code) or _SHOWS_OTHER.search(code))
            ):
                self._add("crawler_user_agent_check", snippet=snippet(code, spider))
        if "location" in found and not any(i["why"] in _CONDITIONAL for i in self.items):
            target = self._redirect_target(code)
            if target:
                self._add(
                    "redirects_untrusted",
                    src=target,
                    host=host_key(target),
                    snippet=snippet(code, code.find("location")),
                )

    def _redirect_target(self, code: str) -> str:
        """The untrusted URL a script sends every visitor to as the page loads: a navigation
        (location = …, location.replace(…), bracket notation too) in code that declares no
        named function and handles no event, and an absolute URL of an untrusted host in its
        strings (atob("…") decoded). A conditional one (referrer, user agent) has its own why."""
        if "http" not in code and "atob" not in code:
            return ""
        bracketed = "'location'" in code or '"location"' in code
        plain = _BRACKETS.sub(r".\1", code) if bracketed else code
        if not _GOES.search(plain) or _ON_DEMAND.search(plain):
            return ""
        texts = [code, *filter(None, (_from_base64(m.group(1)) for m in _ATOB.finditer(code)))]
        for text in texts:
            for m in _ABSOLUTE_URL.finditer(text):
                if self.untrusted(m.group(0)):
                    return m.group(0)
        return ""

    def _obfuscation(self, code: str, found: set[str]) -> Iterable[tuple[str, int]]:
        if "fromCharCode" in found:
            m = _EVAL_CHARCODE.search(code)
            if m:
                yield "eval_fromcharcode", m.start()
            else:
                m = _CHARCODES.search(code)
                decoded = _decode_charcodes(m.group(1)) if m else ""
                if m and (self._suspicious_markup(decoded) or self._untrusted_url(decoded)):
                    yield "fromcharcode_payload", m.start()
        if found & {"unescape", "decodeURI", "atob"}:
            m = _EVAL_DECODED.search(code)
            if m:
                yield "eval_encoded", m.start()
        if "eval" in found and "p,a,c,k,e" in code.replace(" ", ""):
            m = _PACKED.search(code)
            if m:
                yield "packed_eval", m.start()
        if "\\x" in found or "\\u00" in found:
            m = _HEX_BLOB.search(code)
            if m:
                yield "hex_escaped_blob", m.start()
        if "_0x" in found and len(_OBFUSCATOR.findall(code)) >= 10:
            yield "obfuscator_identifiers", code.find("_0x")
        if "atob" in found and _RUNS_CODE.search(code):
            m = _BASE64_RUN.search(code)
            if m and "data:" not in code[max(0, m.start() - 30) : m.start()]:
                yield "base64_eval", m.start()

    def _written(self, code: str, found: set[str]) -> None:
        """document.write / innerHTML of markup: judged by what the markup loads."""
        encoded = bool(found & _ENCODING_TRIGGERS) and _encoded(code)
        markup = unquote(code) if encoded else code
        hosts = self._code_hosts(markup)
        if not hosts and "document.write" in found and _JOINED_LITERALS.search(code):
            # Tags split to dodge scanners ("<scr"+"ipt src=…>") are whole once written.
            written = written_html(code)
            hosts = self._code_hosts(written)
            markup = written if hosts else markup
        if not hosts and "atob" in found:
            # Markup written from base64 (var a="PHNjcmlwdCBzcmM9…"; document.write(atob(a))):
            # the string literals decoded, whatever the variable they pass through.
            decoded = _base64_literals(code)
            hosts = self._code_hosts(decoded)
            markup = decoded if hosts else markup
        if hosts:
            at = markup.find(hosts[0])
            self._add("writes_untrusted_source", snippet=snippet(markup, at), host=hosts[0])
        elif encoded and self._inline_script_tag(markup):
            self._add(
                "document_write_unescape", snippet=snippet(markup, _TAG_SRC.search(markup).start())
            )

    def _code_hosts(self, markup: str) -> list[str]:
        if "<" not in markup and "%3C" not in markup and "%3c" not in markup:
            return []
        out = []
        for m in _TAG_SRC.finditer(markup):
            for h in _HOST_IN_CODE.findall(m.group(2)):
                key = host_key("//" + h)
                label = key.rpartition(".")[2].partition(":")[0]
                if (label.isalpha() and label not in _NOT_TLD) or _is_ip(key):
                    if not self.trust(key) and key not in out:
                        out.append(key)
        return out

    @staticmethod
    def _inline_script_tag(markup: str) -> bool:
        for m in _TAG_SRC.finditer(markup):
            if m.group(1).lower() == "script" and "src" not in m.group(2).lower():
                return True
        return False

    def _suspicious_payload(self, payload: str) -> bool:
        return bool(
            self._suspicious_markup(payload)
            or self._untrusted_url(payload)
            or _PAYLOAD_RUNS.search(payload)
        )

    def _untrusted_url(self, decoded: str) -> bool:
        """A URL to a host nobody trusts in decoded text."""
        return any(self.untrusted(m.group(0)) for m in _URL_IN_TEXT.finditer(decoded))

    def _suspicious_markup(self, decoded: str) -> bool:
        return bool(
            self._code_hosts(decoded)
            or self._inline_script_tag(decoded)
            or _MARKUP_RUNS.search(decoded)
        )


_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s>]+)", re.I)
_PAYLOAD_RUNS = _Bounded(r"document\.write|\bFunction\s*\(|\batob\s*\(")
_MARKUP_RUNS = _Bounded(r"\beval\s*\(|location|window\.open")


_ENCODED_CASED = _Bounded(_ENCODED_SOURCE)


def _encoded(code: str) -> bool:
    """_ENCODED.search(code): as written (unescape, not UNESCAPE) first, since a case-blind
    expression cannot skip ahead; the case-blind search only when that finds nothing."""
    return _ENCODED_CASED.search(code) is not None or _ENCODED.search(code) is not None


def _data_payload(src: str) -> str:
    """The decoded body of a base64 data: URI ("" when it is not one)."""
    head, _, body = src.partition(",")
    if ";base64" not in head.lower():
        return ""
    return _from_base64(body, "replace") or ""


def _decode_charcodes(numbers: str) -> str:
    out = []
    for n in numbers.split(","):
        value = int(n)
        if value < 0x110000:
            out.append(chr(value))
    return "".join(out)


def _is_ip(key: str) -> bool:
    host = key.partition(":")[0]
    parts = host.split(".")
    return len(parts) == 4 and all(p.isdigit() for p in parts)
