"""Conformance of our link extraction with LinkChecker's own checker test data.

The data is LinkChecker's `tests/checker/data/` (GPL-2.0), kept outside the project in
`../shared/peer-suites/linkchecker-data/` and read here as input only: nothing of it is copied
into this repository. Where the folder is absent the tests skip and say so.

Every `X.result` there is LinkChecker's expected output for input `X`: one record per URL it
checked (`url` as written in the page, `cache key` = the absolute URL it deduplicates on, `name`,
`baseurl`, `valid`/`error`, ...), sorted by URL. One record is the page itself; the others are
the links LinkChecker extracted from it. For each case we:

- serve the page, in our heads, at `http://peer.test/<path inside the data folder>` (LinkChecker
  ran it as `file://…/data/<path>` or `http://localhost:<port>/tests/checker/data/<path>`; both
  prefixes map to that fake base, so relative links resolve the same way on both sides);
- parse it the way the crawler does (`decode_html` → `parse_html` → `extract_links`);
- compare the *set* of targets: LinkChecker lists each cache key once, so duplicates and
  self-links (absorbed by the record of the page itself) are not comparable and are set aside.
  URLs are compared by their bytes: host lower-cased, an empty path read as `/`, path and
  query percent-decoded to bytes (characters as UTF-8) and re-encoded uniformly, the fragment
  percent-decoded (HTML matches fragments decoded). So `?q=ü` equals `?q=%C3%BC`, while `%FC`
  (one byte) stays different from `%C3%BC` (two bytes): that is a real difference.

Whatever does not apply to an inspector of government websites is listed in NOT_APPLICABLE with
the reason; everything else must be equal. The table is checked for stale entries, and the
summary test prints what was covered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, unquote_to_bytes, urljoin, urlsplit, urlunsplit

import pytest

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import base_url_of, extract_links

PEER = Path(__file__).resolve().parents[1].parent / "shared" / "peer-suites"
DATA = PEER / "linkchecker-data"
ABSENT = f"LinkChecker peer data not found at {DATA} (the shared peer-suites folder is only on some machines)"
FAKE = "http://peer.test/"
HTML_SUFFIXES = (".html", ".xhtml", ".php")  # file.php is an HTML page to LinkChecker too

# ---- why a case or a URL does not apply -------------------------------------------------------
# Reasons are shared by several entries; the summary groups the table by them.
NOT_A_PAGE = "not an HTML page a visitor sees:"
BOOKMARKS = f"{NOT_A_PAGE} a browser bookmark file (LinkChecker input format)"
URL_LIST = f"{NOT_A_PAGE} a LinkChecker URL-list input file"
SITEMAP = (
    f"{NOT_A_PAGE} a sitemap; the inspector crawls what a visitor reaches from the home page, "
    "and sitemaps are not link pages (robots.txt is recorded, sitemaps are not read)"
)
DIRECTORY = f"{NOT_A_PAGE} a file-system directory listing (file:// URLs only)"
PLAIN_FILE = f"{NOT_A_PAGE} a plain file LinkChecker reads but does not parse (nothing to compare)"
STYLESHEET = (
    f"{NOT_A_PAGE} a CSS file; the crawler does not parse stylesheets "
    "(url() references are the CSS author's resources, not links on the page)"
)
MARKDOWN = f"{NOT_A_PAGE} Markdown source; government sites serve HTML"
ATTACHMENT = (
    f"{NOT_A_PAGE} an attachment (PDF/Word); the census checks that attachments open and are "
    "not empty or HTML (error_link), not the links inside them"
)
WML = (
    f"{NOT_A_PAGE} a WML (WAP 1.x) deck; the crawler parses text/html responses only and no "
    "government site still serves WML"
)
NON_HTTP = (
    "non-http(s) scheme: never fetched nor reported by design (spiders/site.py: javascript:, "
    "mailto:, tel:, data:, file:, ftp: ... are dropped by extract_links)"
)
DNS_PREFETCH = (
    '<link rel="dns-prefetch">/"preconnect" are connection hints, not resources a visitor loads; '
    "LinkChecker turns them into dns:// URLs and checks the host resolves, we skip them"
)
FILE_URL = (
    "file: URL to the author's own disk; dropped by extraction (we fetch http(s) only). No "
    "visitor can open it, so it is really a broken link: see report, proposal to record it"
)
UNOPENABLE = (
    "not a URL (no host / forbidden character in host): LinkChecker reports a syntax error; "
    "extract_links drops it instead of crashing (urljoin raises ValueError) or resolving "
    "'http://' to the page itself. No browser can open it: see report, proposal to record it"
)
WHATWG_RELATIVE = (
    "LinkChecker rejects it (cache key None); browsers (WHATWG URL) read a same-scheme reference "
    "without '//' as relative to the page ('http:/x' -> http://peer.test/x), and so does urljoin: "
    "we fetch what a visitor's browser fetches"
)
PURE_FRAGMENT = (
    "pure fragment (#x, same-page anchor) in a page LinkChecker recursed into: never fetched "
    "nor reported (spiders/site.py); missing anchors are checked for links to other pages only"
)
APPLET_OBJECT = (
    "<applet archive/codebase>, <object archive/codebase/classid>: Java applet / ActiveX "
    "loading that no current browser performs"
)
CSS_INLINE = (
    "CSS url() inside a style attribute: the crawler does not parse CSS (neither <style>, "
    "stylesheets nor style attributes); background images set in HTML (background=) are extracted"
)
META_HREF = '<meta rel="icon" href> is not HTML: browsers ignore href on <meta> (icons are <link>)'
FORM = (
    "form submission endpoint (<form action>, <button formaction>): fetching it without the "
    "form's fields says nothing about whether the form works; not a link"
)
MANIFEST = "<html manifest>: AppCache, removed from all browsers"
PERCENT_LATIN1 = (
    "LinkChecker decodes a percent-escape as Latin-1 and re-encodes it as UTF-8 (%FC -> %C3%BC, "
    "%FF -> %C3%BF), so it merges or rewrites the URL; we keep escapes byte for byte as written, "
    "which is what a browser sends"
)

NOT_APPLICABLE: dict[str | tuple[str, str], str] = {
    # Whole inputs that are not HTML pages.
    "Bookmarks": BOOKMARKS,
    "opera6.adr": BOOKMARKS,
    "places.sqlite": BOOKMARKS,
    "plist_binary/Bookmarks.plist": BOOKMARKS,
    "plist_xml/Bookmarks.plist": BOOKMARKS,
    "urllist.txt": URL_LIST,
    "sitemap.xml": SITEMAP,
    "sitemapindex.xml": SITEMAP,
    "dir": DIRECTORY,
    "udir": DIRECTORY,
    "file.txt": PLAIN_FILE,
    "file.asc": PLAIN_FILE,
    "Мошкова.bin": PLAIN_FILE,
    "file.css": STYLESHEET,
    "file.markdown": MARKDOWN,
    "file.doc": ATTACHMENT,
    "file.pdf": ATTACHMENT,
    "file.wml": WML,
    # Single URLs in HTML pages, keyed by the URL as LinkChecker's `url` line gives it (as
    # written in the page, entities decoded) or, for links only we list, as written.
    ("file.html", "javascript:loadthis()"): NON_HTTP,
    ("http.html", "clsid:12345-67890"): APPLET_OBJECT,
    ("http.html", "dns://www.example.org"): DNS_PREFETCH,
    ("http.html", "dns://www.example.com"): DNS_PREFETCH,
    ("http.html", "file.html"): APPLET_OBJECT,  # <applet archive="file.html">
    ("http.html", "file.css"): APPLET_OBJECT,  # <applet src="file.css">
    ("http.html", "file.asc"): CSS_INLINE,  # <img style="@font-face {src:url(file.asc)}">
    ("http.html", "file.txt"): CSS_INLINE,  # ... background-image:url(file.txt)
    ("http.html", "http://example.org/foo/ #a=1,2,3"): APPLET_OBJECT,  # <object codebase>
    ("archive.html", "file.html"): APPLET_OBJECT,  # <object archive="file.html,...">
    ("archive.html", "http://www.example.com"): APPLET_OBJECT,
    ("base3.html", "test.txt"): APPLET_OBJECT,  # <applet codebase="base/" archive="test.txt">
    ("misc.html", "favicon.ico"): META_HREF,
    ("html5.html", "file.css"): FORM,  # <button formaction=file.css>
    ("html5.html", "file.php"): MANIFEST,  # <html manifest=file.php>
    ("http_file.html", "file:///example/file"): FILE_URL,
    ("http_invalid_host.html", "http://localhost]"): UNOPENABLE,
    ("http_slash.html", "http://"): UNOPENABLE,
    ("http_slash.html", "http:"): WHATWG_RELATIVE,  # -> the page itself
    ("http_slash.html", "http:/"): WHATWG_RELATIVE,  # -> http://peer.test/
    ("http_slash.html", "http:/www.example.com/"): WHATWG_RELATIVE,
    ("http_slash.html", "http:www.example.com/"): WHATWG_RELATIVE,
    # "#oneone" is also linked from anchor2.html as "anchor1.html#oneone", which we do extract,
    # but LinkChecker names the target after the pure fragment link in anchor1.html.
    ("anchor1.html", "#oneone"): PURE_FRAGMENT,
    ("anchor1.html", "#twoone"): PURE_FRAGMENT,
    ("anchor1.html", "#twofour"): PURE_FRAGMENT,
    ("anchor1.html", "#threeone"): PURE_FRAGMENT,
    ("anchor1.html", "#threefour"): PURE_FRAGMENT,
}
for _page in ("file_url_quote.html", "http_url_quote.html"):
    NOT_APPLICABLE[(_page, "mailto:ölvin@users.sourceforge.net")] = NON_HTTP
    NOT_APPLICABLE[(_page, "mailto:%E4lvin@users.sourceforge.net")] = NON_HTTP
    # <a href="...?quoted=%FC">: LinkChecker merges it into l1 (?quoted=ü); we list it apart.
    NOT_APPLICABLE[(_page, "http://localhost:8001/?quoted=%FC")] = PERCENT_LATIN1
    # <a href="...?quoted=%FF">: LinkChecker checks ?quoted=%C3%BF instead.
    NOT_APPLICABLE[(_page, "http://localhost:8001/?quoted=%FF")] = PERCENT_LATIN1

# LinkChecker's anchor test runs with recursion: anchor1.html.result also lists the links of the
# pages anchor1 links to. We extract from the same pages and compare the union.
RECURSED = {"anchor1.html": ("anchor2.html", "anchor3.html")}


# ---- reading LinkChecker's .result files ------------------------------------------------------
_KEYS = (
    "cache key",
    "real url",
    "parent_url",
    "content_type",
    "url",
    "name",
    "baseurl",
    "info",
    "warning",
    "line",
    "col",
    "size",
    "page",
)
_PREFIXES = (  # LinkChecker's placeholders -> our fake base; longest first
    ("file://%(curdir)s/%(datadir)s/", FAKE),
    ("http://localhost:%(port)d/%(datadir)s/", FAKE),
    ("http://localhost:%(port)d/tests/checker/data/", FAKE),
    ("http://localhost:%(port)d/", FAKE),
)


def _unplaceholder(value: str) -> str:
    for prefix, replacement in _PREFIXES:
        if value.startswith(prefix):
            value = replacement + value[len(prefix) :]
            break
    return value.replace("%%", "%")


def read_result(path: Path) -> list[dict[str, str]]:
    """The records of a `.result` file (records start at a `url` line; blank lines optional)."""
    records: list[dict[str, str]] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        if line in ("valid", "error"):
            records[-1]["result"] = line
            continue
        for key in _KEYS:
            if line == key or line.startswith(key + " "):
                value = _unplaceholder(line[len(key) + 1 :])
                if key == "url":
                    records.append({})
                records[-1].setdefault(key, value)
                break
        else:
            raise AssertionError(f"{path.name}: unknown line {line!r}")
    return records


# ---- comparing URLs ---------------------------------------------------------------------------
_SAFE = "/:@!$&'()*+,;=?~-._"  # kept as is after decoding: the rest is percent-encoded


def _requote(part: str) -> str:
    return quote(unquote_to_bytes(part), safe=_SAFE)


def norm(url: str) -> str:
    """A comparison key for an absolute URL (see module docstring)."""
    url, sep, fragment = url.partition("#")
    try:
        parts = urlsplit(url)
    except ValueError:
        return url + sep + fragment
    key = urlunsplit(
        (
            parts.scheme.lower(),
            parts.netloc.lower(),
            (_requote(parts.path) or "/") if parts.netloc else _requote(parts.path),
            _requote(parts.query),
            "",
        )
    )
    return f"{key}#{unquote(fragment)}" if fragment else key


def _join(base: str, raw: str) -> str:
    try:
        return urljoin(base, raw.strip())
    except ValueError:
        return raw


def page_url(rel: str) -> str:
    return FAKE + rel


def _parse(path: Path):
    return parse_html(decode_html(path.read_bytes(), None)[0])


@dataclass
class Case:
    input: str  # path of the input inside the data folder
    ours: dict[str, set[str]] = field(default_factory=dict)  # norm(url) -> our link texts
    theirs: dict[str, str | None] = field(default_factory=dict)  # norm(url) -> LinkChecker's name
    set_aside_ours: dict[str, str] = field(default_factory=dict)  # norm(url) -> reason
    set_aside_theirs: dict[str, str] = field(default_factory=dict)
    used: set[tuple[str, str]] = field(default_factory=set)  # NOT_APPLICABLE keys that matched


def analyse(result: Path) -> Case:
    """Our extraction and LinkChecker's expected children for one `.result` file."""
    rel = _input_of(result)
    case = Case(rel)
    url = page_url(rel)
    self_key = norm(url)
    doc = _parse(DATA / rel)
    base = base_url_of(doc, url)

    # Entries of the table for this page, as comparison keys on both sides.
    table = {raw: reason for (page, raw), reason in _url_entries() if page == rel}
    table_keys = {norm(_join(base, raw)): (raw, reason) for raw, reason in table.items()}

    pages = [(url, doc)] + [(page_url(p), _parse(DATA / p)) for p in RECURSED.get(rel, ())]
    for purl, pdoc in pages:
        for link in extract_links(pdoc, purl):
            key = norm(f"{link.url}#{link.fragment}" if link.fragment else link.url)
            if key == self_key:
                case.set_aside_ours[key] = "self-link (LinkChecker's record of the page absorbs it)"
            elif key in table_keys:
                raw, reason = table_keys[key]
                case.set_aside_ours[key] = reason
                case.used.add((rel, raw))
            else:
                case.ours.setdefault(key, set()).add(link.text)

    records = read_result(result)
    assert any(norm(r["cache key"]) == self_key for r in records), f"{rel}: no record of the page"
    for record in records:
        raw = record["url"]
        cache_key = record["cache key"]
        if cache_key == "None":  # LinkChecker could not make a URL of it
            target = _join(record.get("baseurl") or base, raw)
        else:
            target = cache_key
            if "#" not in target and "#" in raw:
                target += "#" + raw.partition("#")[2]
        key = norm(target)
        if raw in table:
            case.set_aside_theirs[key] = table[raw]
            case.used.add((rel, raw))
        elif key == self_key:
            continue  # the page itself (records are sorted by URL, not page first)
        else:
            case.theirs[key] = record.get("name")
    return case


def _url_entries() -> list[tuple[tuple[str, str], str]]:
    return [(k, v) for k, v in NOT_APPLICABLE.items() if isinstance(k, tuple)]


def _results() -> list[Path]:
    return sorted(DATA.rglob("*.result")) if DATA.is_dir() else []


def _input_of(result: Path) -> str:
    rel = result.relative_to(DATA).as_posix()[: -len(".result")]
    return rel.removesuffix(".file")  # urlencoding_anchor.html.file.result: the file:// variant


def _params() -> list:
    if not DATA.is_dir():
        return [pytest.param(None, id="peer-data-absent", marks=pytest.mark.skip(reason=ABSENT))]
    return [pytest.param(r, id=r.relative_to(DATA).as_posix()) for r in _results()]


# ---- tests ------------------------------------------------------------------------------------


@pytest.mark.parametrize("result", _params())
def test_linkchecker_case(result: Path) -> None:
    rel = _input_of(result)
    if rel in NOT_APPLICABLE:
        pytest.skip(f"not applicable: {NOT_APPLICABLE[rel]}")
    assert rel.endswith(HTML_SUFFIXES), (
        f"{rel}: not an HTML page and no NOT_APPLICABLE entry: decide whether it applies"
    )
    case = analyse(result)
    assert set(case.ours) == set(case.theirs), (
        f"{rel}: only ours {sorted(set(case.ours) - set(case.theirs))}, "
        f"only LinkChecker's {sorted(set(case.theirs) - set(case.ours))}"
    )
    # The link text LinkChecker records ("name": anchor text, alt) is among ours for that URL:
    # that checks charset decoding (charsets/*.html) and text collection, not only URLs.
    for key, name in case.theirs.items():
        if name:
            assert _space(name) in case.ours[key], (
                f"{rel}: {key} named {name!r}, ours {case.ours[key]}"
            )


def _space(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not DATA.is_dir(), reason=ABSENT)
def test_every_html_input_extracts_http_links_only() -> None:
    """All HTML inputs, with or without a .result (link targets, login forms...), parse cleanly."""
    inputs = [p for p in DATA.rglob("*") if p.is_file() and p.name.endswith(HTML_SUFFIXES)]
    assert len(inputs) > 30
    for path in inputs:
        rel = path.relative_to(DATA).as_posix()
        for link in extract_links(_parse(path), page_url(rel)):
            assert link.url.startswith(("http://", "https://")), (rel, link)
            assert "#" not in link.url, (rel, link)


@pytest.mark.skipif(not DATA.is_dir(), reason=ABSENT)
def test_not_applicable_table_has_no_stale_entries() -> None:
    inputs = {_input_of(r) for r in _results()}
    used: set[tuple[str, str]] = set()
    for result in _results():
        if _input_of(result) not in NOT_APPLICABLE:
            used |= analyse(result).used
    stale_files = sorted(k for k in NOT_APPLICABLE if isinstance(k, str) and k not in inputs)
    stale_urls = sorted(k for k, _ in _url_entries() if k not in used)
    assert not stale_files and not stale_urls, (stale_files, stale_urls)


@pytest.mark.skipif(not DATA.is_dir(), reason=ABSENT)
def test_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """Print what the conformance covers: cases, URLs compared, and the table by reason."""
    compared = files_na = urls_na = 0
    cases = 0
    for result in _results():
        if _input_of(result) in NOT_APPLICABLE:
            files_na += 1
            continue
        case = analyse(result)
        cases += 1
        compared += len(case.theirs)
        urls_na += len(case.used)
    by_reason: dict[str, list[str]] = {}
    for key, reason in NOT_APPLICABLE.items():
        by_reason.setdefault(reason, []).append(key if isinstance(key, str) else " ".join(key))
    lines = [
        f"LinkChecker conformance: {cases} HTML cases compared ({compared} URLs equal), "
        f"{files_na} inputs and {urls_na} URL entries not applicable",
    ]
    for reason, keys in by_reason.items():
        lines.append(f"  - {reason}\n      {'; '.join(keys)}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert cases >= 30 and compared >= 50
