"""Read the boards of a site over HTTP the way the spider does, without Scrapy: for the reading
tests of `inspector/crawl/boards/` against the test server (real HTTP on 127.0.0.1)."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date
from urllib.parse import urlsplit

from inspector.boardfacts import BoardFacts
from inspector.crawl.boards.site import SiteBoards
from inspector.crawl.extract.encoding import decode_html, parse_html


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            body, ctype = resp.read(), resp.headers.get("Content-Type", "")
            status = resp.status
    except urllib.error.HTTPError as exc:
        return exc.code, ""
    charset = ctype.split("charset=")[-1] if "charset=" in ctype else None
    text, _declared, _used = decode_html(body, charset)
    return status, text


def read_boards(home_url: str, as_of: date, *, budget: int = 200) -> tuple[list[BoardFacts], int]:
    """Every board of the site at home_url, and the number of pages fetched for them."""
    host = urlsplit(home_url).netloc
    boards = SiteBoards(as_of, is_internal=lambda u: urlsplit(u).netloc == host, budget=budget)
    status, text = get(home_url)
    queue = boards.on_home(parse_html(text), home_url)
    fetched = 0
    while queue:
        fetch = queue.pop(0)
        fetched += 1
        status, text = get(fetch.url)
        if status >= 400 or not text:
            queue += boards.on_failure(fetch, f"http_{status}")
        else:
            queue += boards.on_page(fetch, parse_html(text), text)
    return boards.result(), fetched
