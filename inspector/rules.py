"""Rules profiles: TOML files that hold policy (windows, thresholds, synonyms, points).

`--rules NAME` picks `checks/rules/NAME.toml`; `--rules PATH` any file. A malformed profile is
refused with the file, the key and what is wrong, before anything is crawled.
"""

from __future__ import annotations

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
            str(path), "profile", f"no such rules profile (known: {', '.join(available_profiles())})"
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
                raise ProfileError(profile.path, "freshness.veto.key_categories", "must be a list of strings")
        else:
            _number(profile, f"freshness.veto.{key}", value, minimum=1)
    for cat, words in profile.section("categories").items():
        if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
            raise ProfileError(profile.path, f"categories.{cat}", "must be a list of non-empty strings")
    for key, value in profile.section("links").items():
        if key.endswith("_points"):
            _number(profile, f"links.{key}", value)
