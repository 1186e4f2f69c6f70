"""Text and background colours that a page's `<style>` rules give elements, for the "text the
colour of its background" technique when the colours come from class or id rules
(`#seo a {color:#ececec} #seo {background:#ececec}`), not inline styles.

Read only on the slow path (a link to a host nobody trusts, or with spam words), and then only
the rules that name an id or a class on the link's way up (remembered per stylesheet and name:
a site's pages share theirs). The cascade is approximated: of the rules that
match an element, the last one that sets the property wins (no specificity, no !important);
rules inside @media, selectors with pseudo-classes and selectors naming no id or class (a, div
a, body) are skipped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from inspector.crawl.extract.cssselectors import (
    matches,
    parsed_selector,
    selector_key,
    uncommented,
)
from inspector.crawl.extract.hiding import style_facts

_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")


@lru_cache(maxsize=16384)
def rules_naming(css: str, name: str) -> tuple[tuple[int, str, str], ...]:
    """Top-level rules whose selector names `name` (#id or .class) and whose declarations set a
    colour or a background: (position, selector, declarations). Found with str.find where the
    name occurs — a stylesheet runs to tens of kilobytes and a link's way up names a few ids and
    classes, so reading only those rules is cheaper than indexing the sheet. A rule whose
    nearest brace before it opens a block (@media) is skipped."""
    text = uncommented(css)
    out: dict[tuple[int, str], str] = {}
    at = 0
    while (i := text.find(name, at)) >= 0:
        at = i + len(name)
        if at < len(text) and text[at] in _NAME_CHARS:
            continue  # .nav in .navbar
        opening = text.find("{", at)
        closing = text.find("}", at)
        if opening < 0 or 0 <= closing < opening:
            continue  # in a declaration block, not a selector
        before = max(text.rfind("}", 0, i), text.rfind("{", 0, i))
        if before >= 0 and text[before] == "{":
            continue  # nested in an at-rule block
        prelude = text[before + 1 : opening]
        end = text.find("}", opening)
        body = text[opening + 1 : end if end >= 0 else len(text)]
        if ":" in prelude or ("color" not in body and "background" not in body):
            continue  # a pseudo-class, or no colour
        for selector in prelude.split(","):
            selector = selector.strip()
            # Only selectors that name an id or a class: hidden blocks are marked so, and the
            # many tag rules of a template (ul li a, div a) would cost a walk each.
            if name in _selector_names(selector):
                out[(opening, selector)] = body
    return tuple((pos, selector, body) for (pos, selector), body in sorted(out.items()))


_NAMES = re.compile(r"[#.][\w-]+")


@lru_cache(maxsize=8192)
def _selector_names(selector: str) -> frozenset[str]:
    """The ids (#x) and classes (.y) a selector names: an element matches only if it and its
    ancestors carry them all (a cheap test before cssselect's tree)."""
    return frozenset(_NAMES.findall(selector.split("[", 1)[0]))


def names_up(el: Any) -> set[str]:
    names: set[str] = set()
    while el is not None and isinstance(el.tag, str):
        if el.get("id"):
            names.add("#" + el.get("id"))
        names.update("." + c for c in (el.get("class") or "").split())
        el = el.getparent()
    return names


@lru_cache(maxsize=4096)
def _colours_of(body: str) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
    facts = style_facts(body)
    return facts.color, facts.background


class ColourIndex:
    """The colours the `<style>` rules of a page give its elements, read lazily."""

    CACHED = 4096  # ways up remembered (a site's pages repeat theirs)

    def __init__(self, style_texts: tuple[str, ...]) -> None:
        self.sheets = [css for css in style_texts if "color" in css or "background" in css]
        self._naming: dict[frozenset[str], list[tuple[int, int, str, str]]] = {}

    def _rules(self, names: set[str] | frozenset[str]) -> list[tuple[int, int, str, str]]:
        """The colour rules that name only ids and classes of `names`, in cascade order."""
        key = names if isinstance(names, frozenset) else frozenset(names)
        found = self._naming.get(key)
        if found is None:
            found = sorted(
                {
                    (n, *rule)
                    for n, css in enumerate(self.sheets)
                    for name in key
                    for rule in rules_naming(css, name)
                    if _selector_names(rule[1]) <= key
                }
            )
            if len(self._naming) >= self.CACHED:
                self._naming.clear()
            self._naming[key] = found
        return found

    def colours(
        self, el: Any, names: set[str] | frozenset[str] | None = None
    ) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
        """(text colour, background colour) the rules give `el` (None: not set by a rule);
        `names`: the ids and classes of a descendant's way up, when the caller has them (a
        superset of el's own way up does: the selector's names are a cheap filter)."""
        color = background = None
        rules = self._rules(names_up(el) if names is None else names)
        if not rules:
            return color, background
        own = {("tag", el.tag), ("*", "")}
        if el.get("id"):
            own.add(("id", el.get("id")))
        own.update(("class", c) for c in (el.get("class") or "").split())
        for _sheet, _pos, selector, body in rules:
            if selector_key(selector) not in own:
                continue
            tree = parsed_selector(selector)
            if tree is None or not matches(tree, el):
                continue
            c, b = _colours_of(body)
            color = c if c is not None else color
            background = b if b is not None else background
        return color, background


@lru_cache(maxsize=64)
def colour_index(style_texts: tuple[str, ...]) -> ColourIndex | None:
    index = ColourIndex(style_texts)
    return index if index.sheets else None
