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

from inspector.crawl.boards.vocab import DEFAULT_BOARD_RULES, BoardRules
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
    # Message boards (`[interaction]`): which links are boards, and the judged window, which
    # decides which message pages are worth fetching.
    board_rules: BoardRules = DEFAULT_BOARD_RULES
    window_days: int = 365
    answer_days: int = 90
    # 办事指南 pages (`[services]`, 2019): how many to keep, and their key elements.
    guide_sample: int = 0  # 0: the profile has no [services]: guides are not read
    guide_elements: Mapping[str, Sequence[str]] | None = None

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
            board_rules=BoardRules.from_profile(profile),
            window_days=_days(profile, "interaction.window_days", 365),
            answer_days=_days(profile, "interaction.answer_days", 90),
            **_guides(profile),
        )


def _days(profile: RulesProfile, key: str, default: int) -> int:
    value = profile.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(profile.path, key, f"must be a whole number ≥ 1, not {value!r}")
    return value


def _guides(profile: RulesProfile) -> dict[str, Any]:
    services = profile.section("services")
    if not services:
        return {}
    elements = profile.section("services.elements")
    for name, labels in elements.items():
        strings(profile, f"services.elements.{name}", labels)
    return {
        "guide_sample": _days(profile, "services.sample", 30),
        "guide_elements": elements or None,
    }


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
