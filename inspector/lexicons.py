"""The security lexicons: editable TOML data files named by a rules profile's `[security.lexicons]`.

Five files (shipped under `checks/rules/lexicons/`, each with its sources in its header):
`hosts` (trusted third-party hosts and government domains), `spam` (gambling, adult and loan
vocabulary), `leaders` (national leaders, their offices and dates), `terms` (banned terms with
the correct form, key phrases) and `exceptions` (text never reported). A path is read relative
to the profile that names it, else to `checks/rules/`. A malformed file is refused like a
malformed profile: the file, the key and what is wrong.

This module only reads and validates; the crawl compiles the matchers
(`inspector.crawl.extract.security`), the checks judge (`checks.security`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from inspector.profile import RULES_FOLDER, RULES_PACKAGE, ProfileError, RulesProfile

# The host part of an absolute or protocol-relative URL. Browsers read a backslash as a slash
# in web URLs (WHATWG URL: http:\\host, \\host), and so does a link hidden that way.
NETLOC = re.compile(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.\-]*:)?[/\\]{2}([^/?#\\\s]*)")
LEXICON_KINDS = ("hosts", "spam", "leaders", "terms", "exceptions")
DEFAULT_LEXICONS = {kind: f"lexicons/{kind}.toml" for kind in LEXICON_KINDS}


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: a cache key read per link
class HostPolicy:
    """Which hosts a page may load code from or hide links to without raising suspicion."""

    allow: frozenset[str]
    government_suffixes: tuple[str, ...]

    def trust(self, key: str, site_hosts: frozenset[str] = frozenset()) -> str:
        """ "site", "gov", "allowed" or "" (untrusted) for a host key (lowercase host[:port]
        without `www.`, as `inspector.crawl.scope.scope_key` makes them; `site_hosts` are the
        site's scope keys). Subdomains of the site's hosts count as the site."""
        return _trust(self, key, site_hosts)


@lru_cache(maxsize=8192)
def _trust(policy: HostPolicy, key: str, site_hosts: frozenset[str]) -> str:
    if key in site_hosts:
        return "site"
    host = key if key.startswith("[") else key.partition(":")[0]
    # One endswith with a tuple of suffixes made once per site and policy: a site's first page
    # asks about dozens of hosts, each a miss of this cache.
    if host.endswith(_site_suffixes(site_hosts)):
        return "site"
    if host in policy.government_suffixes or host.endswith(_dotted(policy.government_suffixes)):
        return "gov"
    # The host and its parent domains, down to two labels (a.b.c, b.c; not c).
    at = 0
    while (dot := host.find(".", at)) >= 0:
        if host[at:] in policy.allow:
            return "allowed"
        at = dot + 1
    return ""


@lru_cache(maxsize=1024)
def _site_suffixes(site_hosts: frozenset[str]) -> tuple[str, ...]:
    """What the name of a subdomain of one of the site's hosts ends with."""
    return tuple("." + h.partition(":")[0] for h in site_hosts)


@lru_cache(maxsize=16)
def _dotted(suffixes: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("." + s for s in suffixes)


def host_key(url: str) -> str:
    """host[:port] without `www.`, lowercase, of an absolute or protocol-relative URL ("" if none)."""
    m = NETLOC.match(url)
    if m is None:
        return ""
    netloc = m.group(1).rpartition("@")[2].lower()
    if netloc.endswith((":80", ":443")):
        netloc = netloc.rsplit(":", 1)[0]
    return netloc.removeprefix("www.")


@dataclass(frozen=True, slots=True)
class SpamLexicon:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    url_tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Term:
    """One office a person held: from `start` to `end` (None while in office)."""

    office: str
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    terms: tuple[Term, ...]
    pinyin: tuple[str, ...] = ()
    bare_variants: bool = True
    # Words written just before the name that make a misspelling of it count, without being
    # judged as titles (offices the lexicon does not date, e.g. 中央书记处书记).
    known_as: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TitleWord:
    text: str
    office: str
    before: bool
    after: bool


@dataclass(frozen=True, slots=True)
class BannedTerm:
    wrong: str
    suggestion: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class WordingLexicon:
    persons: tuple[Person, ...]
    offices: dict[str, str] = field(hash=False, compare=False)
    titles: tuple[TitleWord, ...]
    historical_markers: tuple[str, ...]
    lookalikes: dict[str, str] = field(hash=False, compare=False)
    terms: tuple[BannedTerm, ...]
    phrases: tuple[str, ...]
    exceptions: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)  # identity hash: loaded once per file set
class Lexicons:
    hosts: HostPolicy
    spam: SpamLexicon
    wording: WordingLexicon
    files: tuple[str, ...]  # the files read, in LEXICON_KINDS order


def lexicon_paths(profile: RulesProfile) -> dict[str, Path]:
    """Where each lexicon of a profile lives (validated: the file exists)."""
    section = profile.section("security.lexicons")
    paths = {}
    for kind in LEXICON_KINDS:
        value = section.get(kind, DEFAULT_LEXICONS[kind])
        if not isinstance(value, str) or not value:
            raise ProfileError(profile.path, f"security.lexicons.{kind}", "must be a file path")
        paths[kind] = _resolve(profile, value, f"security.lexicons.{kind}")
    for key in section:
        if key not in LEXICON_KINDS:
            raise ProfileError(
                profile.path,
                f"security.lexicons.{key}",
                f"unknown lexicon (expected {', '.join(LEXICON_KINDS)})",
            )
    return paths


def _resolve(profile: RulesProfile, value: str, key: str) -> Path:
    candidate = Path(value)
    if candidate.is_absolute():
        tried = [candidate]
    else:
        shipped = Path(str(resources.files(RULES_PACKAGE).joinpath(RULES_FOLDER)))
        tried = [Path(profile.path).parent / candidate, shipped / candidate]
    for path in tried:
        if path.is_file():
            return path.resolve()
    raise ProfileError(profile.path, key, f"no such lexicon file {value!r}")


def load_lexicons(profile: RulesProfile) -> Lexicons:
    """The lexicons a profile names, plus its `[security] allow_hosts`; cached per file set."""
    paths = lexicon_paths(profile)
    extra = profile.section("security").get("allow_hosts", [])
    if not isinstance(extra, list) or not all(isinstance(h, str) and h for h in extra):
        raise ProfileError(profile.path, "security.allow_hosts", "must be a list of host names")
    stamps = tuple((str(p), p.stat().st_mtime_ns) for p in paths.values())
    return _load(stamps, tuple(h.lower().strip() for h in extra))


@lru_cache(maxsize=16)
def _load(stamps: tuple[tuple[str, int], ...], extra_hosts: tuple[str, ...]) -> Lexicons:
    files = dict(zip(LEXICON_KINDS, (s[0] for s in stamps), strict=True))
    data = {kind: _read(path) for kind, path in files.items()}
    return Lexicons(
        hosts=_hosts(files["hosts"], data["hosts"], extra_hosts),
        spam=_spam(files["spam"], data["spam"]),
        wording=_wording(files, data),
        files=tuple(files.values()),
    )


def _read(path: str) -> dict[str, Any]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(path, "toml", str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(path, "file", "is not UTF-8") from exc


def _strings(path: str, key: str, value: Any, *, allow_empty: bool = True) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ProfileError(path, key, f"must be a list of non-empty strings, not {value!r}")
    if not allow_empty and not value:
        raise ProfileError(path, key, "must not be empty")
    return tuple(v.strip() for v in value)


def _hosts(path: str, data: dict[str, Any], extra: tuple[str, ...]) -> HostPolicy:
    allow: set[str] = set(extra)
    groups = data.get("allow", {})
    if not isinstance(groups, dict):
        raise ProfileError(path, "allow", "must be a table of host lists")
    for group, hosts in groups.items():
        allow.update(h.lower() for h in _strings(path, f"allow.{group}", hosts))
    suffixes = _strings(path, "government_suffixes", data.get("government_suffixes", ["gov.cn"]))
    return HostPolicy(frozenset(allow), tuple(s.lower() for s in suffixes))


def _spam(path: str, data: dict[str, Any]) -> SpamLexicon:
    return SpamLexicon(
        strong=_strings(path, "strong", data.get("strong", []), allow_empty=False),
        weak=_strings(path, "weak", data.get("weak", [])),
        url_tokens=tuple(
            t.lower() for t in _strings(path, "url_tokens", data.get("url_tokens", []))
        ),
    )


def _wording(files: dict[str, str], data: dict[str, dict[str, Any]]) -> WordingLexicon:
    path, leaders = files["leaders"], data["leaders"]
    offices = leaders.get("offices", {})
    if not isinstance(offices, dict) or not all(isinstance(v, str) for v in offices.values()):
        raise ProfileError(path, "offices", "must be a table of office = display title")
    titles = []
    for text, spec in leaders.get("titles", {}).items():
        if not isinstance(spec, dict) or spec.get("office") not in offices:
            raise ProfileError(path, f"titles.{text}", "needs an `office` listed in [offices]")
        titles.append(
            TitleWord(text, spec["office"], bool(spec.get("before")), bool(spec.get("after")))
        )
    persons = [_person(path, i, spec, offices) for i, spec in enumerate(leaders.get("person", []))]
    lookalikes = leaders.get("lookalikes", {})
    if not all(
        isinstance(k, str) and len(k) == 1 and isinstance(v, str) for k, v in lookalikes.items()
    ):
        raise ProfileError(path, "lookalikes", "must map one character to a string of characters")
    tpath, terms = files["terms"], data["terms"]
    banned = []
    for i, spec in enumerate(terms.get("term", [])):
        if not isinstance(spec, dict) or not spec.get("wrong") or not spec.get("suggestion"):
            raise ProfileError(tpath, f"term[{i}]", "needs `wrong` and `suggestion`")
        banned.append(BannedTerm(spec["wrong"], spec["suggestion"], str(spec.get("note", ""))))
    phrases = _strings(tpath, "phrases", terms.get("phrases", []))
    short = [p for p in phrases if len(p) < 4]
    if short:
        raise ProfileError(tpath, "phrases", f"phrases need four characters or more: {short}")
    epath = files["exceptions"]
    return WordingLexicon(
        persons=tuple(persons),
        offices=dict(offices),
        titles=tuple(titles),
        historical_markers=_strings(
            path, "historical_markers", leaders.get("historical_markers", [])
        ),
        lookalikes=dict(lookalikes),
        terms=tuple(banned),
        phrases=phrases,
        exceptions=_strings(epath, "phrases", data["exceptions"].get("phrases", [])),
    )


def _person(path: str, i: int, spec: Any, offices: dict[str, str]) -> Person:
    if not isinstance(spec, dict) or not isinstance(spec.get("name"), str) or len(spec["name"]) < 2:
        raise ProfileError(path, f"person[{i}]", "needs a `name` of two characters or more")
    name = spec["name"]
    key = f"person[{i}] ({name})"
    terms = []
    for term in spec.get("terms", []):
        if not isinstance(term, dict) or term.get("office") not in offices:
            raise ProfileError(path, f"{key}.terms", f"office must be one of [offices]: {term!r}")
        start, end = term.get("from"), term.get("to")
        if not isinstance(start, date) or (end is not None and not isinstance(end, date)):
            raise ProfileError(path, f"{key}.terms", "`from`/`to` must be dates (YYYY-MM-DD)")
        terms.append(Term(term["office"], start, end))
    pinyin = tuple(spec.get("pinyin", "").split())
    if pinyin and len(pinyin) != len(name):
        raise ProfileError(path, f"{key}.pinyin", "needs one syllable per character")
    variants = spec.get("variants", "bare" if len(name) >= 3 else "context")
    if variants not in ("bare", "context"):
        raise ProfileError(path, f"{key}.variants", 'must be "bare" or "context"')
    known_as = spec.get("known_as", [])
    if not isinstance(known_as, list) or not all(isinstance(k, str) and k for k in known_as):
        raise ProfileError(path, f"{key}.known_as", "must be a list of words")
    return Person(name, tuple(terms), pinyin, variants == "bare", tuple(known_as))
