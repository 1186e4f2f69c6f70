"""What every command does with its options: settings from `--set NAME=VALUE`, `--db` and
`--rules`; the rules profile loaded and every component that reads it built once, so that a bad
profile or a bad check path is refused before anything starts; one-line errors and exit codes.

Exit codes of every command: 0 done, 1 not completed, 2 bad input (what is wrong and what to
do, in one line), 3 another nightly holds the lock.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, NoReturn

import click
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from inspector.crawl.policy import CrawlPolicy
from inspector.judge.checkrun import CheckConfig, validate_judging
from inspector.profile import RulesProfile, load_profile
from inspector.registry import RegistryError, Site, load_registry, select_sites
from inspector.store.db import SchemaError, ensure_schema, get_engine, session_factory

EXIT_OK = 0
EXIT_INCOMPLETE = 1
EXIT_BAD_INPUT = 2
EXIT_LOCKED = 3


def fail(message: str, code: int = EXIT_BAD_INPUT) -> NoReturn:
    """End the command with one line on stderr (no traceback)."""
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def build_settings(
    overrides: Mapping[str, Any] | None = None, *, db_url: str | None = None
) -> Settings:
    """Project settings, then --set NAME=VALUE overrides (as `scrapy crawl -s`), then flags."""
    # The project's settings even when started outside the project root (cron, another cwd),
    # where Scrapy would not find scrapy.cfg.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "inspector.settings")
    settings = get_project_settings()
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if db_url:
        settings.set("INSPECTOR_DB_URL", db_url, priority="cmdline")
    return settings


def parse_set_options(pairs: Iterable[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set expects NAME=VALUE, got {pair!r}")
        result[name.strip()] = value
    return result


def settings_from_options(
    set_options: Iterable[str] = (),
    db_url: str | None = None,
    *,
    rules: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Settings:
    """Settings of a command: `--set NAME=VALUE`, `--db`, `--rules`; the rules and the checks
    they name are loaded and validated here (load_rules).

    Raises ValueError (a ProfileError for a bad profile, a CheckLoadError for a bad check) with
    a message for the user.
    """
    overrides: dict[str, Any] = {**parse_set_options(set_options), **(extra or {})}
    if rules:
        overrides["INSPECTOR_RULES"] = rules
    settings = build_settings(overrides, db_url=db_url)
    load_rules(settings.get("INSPECTOR_RULES"), settings)
    return settings


def load_rules(name_or_path: str, settings: Any | None = None) -> RulesProfile:
    """The rules profile, with every component that reads it built once from it (the crawl's
    policy, the enabled checks, scoring, tracking): a ProfileError names the bad key."""
    profile = load_profile(name_or_path)
    CrawlPolicy.from_profile(profile)
    config = CheckConfig.from_settings(settings if settings is not None else build_settings())
    validate_judging(profile, config)
    return profile


def settings_or_fail(
    set_options: Iterable[str] = (),
    db_url: str | None = None,
    *,
    rules: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Settings:
    """settings_from_options, or exit 2 with its message."""
    try:
        return settings_from_options(set_options, db_url, rules=rules, extra=extra)
    except ValueError as exc:
        fail(str(exc))


def as_of_or_fail(value: str | None) -> date | None:
    """The `--as-of` date (None when not given), or exit 2."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--as-of {value!r} is not a date (YYYY-MM-DD)")


def sites_or_fail(registry: str, site_ids: Iterable[str] = ()) -> tuple[list[Site], list[Site]]:
    """(the chosen sites, the whole registry), or exit 2 listing every problem."""
    try:
        everything = load_registry(registry)
        return select_sites(everything, list(site_ids)), everything
    except RegistryError as exc:
        fail(str(exc))


def engine_or_fail(db_url: str | None, *, create: bool = True) -> Engine:
    """The database engine, its schema checked (a fresh database is created unless `create` is
    False), or exit 2 saying what to do."""
    engine = get_engine(db_url)
    try:
        ensure_schema(engine, create=create)
    except SchemaError as exc:
        fail(str(exc))
    return engine


def session_or_fail(db_url: str | None) -> Session:
    return session_factory(engine_or_fail(db_url))()
