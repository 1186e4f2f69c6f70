"""One multi-pattern automaton over a page's text: serious wording errors and spam vocabulary.

Everything the security checks read in running text is one Aho-Corasick automaton, built once
per lexicon set and run once per page (daachorse, a double array; pyahocorasick was measured 150x
slower on CJK text with thousands of patterns, because its root node has one child per first
character and is searched linearly). The generated misspellings are not in it: a DFA of all of
them took 30 MB, started a pattern at most common characters (homophones are common
characters) and so missed the CPU caches on every page of Chinese text. Each misspelling
instead names an anchor, the longest part of it that is spelt right (近平 for 刁近平, 国务院总理
for 国务院总理李蔷), and only the anchors are in the automaton; a hit of an anchor is verified by
looking the bytes around it up among the misspellings that hold it there. Every occurrence of a
misspelling holds its anchor, so the matches are exactly the full automaton's.

Patterns, all generated from the lexicons (`inspector.lexicons`):
- misspelled leaders' names: each character replaced by a homophone (pypinyin, common characters
  of GB2312 level 1 only, so traditional forms such as 習 on a 繁体 page never count) or a
  look-alike from the lexicon; two-character names only next to a title or 同志;
- a leader's name next to a title (国务院总理李克强, 李克强总理): judged against the offices the
  person held on the page's date (wrong title, outdated title);
- banned terms (台湾总统 → 台湾地区领导人) and key phrases misspelled by one homophone;
- exceptions (a match inside one is dropped) and the spam lexicon's words (counted, for hidden
  links and cloaking).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import daachorse

from inspector.lexicons import Lexicons, Person, WordingLexicon

CONTEXT_CHARS = 20
MAX_ITEMS = 50  # wording facts kept per page
HISTORY_WINDOW = 30  # characters before a title searched for a year (1994年，当时国务院总理李鹏)
_SPACE = re.compile(r"\s+")
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")

# Pattern kinds (first element of a pattern's value).
_EXCEPT, _SPAM, _NAME, _TITLE, _TERM = range(5)


@lru_cache(maxsize=1)
def homophone_index() -> dict[str, str]:
    """Toneless pinyin syllable → the common simplified characters (GB2312 level 1) read so."""
    from pypinyin import Style, pinyin  # (imported to build the lexicons only: see TextMatcher)

    index: dict[str, list[str]] = {}
    for b1 in range(0xB0, 0xD8):
        for b2 in range(0xA1, 0xFF):
            try:
                ch = bytes((b1, b2)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            for reading in pinyin(ch, style=Style.NORMAL, heteronym=True)[0]:
                index.setdefault(reading, []).append(ch)
    return {syllable: "".join(chars) for syllable, chars in index.items()}


def misspellings(
    word: str, readings: list[str], lookalikes: dict[str, str]
) -> Iterator[tuple[str, str]]:
    """(variant, how) for every one-character replacement by a homophone or a look-alike."""
    index = homophone_index()
    for i, ch in enumerate(word):
        seen = {ch}
        for how, pool in (
            ("lookalike", lookalikes.get(ch, "")),
            ("homophone", index.get(readings[i], "")),
        ):
            for other in pool:
                if other not in seen:
                    seen.add(other)
                    yield word[:i] + other + word[i + 1 :], how


@dataclass(frozen=True, slots=True)
class TextMatches:
    wording: list[dict[str, Any]]  # wrong, suggestion, context, rule, count
    strong: list[str]  # spam words seen (strong, then weak), distinct, in order
    weak: list[str]


class TextMatcher:
    """The page-text automaton of one lexicon set (build once, share between pages)."""

    def __init__(self, lexicons: Lexicons) -> None:
        self.lexicon = lexicons.wording
        # Misspelling → the index of its wrong character: found through an anchor (_anchor).
        self._generated: dict[str, int] = {}
        values: dict[str, tuple[Any, ...]] = {}
        for phrase in self.lexicon.exceptions:
            values[phrase] = (_EXCEPT,)
        spam = lexicons.spam
        for word in spam.strong:
            values.setdefault(word, (_SPAM, True))
        for word in spam.weak:
            values.setdefault(word, (_SPAM, False))
        self._add_terms(values)
        self._add_titles(values)
        self._add_names(values)
        # Words before a name that make it a leader's (国务院总理, 中央书记处书记 …).
        self._leader_titles = tuple(
            {t.text for t in self.lexicon.titles if t.before}
            | {k for person in self.lexicon.persons for k in person.known_as}
        )
        self.patterns = list(values)
        self.values = [values[p] for p in self.patterns]
        # Searched: the lexicon's own words and the anchors of the misspellings; an automaton
        # index is a pattern index (-1: an anchor only) and what its hit is verified against.
        searched: dict[str, int] = {}
        anchored: dict[str, dict[tuple[int, int], dict[bytes, int]]] = {}
        for idx, pattern in enumerate(self.patterns):
            at = self._generated.get(pattern)
            if at is None:
                searched[pattern] = idx
                continue
            anchor, offset = _anchor(pattern, at)
            searched.setdefault(anchor, -1)
            key = (len(pattern[:offset].encode("utf-8")), len(pattern.encode("utf-8")))
            anchored.setdefault(anchor, {}).setdefault(key, {})[pattern.encode("utf-8")] = idx
        del self._generated
        words = list(searched)
        self._direct = [searched[w] for w in words]
        self._verify = [tuple(anchored.get(w, {}).items()) for w in words]
        # Over UTF-8 bytes: the str automaton maps every offset back to characters, which
        # costs more than the search; here only the few matches are mapped (_char_offsets).
        self._words = [w.encode("utf-8") for w in words]
        self._build()

    def _build(self) -> None:
        # A double-array automaton (daachorse): half the time of ahocorasick_rs's DFA on
        # Chinese text (bench/bench_security.py), the same matches.
        self.automaton = daachorse.DoubleArrayAhoCorasick(self._words)
        self.find: Callable[[bytes], list[tuple[int, int, int]]] = self.automaton.find_overlapping

    # A matcher is sent to reader processes (inspector.crawl.readpool) as its tables, and its
    # automaton built again there from the searched words: a reader neither imports pypinyin
    # (~56 MB of dictionaries, needed only to generate the misspellings) nor generates them.
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["automaton"], state["find"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._build()

    # ---- building ---------------------------------------------------------------------

    def _add_terms(self, values: dict[str, tuple[Any, ...]]) -> None:
        from pypinyin import Style, lazy_pinyin

        lex = self.lexicon
        for term in lex.terms:
            values.setdefault(
                term.wrong, (_TERM, 0, len(term.wrong), term.suggestion, "term", term.note)
            )
        for phrase in lex.phrases:
            for variant, how in misspellings(phrase, lazy_pinyin(phrase, style=Style.NORMAL), {}):
                self._add_generated(
                    values, variant, _wrong_at(variant, phrase),
                    (_NAME, 0, len(variant), phrase, f"phrase:{how}", ""),
                )  # fmt: skip

    def _add_titles(self, values: dict[str, tuple[Any, ...]]) -> None:
        for p, person in enumerate(self.lexicon.persons):
            for title in self.lexicon.titles:
                if title.before:
                    values.setdefault(
                        title.text + person.name, (_TITLE, p, title.office, len(title.text))
                    )
                if title.after:
                    values.setdefault(person.name + title.text, (_TITLE, p, title.office, 0))

    def _add_names(self, values: dict[str, tuple[Any, ...]]) -> None:
        from pypinyin import Style, lazy_pinyin

        lex = self.lexicon
        names = {person.name for person in lex.persons}
        for person in lex.persons:
            readings = list(person.pinyin) or lazy_pinyin(person.name, style=Style.NORMAL)
            contexts = self._contexts(person)
            for variant, how in misspellings(person.name, readings, lex.lookalikes):
                if variant in names or any(variant in e for e in lex.exceptions):
                    continue
                value = (_NAME, 0, len(variant), person.name, f"name:{how}", "")
                at = _wrong_at(variant, person.name)
                if person.bare_variants:
                    self._add_generated(values, variant, at, value)
                    continue
                for before, after in contexts:
                    self._add_generated(
                        values, before + variant + after, len(before) + at,
                        (_NAME, len(before), len(variant), person.name, f"name:{how}", ""),
                    )  # fmt: skip

    def _add_generated(
        self, values: dict[str, tuple[Any, ...]], pattern: str, at: int, value: tuple[Any, ...]
    ) -> None:
        """A misspelling, unless the pattern is already there (the first meaning wins)."""
        if pattern not in values:
            values[pattern] = value
            self._generated[pattern] = at

    def _contexts(self, person: Person) -> list[tuple[str, str]]:
        """Text that must touch a two-character name's misspelling: its titles, or 同志 after it."""
        offices = {t.office for t in person.terms}
        out = [("", "同志"), *((k, "") for k in person.known_as)]
        for title in self.lexicon.titles:
            if title.office in offices:
                if title.before:
                    out.append((title.text, ""))
                if title.after:
                    out.append(("", title.text))
        return out

    def _local_office(self, text: str, start: int) -> bool:
        """Is the name right after an office that is none of the leaders' (县长丁学祥, 局长…)?
        Such a person is a local official whose name sounds like a leader's."""
        before = text[max(0, start - 12) : start].rstrip()
        if not before or before[-1] not in _LOCAL_OFFICE_END:
            return False
        return not before.endswith(self._leader_titles)

    # ---- matching ---------------------------------------------------------------------

    def scan(self, raw: bytes, on: date | None) -> TextMatches:
        """Wording errors and spam words in a text given as UTF-8 (the crawl reads the body's
        text so: encoding.text_utf8); `on` is the page's date (None: unknown). The text is
        decoded only when something matched: on four pages in five nothing does."""
        found = self.find(raw)
        if not found:
            return TextMatches([], [], [])
        direct, verify = self._direct, self._verify
        hits = []
        for s, e, w in found:
            idx = direct[w]
            if idx >= 0:
                hits.append((idx, s, e))
            for (offset, length), variants in verify[w]:
                at = s - offset
                if at >= 0 and (idx := variants.get(raw[at : at + length], -1)) >= 0:
                    hits.append((idx, at, at + length))
        if not hits:
            return TextMatches([], [], [])
        hits = _char_offsets(raw, hits)
        text = raw.decode("utf-8", "surrogatepass")
        values = self.values
        exceptions: list[tuple[int, int]] = []
        strong: dict[str, None] = {}
        weak: dict[str, None] = {}
        spans = []
        for idx, start, end in hits:
            kind = values[idx][0]
            if kind == _EXCEPT:
                exceptions.append((start, end))
            elif kind == _SPAM:
                (strong if values[idx][1] else weak)[self.patterns[idx]] = None
            else:
                spans.append((start, -end, idx))
        items: dict[str, dict[str, Any]] = {}
        max_end = -1
        for start, neg_end, idx in sorted(spans):
            end = -neg_end
            if end <= max_end:
                continue  # inside a longer match (副总理李强 holds 总理李强)
            max_end = end
            if any(s <= start and end <= e for s, e in exceptions):
                continue
            item = self._judge(values[idx], text, start, end, on)
            if item is None:
                continue
            known = items.get(item["wrong"])
            if known is not None:
                known["count"] += 1
            elif len(items) < MAX_ITEMS:
                item["context"] = context(text, start, end)
                item["count"] = 1
                items[item["wrong"]] = item
        return TextMatches(list(items.values()), list(strong), list(weak))

    def _judge(
        self, value: tuple[Any, ...], text: str, start: int, end: int, on: date | None
    ) -> dict[str, Any] | None:
        kind = value[0]
        if kind in (_NAME, _TERM):
            _, offset, length, suggestion, rule, note = value
            if kind == _NAME and (
                _local_comrade(text, start, end, offset + length)
                or (offset == 0 and rule.startswith("name:") and self._local_office(text, start))
            ):
                return None
            wrong = text[start + offset : start + offset + length]
            item = {"wrong": wrong, "suggestion": suggestion, "rule": rule}
            if note:
                item["note"] = note
            return item
        _, p, office, _name_at = value
        return judge_title(self.lexicon, self.lexicon.persons[p], office, text, start, end, on)


def _wrong_at(variant: str, word: str) -> int:
    """The index of the one character a misspelling changed."""
    return next(i for i, (a, b) in enumerate(zip(variant, word, strict=True)) if a != b)


def _anchor(pattern: str, at: int) -> tuple[str, int]:
    """The part of a misspelling searched for, and where it starts: the longer of the runs
    spelt right on either side of the wrong character, when it has two characters or more
    (a single character would be hit on every line); else the wrong character with the
    longer of its neighbours."""
    left, right = pattern[:at], pattern[at + 1 :]
    if max(len(left), len(right)) >= 2:
        return (right, at + 1) if len(right) >= len(left) else (left, 0)
    if at + 1 >= len(pattern) - at:
        return pattern[: at + 1], 0
    return pattern[at:], at


def _char_offsets(raw: bytes, hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Byte offsets of matches → character offsets, in one pass over the bytes they span
    (a match starts and ends on a character boundary: patterns are whole characters)."""
    bounds = sorted({b for _, s, e in hits for b in (s, e)})
    chars: dict[int, int] = {}
    at = count = 0
    for b in bounds:
        count += len(raw[at:b].decode("utf-8", "surrogatepass"))
        chars[b] = count
        at = b
    return [(i, chars[s], chars[e]) for i, s, e in hits]


# The last character of a local office written before a name (副市长李蔷同志, 县委书记…): such
# a name + 同志 is a local official, whatever leader's name it sounds like.
_LOCAL_OFFICE_END = frozenset("长记任员席官表事")


def _local_comrade(text: str, start: int, end: int, name_end: int) -> bool:
    """A two-character name's misspelling matched only by 同志 after it, right after an office."""
    if end - start != name_end + 2 or not text.startswith("同志", start + name_end):
        return False
    before = text[:start].rstrip()
    return bool(before) and before[-1] in _LOCAL_OFFICE_END


def judge_title(
    lex: WordingLexicon,
    person: Person,
    office: str,
    text: str,
    start: int,
    end: int,
    on: date | None,
) -> dict[str, Any] | None:
    """A leader named with an office: None when right on `on`, else the wording fact."""
    held = [t for t in person.terms if t.office == office]
    if on is not None and any(t.covers(on) for t in held):
        return None
    current = [lex.offices[t.office] for t in person.terms if on is not None and t.covers(on)]
    name = person.name
    if held and (on is None or on >= min(t.start for t in held)):
        if on is None:
            return None  # held it once; without the page's date there is nothing to say
        if _historical(lex, text, start, held):
            return None  # 时任国务院总理李克强, 1994年国务院总理李鹏: history
        then = f"时任{lex.offices[office]}{name}"
        suggestion = f"{current[0]}{name}（或“{then}”）" if current else then
        rule = "title:outdated"
    else:
        if current:
            suggestion = f"{current[0]}{name}"
        elif person.terms:
            latest = max(person.terms, key=lambda t: t.start)
            suggestion = f"{lex.offices[latest.office]}{name}"
        else:
            suggestion = f"{name}同志"
        rule = "title:wrong"
    return {"wrong": text[start:end], "suggestion": suggestion, "rule": rule, "office": office}


def _historical(lex: WordingLexicon, text: str, start: int, held: list[Any]) -> bool:
    """Does the text just before a title say it is history? A marker (时任, 原, 当时 …) right
    before the title, or before the chain of titles it closes (原国务院副总理、全国政协主席汪洋),
    or a year within the person's time in that office (1994年，国务院总理李鹏 …)."""
    window = text[max(0, start - HISTORY_WINDOW) : start]
    clause = window
    while True:
        stripped = clause.rstrip("、，, 和及与")
        title = next((t for t in _chain_titles(lex) if stripped.endswith(t)), None)
        if title is None:
            clause = stripped
            break
        clause = stripped[: -len(title)]
    if any(clause.endswith(m) for m in lex.historical_markers):
        return True
    for m in _YEAR.finditer(window):
        year = int(m.group(1))
        if any(t.start.year <= year <= (t.end.year if t.end else 9999) for t in held):
            return True
    return False


@lru_cache(maxsize=8)
def _chain_titles(lex: WordingLexicon) -> tuple[str, ...]:
    """Titles that may stand in a chain before a name, longest first."""
    extra = (
        "中共中央政治局常委",
        "中共中央政治局委员",
        "中央政治局常委",
        "中央政治局委员",
        "中央书记处书记",
    )
    return tuple(sorted({t.text for t in lex.titles} | set(extra), key=len, reverse=True))


def context(text: str, start: int, end: int) -> str:
    """The match with CONTEXT_CHARS characters either side, whitespace collapsed."""
    left = _SPACE.sub(" ", text[max(0, start - CONTEXT_CHARS) : start]).lstrip()
    right = _SPACE.sub(" ", text[end : end + CONTEXT_CHARS]).rstrip()
    return f"{left}{text[start:end]}{right}"
