"""Mandatory columns (必备栏目): the census and the 2017 guidelines name the columns every
government site must carry; the rules profile's `[[required_columns]]` says which and how they
may be named."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
    if site.home is not None:
        # Headings, tabs and image buttons the home page shows a column under, link or not.
        for name in (site.home.facts or {}).get("names", ()):
            names.setdefault(normalise_name(str(name)), site.home.final_url or site.home.url)
    names.pop("", None)
    return names


@dataclass(frozen=True, slots=True)
class Presence:
    """Where each required column was found: its name on the site, or "" when not found."""

    found: Mapping[str, str]  # required name → the site's name that matched ("" = not found)
    via_sub_column: Mapping[str, str]  # hub → the sub-column that shows it is there


def columns_present(
    names: Iterable[str], required: Sequence[RequiredColumn], kind: str = "portal"
) -> Presence:
    """Which required columns a site shows, wherever it shows them (top level, under another
    hub, only in the site map), whatever parent the profile names. A hub counts as shown when
    one of its required sub-columns is (the site shows 领导信箱 without a 互动交流 heading)."""
    names = [n for n in names if n]
    wanted = [r for r in required if kind not in r.optional_for]
    found = {r.name: next((n for n in names if r.matches(n)), "") for r in wanted}
    via: dict[str, str] = {}
    for hub in wanted:
        if found[hub.name]:
            continue
        child = next((r.name for r in wanted if r.parent == hub.name and found.get(r.name)), "")
        if child:
            found[hub.name] = found[child]
            via[hub.name] = child
    return Presence(found, via)


def hubs_looked_into(site: SiteSnapshot, required: Sequence[RequiredColumn]) -> set[str]:
    """Hubs whose sub-columns were seen: the site map was read, or some column of the site
    hangs under a column that matches the hub (its submenu or its own page was read)."""
    if any(c.source == "sitemap" for c in site.columns):
        return {r.name for r in required}
    parents = {normalise_name(c.parent) for c in site.columns if c.parent}
    return {r.name for r in required if any(r.matches(p) for p in parents)}


def menus_unread(site: SiteSnapshot) -> bool:
    """The home page's header (its menus) is written by scripts the crawl could not read (the
    header's `search` element is undecided for that reason): a column not found may well be in
    there, so none is called missing."""
    elements = (site.home.elements if site.home is not None else None) or {}
    search = elements.get("search") or {}
    return not search.get("found") and bool(search.get("written_by"))


def unfollowed_stub(site: SiteSnapshot) -> bool:
    """The home page only sends visitors to another site (a redirect stub the crawl did not
    follow): nothing of this site's own columns or footer was seen, so nothing is missing."""
    redirect = (site.home.facts or {}).get("redirect") if site.home is not None else None
    return isinstance(redirect, dict) and redirect.get("followed") is False


class MissingColumns(Check):
    """必备栏目缺失 — a column the profile requires for this kind of site is not found.

    Matched on the names of every discovered column (navigation, block headings and tabs, 更多
    blocks, site map, sub-columns) and every short link of the home page (link text, or
    title/alt of image buttons), full-width/half-width normalised, with the profile's synonyms
    and regular expressions. A required column counts wherever the site shows it: top level,
    under another hub, or only in the site map; a column whose link leaves the site (a
    provincial 政务服务网) counts too. A hub counts as present when one of its sub-columns is.
    A missing hub does not make its sub-columns missing: they are reported one by one only
    when the hub's sub-columns could be seen (its submenu or page, or the site map), else they
    are listed in the hub's finding. Nothing is reported when the home page's menus could not
    be seen: no column found at all, menus written by scripts that could not be read, or a
    home page that only sends visitors to another site. Finding `missing_column` (major), url = the site; detail:
    `column` (canonical name), `parent`, `synonyms`, `looked_in` (where the inspector looked),
    and for a hub `sub_columns_not_found`.
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
        if unfollowed_stub(site) or menus_unread(site) or not site.columns:
            # No menus seen at all (an entrance page of image buttons, a page drawn by script):
            # nothing says which columns the site has, so none is called missing.
            return
        wanted = [r for r in self.columns if site.site.kind not in r.optional_for]
        presence = columns_present(site_names(site), wanted, site.site.kind)
        looked = hubs_looked_into(site, wanted)
        sitemap_read = any(c.source == "sitemap" for c in site.columns)
        where = ["home"] + (["sitemap"] if sitemap_read else [])
        for required in wanted:
            if presence.found.get(required.name):
                continue
            hub = next((r for r in wanted if r.name == required.parent), None)
            if hub is not None and hub.name not in looked:
                # Its hub's sub-columns were never seen: no evidence either way (a missing hub
                # lists it in its own finding).
                continue
            detail: dict[str, object] = {
                "column": required.name,
                "parent": required.parent,
                "synonyms": list(required.synonyms),
                "looked_in": where,
            }
            subs = [r.name for r in wanted if r.parent == required.name]
            if subs:
                detail["sub_columns_not_found"] = [s for s in subs if not presence.found.get(s)]
            yield Finding(self.code, Severity.MAJOR, site.site.url, detail, key=required.name)

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        return f"{self.title_in(lang)}{colon(lang)}{detail.get('column') or ''}"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[
                Fact("parent", detail.get("parent")),
                Fact("synonyms", detail.get("synonyms")),
                Fact("looked_in", detail.get("looked_in")),
                Fact("sub_columns_not_found", detail.get("sub_columns_not_found")),
            ],
            shown=frozenset(("column", "parent", "synonyms", "looked_in", "sub_columns_not_found")),
        )
