"""The site registry: seeds/*.csv → validated `Site` records.

A registry file is accepted or refused as a whole: one bad row means the office must fix the
file, and every problem is listed with its line number so that one pass fixes them all.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from inspector.vocabulary import SITE_KINDS as KINDS
from inspector.vocabulary import SITE_STATUSES as STATUSES

REQUIRED_COLUMNS = ("site_id", "name", "url", "kind", "status", "organizer", "site_code")


@dataclass(frozen=True, slots=True)
class Site:
    site_id: str
    name: str
    url: str
    kind: str
    status: str
    organizer: str = ""
    site_code: str = ""
    # Extra hosts that belong to the site (e.g. "xxgk.example.gov.cn"), from the `scope` column.
    extra_hosts: tuple[str, ...] = ()
    concurrency: int | None = None
    delay: float | None = None
    line: int = 0

    @property
    def host(self) -> str:
        return (urlsplit(self.url).hostname or "").lower()


@dataclass(slots=True)
class RegistryError(Exception):
    path: str
    problems: list[tuple[int, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{self.path}: {len(self.problems)} problem(s), the registry was not loaded:"]
        lines += [f"  line {n}: {msg}" if n else f"  {msg}" for n, msg in self.problems]
        return "\n".join(lines)


# Limits of a registry's fields: the database columns they are stored in (inspector/store/
# models.py: site.site_id 100, name and organizer 300, url 2000) and a sane bound for the rest.
FIELD_MAX = 2000
LIMITS = {"site_id": 100, "name": 300, "organizer": 300, "url": 2000}
# A site_id names report files and appears on command lines: letters (any script), digits and
# "-", "_", "." inside; not a name Windows reserves for a device.
SITE_ID_RE = re.compile(r"^[^\W_](?:[\w.-]*[^\W])?$")
RESERVED_NAMES = frozenset(
    ["con", "prn", "aux", "nul"] + [f"{p}{n}" for p in ("com", "lpt") for n in range(1, 10)]
)
# Characters no field may hold: C0/C1 controls (NUL, tab, newline…), line and paragraph
# separators, and the bidirectional overrides that make text read differently than it is.
FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MAX_DELAY = 3600.0
MAX_CONCURRENCY = 1000


def _show(value: str, limit: int = 60) -> str:
    """A field as quoted in a message: escaped, and cut when long."""
    return repr(value if len(value) <= limit else value[:limit] + "…")


def check_host(host: str) -> str | None:
    """What is wrong with a host name or IP literal (None when it is one)."""
    if not host:
        return "no host"
    if ":" in host:
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            return f"host {_show(host)} is not an IPv6 address"
        return None
    try:
        host.encode("idna")
    except UnicodeError:
        return f"host {_show(host)} is not a valid host name (a label is empty or too long)"
    if any(c in host for c in " /\\@"):
        return f"host {_show(host)} is not a valid host name"
    return None


def check_url(url: str) -> str | None:
    """What is wrong with a site's home page URL (None when it can be crawled)."""
    if any(c.isspace() for c in url):
        return f"bad URL {_show(url)}: contains spaces"
    if len(url) > LIMITS["url"]:
        return f"bad URL {_show(url)}: longer than {LIMITS['url']} characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:  # an unclosed [IPv6 literal, a port that is not 0-65535
        return f"bad URL {_show(url)}: {exc}"
    if parts.scheme not in ("http", "https"):
        return f"bad URL {_show(url)}: must start with http:// or https://"
    if port == 0:
        return f"bad URL {_show(url)}: port 0 cannot be connected to"
    problem = check_host(parts.hostname or "")
    return f"bad URL {_show(url)}: {problem}" if problem else None


def check_site_id(site_id: str) -> str | None:
    """What is wrong with a site_id (None when it can name a site, a run and a report file)."""
    if not site_id:
        return "empty site_id"
    if len(site_id) > LIMITS["site_id"]:
        return f"site_id {_show(site_id)} is longer than {LIMITS['site_id']} characters: shorten it"
    if not SITE_ID_RE.match(site_id) or site_id.lower().split(".")[0] in RESERVED_NAMES:
        return (
            f"site_id {_show(site_id)} cannot name a file: use letters, digits and - _ . "
            "(not first or last)"
        )
    return None


def _parse_number(
    raw: str, kind: type, column: str, most: float
) -> tuple[float | int | None, str | None]:
    if not raw.strip():
        return None, None
    try:
        value = kind(raw)
    except ValueError:
        return None, f"bad {column} {_show(raw)}: must be a number"
    if not 0 <= value <= most:  # NaN fails this too
        return None, f"bad {column} {_show(raw)}: must be between 0 and {most:g}"
    return value, None


def _field_problems(raw: dict[str, str]) -> dict[str, str]:
    """Control characters and lengths, in every field (unknown columns included): column →
    its problem."""
    problems = {}
    for column, value in raw.items():
        bad = FORBIDDEN.search(value)
        limit = LIMITS.get(column, FIELD_MAX)
        if bad:
            problems[column] = (
                f"{column} contains the control character {bad.group()!r}: remove it "
                "(a field is one line of plain text)"
            )
        elif len(value.strip()) > limit:
            problems[column] = (
                f"{column} is longer than {limit} characters ({len(value.strip())}): shorten it"
            )
    return problems


def _row_problems(values: dict[str, str], seen: dict[str, int], line: int) -> list[str]:
    """The problems of a row whose fields hold no control characters and fit their columns."""
    site_id = values["site_id"]
    problems: list[str] = []
    id_problem = check_site_id(site_id)
    if id_problem:
        problems.append(id_problem)
    elif site_id in seen:
        problems.append(f"duplicate site_id {_show(site_id)} (first on line {seen[site_id]})")
    else:
        seen[site_id] = line
    if not values["name"]:
        problems.append("empty name")
    url_problem = check_url(values["url"])
    if url_problem:
        problems.append(url_problem)
    if values["kind"] not in KINDS:
        problems.append(f"unknown kind {_show(values['kind'])} (expected {'|'.join(KINDS)})")
    if values["status"] not in STATUSES:
        problems.append(f"unknown status {_show(values['status'])} (expected {'|'.join(STATUSES)})")
    site_code = values["site_code"]
    if site_code and len(site_code) != 10:
        problems.append(f"bad site_code {_show(site_code)}: 网站标识码 has 10 characters")
    for host in values.get("scope", "").split():
        host_problem = check_host(host.strip().lower())
        if host_problem:
            problems.append(f"bad scope: {host_problem}")
    return problems


def _site(values: dict[str, str], line: int) -> tuple[Site | None, list[str]]:
    """The site of a row whose own fields were checked, or the problems of its numbers."""
    concurrency, err1 = _parse_number(
        values.get("concurrency", ""), int, "concurrency", MAX_CONCURRENCY
    )
    delay, err2 = _parse_number(values.get("delay", ""), float, "delay", MAX_DELAY)
    problems = [e for e in (err1, err2) if e]
    if problems:
        return None, problems
    site = Site(
        site_id=values["site_id"],
        name=values["name"],
        url=values["url"],
        kind=values["kind"],
        status=values["status"],
        organizer=values["organizer"],
        site_code=values["site_code"],
        extra_hosts=tuple(h.strip().lower() for h in values.get("scope", "").split()),
        concurrency=int(concurrency) if concurrency is not None else None,
        delay=delay,
        line=line,
    )
    return site, []


def _rows(
    reader: csv.DictReader[str], problems: list[tuple[int, str]]
) -> Iterator[tuple[int, dict[str | Any, str | Any]]]:
    """(first line, row) of every record; a line the csv module cannot read is a problem, and
    reading goes on."""
    while True:
        start = reader.line_num + 1  # a quoted field may span lines: name where the row starts
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append((start, f"cannot read this line: {exc}"))
            continue
        yield start, row


def parse_registry(text: str, path: str = "<registry>") -> list[Site]:
    """Parse registry CSV text; raise RegistryError listing every problem."""
    # The csv module refuses a field over 128 KiB with an error that names no line; read any
    # length, and refuse long fields here, each with its line (FIELD_MAX).
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, len(text) + 1))
    try:
        return _parse(text, path)
    finally:
        csv.field_size_limit(limit)


def _parse(text: str, path: str) -> list[Site]:
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    problems: list[tuple[int, str]] = []
    try:
        header = [h.strip() for h in (reader.fieldnames or [])]
    except csv.Error as exc:
        raise RegistryError(path, [(1, f"cannot read the header: {exc}")]) from None
    reader.fieldnames = header
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(
            (
                1,
                f"missing column(s): {', '.join(missing)} (header must be {','.join(REQUIRED_COLUMNS)})",
            )
        )
        raise RegistryError(path, problems)

    sites: list[Site] = []
    seen: dict[str, int] = {}
    for line, row in _rows(reader, problems):
        raw = {k: v or "" for k, v in row.items() if k is not None}
        values = {k: v.strip() for k, v in raw.items()}
        if not any(values.values()):
            continue
        if None in row:
            problems.append((line, "more fields than columns in the header"))
            raw["(extra)"] = " ".join(row[None])
        field_problems = _field_problems(raw)
        row_problems = list(field_problems.values())
        if not row_problems:
            row_problems = _row_problems(values, seen, line)
        if not row_problems:
            site, row_problems = _site(values, line)
            if site is not None:
                sites.append(site)
        problems += [(line, p) for p in row_problems]
    if problems:
        raise RegistryError(path, problems)
    if not sites:
        raise RegistryError(path, [(0, "no sites in the registry")])
    return sites


def load_registry(path: str | Path) -> list[Site]:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise RegistryError(str(path), [(0, f"cannot read the file: {exc.strerror}")]) from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RegistryError(
            str(path), [(line, "not UTF-8 (save the registry as UTF-8; a BOM is fine)")]
        ) from exc
    return parse_registry(text, str(path))


def select_sites(sites: list[Site], site_ids: tuple[str, ...] | list[str] = ()) -> list[Site]:
    if not site_ids:
        return sites
    by_id = {s.site_id: s for s in sites}
    unknown = [i for i in site_ids if i not in by_id]
    if unknown:
        raise RegistryError("<--site>", [(0, f"unknown site_id(s): {', '.join(unknown)}")])
    return [by_id[i] for i in site_ids]
