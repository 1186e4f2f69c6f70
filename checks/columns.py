"""Mandatory columns (必备栏目): the census and the 2017 guidelines name the columns every
government site must carry; the rules profile's `[[required_columns]]` says which and how they
may be named."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from checks.base import Check, Evidence, Fact, Finding, Severity, SiteSnapshot
from inspector.profile import ProfileError, RulesProfile, regexes, strings
from inspector.vocabulary import SITE_KINDS, normalise_name
from inspector.words import colon

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


def required_columns(profile: RulesProfile) -> list[RequiredColumn]:
    """The profile's `[[required_columns]]`, validated (a wrong entry names its index and key)."""
    entries = profile.data.get("required_columns", [])
    if not isinstance(entries, list):
        raise ProfileError(
            profile.path, "required_columns", "must be an array of tables ([[required_columns]])"
        )
    return [_required(profile, i, entry) for i, entry in enumerate(entries)]


def _required(profile: RulesProfile, i: int, entry: Any) -> RequiredColumn:
    key = f"required_columns[{i}]"
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"]:
        raise ProfileError(profile.path, key, "needs a `name`")
    key = f"required_columns[{i}] ({entry['name']})"
    if not entry.get("synonyms") and not entry.get("patterns"):
        raise ProfileError(profile.path, key, "needs `synonyms` or `patterns`")
    synonyms = strings(profile, f"{key}.synonyms", entry["synonyms"]) if "synonyms" in entry else []
    patterns = regexes(profile, f"{key}.patterns", entry["patterns"]) if "patterns" in entry else []
    optional_for = (
        strings(profile, f"{key}.optional_for", entry["optional_for"])
        if "optional_for" in entry
        else []
    )
    for kind in optional_for:
        if kind not in SITE_KINDS:
            raise ProfileError(
                profile.path,
                f"{key}.optional_for",
                f"unknown site kind {kind!r} (expected {'|'.join(SITE_KINDS)})",
            )
    return RequiredColumn(
        name=entry["name"],
        synonyms=tuple(normalise_name(s) for s in synonyms),
        patterns=tuple(patterns),
        parent=entry.get("parent", ""),
        optional_for=frozenset(optional_for),
    )


def site_names(site: SiteSnapshot) -> dict[str, str]:
    """Every name under which the site shows a column: normalised name → its URL."""
    names: dict[str, str] = {}
    for column in site.columns:
        names.setdefault(normalise_name(column.name), column.url)
    home_urls = site.home_urls
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
    title = {"zh": "缺少必备栏目", "en": "Required column missing"}
    advice = {
        "zh": "按照《政府网站发展指引》设置该栏目（也可链接到上级平台的对应栏目），并保持更新。",
        "en": "Add the column required by the government website guidelines (a link to the same "
        "column on a higher-level platform also counts) and keep it updated.",
    }
    report_order = 90

    def __init__(self, profile: RulesProfile) -> None:
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

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return f"{self.title_in(lang)}{colon(lang)}{detail.get('column') or ''}"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("parent", detail.get("parent")), Fact("synonyms", detail.get("synonyms"))],
            shown=frozenset(("column", "parent", "synonyms")),
        )
