"""Blocks a page shows when its reader asks: a hidden panel that the page's own handlers or
scripts toggle, show or slide open (`$('.xglj-list').toggle()`, `getElementById('x').style.
display='block'`, `classList.toggle`). Such a block is hidden the way a drop-down menu is —
until clicked — whatever its class is called, so it counts as menu-like. Planted 暗链 are
hidden for good: nothing on the page ever shows them."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

_SHOWS = re.compile(
    r"""getElementById\(\s*['"]([\w\-:.]+)['"]\s*\)\.(?:style\.display\s*=\s*['"](?!none)|"""
    r"""style\.visibility\s*=\s*['"]visible|classList\.(?:toggle|add)\s*\(|className\s*=)|"""
    r"""(?:\$|jQuery)\(\s*['"]([#.][\w\-]+)['"]\s*\)\.(?:toggle|show|slideDown|slideToggle|"""
    r"""fadeIn|fadeToggle|toggleClass|addClass)\s*\(|querySelector\(\s*['"]([#.][\w\-]+)['"]\s*\)"""
    r"""\.classList\.(?:toggle|add)\s*\(""",
)
_HANDLERS = "//@onclick|//@onmouseover|//@onmouseenter|//@onfocus|//@ontouchstart|//script/text()"
_REMEMBERED = 64 * 1024  # characters: _names_in's cache holds at most 16 M characters of code


def shown_names(doc: Any) -> frozenset[str]:
    """The ids (#x) and classes (.y) the page's handlers and inline scripts show."""
    names: set[str] = set()
    for code in doc.xpath(_HANDLERS):
        if "getElementById" in code or "$(" in code or "jQuery(" in code or "querySelector" in code:
            # str(): a plain copy, so that the cache does not hold the page's tree
            names.update(_names_in(str(code)) if len(code) <= _REMEMBERED else _read(code))
    return frozenset(names)


@lru_cache(maxsize=256)
def _names_in(code: str) -> frozenset[str]:
    """_read, remembered: a site's template scripts are long and the same on all its pages."""
    return _read(code)


def _read(code: str) -> frozenset[str]:
    return frozenset(
        "#" + m.group(1) if m.group(1) else m.group(2) or m.group(3) for m in _SHOWS.finditer(code)
    )


def shown_on_demand(el: Any, names: frozenset[str]) -> bool:
    """Is the hidden block `el` (or its parent) one the page shows on demand? `names`:
    shown_names of its page."""
    if not names:
        return False
    parent = el.getparent()
    for node in (el, parent) if parent is not None else (el,):
        if node.get("id") and "#" + node.get("id") in names:
            return True
        if any("." + c in names for c in (node.get("class") or "").split()):
            return True
    return False
