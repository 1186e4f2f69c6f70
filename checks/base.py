"""The check interface. See README "Writing a check" for a worked example.

A check is built once per command from the rules profile (`from_profile`; raise NotConfigured to
switch it off, ProfileError for a bad value of its section), judges one stored run at a time
(`check_site`, pure: no network, no database), and words its own findings for the reports:
`title` and `advice` ({"zh": …, "en": …}) and `describe(detail, lang)`, so that the report of a
check written outside the project reads like the report of a built-in one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

from scrapy.exceptions import NotConfigured

from inspector.facts import Finding, PageFacts, Severity, SiteSnapshot
from inspector.profile import ProfileError, RulesProfile
from inspector.words import lang_of

__all__ = [
    "Check",
    "Evidence",
    "Fact",
    "Finding",
    "Link",
    "NotConfigured",
    "PageFacts",
    "ProfileError",
    "RulesProfile",
    "Severity",
    "SiteSnapshot",
]


@dataclass(frozen=True, slots=True)
class Fact:
    """One labelled line of a finding's evidence in a report.

    `label` is a key of the report's label table (`status`, `note`, `error`, … in
    reports/i18n.py) or the text to show; `value` is shown as it is (lists are cut to a few
    items with a count of the rest); `links` makes the values links (http and https only)."""

    label: str
    value: Any
    links: bool = False


@dataclass(frozen=True, slots=True)
class Link:
    """A value shown as `text` and linked to `url` (a Fact's value may be a list of them)."""

    text: str
    url: str


@dataclass(slots=True)
class Evidence:
    """What a report shows under a finding's headline, besides the detail keys not `shown`."""

    facts: list[Fact] = field(default_factory=list)
    # Detail keys the headline and the facts already say (or that say nothing to a reader);
    # the report lists every other key of the detail, so that no evidence is ever hidden.
    shown: frozenset[str] = frozenset()
    sources: Sequence[str] = ()  # pages the problem was found on (a report lists a few)
    source_count: int | None = None  # how many there are in all
    texts: Sequence[str] = ()  # anchor texts
    on_home_page: bool = False
    advice: str | None = None  # advice for this finding, instead of the check's


class Check:
    """Base class of a check. The subclass docstring is its user documentation."""

    code: ClassVar[str] = ""  # the finding code: stable, used by exports and scoring
    title: ClassVar[Mapping[str, str]] = {}  # the report's heading: {"zh": …, "en": …}
    advice: ClassVar[Mapping[str, str]] = {}  # the 整改建议 under it: {"zh": …, "en": …}
    # Where the check's findings come in a site report (smaller first; ties by code).
    report_order: ClassVar[int] = 1000
    # Split the check's findings in a report: those on the home page first, then one part per
    # headline (for checks with many findings sharing a few causes, such as broken links).
    report_parts: ClassVar[bool] = False
    # Other finding codes this check yields, each worded by its own class (a Check subclass
    # whose check_site yields nothing): the availability check's `availability` deduction.
    also_yields: ClassVar[tuple[type[Check], ...]] = ()

    def __init__(self, profile: RulesProfile) -> None:
        self.profile = profile

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> Self:
        """Build the check from a rules profile; raise NotConfigured to switch it off."""
        return cls(profile)

    def check_site(self, site: SiteSnapshot) -> Iterable[Finding]:
        return ()

    # ---- words: called on stored findings, so they read only the detail (not the profile) ----

    @classmethod
    def title_in(cls, lang: str) -> str:
        return _words(cls.title, lang) or cls.code

    @classmethod
    def advice_in(cls, lang: str) -> str:
        return _words(cls.advice, lang)

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        """One finding in plain words: the line a report shows for it (default: the title)."""
        return self.title_in(lang)

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        """The evidence under the line (default: nothing special: every detail key is listed)."""
        return Evidence()


def _words(table: Mapping[str, str], lang: str) -> str:
    return table.get(lang_of(lang)) or table.get("en") or table.get("zh") or ""
