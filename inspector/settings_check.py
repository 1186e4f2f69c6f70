"""`--set NAME=VALUE` (and `scrapy crawl -s NAME=VALUE`) checked before anything starts.

A typo must not succeed silently: `INSPECTOR_SITE_CONCURENCY=3` would otherwise be stored as a
setting nobody reads and the crawl would run with the default. So:

- a name is known when Scrapy defines it (`scrapy.settings.default_settings`) or our settings
  module does (`inspector/settings.py`); an unknown `INSPECTOR_*` name is refused, and so is
  any other unknown name that is close to a known one ("did you mean DOWNLOAD_TIMEOUT?").
  Other unknown names are accepted: they may belong to a third-party component.
- a value is converted to the type of the setting's default — a whole number, a number,
  true/false, a JSON object for dict settings (`INSPECTOR_CHECKS`, `INSPECTOR_STATIC_HOSTS`) —
  and refused with what to write when it is not one.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from inspector.errors import UserError

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})
LOG_LEVELS = ("CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG")
# Numbers that must be at least this much to make sense (others: not negative).
MINIMUM = {
    "INSPECTOR_SITE_CONCURRENCY": 1,
    "INSPECTOR_EXTERNAL_HOST_CONCURRENCY": 1,
    "INSPECTOR_MAX_PAGES": 1,
    "INSPECTOR_BATCH_SIZE": 1,
    "INSPECTOR_PROBE_CONCURRENCY": 1,
    "INSPECTOR_WORKER_SITES": 1,
    "INSPECTOR_MAX_URLS": 1,
    "INSPECTOR_MAX_PAGE_LINKS": 1,
    "INSPECTOR_SITE_QUEUED": 1,
    "INSPECTOR_MAX_HEADERS": 1,
    "INSPECTOR_MAX_HEADER_BYTES": 1024,
    "INSPECTOR_LEASE_SECONDS": 1,
    "CONCURRENT_REQUESTS": 1,
    "DOWNLOAD_TIMEOUT": 0.001,
}


class SettingError(UserError):
    """A `--set` name or value that cannot be used."""


def known_settings(settings: Any = None) -> dict[str, Any]:
    """Every setting name we know → its default value (Scrapy's, then ours)."""
    from scrapy.settings import default_settings

    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    if settings is not None:
        for name in settings.attributes:
            if name.isupper():
                known[name] = settings.attributes[name].value
    else:
        from inspector import settings as ours

        known.update({k: getattr(ours, k) for k in dir(ours) if k.isupper()})
    return known


def suggestion(name: str, known: Iterable[str]) -> str | None:
    """The known name closest to `name`, when one is close enough to be a typo of it."""
    close = difflib.get_close_matches(name.upper(), list(known), n=1, cutoff=0.75)
    return close[0] if close else None


def check_name(name: str, known: Mapping[str, Any]) -> None:
    if name in known:
        return
    close = suggestion(name, known)
    if name.startswith("INSPECTOR_") or close:
        hint = f"did you mean {close}?" if close else "see README, Settings, for the names"
        raise SettingError(f"unknown setting {name}: {hint}")


# Whole-number defaults that take fractions too (seconds).
FRACTIONAL = ("TIMEOUT", "DELAY", "SECONDS", "INTERVAL", "BEFORE_CLOSE", "RETRY_AFTER_MAX")


def _number(name: str, raw: str, kind: type) -> int | float:
    if kind is int and name.endswith(FRACTIONAL) and not raw.strip().isdigit():
        kind = float
    try:
        value = kind(raw.strip())
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"setting {name}={raw!r}: expects {what}, e.g. {name}=10") from None
    least = MINIMUM.get(name, 0)
    if value < least:
        raise SettingError(f"setting {name}={raw!r}: must be at least {least:g}")
    return value


def _json(name: str, raw: str, kind: type) -> Any:
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        example = '{"checks.links.MissingAnchors": null}' if kind is dict else '["a", "b"]'
        raise SettingError(
            f"setting {name}: {raw!r} is not JSON ({exc.msg} at character {exc.pos}); write "
            f"e.g. {name}='{example}'"
        ) from None
    if not isinstance(value, kind):
        what = "a JSON object {…}" if kind is dict else "a JSON list […]"
        raise SettingError(f"setting {name}: expects {what}, got {raw!r}")
    return value


def _special(name: str, raw: str) -> Any:
    """Settings whose value has a form of its own; None when `name` is not one of them."""
    if name == "INSPECTOR_DB_URL" and raw:
        from inspector.store.db import DatabaseURLError, check_db_url

        try:
            check_db_url(raw)
        except DatabaseURLError as exc:
            raise SettingError(str(exc)) from None
        return raw
    if name == "INSPECTOR_AS_OF" and raw:
        try:
            date.fromisoformat(raw)
        except ValueError:
            raise SettingError(f"setting {name}={raw!r}: expects a date, YYYY-MM-DD") from None
        return raw
    if name == "INSPECTOR_BLOCKED_NETWORKS":
        return _networks(name, raw)
    if name == "INSPECTOR_READ_PROCESSES":
        word = raw.strip().lower()
        if word != "auto" and not (word.isdigit() and int(word) <= 64):
            raise SettingError(
                f"setting {name}={raw!r}: expects a number of reader processes (0-64) or auto"
            )
        return word
    if name == "LOG_LEVEL":
        if raw.upper() not in LOG_LEVELS:
            raise SettingError(f"setting LOG_LEVEL={raw!r}: one of {', '.join(LOG_LEVELS)}")
        return raw.upper()
    return None


def _networks(name: str, raw: str) -> list[str]:
    import ipaddress

    values = _json(name, raw, list) if raw.lstrip().startswith("[") else raw.split(",")
    networks = [str(v).strip() for v in values if str(v).strip()]
    for value in networks:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise SettingError(
                f"setting {name}: {value!r} is not a network; write e.g. "
                f"{name}=169.254.0.0/16,fd00:ec2::254/128"
            ) from None
    return networks


def convert(name: str, raw: Any, default: Any) -> Any:
    """`raw` (the text after `=`) as a value of the type of `default`, or SettingError."""
    if not isinstance(raw, str):
        return raw  # set by code, not typed by a person
    special = _special(name, raw)
    if special is not None:
        return special
    if isinstance(default, bool):
        word = raw.strip().lower()
        if word in TRUE_WORDS or word in FALSE_WORDS:
            return word in TRUE_WORDS
        raise SettingError(f"setting {name}={raw!r}: expects true or false")
    if isinstance(default, int):
        return _number(name, raw, int)
    if isinstance(default, float):
        return _number(name, raw, float)
    if isinstance(default, dict):
        return _json(name, raw, dict)
    if isinstance(default, list | tuple):
        if raw.lstrip().startswith("["):
            return _json(name, raw, list)
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def checked_overrides(overrides: Mapping[str, Any], settings: Any = None) -> dict[str, Any]:
    """`overrides` (name → value as typed) with every name checked and every value converted."""
    known = known_settings(settings)
    result = {}
    for name, raw in overrides.items():
        check_name(name, known)
        result[name] = convert(name, raw, known.get(name))
    return result
