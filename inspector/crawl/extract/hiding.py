"""Is an element hidden from readers? The CSS a hacker uses to plant 暗链 (hidden links).

Read from inline `style` attributes and the page's own `<style>` rules (tinycss2 parses the
declarations, lxml's cssselect matches the selectors), the `hidden` attribute, `<font color>` /
`bgcolor`, a `<marquee>` shrunk to nothing, and elements an inline script hides by id. A link
is hidden when it or one of its ancestors is. External stylesheets are not fetched (no request
beyond the crawl), so a link hidden only by a rule in a `.css` file is not seen.

Techniques come in four kinds:
- `display`: display:none, visibility:hidden, the hidden attribute — also how ordinary drop-down
  menus and tabs hide their content until hovered;
- `script`: an inline script hides the element by id — also what a close button of a floating
  ad or a tab switcher does, so weak evidence on its own;
- `conceal`: never shown to anyone — far off-screen, zero size with overflow hidden, opacity 0,
  clipped away, a shrunken marquee;
- `text`: the text cannot be read — font-size 0, text the colour of its background. Only for
  links that show text and no image, and not when an element between resets the font size.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick_rs
import tinycss2
import tinycss2.color3

from inspector.crawl.extract.cssselectors import (
    matches,
    parsed_selector,
    rightmost,
    selector_key,
    uncommented,
)
from inspector.crawl.extract.ondemand import shown_names, shown_on_demand
from inspector.crawl.extract.plaincss import plain_declarations, plain_values
from inspector.crawl.extract.transforms import transformed_away

OFFSCREEN_PX = -500  # left/top/right/bottom/text-indent at or beyond this is off-screen
FAR_PX = 5000  # a positive offset this large is off-screen too (right:99999px goes left)
MARGIN_PX = -1000
TINY_PX = 1  # width/height/font-size at or below this shows nothing
MARQUEE_PX = 5
MARQUEE_SCROLL = 1000  # scrollamount this large moves the text out of sight at once
_UNIT_PX = {"px": 1.0, "pt": 4 / 3, "pc": 16.0, "em": 16.0, "rem": 16.0, "ex": 8.0, "ch": 8.0,
            "cm": 37.8, "mm": 3.78, "q": 0.945, "in": 96.0, "vw": 19.2, "vh": 10.8}  # fmt: skip
_MENU_WORDS = (
    r"nav|menu|sub|drop|down|xiala|erji|sanji|child|pop|tab|layer|hover|tip|dialog|modal|share|"
    r"weixin|wechat|ewm|qrcode|select|yqlj|slide|toggle|panel|more"
)
_MENU = re.compile(_MENU_WORDS, re.I)
# The same words on ASCII text lowered: a case-blind expression tries every word at every
# position (10 µs for a class attribute), a case-sensitive one skips to their first letters.
_MENU_LOWER = re.compile(_MENU_WORDS)
_MENU_TAGS = frozenset(("ul", "ol", "li", "dl", "dd", "dt", "select", "option"))
# Could a declaration of a <style> rule hide something (on lowercase text)? Each alternative
# is the start of a declaration _technique() reads as hiding, so that the none of
# text-decoration/list-style/border and the overflow:hidden of every float-clearing rule (most
# of a template's stylesheet) are not parsed.
_SHEET_HINT = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|"
    r"(?:left|top|right|bottom|text-indent|margin-left|margin-top)\s*:\s*"
    r"(?:-\s*(?:\d{3}|\d{1,2}(?:\.\d+)?\s*(?:r?em|pc|in|cm|vw|vh))|\d{4})|"
    r"(?:width|height)\s*:\s*(?:[01](?:\.\d+)?|\.\d+)\s*(?:px)?\s*(?:[;}!]|$)|"
    r"font-size\s*:\s*(?:0|1\s*px|0?\.\d)|opacity\s*:\s*(?:0|\.0)|clip\s*:|scale\(\s*0|translate[^)]*\d{3}"
)
_SCRIPT_HIDES = re.compile(
    r"""getElementById\(\s*['"]([\w\-:.]+)['"]\s*\)\.style\.(?:display\s*=\s*['"]none|"""
    r"""visibility\s*=\s*['"]hidden)|\$\(\s*['"]#([\w\-]+)['"]\s*\)\.(?:hide\(\s*\)|"""
    r"""css\(\s*['"]display['"]\s*,\s*['"]none)""",
)


@dataclass(frozen=True, slots=True)
class StyleFacts:
    """What one declaration block says about visibility."""

    technique: str = ""  # "" when the block hides nothing by itself
    kind: str = ""  # display | conceal | text
    color: tuple[float, ...] | None = None  # text colour (RGBA)
    background: tuple[float, ...] | None = None  # background colour (RGBA)
    font_size_set: bool = False  # a non-zero font-size: resets an ancestor's font-size:0
    display_shown: bool = False  # display set to something other than none
    size_px: float | None = None  # the smaller of width and height, when set (marquee)


NOTHING = StyleFacts()


@dataclass(frozen=True, slots=True)
class Hidden:
    technique: str
    kind: str
    container: Any  # the element that carries the hiding rule


def _tokens(decl: Any) -> list[Any]:
    return [t for t in decl.value if t.type not in ("whitespace", "comment")]


def _px(tokens: list[Any]) -> float | None:
    if not tokens:
        return None
    tok = tokens[0]
    if tok.type == "dimension":
        factor = _UNIT_PX.get(tok.lower_unit)
        return tok.value * factor if factor else None
    if tok.type == "number":
        return tok.value  # unitless: pixels in quirks mode, 0 anywhere
    if tok.type == "percentage" and tok.value <= -100:
        return OFFSCREEN_PX * 2.0
    return None


def _ident(tokens: list[Any]) -> str:
    return tokens[0].lower_value if tokens and tokens[0].type == "ident" else ""


def _color(tokens: list[Any]) -> tuple[float, ...] | None:
    for tok in tokens:
        color = tinycss2.color3.parse_color(tok)
        if color is not None and color != "currentColor":
            return tuple(color)
    return None


# The properties style_facts reads; the others (a template's fonts, borders, background
# images inlined as data: URIs) are dropped before tinycss2, which tokenizes in Python.
_READ = frozenset(("display", "visibility", "opacity", "position", "left", "top", "right",
                   "bottom", "text-indent", "margin-left", "margin-top", "overflow", "width",
                   "height", "max-width", "max-height", "clip", "transform", "font-size",
                   "color", "background", "background-color"))  # fmt: skip


@lru_cache(maxsize=8192)
def style_facts(style: str) -> StyleFacts:
    """Parse one declaration block (a `style` attribute or a rule's body)."""
    if "/*" not in style:
        read = [d for d in style.split(";") if d.partition(":")[0].strip().lower() in _READ]
        style = ";".join(read)
        if not style:
            return NOTHING
    return _style_facts(style)


@lru_cache(maxsize=8192)
def _style_facts(style: str) -> StyleFacts:
    decls = plain_declarations(style)
    if decls is None:
        decls = {}
        for decl in tinycss2.parse_declaration_list(
            style, skip_comments=True, skip_whitespace=True
        ):
            if decl.type == "declaration":
                decls[decl.lower_name] = (_tokens(decl), tinycss2.serialize(decl.value).strip())
    if not decls:
        return NOTHING
    technique, kind = _technique(decls)
    color = _color(decls["color"][0]) if "color" in decls else None
    background = None
    for name in ("background-color", "background"):
        if name in decls:
            background = _color(decls[name][0])
            break
    if not technique and color is not None:
        if color[3] == 0:
            technique, kind = "color:transparent", "text"
        elif background is not None and background[3] > 0 and color[:3] == background[:3]:
            technique, kind = f"color:{decls['color'][1]}; background:{decls.get('background-color', decls.get('background'))[1]}", "text"  # fmt: skip
    font = _px(decls["font-size"][0]) if "font-size" in decls else None
    sizes = [
        v for v in (_px(decls[n][0]) for n in ("width", "height") if n in decls) if v is not None
    ]
    display = _ident(decls["display"][0]) if "display" in decls else ""
    return StyleFacts(
        technique, kind, color, background,
        font_size_set=font is not None and font > TINY_PX,
        display_shown=bool(display) and display != "none",
        size_px=min(sizes) if sizes else None,
    )  # fmt: skip


def _technique(decls: dict[str, tuple[list[Any], str]]) -> tuple[str, str]:
    def raw(name: str) -> str:
        return f"{name}:{decls[name][1]}"

    if "display" in decls and _ident(decls["display"][0]) == "none":
        return "display:none", "display"
    if "visibility" in decls and _ident(decls["visibility"][0]) in ("hidden", "collapse"):
        return "visibility:hidden", "display"
    if "opacity" in decls:
        toks = decls["opacity"][0]
        if toks and toks[0].type in ("number", "percentage") and toks[0].value <= 0.01:
            return raw("opacity"), "conceal"
    position = _ident(decls["position"][0]) if "position" in decls else ""
    if position in ("absolute", "fixed", "relative"):
        for side in ("left", "top", "right", "bottom"):
            value = _px(decls[side][0]) if side in decls else None
            if value is not None and (value <= OFFSCREEN_PX or value >= FAR_PX):
                return f"position:{position}; {raw(side)}", "conceal"
    for name, limit in (
        ("text-indent", OFFSCREEN_PX),
        ("margin-left", MARGIN_PX),
        ("margin-top", MARGIN_PX),
    ):
        value = _px(decls[name][0]) if name in decls else None
        if value is not None and value <= limit:
            return raw(name), "conceal"
    overflow = _ident(decls["overflow"][0]) if "overflow" in decls else ""
    if overflow in ("hidden", "clip"):
        for name in ("width", "height", "max-width", "max-height"):
            value = _px(decls[name][0]) if name in decls else None
            if value is not None and value <= TINY_PX:
                return f"{raw(name)}; overflow:{overflow}", "conceal"
    if "clip" in decls and position in ("absolute", "fixed") and _clipped_away(decls["clip"][0]):
        return raw("clip"), "conceal"
    if "transform" in decls and transformed_away(decls["transform"][1]):
        return raw("transform"), "conceal"
    if "font-size" in decls:
        value = _px(decls["font-size"][0])
        if value is not None and value <= TINY_PX:
            return raw("font-size"), "text"
    return "", ""


def _clipped_away(tokens: list[Any]) -> bool:
    """clip:rect(top, right, bottom, left) that leaves at most a pixel either way: rect(0 0 0 0)
    and rect(1px,1px,1px,1px) alike."""
    if not tokens or tokens[0].type != "function" or tokens[0].lower_name != "rect":
        return False
    sides = [_px([t]) for t in tokens[0].arguments if t.type in ("number", "dimension")]
    if len(sides) != 4 or any(v is None for v in sides):
        return False
    top, right, bottom, left = sides
    return right - left <= TINY_PX or bottom - top <= TINY_PX  # type: ignore[operator]


_ATTR_PX = re.compile(r"\s*(-?\d+(?:\.\d+)?)\s*(px)?\s*$")


def _attr_px(value: str | None) -> float | None:
    if value is None:
        return None
    m = _ATTR_PX.match(value)
    return float(m.group(1)) if m else None


def element_facts(el: Any) -> StyleFacts:
    """An element's own visibility facts: its style attribute and presentational attributes."""
    style = el.get("style")
    color = el.get("color") if el.tag == "font" else None
    bgcolor = el.get("bgcolor")
    if not style and color is None and bgcolor is None:
        return NOTHING  # most elements: nothing to read
    return _element_facts(style if style and ":" in style else "", color, bgcolor)


@lru_cache(maxsize=8192)
def _element_facts(style: str, color: str | None, bgcolor: str | None) -> StyleFacts:
    facts = style_facts(style) if style else NOTHING
    if color is not None and facts.color is None:
        facts = _replace(facts, color=_attribute_color(color))
    if bgcolor is not None and facts.background is None:
        facts = _replace(facts, background=_attribute_color(bgcolor))
    return facts


def _attribute_color(value: str) -> tuple[float, ...] | None:
    tokens = plain_values(value)
    return _color(tinycss2.parse_component_value_list(value) if tokens is None else tokens)


def _replace(facts: StyleFacts, **changes: Any) -> StyleFacts:
    return StyleFacts(**{**{n: getattr(facts, n) for n in StyleFacts.__slots__}, **changes})


def _marquee(el: Any, facts: StyleFacts) -> str:
    for name in ("height", "width"):
        value = _attr_px(el.get(name))
        if value is not None and value <= MARQUEE_PX:
            return f"marquee {name}={el.get(name).strip()}"
    if facts.size_px is not None and facts.size_px <= MARQUEE_PX:
        return "marquee style width/height ≤ 5px"
    amount = _attr_px(el.get("scrollamount"))
    if amount is not None and amount >= MARQUEE_SCROLL:
        return f"marquee scrollamount={el.get('scrollamount').strip()}"
    return ""


@dataclass(frozen=True, slots=True)
class SheetRule:
    selector: str
    tree: Any  # cssselect's parsed selector
    technique: str
    kind: str
    key: tuple[str, str]  # what the selector's last compound needs: id, class, tag or *


def _hint_patterns() -> list[str]:
    """Literal starts of the declarations _SHEET_HINT reads, lowercase, with and without a
    space after the colon (the many display:block, overflow:hidden and top:0 never match)."""
    starts = ["display:none", "visibility:hidden", "visibility:collapse", "indent:-",
              "font-size:0", "font-size:1p", "font-size:.", "opacity:0", "opacity:.", "clip:",
              "scale(0", "translate"]  # fmt: skip
    for size in ("width", "height"):  # 0, 1px, 1 (a unitless one), .5: not 100px
        starts += [f"{size}:0", f"{size}:.", f"{size}:1p", f"{size}:1;", f"{size}:1}}"]
    for side in ("left", "right", "top", "bottom"):  # margin-left, margin-top included
        starts += [f"{side}:-", *(f"{side}:{d}" for d in "123456789")]
    return sorted({v for p in starts for v in (p, p.replace(":", ": "))})


_HINT_PATTERNS = _hint_patterns()
_HINTS = ahocorasick_rs.BytesAhoCorasick(
    [p.encode() for p in _HINT_PATTERNS], implementation=ahocorasick_rs.Implementation.DFA
)


_DECLARATION_END = re.compile(rb"[;}]")


def _hint_positions(css: str) -> list[int]:
    """Where in `css` a declaration _SHEET_HINT reads as hiding starts. A stylesheet runs to
    tens of kilobytes: one automaton pass over it finds the few places worth a regular
    expression, which then reads only the declaration there (a search of the whole text with
    the expression's alternatives costs a millisecond a page)."""
    out: list[int] = []
    seen: set[int] = set()
    if css.isascii() or not any(c in css for c in _LOWER_ODD):
        # Lowercased as bytes, one per character (non-ASCII ones become "?"), so that offsets
        # are the text's: str.lower() of a template's sheet with a few Chinese characters in
        # it costs 4 ns a character (0.4 ms for 96 KB); only the declarations read are.
        low = css.encode("ascii", "replace").lower()
        rfind, end_of = low.rfind, _DECLARATION_END.search  # a hit costs a microsecond or two
        for _, at, _end in _HINTS.find_matches_as_indexes(low, overlapping=True):
            start = max(rfind(b";", 0, at), rfind(b"{", 0, at)) + 1
            if start in seen:
                continue
            seen.add(start)
            end = end_of(low, at)
            if _hides(css[start : end.start() if end else len(low)]):
                out.append(start)
        return out
    text = css.lower()
    for _, at, _end in _HINTS.find_matches_as_indexes(
        text.encode("ascii", "replace"), overlapping=True
    ):
        start = max(text.rfind(";", 0, at), text.rfind("{", 0, at)) + 1
        if start in seen:
            continue
        seen.add(start)
        ends = [e for e in (text.find(";", at), text.find("}", at)) if e >= 0]
        if _SHEET_HINT.search(text, start, min(ends) if ends else len(text)):
            out.append(start)
    return out


@lru_cache(maxsize=8192)
def _hides(declaration: str) -> bool:
    """_SHEET_HINT on one declaration (a template's sheets repeat theirs: display:none, width:0…)."""
    return _SHEET_HINT.search(declaration.lower()) is not None


# The only characters whose lowercase is ASCII (K, the Kelvin sign) or longer (İ): without
# them, lowering a text keeps every offset and maps no other character to ASCII.
_LOWER_ODD = ("\u0130", "\u212a")


# A hiding rule as found in a stylesheet, before any parsing: (selector, declarations, key).
RawRule = tuple[str, str, tuple[str, str]]


@lru_cache(maxsize=512)
def sheet_rules(css: str) -> tuple[RawRule, ...]:
    """The top-level rules of a `<style>` text that may hide something, not parsed yet.

    A stylesheet of a CMS template runs to tens of kilobytes, and tokenizing all of it costs
    milliseconds; the hiding declarations are few. So the places where one could be are found
    first (_hint_positions), each one's rule is cut out at its braces, and the rule is parsed
    (declarations with tinycss2, selector with cssselect: `sheet_rule`) only when an element
    its last compound could match is asked about. Rules nested in @media are skipped: print
    and small-screen rules hide things on purpose. Selectors with pseudo-classes (:hover …)
    are skipped too: they do not hide anything from a reader who has not acted.
    """
    css = uncommented(css)
    out: list[RawRule] = []
    done: set[int] = set()
    # Braces opened and closed before `counted`, carried from one rule to the next (the
    # positions come in the text's order): counting from the start each time cost a
    # millisecond on a page with 380 KB of inline CSS.
    counted = opened = closed = 0
    for at in _hint_positions(css):
        opening = css.rfind("{", 0, at)
        closing = css.find("}", at)
        if opening < 0 or closing < 0 or opening in done:
            continue
        done.add(opening)
        before = max(css.rfind("}", 0, opening), css.rfind("{", 0, opening))
        if opening < counted:
            counted = opened = closed = 0
        opened += css.count("{", counted, opening)
        closed += css.count("}", counted, opening)
        counted = opening
        if opened > closed:
            continue  # nested in an at-rule block, not only its first rule
        prelude = css[before + 1 : opening].strip()
        if not prelude or prelude.startswith("@") or ":" in prelude:
            continue
        body = css[opening + 1 : closing]
        for selector in prelude.split(","):
            if selector := selector.strip():
                out.append((selector, body, selector_key(selector)))
    return tuple(out)


@lru_cache(maxsize=4096)
def sheet_rule(selector: str, body: str) -> SheetRule | None:
    """A rule of sheet_rules, parsed: None when it hides nothing or cannot be read."""
    facts = style_facts(body)
    if not facts.technique:
        return None
    tree = parsed_selector(selector)
    if tree is None:
        return None
    return SheetRule(selector, tree, facts.technique, facts.kind, rightmost(tree))


class SheetIndex:
    """The hiding rules of a page's `<style>` blocks, indexed by what their last compound
    needs (id, class, tag), the way browsers look rules up."""

    def __init__(self, style_texts: tuple[str, ...]) -> None:
        self.index: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for css in style_texts:
            for selector, body, key in sheet_rules(css):
                self.index.setdefault(key, []).append((selector, body))

    def rule_for(self, el: Any) -> SheetRule | None:
        index = self.index
        keys = [("tag", el.tag), ("*", "")]
        ident = el.get("id")
        if ident:
            keys.append(("id", ident))
        classes = el.get("class")
        if classes:
            keys.extend(("class", c) for c in classes.split())
        for key in keys:
            for selector, body in index.get(key, ()):
                rule = sheet_rule(selector, body)
                if rule is not None and matches(rule.tree, el):
                    return rule
        return None


@lru_cache(maxsize=64)
def sheet_index(style_texts: tuple[str, ...]) -> SheetIndex | None:
    """The index of a set of `<style>` texts (a site's pages share theirs), None if nothing hides."""
    index = SheetIndex(style_texts)
    return index if index.index else None


def script_hidden_ids(scripts: list[str]) -> set[str]:
    """Ids an inline script hides outright (document.getElementById('x').style.display='none')."""
    ids: set[str] = set()
    for text in scripts:
        ids.update(_hidden_by(text))
    return ids


@lru_cache(maxsize=4096)
def _hidden_by(script: str) -> tuple[str, ...]:
    """The ids one inline script hides (a site's template scripts repeat on every page)."""
    if "none" not in script and "hide" not in script and "hidden" not in script:
        return ()
    if "getElementById(" not in script and "$(" not in script:
        return ()  # what each of _SCRIPT_HIDES's two forms starts with
    return tuple(m.group(1) or m.group(2) for m in _SCRIPT_HIDES.finditer(script))


def _text_only(link: Any) -> bool:
    """Does the link show text and no image? Read from its own text first: most links have
    no child element, and lxml's iterators cost a microsecond each."""
    if not len(link):  # no child node at all: its text is all its text
        return link.tag != "img" and bool((link.text or "").strip())
    if next(link.iter("img"), None) is not None:
        return False
    return bool((link.text or "").strip()) or any(t.strip() for t in link.itertext())


def _unstyled_way_up(el: Any) -> bool:
    """No element from `el` up to <body> has a class, an id or a background image."""
    while el is not None and isinstance(el.tag, str) and el.tag not in ("body", "html"):
        if (
            el.get("class")
            or el.get("id")
            or el.get("background")
            or "url(" in (el.get("style") or "")
        ):
            return False
        el = el.getparent()
    return True


def _inner_colour(link: Any) -> tuple[float, ...] | None:
    """The colour an element inside the link gives all of its text, if one does."""
    if not len(link):
        return None  # most links: no element inside, and no iterator to make
    text = None
    for inner in link.iterdescendants():
        if not isinstance(inner.tag, str):
            continue
        color = element_facts(inner).color
        if color is not None:
            if text is None:
                text = link.text_content().strip()
            if inner.text_content().strip() == text:
                return color
    return None


def menu_like(el: Any, shown: Callable[[], frozenset[str]]) -> bool:
    """Is a hidden block a menu, a tab or a pop-up, or one the page shows on click (`shown`)?"""
    parent = el.getparent()
    if el.tag in _MENU_TAGS or (parent is not None and parent.tag == "li"):
        return True
    for node in (el, parent, parent.getparent() if parent is not None else None):
        if node is not None and _menu_named(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return shown_on_demand(el, shown())


def _menu_named(names: str) -> bool:
    """_MENU.search(names), on ASCII names with _MENU_LOWER (the same matches there)."""
    if names.isascii():
        return _MENU_LOWER.search(names.lower()) is not None
    return _MENU.search(names) is not None


class HiddenFinder:
    """Answers "is this link hidden, and how?" for the links of one page (slow path only).

    Whole-block techniques (display, conceal, script kinds) are looked up once per element and
    remembered, so the links of one hidden block cost one walk up the tree. Text techniques
    depend on the link (its text, its images, font sizes and colours between), so they are
    read on the link's own way up, at most TEXT_LEVELS elements.
    """

    TEXT_LEVELS = 6  # link, font/span wrappers, td, tr, table: old templates nest that deep

    def __init__(
        self,
        doc: Any,
        style_texts: list[str],
        hidden_ids: set[str],
        colours: Callable[[], Any] | None = None,
    ) -> None:
        self.doc = doc
        self.sheet = sheet_index(tuple(style_texts)) if style_texts else None
        # Colours the page's <style> rules give elements (sheetcolours), read only when needed.
        self._colour_source = colours
        self._colours: Any = None
        self._link_names: frozenset[str] | None = None
        self._names: dict[Any, frozenset[str]] = {}
        self.hidden_ids = hidden_ids
        self._blocks: dict[Any, Hidden | None] = {}
        # Each element's own facts, read once: the block walk and the text walk share them.
        self._facts: dict[Any, StyleFacts] = {}
        self._shown: frozenset[str] | None = None

    def shown(self) -> frozenset[str]:
        """shown_names of the page, read once (each read walks the whole tree)."""
        self._shown = self._shown if self._shown is not None else shown_names(self.doc)
        return self._shown

    def hidden(self, link: Any) -> Hidden | None:
        return self._block(link) or self._text_hidden(link)

    def _facts_of(self, el: Any) -> StyleFacts:
        facts = self._facts.get(el)
        if facts is None:
            facts = self._facts[el] = element_facts(el)
        return facts

    def _block(self, el: Any) -> Hidden | None:
        chain = []
        result = None
        node = el
        while node is not None and isinstance(node.tag, str):
            if node in self._blocks:
                result = self._blocks[node]
                break
            found = self._own(node, self._facts_of(node))
            if found is not None and found[1] != "text":
                result = Hidden(found[0], found[1], node)
                self._blocks[node] = result
                break
            chain.append(node)
            node = node.getparent()
        for seen in chain:
            self._blocks[seen] = result
        return result

    def _text_hidden(self, link: Any) -> Hidden | None:
        if not _text_only(link):
            return None  # text techniques hide text only
        font_reset = False
        # The colour of the text itself: <a><font color=#fff>…</font></a> paints it inside.
        text_color = _inner_colour(link)
        el = link
        self._link_names = None  # the link's way up, for the sheet colours' filter
        for _ in range(self.TEXT_LEVELS):
            if el is None or not isinstance(el.tag, str):
                break
            facts = self._with_sheet_colours(el, self._facts_of(el))
            if facts.kind == "text" and not font_reset:
                return Hidden(facts.technique, "text", el)
            font_reset = font_reset or facts.font_size_set
            if text_color is None and facts.color is not None:
                text_color = facts.color
            if el.get("background") or "url(" in (el.get("style") or ""):
                return None  # a background image: its colours are unknown
            if facts.background is not None and facts.background[3] > 0:
                if (
                    text_color is not None
                    and text_color[:3] == facts.background[:3]
                    and el is not link
                ):
                    return Hidden("color same as background", "text", el)
                return None  # the nearest background decides
            el = el.getparent()
        if text_color is not None and _unstyled_way_up(link):
            # No background near the link and nothing between that a stylesheet could paint
            # (no class, id or background image): the page's own background decides.
            body = self.doc.find("body")
            facts = element_facts(body) if body is not None else NOTHING
            if facts.background is not None and text_color[:3] == facts.background[:3]:
                return Hidden("color same as page background", "text", body)
        return None

    def _with_sheet_colours(self, el: Any, facts: StyleFacts) -> StyleFacts:
        """Inline colours, completed by what the page's `<style>` rules say."""
        if self._colour_source is None or (
            facts.color is not None and facts.background is not None
        ):
            return facts
        if self._colours is None:
            self._colours = self._colour_source() or False
        if not self._colours:
            return facts
        if self._link_names is None:
            self._link_names = self._names_up(el)
        color, background = self._colours.colours(el, self._link_names)
        if color is None and background is None:
            return facts
        return _replace(
            facts,
            color=facts.color if facts.color is not None else color,
            background=facts.background if facts.background is not None else background,
        )

    def _names_up(self, el: Any) -> frozenset[str]:
        """The ids (#x) and classes (.y) of `el` and its ancestors, remembered per element:
        the links of one block share their way up."""
        chain = []
        names: frozenset[str] = frozenset()
        node = el
        while node is not None and isinstance(node.tag, str):
            known = self._names.get(node)
            if known is not None:
                names = known
                break
            chain.append(node)
            node = node.getparent()
        for node in reversed(chain):
            own = [f"#{node.get('id')}"] if node.get("id") else []
            own.extend("." + c for c in (node.get("class") or "").split())
            if own:
                names = names | frozenset(own)
            self._names[node] = names
        return names

    def _own(self, el: Any, facts: StyleFacts) -> tuple[str, str] | None:
        if el.tag == "marquee":
            technique = _marquee(el, facts)
            if technique:
                return technique, "conceal"
        if el.get("hidden") is not None:
            return "hidden attribute", "display"
        if facts.technique:
            return facts.technique, facts.kind
        rule = self.sheet.rule_for(el) if self.sheet is not None else None
        if rule is not None and not (rule.kind == "display" and facts.display_shown):
            return f"{rule.selector} {{{rule.technique}}}", rule.kind
        ident = el.get("id")
        if ident and ident in self.hidden_ids:
            return f"script hides #{ident}", "script"
        return None
