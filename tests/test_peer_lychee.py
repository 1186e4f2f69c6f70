"""Our link extraction on lychee's HTML fixtures (copied into tests/fixtures/lychee/, MIT).

lychee keeps its expectations in its Rust tests; they are restated in the peer-suites'
EXPECTATIONS.md. The expectations below are ours, written from those, and differ from lychee's
where the inspector deliberately reads a page differently: each difference is commented with
`# lychee:`. Every fixture is served at a fake site whose root is the fixture's folder (as
lychee's `--base-url`/`--root-dir` runs do), and parsed as the crawler does.

Expected links are listed in document order as (element, attribute, URL[#fragment], text).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import extract_links

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "lychee"
SITE = "https://example.com/"

A = "a", "href"

# fixture path -> (page URL, expected links)
CASES: dict[str, tuple[str, list[tuple[str, str, str, str]]]] = {
    "TEST.html": (
        SITE + "TEST.html",
        [
            # Multi-line <a> with the closing ">" on the next line: text is whitespace-normalised.
            (*A, "https://endler.dev/2020/rust-compile-times/", "Matthias Endler"),
            (*A, "https://hello-rust.show/10/", "Hello Rust"),
        ],
    ),
    # lychee fails this under --require-https; the inspector checks http links like any other.
    "TEST_HTTP.html": (SITE + "TEST_HTTP.html", [(*A, "http://example.com", "Insecure HTTP link")]),
    # A trailing period inside an href belongs to the URL.
    "LINK_PERIOD.html": (
        SITE + "LINK_PERIOD.html",
        [(*A, "https://www.example.com/smth.", "link")],
    ),
    "TEST_DATA_URIS.html": (
        SITE + "TEST_DATA_URIS.html",
        [
            # lychee hides http://www.w3.org/2000/svg as a known false positive (it usually comes from
            # xmlns attributes); here it is a real <a href> a visitor can click, so we keep it.
            (*A, "http://www.w3.org/2000/svg", "False positive link"),
            # The three data: URIs are never fetched nor reported.
            (*A, "http://localhost/assets/img/bg-water.webp", "normal link"),
        ],
    ),
    # lychee reports the mailto link with --include-mail; mailto: is never checked by us.
    "TEST_EMAIL_QUERY_PARAMS.html": (SITE + "TEST_EMAIL_QUERY_PARAMS.html", []),
    "TEST_HTML5.html": (
        SITE + "TEST_HTML5.html",
        [
            ("link", "href", "https://example.com/head/home", ""),
            ("link", "href", "https://example.com/images/icon.png", ""),
            ("link", "href", "https://example.com/css/style_full_url.css", ""),
            ("link", "href", "https://example.com/css/style_relative_url.css", ""),
            # lychee: not in its expected set. A missing script is a broken resource of the page.
            ("script", "src", "https://example.com/js/script.js", ""),
            (*A, "https://example.com/body/a", "Link in body"),
            (*A, "https://example.com/body/div_empty_a", ""),  # self-closed <a/> still links
        ],
    ),
    "TEST_HTML5_LOWERCASE_DOCTYPE.html": (
        SITE + "TEST_HTML5_LOWERCASE_DOCTYPE.html",
        [
            (*A, "https://example.com/body/a", "Link in body"),
        ],
    ),
    "TEST_HTML5_MINIFIED.html": (
        SITE + "TEST_HTML5_MINIFIED.html",
        [
            ("link", "href", "https://example.com/", ""),  # rel=canonical
            ("link", "href", "https://example.com/favicon.ico", ""),  # rel="shortcut icon"
            # rel=preconnect to fonts.externalsite.com: a connection hint, skipped (as lychee does).
            (*A, "https://example.com/docs/", "Docs"),  # empty <a>: the title is its name
            (*A, "https://example.com/", "Home"),  # every occurrence is listed; dedup is downstream
            (*A, "https://example.com/forum", "Forum"),
        ],
    ),
    "TEST_HTML5_MALFORMED_LINKS.html": (
        SITE + "TEST_HTML5_MALFORMED_LINKS.html",
        [
            # lychee: skipped. "https;//…" has no valid scheme, so browsers resolve it as a relative
            # path and request it (a 404 the census counts). A browser keeps the "//"
            # (…/https;//example.com/…); urljoin drops the empty segment. Same target either way.
            (*A, "https://example.com/https;/example.com/malformed_one", "Malformed link"),
            # "https://example]org/…" (']' is forbidden in a host) is dropped without aborting.
            (*A, "https://example.com/valid", "Valid link"),
        ],
    ),
    # lychee extracts href/src/cite from unknown custom elements. Browsers neither navigate to
    # nor load them (a script might), so they are not links a visitor follows.
    "TEST_HTML5_CUSTOM_ELEMENTS.html": (SITE + "TEST_HTML5_CUSTOM_ELEMENTS.html", []),
    "TEST_VERBATIM.html": (
        SITE + "TEST_VERBATIM.html",
        [
            # lychee skips everything in <pre>/<code>/... by default, even this <a>. We never read
            # bare URLs from text (pre, code, samp, kbd, var, script), but an <a href> inside <pre>
            # is a clickable link.
            (*A, "http://www.example.com/pre/a", "example"),
        ],
    ),
    # lychee --include-fragments checks the same-page fragments (#in-the-beginning, #Upper-ÄÖö
    # and its percent-encoded form, #in-the-end, #, #top): pure fragments are never fetched nor
    # reported by the inspector. Fragments of links to other pages are kept as written, for the
    # missing-anchor check (checks/links.py, which compares them percent-decoded).
    "fragments/file.html": (
        SITE + "file.html",
        [
            (*A, "https://example.com/file1.md#fragment-1", "let's run away."),
            (
                *A,
                "https://github.com/lycheeverse/lychee#table-of-contents",
                "To the lychee readme license fragment.",
            ),
        ],
    ),
    # Root-relative links; "/another page" (space) and "/another%20page" are kept as written:
    # the request layer percent-encodes the space, so both reach the same resource.
    "offline/index.html": (
        SITE + "index.html",
        [
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/about", "About"),
            (*A, "https://example.com/about#fragment", "About"),
            (*A, "https://example.com/another page", "About"),
            (*A, "https://example.com/another%20page", "About"),
        ],
    ),
    "offline/about/index.html": (
        SITE + "about/index.html",
        [
            (*A, "https://example.com", "example"),
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/post1", "Post 1"),
        ],
    ),
    "offline/blog/post1/index.html": (
        SITE + "blog/post1/index.html",
        [
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/post1", "Post 1"),
            (*A, "https://example.com/blog/about", "Relative"),  # ../about from /blog/post1/
        ],
    ),
    "offline/blog/post2/index.html": (
        SITE + "blog/post2/index.html",
        [
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/post2", "Post 2"),
        ],
    ),
    # lychee: 3 links, 3 OK.
    "resolve_paths/index.html": (
        SITE + "index.html",
        [
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/about", "About"),
            (*A, "https://example.com/another page", "About"),
        ],
    ),
    "resolve_paths/index2.html": (
        SITE + "index2.html",
        [
            (*A, "https://example.com/", "home"),
            (*A, "https://example.com/about", "About"),
            (*A, "https://example.com/another page#y", "About"),
            (*A, "https://example.com/resolve_paths/index.html", "About"),
            (*A, "https://example.com/resolve_paths/same folder.html#x", "About"),
        ],
    ),
    # lychee: 7 links, 5 OK, 2 errors (#missing on another page, #bad on this one). We extract 5:
    # #good and #bad are same-page fragments (never checked), and "#missing" on
    # /nested/about/index.html is a missing anchor, an `info` finding, never a broken link.
    "resolve_paths_from_root_dir/nested/index.html": (
        SITE + "nested/index.html",
        [
            (*A, "https://example.com/nested", "home"),
            (*A, "https://example.com/nested/about", "About"),
            (*A, "https://example.com/nested/another page", "About"),
            (*A, "https://example.com/nested/about/index.html#fragment", "Fragment"),
            (*A, "https://example.com/nested/about/index.html#missing", "Missing"),
        ],
    ),
    # Text fragments (#:~:text=…) are kept as written; the missing-anchor check ignores them.
    "text_fragments/should-match.html": (
        SITE + "should-match.html",
        [
            (
                *A,
                "https://example.com/index.html#:~:text=rutrum",
                "Match with single-word textStart",
            ),
            (
                *A,
                "https://example.com/index.html#:~:text=Pellentesque%20accumsan%20blandit%20ex%20iaculis%20pretium",
                "Match with multi-word textStart",
            ),
            (
                *A,
                "https://example.com/index.html#:~:text=malesuada.,Duis",
                "Match with textStart and textEnd across elements",
            ),
            (
                *A,
                "https://example.com/index.html#:~:text=consectetur%20adipiscing%20elit.-,Sed%20porta,-nisl%20sit%20amet",
                "Match with prefix and suffix",
            ),
            (*A, "https://example.com/index.html#:~:text=a-,b%20cd", "Match with odd whitespace"),
        ],
    ),
    "text_fragments/should-not-match.html": (
        SITE + "should-not-match.html",
        [
            (*A, "https://example.com/index.html#:~:text=non-existent", "Non-existent text"),
            (*A, "https://example.com/index.html#:~:text=my-style", "CSS style"),
            (
                *A,
                "https://example.com/index.html#:~:text=my-element",
                "HTML element attribute and value",
            ),
            (*A, "https://example.com/index.html#:~:text=my-script", "Script"),
        ],
    ),
    # lychee resolves extension-less links to local files by trying .html/.htm; on a web server
    # the link is what the browser requests, extension-less.
    "fallback-extensions/index.html": (
        SITE + "index.html",
        [(*A, "https://example.com/other", "other")],
    ),
    "fallback-extensions/other.htm": (
        SITE + "other.htm",
        [(*A, "https://example.com/index", "index")],
    ),
    "fragments-fallback-extensions/index.html": (
        SITE + "index.html",
        [
            (*A, "https://example.com/sub_dir/index#valid-id", "1"),
            (*A, "https://example.com/sub_dir/index#invalid-id", "2"),
            (*A, "https://example.com/empty_dir#invalid-id", "3"),
        ],
    ),
}


def _links(fixture: str, page_url: str) -> list[tuple[str, str, str, str]]:
    text = decode_html((FIXTURES / fixture).read_bytes(), None)[0]
    return [
        (
            link.element,
            link.attribute,
            f"{link.url}#{link.fragment}" if link.fragment else link.url,
            link.text,
        )
        for link in extract_links(parse_html(text), page_url)
    ]


@pytest.mark.parametrize("fixture", sorted(CASES))
def test_lychee_fixture(fixture: str) -> None:
    page_url, expected = CASES[fixture]
    assert _links(fixture, page_url) == expected


def test_fragments_are_split_off() -> None:
    links = extract_links(
        parse_html((FIXTURES / "text_fragments/should-match.html").read_text("utf-8")),
        SITE + "should-match.html",
    )
    assert {link.url for link in links} == {"https://example.com/index.html"}
    assert links[0].fragment == ":~:text=rutrum"


def test_every_copied_fixture_is_used_and_attributed() -> None:
    copied = {
        p.relative_to(FIXTURES).as_posix()
        for p in FIXTURES.rglob("*")
        if p.is_file() and p.name != "ATTRIBUTION.md"
    }
    assert copied == set(CASES)
    attribution = (FIXTURES / "ATTRIBUTION.md").read_text("utf-8")
    for name in copied:
        assert f"`{name}`" in attribution, name
    assert "MIT" in attribution and "lycheeverse/lychee" in attribution
