"""Security facts of one page, from the tree the crawl already parsed: hidden links (暗链),
injected code (挂马), serious wording errors (严重表述错误); and the facts of one fetched version of
a page that the cloaking comparison reads.

Pure functions of the parsed document, the page URL, the site's hosts and the compiled lexicons
(`security_rules(load_lexicons(profile))`). Judging happens in `checks/security.py`; the facts
are what a person needs to check the judgement: URLs, texts, the CSS that hid them, code snippets.

Cost is kept to a fraction of a millisecond per page (bench/bench_security.py) by a fast path
that ordinary pages never leave: no walk of the tree of their own (the crawl's link pass
collects the links, scripts, styles, frames and refreshes in a `PageElements`), the links'
hosts classified with per-site memory, one automaton run over the text. CSS is parsed only
when a link goes somewhere untrusted or carries spam words.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from functools import lru_cache, partial
from typing import Any
from urllib.parse import unquote, urljoin

import ahocorasick_rs
import lxml.html
from lxml import etree

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.hiding import (
    Hidden,
    HiddenFinder,
    element_facts,
    menu_like,
    script_hidden_ids,
)
from inspector.crawl.extract.injected import ScriptJudge, is_absolute, untrusted_host
from inspector.crawl.extract.links import PageElements, page_elements
from inspector.crawl.extract.page import body_text, body_utf8
from inspector.crawl.extract.scripts import written_html
from inspector.crawl.extract.sheetcolours import colour_index
from inspector.crawl.extract.templatetexts import element_text
from inspector.crawl.extract.wording import TextMatcher
from inspector.crawl.extract.wordingcache import text_matcher
from inspector.lexicons import NETLOC, HostPolicy, Lexicons, host_key

_GOV = (".gov.cn", ".gov.cn.")
MAX_GROUPS = 20  # hidden blocks kept per page
MAX_LINKS = 50  # links kept per hidden block
MAX_VERSION_LINKS = 30
TEXT_MAX = 100
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, eq=False)
class SecurityRules:
    """The compiled matchers of one lexicon set."""

    lexicons: Lexicons
    hosts: HostPolicy
    text: TextMatcher
    url_strong: Any  # automaton of the URL tokens of five letters or more (matched anywhere)
    url_strong_words: list[str]
    url_weak: re.Pattern[str] | None  # shorter ones, as whole words of the URL

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled for the reader processes: the URL automaton is built again from its words."""
        return _rules, (self.lexicons, self.hosts, self.text, self.url_strong_words, self.url_weak)


def _rules(
    lexicons: Lexicons,
    hosts: HostPolicy,
    text: TextMatcher,
    long_: list[str],
    url_weak: re.Pattern[str] | None,
) -> SecurityRules:
    strong = ahocorasick_rs.AhoCorasick(long_) if long_ else None
    return SecurityRules(lexicons, hosts, text, strong, long_, url_weak)


@lru_cache(maxsize=4)
def security_rules(lexicons: Lexicons) -> SecurityRules:
    tokens = lexicons.spam.url_tokens
    long_ = sorted((t for t in tokens if len(t) >= 5), key=len, reverse=True)
    short = sorted((t for t in tokens if len(t) < 5), key=len, reverse=True)
    return _rules(
        lexicons,
        lexicons.hosts,
        text_matcher(lexicons),
        long_,
        re.compile(r"(?<![a-z])(?:" + "|".join(map(re.escape, short)) + r")(?![a-z])")
        if short
        else None,
    )


def absolute(base: str, href: str) -> str:
    """urljoin, with the scheme and host lowercased (HTTP://WWW.X.COM/ is http://www.x.com/)."""
    url = urljoin(base, href.strip())
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    netloc, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{netloc.lower()}{slash}{path}"


def _short(text: str) -> str:
    return _SPACE.sub(" ", text).strip()[:TEXT_MAX]


def _describe(el: Any) -> str:
    """div#id.class — enough to find the block in the page source."""
    out = el.tag if isinstance(el.tag, str) else "?"
    if el.get("id"):
        out += "#" + el.get("id").strip()
    if el.get("class"):
        out += "." + ".".join(el.get("class").split()[:3])
    return out[:80]


def page_security(
    doc: Any,
    url: str,
    rules: SecurityRules,
    *,
    site_hosts: frozenset[str] = frozenset(),
    on: date | None = None,
    title: str = "",
    text_utf8: bytes | None = None,
    seen: PageElements | None = None,
    source: str = "",
) -> dict[str, Any]:
    """The security facts of one page ({} for a clean page): `hidden`, `scripts`, `wording`,
    `spam_links` (links in plain view to untrusted hosts that say gambling, adult or loan spam).

    `on` is the date the page speaks for (its publication date, else the as-of date);
    `text_utf8` the body text as UTF-8 (page.body_utf8) and `seen` the elements the link pass
    collected, when the caller has them; `source` the decoded page, for the links written
    after its end (the tree does not say where `</html>` stood).
    """
    if text_utf8 is None:
        text_utf8 = body_utf8(doc)
    trust = _truster(rules.hosts, site_hosts)
    judge = ScriptJudge(url, rules.hosts, site_hosts)
    untrusted = _untrusted_of(rules.hosts, site_hosts)
    if seen is None or not seen.complete:
        seen = page_elements(doc)
    walk = _walk(seen, untrusted, judge)
    anchors = walk.anchors
    finders = _Finders(doc, walk.styles, walk.scripts)
    for frame in walk.frames:
        # Whether a frame is hidden matters only for one loading a host nobody trusts.
        hidden = bool(judge.untrusted(frame.get("src") or "")) and _frame_hidden(
            frame, finders.of(doc)
        )
        judge.external(frame, hidden)
    # Links a script writes inside a hiding block (or a block it opens around static links) are
    # read from the page as a browser builds it; only pages whose scripts write such markup.
    rendered = written_page(doc, walk.writers) if walk.writers else None
    if rendered is not None:
        doc, anchors = rendered, _untrusted_anchors(page_elements(rendered).anchors, untrusted)
    after_end = after_end_hrefs(source)
    hidden = _hidden_links(doc, url, rules, trust, anchors, [], finders, after_end)
    # The text last: the automaton's tables and the text are the largest memory a page's
    # checks touch; read after the tree work, they do not push the tree out of the CPU caches.
    if title:
        text_utf8 = title.encode("utf-8", "surrogatepass") + b"\n" + text_utf8
    matches = rules.text.scan(text_utf8, on)
    shown: list[dict[str, Any]] = []
    if matches.strong:  # spam words on the page (rare): trusted links with them count too,
        # and links in plain view that are spam themselves
        hidden = _hidden_links(doc, url, rules, trust, anchors, matches.strong, finders, after_end)
        shown = _spam_in_view(url, rules, anchors, finders, doc, after_end)
    facts: dict[str, Any] = {}
    if hidden:
        facts["hidden"] = hidden
    if shown:
        facts["spam_links"] = shown
    if judge.items:
        facts["scripts"] = judge.items
    if matches.wording:
        facts["wording"] = matches.wording
    return facts


@dataclass(slots=True)
class _Walked:
    """What one walk over a page's tree collected for the security checks."""

    anchors: list[tuple[Any, str, str, str]]  # links to hosts nobody trusts
    styles: list[Any]  # <style> elements: their text is read only for a hidden-link check
    scripts: list[str]  # inline code
    frames: list[Any]
    writers: list[tuple[Any, str]]  # (script element, its code) of scripts that write markup


def _walk(seen: PageElements, untrusted: Any, judge: ScriptJudge) -> _Walked:
    """The page's links, scripts, styles, meta refreshes and frames, as the link pass met them;
    scripts and refreshes are judged on the way."""
    styles: list[Any] = []  # <style> elements: their text is read only for a hidden-link check
    scripts: list[str] = []
    frames = []
    writers: list[tuple[Any, str]] = []  # (script element, its code)
    quiet = untrusted.quiet_scripts
    anchors = _untrusted_anchors(seen.anchors, untrusted)
    for el in seen.others:
        tag = el.tag
        if tag == "script":
            if src := el.get("src"):
                if src not in quiet and not untrusted.quiet_script(src):
                    judge.external(el, False)
            elif code := element_text(el):  # the template's scripts: one str for all pages
                scripts.append(code)
                judge.inline(code)
                if _may_write(code):
                    writers.append((el, code))
        elif tag == "style":
            styles.append(el)
        elif tag == "meta":
            judge.refresh(el.get("content") or "")
        elif el.get("src"):
            frames.append(el)
    return _Walked(anchors, styles, scripts, frames, writers)


@lru_cache(maxsize=4096)
def _may_write(code: str) -> bool:
    """Could the inline script write markup? (Remembered: searching a long text costs as much
    as hashing it, and a template script's str, read by element_text, keeps its hash.)"""
    return "write" in code


class _Finders:
    """The page's HiddenFinder, built on first use (most pages never need one): the `<style>`
    texts are read and the stylesheets indexed only then. A page rebuilt from what its scripts
    write (written_page) gets its own."""

    def __init__(self, doc: Any, styles: list[Any], scripts: list[str]) -> None:
        self.doc = doc
        self.styles = styles
        self.scripts = scripts
        self.built: dict[int, HiddenFinder] = {}

    def of(self, doc: Any) -> HiddenFinder:
        finder = self.built.get(id(doc))
        if finder is None:
            styles = self.styles if doc is self.doc else doc.iter("style")
            texts = [css for el in styles if (css := element_text(el))]
            finder = self.built[id(doc)] = HiddenFinder(
                doc, texts, script_hidden_ids(self.scripts), partial(colour_index, tuple(texts))
            )
        return finder


# What makes written markup worth a second look: a hiding declaration, or a link to a host.
_WRITES_HIDING = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|overflow\s*:\s*hidden|font-size\s*:\s*0|"
    r"-\d{3,}\s*(?:px|em|pt)|<\s*marquee|\bhidden\b|href\s*=\s*['\"]?(?:https?:)?//",
    re.I,
)
# Literal starts of _WRITES_HIDING's alternatives as they stand in script source (quotes
# escaped or not): one automaton pass over a long script instead of the expression.
_WRITES_WORDS = ahocorasick_rs.BytesAhoCorasick(
    [
        w.encode()
        for w in (
            "display:none", "display: none", "visibility:", "visibility: ", "overflow:hidden",
            "overflow: hidden", "font-size:0", "font-size: 0", "marquee", " hidden", ":-",
            ": -", *(f"href={q}{s}" for q in ("", "'", '"', "\\'", '\\"') for s in ("http", "//")),
        )
    ],
    implementation=ahocorasick_rs.Implementation.DFA,
)  # fmt: skip
_MARK = "inspectorwritten{}x"


@lru_cache(maxsize=1024)
def _writes(code: str) -> str:
    """What an inline script writes with document.write (a site's template repeats them), when
    its code could write hiding markup or a link to another host at all: the written markup is
    made of the code's strings, so a hint must be in the code, or in it URL-decoded."""
    if "document" not in code or "write" not in code:
        return ""
    low = code.lower()
    if "%3c" in low:
        low = unquote(low)
    if not _WRITES_WORDS.find_matches_as_indexes(low.encode("utf-8", "replace")):
        return ""
    return written_html(code)


def written_page(doc: Any, scripts: list[tuple[Any, str]]) -> Any | None:
    """The page with what its inline scripts write in place of the scripts, parsed again as a
    browser would (a `<div style="display:none">` written by one script and closed by another
    hides the static links between them) — None when no script writes hiding markup or links
    to other hosts. The crawl's tree is left as it is."""
    writes = [_writes(code) for _, code in scripts]  # the same str objects: hashed once
    if not any(w and _WRITES_HIDING.search(w) for w in writes):
        return None
    every = list(doc.iter("script"))
    positions = {id(el): i for i, el in enumerate(every)}
    marked = [(positions[id(el)], w) for (el, _), w in zip(scripts, writes, strict=True) if w]
    copy = deepcopy(doc)
    copies = list(copy.iter("script"))
    for n, (i, _) in enumerate(marked):
        script = copies[i]
        script.tail = _MARK.format(n) + (script.tail or "")
        script.drop_tree()  # keeps the tail (the marker) in place
    html = lxml.html.tostring(copy, encoding="unicode")
    for n, (_, written) in enumerate(marked):
        html = html.replace(_MARK.format(n), written, 1)
    return parse_html(html)


def _truster(policy: HostPolicy, site_hosts: frozenset[str]):  # noqa: ANN202
    def trust(key: str) -> str:
        return policy.trust(key, site_hosts)

    return trust


def _frame_hidden(frame: Any, finder: HiddenFinder) -> bool:
    for name in ("width", "height"):
        value = (frame.get(name) or "").strip().removesuffix("px")
        if value.isdigit() and int(value) <= 1:
            return True
    facts = element_facts(frame)
    if facts.technique or (facts.size_px is not None and facts.size_px <= 1):
        return True
    return finder.hidden(frame) is not None


def _hidden_links(
    doc: Any,
    url: str,
    rules: SecurityRules,
    trust: Any,
    anchors: list[tuple[Any, str, str, str]],
    page_strong: list[str],
    finders: _Finders,
    after_end: frozenset[str],
) -> list[dict[str, Any]]:
    """The hidden blocks' links, and the links written after </html> (`after_end`: their hrefs)."""
    candidates = list(anchors)  # (element, href, host key, trust): links to untrusted hosts
    # Links to trusted places matter only when they carry spam words: the page's text has some.
    if page_strong:
        for a in _with_words(tuple(page_strong))(doc):
            href = (a.get("href") or "").strip()
            key = host_key(href)
            level = trust(key) if key else "site"
            if href and level and _link_words(rules, a, href)[0]:
                candidates.append((a, href, key, level))
    if not candidates:
        return []
    finder = finders.of(doc)
    groups: dict[Any, dict[str, Any]] = {}
    for a, href, key, level in candidates:
        hidden = finder.hidden(a) or (_AFTER_END if href in after_end else None)
        if hidden is None:
            continue
        group = groups.get(hidden.container)
        if group is None:
            if len(groups) >= MAX_GROUPS:
                continue
            tail = hidden is _AFTER_END  # no block: nothing to call a menu or to describe
            group = groups[hidden.container] = {
                "technique": hidden.technique,
                "kind": hidden.kind,
                "menu_like": not tail and menu_like(hidden.container, finder.shown),
                "block": AFTER_END if tail else _describe(hidden.container),
                "links": [],
            }
        if len(group["links"]) < MAX_LINKS:
            group["links"].append(_link_fact(rules, url, a, href, key, level))
    return list(groups.values())


SPAM_TEXT_MAX = 16  # characters: a spam link names a brand; a news headline runs longer


def _spam_in_view(
    url: str,
    rules: SecurityRules,
    anchors: list[tuple[Any, str, str, str]],
    finders: _Finders,
    doc: Any,
    after_end: frozenset[str],
) -> list[dict[str, Any]]:
    """The links to untrusted hosts (`anchors`) in plain view that are spam themselves."""
    out: list[dict[str, Any]] = []
    for a, href, key, level in anchors:
        if _spam_link(rules, a, href) and href not in after_end and not finders.of(doc).hidden(a):
            out.append(_link_fact(rules, url, a, href, key, level))
            if len(out) >= MAX_LINKS:
                break
    return out


def _spam_link(rules: SecurityRules, a: Any, href: str) -> bool:
    """A link that is spam itself: a strong word in its text or title, and either a short text
    (a brand: 澳门金沙娱乐城) or a strong word in its URL too — a headline about a gambling case
    on a news site says the words in a long text to an ordinary URL."""
    text = a.text_content()
    said = f"{text} {a.get('title') or ''}".encode("utf-8", "surrogatepass")
    if not rules.text.scan(said, None).strong:
        return False
    return len(_SPACE.sub("", text)) <= SPAM_TEXT_MAX or bool(_url_spam(rules, href.lower()))


def _link_fact(
    rules: SecurityRules, url: str, a: Any, href: str, key: str, level: str
) -> dict[str, Any]:
    strong, weak = _link_words(rules, a, href)
    link = {
        "url": absolute(url, href),
        "text": _short(a.text_content()),
        "host": key,
        "trust": level,
    }
    if a.get("title"):
        link["title"] = _short(a.get("title"))
    if strong:
        link["strong"] = strong
    if weak:
        link["weak"] = weak
    return link


# Links written after the page's last </html>: no template puts anything there, hackers append
# their links there (browsers show them at the page's foot, search engines read them).
AFTER_END = "after </html>"
_AFTER_END = Hidden(AFTER_END, "after_end", AFTER_END)  # the technique and the group of them
_HREF_IN_SOURCE = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*["']?\s*([^"'\s>]+)""", re.I)
# Characters of the page's end searched for its last </html>: first the last 4 K (a template
# ends with it), then, when it is not there, the last 64 K (a long list of appended links).
# Searching the whole text would cost a pass over 60-200 KB on every page.
END_WINDOWS = (4 * 1024, 64 * 1024)


def after_end_hrefs(source: str) -> frozenset[str]:
    """The hrefs of the links that follow the page's last `</html>`."""
    n = len(source)
    end = -1
    for window in END_WINDOWS:
        start = max(0, n - window)
        end = max(source.rfind("</html", start), source.rfind("</HTML", start))
        if end >= 0 or start == 0:
            break
    if end < 0:
        return frozenset()
    after = source[end + 6 :]
    if "<a" not in after and "<A" not in after:
        return frozenset()
    return frozenset(m.group(1) for m in _HREF_IN_SOURCE.finditer(after))


class _Untrusted:
    """href → the host key when it names a host nobody trusts, else "" — one per site (its
    pages repeat their navigation, footer and script URLs), with what it has answered."""

    def __init__(self, policy: HostPolicy, site_hosts: frozenset[str]) -> None:
        self.policy = policy
        self.site_hosts = site_hosts
        self.verdicts: dict[str, str] = {}
        self.netlocs: dict[str, str] = {}  # the same verdicts by the href's host part
        self.quiet_scripts: set[str] = set()  # script URLs judge.external has nothing to say of

    def __call__(self, href: str) -> str:
        key = ""
        if "//" in href or "\\" in href:
            netloc = _netloc(href)
            if netloc is not None:
                known = self.netlocs.get(netloc)
                if known is None:
                    known = _netloc_host(netloc, self.policy, self.site_hosts)
                    if len(self.netlocs) < MAX_REMEMBERED:
                        self.netlocs[netloc] = known
                key = known
        if len(self.verdicts) < MAX_REMEMBERED:
            self.verdicts[href] = key
        return key

    def quiet_script(self, src: str) -> bool:
        """Is a `<script src>` trusted (or relative), so that judging it would add nothing?"""
        value = src.strip()
        if value[:5].lower() == "data:" or untrusted_host(value, self.policy, self.site_hosts):
            return False
        if len(self.quiet_scripts) < MAX_REMEMBERED:
            self.quiet_scripts.add(src)
        return True


# Verdicts remembered per site: a template's links and scripts, seen first, stay; the rest of
# a big site's links are judged again (bounded memory whatever the site's size).
MAX_REMEMBERED = 4096


@lru_cache(maxsize=64)
def _untrusted_of(policy: HostPolicy, site_hosts: frozenset[str]) -> _Untrusted:
    return _Untrusted(policy, site_hosts)


def _netloc(href: str) -> str | None:
    """NETLOC's group of an href (None: no match), without the expression for the usual
    http:// and https:// links whose host part is plain (half the cost of a match)."""
    if href.startswith("http://"):
        host = href[7:].partition("/")[0]
    elif href.startswith("https://"):
        host = href[8:].partition("/")[0]
    else:
        host = ""
    # isprintable: no whitespace (NETLOC's \s) but the space, tested with the delimiters
    if host.isprintable() and not (" " in host or "?" in host or "#" in host or "\\" in host):
        if host:
            return host
    m = NETLOC.match(href)
    return m.group(1) if m is not None else None


def _netloc_host(netloc: str, policy: HostPolicy, site_hosts: frozenset[str]) -> str:
    """The host key of an href's host part (NETLOC's group) when nobody trusts it, else ""."""
    low = netloc.lower()
    if low.endswith(_GOV):  # most absolute links: gov.cn
        return ""
    host = low.rpartition("@")[2]  # host_key's steps, on the host part it would find
    if host.endswith((":80", ":443")):
        host = host.rsplit(":", 1)[0]
    host = host.removeprefix("www.")
    return host if host and not policy.trust(host, site_hosts) else ""


def _untrusted_anchors(
    anchors: list[tuple[Any, str]], untrusted: _Untrusted
) -> list[tuple[Any, str, str, str]]:
    """(element, href, host key, "") of the links, (element, href as written), to hosts nobody
    trusts; the site's remembered verdicts read inline (most hrefs repeat the template's)."""
    verdicts = untrusted.verdicts
    out = []
    for el, href in anchors:
        key = verdicts.get(href)
        if key is None:
            key = untrusted(href)
        if key:
            out.append((el, href.strip(), key, ""))
    return out


@lru_cache(maxsize=256)
def _with_words(words: tuple[str, ...]) -> etree.XPath:
    """<a> elements whose text or title contains one of `words` (from the spam lexicon)."""
    tests = " or ".join(
        f"contains(., {_literal(w)}) or contains(@title, {_literal(w)})" for w in words
    )
    return etree.XPath(f"//a[@href][{tests}]")


def _literal(text: str) -> str:
    if "'" not in text:
        return f"'{text}'"
    if '"' not in text:
        return f'"{text}"'
    return "concat(" + ', "\'", '.join(f"'{p}'" for p in text.split("'")) + ")"


def _url_spam(rules: SecurityRules, url: str) -> list[str]:
    """The strong URL tokens in a lowercase URL (or several joined)."""
    if rules.url_strong is None:
        return []
    return list(
        dict.fromkeys(
            rules.url_strong_words[i] for i, _, _ in rules.url_strong.find_matches_as_indexes(url)
        )
    )


def _link_words(rules: SecurityRules, a: Any, href: str) -> tuple[list[str], list[str]]:
    """Strong and weak spam words in a link's text, title and URL."""
    found = rules.text.scan(
        f"{a.text_content()} {a.get('title') or ''}".encode("utf-8", "surrogatepass"), None
    )
    low = href.lower()
    strong = list(dict.fromkeys([*found.strong, *_url_spam(rules, low)]))
    weak = list(found.weak)
    if rules.url_weak is not None:
        weak = list(dict.fromkeys([*weak, *rules.url_weak.findall(low)]))
    return strong, weak


def version_facts(
    doc: Any,
    url: str,
    rules: SecurityRules,
    *,
    site_hosts: frozenset[str] = frozenset(),
    title: str = "",
    status: int | None = None,
    final_url: str = "",
) -> dict[str, Any]:
    """One fetched version of a page, as the cloaking comparison reads it: title, spam words in
    title and text, and links/scripts/frames to hosts nobody trusts."""
    text = body_text(doc)
    found = rules.text.scan(f"{title}\n{text}".encode("utf-8", "surrogatepass"), None)
    trust = _truster(rules.hosts, site_hosts)
    links: list[str] = []
    hosts: list[str] = []
    for el in doc.iter("a", "iframe", "frame", "script"):
        value = (el.get("href") if el.tag == "a" else el.get("src")) or ""
        value = value.strip()
        if not is_absolute(value):
            continue
        key = host_key(value)
        if key and not trust(key):
            if key not in hosts:
                hosts.append(key)
            if len(links) < MAX_VERSION_LINKS:
                links.append(absolute(url, value))
    return {
        "status": status,
        "final_url": final_url or url,
        "final_host": host_key(final_url or url),
        "final_trust": trust(host_key(final_url or url)) or "",
        "title": _short(title),
        "strong": found.strong,
        "weak": found.weak,
        "hosts": hosts,
        "links": links,
        "text_chars": len(text.strip()),
    }
