"""Declaration blocks of plain values, read without tinycss2's tokenizer.

tinycss2 tokenizes in Python: 20 µs for `width: 1350px`, and on a site's first page (every
style and rule body seen for the first time) that was most of the hidden-link check's cost.
Most blocks the check reads hold only keywords, numbers with a length unit, percentages and
`#hex` colours, separated by spaces: `plain_declarations` reads those into the very tokens
tinycss2 would make (its own token classes) and gives up (None) on anything else — a comment,
a function, a string, an escape, a comma, a slash, a unit it does not know, a non-ASCII
character — for the caller to ask tinycss2. tests/test_plaincss.py compares both readings.
"""

from __future__ import annotations

import re
from typing import Any

from tinycss2.ast import DimensionToken, HashToken, IdentToken, NumberToken, PercentageToken

# Units serialized as written (tinycss2 escapes a unit `e` or `e-…` to tell it from an
# exponent): the ones the hidden-link check converts to pixels.
UNITS = frozenset(("px", "pt", "pc", "em", "rem", "ex", "ch", "cm", "mm", "q", "in", "vw", "vh"))

# A value token as tinycss2 reads it when a space, the end or `!` follows: an identifier that
# starts with a letter or with - and a letter; a number without sign `+` or exponent, with a
# unit or `%`; a hash. A token followed by anything else (10px20px is one dimension, unit
# px20px) makes the block not plain.
_NUMBER = r"-?(?:[0-9]*\.)?[0-9]+"
_TOKEN = rf"(?:-?[a-zA-Z][a-zA-Z0-9-]*|{_NUMBER}(?:%|[a-zA-Z]+)?|#[0-9a-zA-Z]+)"
_WS = r"[ \t\n]"  # tinycss2's whitespace (it turns \r and \f into \n: not plain)
_DECLARATION = re.compile(
    rf"{_WS}*([a-zA-Z][a-zA-Z-]*){_WS}*:({_WS}*(?:{_TOKEN}(?:{_WS}+{_TOKEN})*)?{_WS}*)"
    rf"(?:!{_WS}*(?i:important){_WS}*)?"
)
_VALUE = re.compile(rf"{_WS}*(?:{_TOKEN}(?:{_WS}+{_TOKEN})*)?{_WS}*")
_PARTS = re.compile(rf"({_NUMBER})(%|[a-zA-Z]+)?|#(.+)|(.+)")

Declarations = dict[str, tuple[list[Any], str]]


def plain_declarations(style: str) -> Declarations | None:
    """{lowercase name: (the value's tokens without whitespace, the value serialized and
    stripped)} of a block of plain declarations, the last of a name winning, as tinycss2's
    parse_declaration_list reads it; None when a declaration is not plain."""
    if not style.isascii():
        return None
    out: Declarations = {}
    for chunk in style.split(";"):
        if not chunk.strip(" \t\n"):
            continue  # tinycss2 skips whitespace and semicolons between declarations
        m = _DECLARATION.fullmatch(chunk)
        if m is None:
            return None
        tokens = _tokens(m.group(2))
        if tokens is None:
            return None
        out[m.group(1).lower()] = (tokens, m.group(2).strip())
    return out


def plain_values(text: str) -> list[Any] | None:
    """The tokens of a plain value (an attribute's `#ff0000`), without whitespace, as
    tinycss2's parse_component_value_list reads them; None when the value is not plain."""
    if not text.isascii() or _VALUE.fullmatch(text) is None:
        return None
    return _tokens(text)


def _tokens(value: str) -> list[Any] | None:
    tokens = []
    for text in value.split():
        token = _token(text)
        if token is None:
            return None
        tokens.append(token)
    return tokens


def _token(text: str) -> Any:
    number, unit, hashed, ident = _PARTS.fullmatch(text).groups()  # type: ignore[union-attr]
    if ident is not None:
        return IdentToken(1, 1, ident)
    if hashed is not None:
        return HashToken(1, 1, hashed, hashed[0].isalpha())
    value, int_value = float(number), None if "." in number else int(number)
    if unit is None:
        return NumberToken(1, 1, value, int_value, number)
    if unit == "%":
        return PercentageToken(1, 1, value, int_value, number)
    if unit.lower() not in UNITS:
        return None
    return DimensionToken(1, 1, value, int_value, number, unit)
