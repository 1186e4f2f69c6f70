"""Mandatory columns (必备栏目): the census and the 2017 guidelines name the columns every
government site must carry; the rules profile's `[[required_columns]]` says which and how they
may be named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from checks.base import Check, Finding, Severity, SiteSnapshot
from inspector.crawl.columns import normalise_name

LINK_NAME_MAX = 12


@dataclass(frozen=True, slots=True)
class RequiredColumn:
    name: str
    synonyms: tuple[str, ...]
    patterns: tuple[re.Pattern[str], ...]
    parent: str
    optional_for: frozenset[str]

    def matches(self, name: str) -> bool:
        return any(s in name for s in self.synonyms) or any(p.search(name) for p in self.patterns)


def required_columns(profile) -> list[RequiredColumn]:  # noqa: ANN001
    return [
        RequiredColumn(
            name=entry["name"],
            synonyms=tuple(normalise_name(s) for s in entry.get("synonyms", ())),
            patterns=tuple(re.compile(p) for p in entry.get("patterns", ())),
            parent=entry.get("parent", ""),
            optional_for=frozenset(entry.get("optional_for", ())),
        )
        for entry in profile.data.get("required_columns", [])
    ]


def site_names(site: SiteSnapshot) -> dict[str, str]:
    """Every name under which the site shows a column: normalised name → its URL."""
    names: dict[str, str] = {}
    for column in site.columns:
        names.setdefault(normalise_name(column.name), column.url)
    home_urls = {site.site.url}
    if site.home is not None:
        home_urls |= {site.home.url, site.home.final_url}
    for link in site.links:
        # Short texts only: a home page links to many articles whose titles end in 通知 or 公告.
        if link.source_url in home_urls and link.text and len(link.text) <= LINK_NAME_MAX:
            names.setdefault(normalise_name(link.text), link.target_url)
    names.pop("", None)
    return names


class MissingColumns(Check):
    """必备栏目缺失 — a column the profile requires for this kind of site is not found.

    Matched on the names of every discovered column (navigation, 更多 blocks, site map,
    sub-columns) and every link of the home page (link text, or title/alt of image buttons),
    full-width/half-width normalised, with the profile's synonyms and regular expressions.
    A column whose link leaves the site (a provincial 政务服务网) counts as present. Finding
    `missing_column` (major), url = the site; detail: `column` (canonical name), `parent`,
    `synonyms`.
    """

    code = "missing_column"

    def __init__(self, profile) -> None:  # noqa: ANN001
        super().__init__(profile)
        self.columns = required_columns(profile)

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "active" or site.home is None or site.home_error:
            return
        names = site_names(site)
        for required in self.columns:
            if site.site.kind in required.optional_for:
                continue
            if any(required.matches(name) for name in names):
                continue
            yield Finding(
                self.code,
                Severity.MAJOR,
                site.site.url,
                {
                    "column": required.name,
                    "parent": required.parent,
                    "synonyms": list(required.synonyms),
                },
                key=required.name,
            )
