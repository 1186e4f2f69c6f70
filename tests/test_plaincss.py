"""plaincss reads plain declaration blocks and values into the tokens tinycss2 makes of them, and
gives up on everything else: compared with tinycss2 on the style attributes and `<style>` rule
bodies of the security fixtures and on generated blocks made of the pieces where a hand-written
reading would go wrong (exponents, escapes, units glued to numbers, !important, whitespace
tinycss2 normalizes, non-ASCII)."""

from __future__ import annotations

import random
import re
from pathlib import Path

import tinycss2
from lxml import html

from inspector.crawl.extract import hiding
from inspector.crawl.extract.plaincss import plain_declarations, plain_values

FIXTURES = Path(__file__).parent / "fixtures" / "security"

NAMES = ["display", "DISPLAY", "Width", "height", "left", "margin-left", "font-size", "color",
         "background", "background-color", "clip", "opacity", "position", "overflow",
         "text-indent", "-webkit-x", "--x", "font size", "_height", "a1", "e"]  # fmt: skip
VALUES = ["none", "None", "10px", "10PX", "-500px", "-9999em", "0", "-0", "1", "1.5", "01", "0.5em",
          "1e3", "1e", "2e-1", "1E3px", ".5", "+5", "5.", "-.5", "5px-", "10px20px", "px", "#fff",
          "#FFF", "#1a2", "#ab-c", "#_a", "#", "50%", "-100%", "5q", "5Q", "5deg", "5e", "5ex",
          "5em", "e5", "-e", "--y", "u+0", "rgb(1,2,3)", "rect(0 0 0 0)", "red", "transparent",
          "absolute", "hidden", "auto", "!important", "! IMPORTANT", "!ie", "!", "'a'", '"b"',
          "url(x)", "/*c*/", "\\31 0px", ",", "/", ":", "{", "}", "(", ")", "\r", "\f", "\x0b",
          "\x00", "\xa0", "中", "K", "İ", "-->", "<!--", "@x", "a(", "12", "-webkit-box", "-.5",
          ".5em", "-5a", "0.5.5", "-moz-x!important", "-", "-1e"]  # fmt: skip
SPACES = ["", " ", "  ", "\t", "\n", " \n "]


def _reference(style: str) -> dict[str, tuple[list[tuple], str]]:
    out = {}
    for decl in tinycss2.parse_declaration_list(style, skip_comments=True, skip_whitespace=True):
        if decl.type == "declaration":
            out[decl.lower_name] = (
                _described(decl.value),
                tinycss2.serialize(decl.value).strip(),
            )
    return out


_ATTRIBUTES = ("value", "int_value", "is_integer", "representation", "unit", "lower_unit",
               "lower_value", "is_identifier")  # fmt: skip


def _described(tokens: list) -> list[tuple]:
    return [
        (t.type, *(getattr(t, a, None) for a in _ATTRIBUTES), t.serialize())
        for t in tokens
        if t.type not in ("whitespace", "comment")
    ]


def _check(style: str) -> bool:
    plain = plain_declarations(style)
    if plain is None:
        return False
    described = {name: (_described(tokens), text) for name, (tokens, text) in plain.items()}
    assert described == _reference(style), style
    return True


def _generated(rnd: random.Random) -> str:
    chunks = []
    for _ in range(rnd.randint(0, 4)):
        values = [rnd.choice(VALUES) for _ in range(rnd.randint(0, 3))]
        value = "".join(rnd.choice(SPACES) + v for v in values) + rnd.choice(SPACES)
        if rnd.random() < 0.7:  # mostly plain
            value = " ".join(v for v in value.split() if re.fullmatch(r"[\w#%.-]+", v))
        colon = rnd.choice([":", ":", ":", " : ", ""])
        chunks.append(rnd.choice(SPACES) + rnd.choice(NAMES) + colon + value)
    return rnd.choice([";", "; ", ";;"]).join(chunks) + rnd.choice(["", ";", " "])


def test_fixture_blocks_read_as_tinycss2_reads_them() -> None:
    blocks = set()
    for path in FIXTURES.rglob("*.htm*"):
        doc = html.fromstring(path.read_bytes())
        blocks.update(el.get("style") for el in doc.iter() if el.get("style"))
        for style in doc.iter("style"):
            blocks.update(re.findall(r"\{([^{}]*)\}", style.text or ""))
    plain = sum(_check(block) for block in blocks)
    assert plain > len(blocks) // 3  # the fast reading is the usual one


def test_generated_blocks_read_as_tinycss2_reads_them() -> None:
    rnd = random.Random(20261130)
    plain = sum(_check(_generated(rnd)) for _ in range(20000))
    assert plain > 5000


def test_values_read_as_tinycss2_reads_them() -> None:
    rnd = random.Random(7)
    for _ in range(5000):
        text = "".join(rnd.choice(SPACES) + rnd.choice(VALUES) for _ in range(rnd.randint(0, 3)))
        tokens = plain_values(text)
        if tokens is not None:
            reference = tinycss2.parse_component_value_list(text)
            assert _described(tokens) == _described(reference), text


def test_style_facts_same_as_with_tinycss2_alone(monkeypatch) -> None:
    rnd = random.Random(11)
    styles = [_generated(rnd) for _ in range(3000)]
    fast = [hiding._style_facts.__wrapped__(s) for s in styles]
    monkeypatch.setattr(hiding, "plain_declarations", lambda style: None)
    monkeypatch.setattr(hiding, "plain_values", lambda text: None)
    assert [hiding._style_facts.__wrapped__(s) for s in styles] == fast
    attributes = [rnd.choice(VALUES) for _ in range(300)]
    slow = [hiding._element_facts.__wrapped__("", c, c) for c in attributes]
    monkeypatch.undo()
    assert [hiding._element_facts.__wrapped__("", c, c) for c in attributes] == slow
