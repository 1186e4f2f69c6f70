"""A third-party check for tests/test_recheck.py: a recheck does not re-examine its findings
(it carries them as still open), whatever the page says by then."""

from __future__ import annotations

from collections.abc import Iterator

from checks.base import Check
from inspector.facts import Finding, Severity, SiteSnapshot


class TitleWord(Check):
    """标题用词 — a page whose title carries the word 要闻三 (a stand-in for any plugin)."""

    code = "title_word"
    title = {"zh": "标题用词", "en": "Title wording"}
    advice = {"zh": "修改标题。", "en": "Change the title."}

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for page in site.pages:
            if "要闻三" in page.title:
                yield Finding(self.code, Severity.MINOR, page.url, {"title": page.title})
