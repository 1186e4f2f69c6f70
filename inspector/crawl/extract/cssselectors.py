"""CSS selectors as a browser indexes and matches them: the key a rule is looked up by (its last
compound's id, class or tag), cssselect's parse tree, and matching an lxml element against it
(type, class, id, attribute selectors and the four combinators; pseudo-classes are not read).
The stylesheet readers of the hidden-link check (hiding.py, sheetcolours.py) share them.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import cssselect
from cssselect import SelectorError

_COMBINATOR = re.compile(r"[\s>+~]+")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)


@lru_cache(maxsize=64)
def uncommented(css: str) -> str:
    """A `<style>` text with its comments blanked, made once for the hiding rules and the colour
    rules of a sheet (a template's sheet runs to tens of kilobytes)."""
    return _COMMENT.sub(" ", css) if "/*" in css else css


_COMPOUND_PART = re.compile(r"[.#\[]")


@lru_cache(maxsize=8192)
def selector_key(selector: str) -> tuple[str, str]:
    """What a selector's last compound needs, read from its text: ("id", x), ("class", x),
    ("tag", x) or ("*", "") — the index key browsers look rules up by."""
    last = _COMBINATOR.split(selector.strip())[-1]
    if "#" in last:
        return "id", _COMPOUND_PART.split(last.split("#", 1)[1])[0]
    if "." in last:
        return "class", _COMPOUND_PART.split(last.split(".", 1)[1])[0]
    tag = _COMPOUND_PART.split(last)[0].lower()
    return ("tag", tag) if tag and tag != "*" else ("*", "")


@lru_cache(maxsize=2048)
def parsed_selector(selector: str) -> Any:
    try:
        parsed = cssselect.parse(selector)
    except SelectorError:
        return None
    return parsed[0].parsed_tree if len(parsed) == 1 else None


def rightmost(tree: Any) -> tuple[str, str]:
    """The cheapest test a matching element must pass: ("id"|"class"|"tag"|"*", value)."""
    node = tree.subselector if type(tree).__name__ == "CombinedSelector" else tree
    best = ("*", "")
    while node is not None:
        name = type(node).__name__
        if name == "Hash":
            return ("id", node.id)
        if name == "Class":
            best = ("class", node.class_name)
        elif name == "Element":
            if best[0] == "*" and node.element not in (None, "*"):
                best = ("tag", node.element.lower())
            break
        node = getattr(node, "selector", None)
    return best


_ATTR_TESTS = {
    "exists": lambda v, want: v is not None,
    "=": lambda v, want: v == want,
    "~=": lambda v, want: want in v.split(),
    "|=": lambda v, want: v == want or v.startswith(want + "-"),
    "^=": lambda v, want: bool(want) and v.startswith(want),
    "$=": lambda v, want: bool(want) and v.endswith(want),
    "*=": lambda v, want: bool(want) and want in v,
}


def matches(node: Any, el: Any) -> bool:
    """Does element `el` match a cssselect parse tree (type, class, id, attribute selectors
    and the four combinators)?"""
    name = type(node).__name__
    if name == "Element":
        return node.element in (None, "*") or el.tag == node.element.lower()
    if name == "Class":
        return node.class_name in (el.get("class") or "").split() and matches(node.selector, el)
    if name == "Hash":
        return el.get("id") == node.id and matches(node.selector, el)
    if name == "Attrib":
        value = el.get(node.attrib)
        want = node.value.value if node.value is not None else None
        test = _ATTR_TESTS.get(node.operator)
        if test is None or (value is None and node.operator != "exists"):
            return False
        return test(value, want) and matches(node.selector, el)
    if name == "CombinedSelector":
        if not matches(node.subselector, el):
            return False
        comb = node.combinator
        if comb == " ":
            return any(matches(node.selector, a) for a in el.iterancestors())
        if comb == ">":
            parent = el.getparent()
            return parent is not None and matches(node.selector, parent)
        siblings = el.itersiblings(preceding=True)
        if comb == "+":
            first = next((s for s in siblings if isinstance(s.tag, str)), None)
            return first is not None and matches(node.selector, first)
        return any(matches(node.selector, s) for s in siblings if isinstance(s.tag, str))
    return False  # pseudo-classes, functions, negation: not read
