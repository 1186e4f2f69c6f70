"""Rules profiles: TOML files that hold policy (windows, thresholds, synonyms, points).

`--rules NAME` picks `checks/rules/NAME.toml` (read with `importlib.resources`); `--rules PATH`
any file. This module only reads a profile: each component that uses a section validates it
when it is built from the profile (`Check.from_profile`, `CrawlPolicy.from_profile`, scoring,
tracking), with the helpers below, and every command builds them all before it starts
(`inspector.options.load_rules`), so a malformed profile is refused with the file, the key and
what is wrong before anything is crawled. A leaf: it imports nothing of ours.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

# The shipped profiles: package data of `checks` (checks/rules/*.toml).
RULES_PACKAGE, RULES_FOLDER = "checks", "rules"


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


def _shipped() -> Any:
    return resources.files(RULES_PACKAGE).joinpath(RULES_FOLDER)


def available_profiles() -> list[str]:
    return sorted(
        p.name.removesuffix(".toml") for p in _shipped().iterdir() if p.name.endswith(".toml")
    )


def resolve_profile_path(name_or_path: str) -> Path:
    candidate = Path(name_or_path)
    if candidate.suffix == ".toml" or "/" in name_or_path:
        return candidate
    return Path(str(_shipped().joinpath(f"{name_or_path}.toml")))


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
    return RulesProfile(data.get("profile", {}).get("name") or path.stem, str(path), data)


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# ---- helpers for the components that validate their own section ----------------------------


def number(profile: RulesProfile, key: str, value: Any, *, minimum: float = 0) -> float:
    """`value` (at dotted `key`) when it is a number ≥ minimum, else a ProfileError naming it."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(profile.path, key, f"must be a number, not {value!r}")
    if value < minimum:
        raise ProfileError(profile.path, key, f"must be ≥ {minimum}, not {value!r}")
    return value


def strings(profile: RulesProfile, key: str, value: Any) -> list[str]:
    """`value` when it is a list of non-empty strings, else a ProfileError naming `key`."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ProfileError(profile.path, key, f"must be a list of non-empty strings, not {value!r}")
    return value


def regexes(profile: RulesProfile, key: str, value: Any) -> list[re.Pattern[str]]:
    """`value` compiled, when it is a list of valid regular expressions."""
    compiled = []
    for pattern in strings(profile, key, value):
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise ProfileError(
                profile.path, key, f"bad regular expression {pattern!r}: {exc}"
            ) from exc
    return compiled
