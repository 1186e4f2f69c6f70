"""The site spider's arguments (`scrapy crawl site -a NAME=VALUE`), checked before anything starts.

    scrapy crawl site -a site_id=ID [-a registry=FILE] [-a recheck=1] [-a as_of=YYYY-MM-DD]
    scrapy crawl site -a url=https://www.example.gov.cn/

Every mistake is an ArgumentsError whose message says what is wrong and what to write instead;
`scrapy crawl site` (inspector/scrapy_commands/crawl.py) prints it as one line with exit code 2,
and the spider raises the same error if it is built with bad arguments some other way.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from inspector.registry import RegistryError, Site, check_site_id, load_registry
from inspector.registry import check_url as check_site_url

ARGUMENTS = ("site_id", "url", "registry", "as_of", "recheck", "batch")
USAGE = (
    "-a site_id=ID (a site of the registry {registry}, or of -a registry=FILE) or "
    "-a url=https://www.example.gov.cn/"
)
TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off", "")


class ArgumentsError(ValueError):
    """A bad `-a` argument of the site spider; the message says what to write."""


@dataclass(frozen=True, slots=True)
class SpiderArguments:
    sites: list[Site]
    as_of: date | None
    recheck: bool


def check_url(url: str) -> str | None:
    """What is wrong with a URL given on the command line (None when it can be crawled)."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:  # an unclosed [IPv6 literal
        return f"-a url={url!r} is not a web address: {exc}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return (
            f"-a url={url} is not a web address: write it in full, e.g. "
            "-a url=https://www.example.gov.cn/"
        )
    if any(c.isspace() for c in url.strip()):
        return f"-a url={url!r} contains spaces: quote it as the browser shows it"
    problem = check_site_url(url.strip())
    return f"-a url: {problem}" if problem else None


def parse_flag(name: str, value: str | bool | None) -> bool:
    if isinstance(value, bool) or value is None:
        return bool(value)
    word = value.strip().lower()
    if word in TRUE_WORDS or word in FALSE_WORDS:
        return word in TRUE_WORDS
    raise ArgumentsError(f"-a {name}={value}: write -a {name}=1 (or 0)")


def parse_as_of(value: str | date | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ArgumentsError(f"-a as_of={value} is not a date: write YYYY-MM-DD") from None


def check_names(given: Mapping[str, object]) -> None:
    """Refuse an argument the spider does not take (a typo would be ignored silently)."""
    for name in given:
        if name not in ARGUMENTS:
            close = difflib.get_close_matches(name, ARGUMENTS, n=1, cutoff=0.6)
            hint = f"did you mean -a {close[0]}=…?" if close else f"it takes {', '.join(ARGUMENTS)}"
            raise ArgumentsError(f"the site spider has no argument -a {name}: {hint}")


def sites_from_arguments(
    site_id: str | None, registry: str | None, url: str | None, default_registry: str
) -> list[Site]:
    """The sites `scrapy crawl site -a …` means, or ArgumentsError."""
    if url:
        problem = check_url(url)
        if problem:
            raise ArgumentsError(problem)
        url = url.strip()
        host = urlsplit(url).hostname or "site"
        problem = check_site_id(site_id or host)
        if problem:
            raise ArgumentsError(
                f"-a site_id: {problem}" if site_id else f"{problem}: add -a site_id=ID"
            )
        return [Site(site_id or host, host, url, "portal", "active")]
    path = registry or default_registry
    if not site_id:
        raise ArgumentsError("scrapy crawl site needs a site: " + USAGE.format(registry=path))
    try:
        sites = load_registry(path)
    except RegistryError as exc:
        if len(exc.problems) == 1:
            line, message = exc.problems[0]
            raise ArgumentsError(
                f"{exc.path}: " + (f"line {line}: " if line else "") + message
            ) from None
        raise
    by_id = {s.site_id: s for s in sites}
    if site_id not in by_id:
        close = difflib.get_close_matches(site_id, list(by_id), n=3, cutoff=0.6)
        hint = (
            ("did you mean " + " or ".join(close) + "?") if close else "-a url=URL crawls any site"
        )
        raise ArgumentsError(f"no site {site_id} in {path} ({hint})")
    return [by_id[site_id]]


def spider_arguments(given: dict[str, str], default_registry: str) -> SpiderArguments:
    """All `-a` arguments of `scrapy crawl site`, checked."""
    check_names(given)
    recheck = parse_flag("recheck", given.get("recheck"))
    if recheck and not given.get("site_id"):
        raise ArgumentsError(
            "-a recheck=1 needs -a site_id=ID: a recheck re-fetches what a site's last "
            "inspection found"
        )
    sites = sites_from_arguments(
        given.get("site_id"), given.get("registry"), given.get("url"), default_registry
    )
    return SpiderArguments(sites, parse_as_of(given.get("as_of")), recheck)
