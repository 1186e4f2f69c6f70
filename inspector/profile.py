"""Rules profiles: TOML files that hold policy (windows, thresholds, synonyms, points).

`--rules NAME` picks `checks/rules/NAME.toml`; `--rules PATH` any file. A malformed profile is
refused with the file, the key and what is wrong, before anything is crawled.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent.parent / "checks" / "rules"


class ProfileError(ValueError):
    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: [{key}] {problem}")
        self.path, self.key, self.problem = path, key, problem


@dataclass(frozen=True)
class RulesProfile:
    name: str
    path: str
    data: dict[str, Any] = field(default_factory=dict)

    def section(self, key: str) -> dict[str, Any]:
        """A (possibly dotted) table of the profile; {} when absent."""
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, dict):
                raise ProfileError(self.path, key, "is not a table")
            node = node.get(part, {})
        if not isinstance(node, dict):
            raise ProfileError(self.path, key, "is not a table")
        return node

    def get(self, key: str, default: Any = None) -> Any:
        section, _, name = key.rpartition(".")
        return self.section(section).get(name, default) if section else self.data.get(name, default)


def available_profiles() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.toml"))


def resolve_profile_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        return candidate
    return RULES_DIR / f"{name_or_path}.toml"


def load_profile(name_or_path: str = "census2015") -> RulesProfile:
    path = resolve_profile_path(name_or_path)
    if not path.is_file():
        raise ProfileError(
            str(path),
            "profile",
            f"no such rules profile (known: {', '.join(available_profiles())})",
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(str(path), "toml", str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(str(path), "file", "is not UTF-8") from exc
    base_name = data.get("profile", {}).get("extends")
    if base_name:
        base = load_profile(base_name)
        data = _merge(base.data, data)
    profile = RulesProfile(data.get("profile", {}).get("name") or path.stem, str(path), data)
    validate_profile(profile)
    return profile


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _number(profile: RulesProfile, key: str, value: Any, *, minimum: float = 0) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(profile.path, key, f"must be a number, not {value!r}")
    if value < minimum:
        raise ProfileError(profile.path, key, f"must be ≥ {minimum}, not {value!r}")


def validate_profile(profile: RulesProfile) -> None:
    """Check the keys the built-in checks read; say which key is wrong and why."""
    freshness = profile.section("freshness")
    if "homepage_days" in freshness:
        _number(profile, "freshness.homepage_days", freshness["homepage_days"], minimum=1)
    for cat, days in profile.section("freshness.windows").items():
        _number(profile, f"freshness.windows.{cat}", days, minimum=1)
    for key, value in profile.section("freshness.veto").items():
        if key == "key_categories":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ProfileError(
                    profile.path, "freshness.veto.key_categories", "must be a list of strings"
                )
        else:
            _number(profile, f"freshness.veto.{key}", value, minimum=1)
    for cat, words in profile.section("categories").items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ProfileError(
                profile.path, f"categories.{cat}", "must be a list of non-empty strings"
            )
    if "max_sources" in profile.section("links"):
        _number(profile, "links.max_sources", profile.section("links")["max_sources"], minimum=1)
    _validate_required_columns(profile)
    _validate_elements(profile)
    from checks.availability import availability_rules

    availability_rules(profile)
    from checks.security import security_rules

    security_rules(profile)
    try:
        from inspector.judge.scoring import validate_scoring
    except ImportError:  # pragma: no cover - scoring always ships with the package
        return
    validate_scoring(profile)


KINDS = ("portal", "department")


def _strings(profile: RulesProfile, key: str, value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(profile.path, key, f"must be a list of non-empty strings, not {value!r}")
    return value


def _regexes(profile: RulesProfile, key: str, value: Any) -> None:
    for pattern in _strings(profile, key, value):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise ProfileError(
                profile.path, key, f"bad regular expression {pattern!r}: {exc}"
            ) from exc


def _validate_required_columns(profile: RulesProfile) -> None:
    entries = profile.data.get("required_columns", [])
    if not isinstance(entries, list):
        raise ProfileError(
            profile.path, "required_columns", "must be an array of tables ([[required_columns]])"
        )
    for i, entry in enumerate(entries):
        key = f"required_columns[{i}]"
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("name"), str)
            or not entry["name"]
        ):
            raise ProfileError(profile.path, key, "needs a `name`")
        key = f"required_columns[{i}] ({entry['name']})"
        if not entry.get("synonyms") and not entry.get("patterns"):
            raise ProfileError(profile.path, key, "needs `synonyms` or `patterns`")
        if "synonyms" in entry:
            _strings(profile, f"{key}.synonyms", entry["synonyms"])
        if "patterns" in entry:
            _regexes(profile, f"{key}.patterns", entry["patterns"])
        for kind in (
            _strings(profile, f"{key}.optional_for", entry["optional_for"])
            if "optional_for" in entry
            else ()
        ):
            if kind not in KINDS:
                raise ProfileError(
                    profile.path,
                    f"{key}.optional_for",
                    f"unknown site kind {kind!r} (expected {'|'.join(KINDS)})",
                )


def _validate_elements(profile: RulesProfile) -> None:
    elements = profile.section("elements")
    matchers = ("text", "link_text", "href", "css")
    for element, spec in elements.items():
        if not isinstance(spec, dict):
            raise ProfileError(profile.path, f"elements.{element}", "must be a table of matchers")
        for matcher, patterns in spec.items():
            key = f"elements.{element}.{matcher}"
            if matcher not in matchers:
                raise ProfileError(
                    profile.path, key, f"unknown matcher (expected {', '.join(matchers)})"
                )
            if matcher == "css":
                from cssselect import SelectorError
                from lxml.cssselect import CSSSelector

                for selector in _strings(profile, key, patterns):
                    try:
                        CSSSelector(selector)
                    except SelectorError as exc:
                        raise ProfileError(
                            profile.path, key, f"bad CSS selector {selector!r}: {exc}"
                        ) from exc
            else:
                _regexes(profile, key, patterns)
    rules = profile.section("element_rules")
    for group in ("every_page", "home_only"):
        if group in rules:
            for element in _strings(profile, f"element_rules.{group}", rules[group]):
                if elements and element not in elements:
                    raise ProfileError(
                        profile.path,
                        f"element_rules.{group}",
                        f"no pattern for element {element!r} in [elements]",
                    )
