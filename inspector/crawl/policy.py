"""What the crawl reads from a rules profile: column categories and discovery rules, and the
footer element patterns. Built (and validated) once per crawl, like every component that
reads the profile: a malformed `[categories]`, `[columns]` or `[elements]` table is a
ProfileError naming the key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cssselect import SelectorError
from lxml.cssselect import CSSSelector

from inspector.profile import ProfileError, RulesProfile, regexes, strings
from inspector.vocabulary import ColumnRules

MATCHERS = ("text", "link_text", "href", "css")


@dataclass(frozen=True, slots=True)
class CrawlPolicy:
    categories: Mapping[str, Sequence[str]]
    column_rules: ColumnRules
    sub_column_parents: tuple[str, ...]
    # The profile's [elements] table; None: the crawl's defaults (DEFAULT_ELEMENT_PATTERNS).
    element_patterns: Mapping[str, Mapping[str, Sequence[str]]] | None

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> CrawlPolicy:
        categories = profile.section("categories")
        for cat, words in categories.items():
            if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
                raise ProfileError(
                    profile.path, f"categories.{cat}", "must be a list of non-empty strings"
                )
        elements = profile.section("elements")
        for element, spec in elements.items():
            _validate_element(profile, element, spec)
        return cls(
            categories=categories,
            column_rules=ColumnRules.from_mapping(profile.section("columns")),
            sub_column_parents=tuple(profile.get("columns.sub_column_parents", ())),
            element_patterns=elements or None,
        )


def _validate_element(profile: RulesProfile, element: str, spec: Any) -> None:
    if not isinstance(spec, dict):
        raise ProfileError(profile.path, f"elements.{element}", "must be a table of matchers")
    for matcher, patterns in spec.items():
        key = f"elements.{element}.{matcher}"
        if matcher not in MATCHERS:
            raise ProfileError(
                profile.path, key, f"unknown matcher (expected {', '.join(MATCHERS)})"
            )
        if matcher != "css":
            regexes(profile, key, patterns)
            continue
        for selector in strings(profile, key, patterns):
            try:
                CSSSelector(selector)
            except SelectorError as exc:
                raise ProfileError(
                    profile.path, key, f"bad CSS selector {selector!r}: {exc}"
                ) from exc
