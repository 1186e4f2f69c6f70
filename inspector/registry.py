"""The site registry: seeds/*.csv → validated `Site` records.

A registry file is accepted or refused as a whole: one bad row means the office must fix the
file, and every problem is listed with its line number so that one pass fixes them all.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
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


def _check_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return f"bad URL {url!r}: must start with http:// or https://"
    if not parts.hostname:
        return f"bad URL {url!r}: no host"
    if " " in url:
        return f"bad URL {url!r}: contains spaces"
    return None


def _parse_number(raw: str, kind: type, column: str) -> tuple[float | int | None, str | None]:
    if not raw.strip():
        return None, None
    try:
        value = kind(raw)
    except ValueError:
        return None, f"bad {column} {raw!r}: must be a number"
    if value < 0:
        return None, f"bad {column} {raw!r}: must not be negative"
    return value, None


def parse_registry(text: str, path: str = "<registry>") -> list[Site]:
    """Parse registry CSV text; raise RegistryError listing every problem."""
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    problems: list[tuple[int, str]] = []
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
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        if None in row:
            problems.append((line, "more fields than columns in the header"))
        site_id = values["site_id"]
        row_problems: list[str] = []
        if not site_id:
            row_problems.append("empty site_id")
        elif site_id in seen:
            row_problems.append(f"duplicate site_id {site_id!r} (first on line {seen[site_id]})")
        else:
            seen[site_id] = line
        if not values["name"]:
            row_problems.append("empty name")
        url_problem = _check_url(values["url"])
        if url_problem:
            row_problems.append(url_problem)
        if values["kind"] not in KINDS:
            row_problems.append(f"unknown kind {values['kind']!r} (expected {'|'.join(KINDS)})")
        if values["status"] not in STATUSES:
            row_problems.append(
                f"unknown status {values['status']!r} (expected {'|'.join(STATUSES)})"
            )
        site_code = values["site_code"]
        if site_code and len(site_code) != 10:
            row_problems.append(f"bad site_code {site_code!r}: 网站标识码 has 10 characters")
        extra_hosts = tuple(h.strip().lower() for h in values.get("scope", "").split() if h.strip())
        concurrency, err = _parse_number(values.get("concurrency", ""), int, "concurrency")
        if err:
            row_problems.append(err)
        delay, err = _parse_number(values.get("delay", ""), float, "delay")
        if err:
            row_problems.append(err)
        problems += [(line, p) for p in row_problems]
        if not row_problems:
            sites.append(
                Site(
                    site_id=site_id,
                    name=values["name"],
                    url=values["url"],
                    kind=values["kind"],
                    status=values["status"],
                    organizer=values["organizer"],
                    site_code=site_code,
                    extra_hosts=extra_hosts,
                    concurrency=int(concurrency) if concurrency is not None else None,
                    delay=delay,
                    line=line,
                )
            )
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
