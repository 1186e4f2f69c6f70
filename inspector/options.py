"""What every command does with its options: settings from `--set NAME=VALUE` (names and
values checked, inspector/settings_check.py), `--db` and `--rules`; the rules profile loaded and
every component that reads it built once, so that a bad profile or a bad check path is refused
before anything starts.

Exit codes and one-line errors live in inspector/errors.py (re-exported here): 0 done, 1 not
completed, 2 bad input (what is wrong and what to do, in one line), 3 another nightly holds
the lock.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

import click
from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from inspector.crawl.policy import CrawlPolicy
from inspector.errors import (
    EXIT_BAD_INPUT,
    EXIT_INCOMPLETE,
    EXIT_LOCKED,
    EXIT_OK,
    UserError,
    database_message,
    fail,
)
from inspector.judge.checkrun import CheckConfig, validate_judging
from inspector.profile import RulesProfile, load_profile
from inspector.registry import RegistryError, Site, load_registry, select_sites
from inspector.settings_check import checked_overrides
from inspector.store.db import (
    SchemaError,
    check_db_url,
    ensure_schema,
    get_engine,
    session_factory,
)
from inspector.words import LANGS

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_INCOMPLETE",
    "EXIT_LOCKED",
    "EXIT_OK",
    "as_of_or_fail",
    "build_settings",
    "engine_or_fail",
    "fail",
    "load_rules",
    "session_or_fail",
    "settings_or_fail",
    "sites_or_fail",
]


DB_HELP = "SQLAlchemy URL (default: INSPECTOR_DB_URL or var/inspector.db)."
SET_HELP = "Any Scrapy or INSPECTOR_* setting (repeatable)."


def db_option(help: str = DB_HELP) -> Any:
    """Every command's `--db`: one name, one parameter, one default."""
    return click.option("--db", "db_url", default=None, help=help)


def set_option(help: str = SET_HELP) -> Any:
    """Every command's `--set NAME=VALUE` (checked by settings_or_fail)."""
    return click.option("--set", "set_options", multiple=True, metavar="NAME=VALUE", help=help)


def lang_option(help: str) -> Any:
    """Every command's `--lang zh|en` (Chinese by default: what site operators read)."""
    return click.option(
        "--lang", type=click.Choice(LANGS), default="zh", show_default=True, help=help
    )


DB_OPTION = db_option()
SET_OPTION = set_option()
SITE_OPTION = click.option(
    "--site", "site_ids", multiple=True, help="Only this site_id (repeatable)."
)


def build_settings(
    overrides: Mapping[str, Any] | None = None, *, db_url: str | None = None
) -> Settings:
    """Project settings, then --set NAME=VALUE overrides (as `scrapy crawl -s`), then flags.

    Names and values typed by a person are checked (SettingError, a ValueError, for an
    unknown name or a value of the wrong kind); values set by code pass as they are.
    """
    # The project's settings even when started outside the project root (cron, another cwd),
    # where Scrapy would not find scrapy.cfg.
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "inspector.settings")
    settings = get_project_settings()
    for name, value in checked_overrides(overrides or {}, settings).items():
        settings.set(name, value, priority="cmdline")
    if db_url:
        settings.set("INSPECTOR_DB_URL", db_url, priority="cmdline")
    return settings


def parse_set_options(pairs: Iterable[str]) -> dict[str, str]:
    result = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UserError(
                f"--set expects NAME=VALUE, got {pair!r} (e.g. --set DOWNLOAD_TIMEOUT=5)"
            )
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
    if db_url:
        check_db_url(db_url)  # a DatabaseURLError (ValueError) says what to write instead
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


def unknown_ids_message(unknown: list[str], known: Iterable[str], where: str) -> str:
    """ "no site nosuch in WHERE (did you mean …?)": one line for --site typos."""
    known = sorted(known)
    close = difflib.get_close_matches(unknown[0], known, n=3, cutoff=0.6)
    if close:
        hint = "did you mean " + " or ".join(close) + "?"
    elif known:
        hint = "known: " + ", ".join(known[:8]) + (" …" if len(known) > 8 else "")
    else:
        hint = "it holds no site"
    return f"no site {', '.join(unknown)} in {where} ({hint})"


def sites_or_fail(registry: str, site_ids: Iterable[str] = ()) -> tuple[list[Site], list[Site]]:
    """(the chosen sites, the whole registry), or exit 2 listing every problem."""
    try:
        everything = load_registry(registry)
    except RegistryError as exc:
        fail(_registry_message(exc))
    ids = list(site_ids)
    unknown = [i for i in ids if i not in {s.site_id for s in everything}]
    if unknown:
        fail(unknown_ids_message(unknown, (s.site_id for s in everything), registry))
    return select_sites(everything, ids), everything


def _registry_message(exc: RegistryError) -> str:
    from inspector.errors import user_message

    return user_message(exc) or str(exc)


def engine_or_fail(db_url: str | None, *, create: bool = True) -> Engine:
    """The database engine, its schema checked (a fresh database is created unless `create` is
    False: read-only commands create neither a database nor a folder), or exit 2 saying what
    to do."""
    from sqlalchemy.exc import OperationalError

    try:
        engine = get_engine(db_url, create=create)
        ensure_schema(engine, create=create)
    except SchemaError as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(database_message(exc, engine.url.render_as_string(hide_password=True)))
    return engine


def session_or_fail(db_url: str | None, *, create: bool = True) -> Session:
    return session_factory(engine_or_fail(db_url, create=create))()
