"""Text and background colours that a page's `<style>` rules give elements, for the "text the
colour of its background" technique when the colours come from class or id rules
(`#seo a {color:#ececec} #seo {background:#ececec}`), not inline styles.

Read only on the slow path (a link to a host nobody trusts, or with spam words), once per set
of style texts (a site's pages share theirs). The cascade is approximated: of the rules that
match an element, the last one that sets the property wins (no specificity, no !important);
rules inside @media, selectors with pseudo-classes and selectors naming no id or class (a, div
a, body) are skipped.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from inspector.crawl.extract.hiding import _matches, _parsed, style_facts

_COMMENT = re.compile(r"/\*.*?\*/", re.S)
# An innermost rule: selectors, then a declaration block without braces.
_RULE = re.compile(r"([^{}@;]+)\{([^{}]*)\}")
_COMBINATOR = re.compile(r"[\s>+~]+")


def _key(selector: str) -> tuple[str, str]:
    """What the selector's last compound needs: ("id", x), ("class", x), ("tag", x) or ("*", "")."""
    last = _COMBINATOR.split(selector.strip())[-1]
    if "#" in last:
        return "id", re.split(r"[.#\[]", last.split("#", 1)[1])[0]
    if "." in last:
        return "class", re.split(r"[.#\[]", last.split(".", 1)[1])[0]
    tag = re.split(r"[.#\[]", last)[0].lower()
    return ("tag", tag) if tag and tag != "*" else ("*", "")


@lru_cache(maxsize=256)
def colour_rules(css: str) -> dict[tuple[str, str], list[tuple[int, str, str]]]:
    """Top-level rules that set a colour or a background, by what their last compound needs:
    (order, selector, declarations). One regular-expression pass; the selectors and the
    declarations of a rule are parsed only when an element it could match is asked about."""
    index: dict[tuple[str, str], list[tuple[int, str, str]]] = {}
    if "color" not in css and "background" not in css:
        return index
    css = _COMMENT.sub(" ", css)
    depth, at = 0, 0
    for order, m in enumerate(_RULE.finditer(css)):
        between = css[at : m.start()]
        depth += between.count("{") - between.count("}")
        at = m.end()
        body = m.group(2)
        prelude = m.group(1).strip()
        if depth > 0 or ":" in prelude or ("color" not in body and "background" not in body):
            continue  # inside @media, a pseudo-class, or no colour
        for selector in prelude.split(","):
            # Only selectors that name an id or a class: hidden blocks are marked so, and the
            # many tag rules of a template (ul li a, div a) would cost a walk each.
            if _selector_names(selector.strip()):
                index.setdefault(_key(selector), []).append((order, selector.strip(), body))
    return index


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
    def __init__(self, style_texts: tuple[str, ...]) -> None:
        self.sheets = [index for index in map(colour_rules, style_texts) if index]

    def names_of(self, el: Any) -> set[str]:
        return names_up(el)

    def colours(
        self, el: Any, names: set[str] | None = None
    ) -> tuple[tuple[float, ...] | None, tuple[float, ...] | None]:
        """(text colour, background colour) the rules give `el` (None: not set by a rule);
        `names`: the ids and classes of a descendant's way up, when the caller has them (a
        superset of el's own way up does: the selector's names are a cheap filter)."""
        keys = [("tag", el.tag), ("*", "")]
        if el.get("id"):
            keys.append(("id", el.get("id")))
        keys.extend(("class", c) for c in (el.get("class") or "").split())
        color = background = None
        if names is None:
            names = names_up(el)
        for sheet in self.sheets:
            candidates = sorted(rule for key in keys for rule in sheet.get(key, ()))
            for _order, selector, body in candidates:
                if not _selector_names(selector) <= names:
                    continue
                tree = _parsed(selector)
                if tree is None or not _matches(tree, el):
                    continue
                c, b = _colours_of(body)
                color = c if c is not None else color
                background = b if b is not None else background
        return color, background


@lru_cache(maxsize=64)
def colour_index(style_texts: tuple[str, ...]) -> ColourIndex | None:
    index = ColourIndex(style_texts)
    return index if index.sheets else None
