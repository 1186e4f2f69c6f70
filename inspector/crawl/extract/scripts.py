"""What inline scripts write into a page: `document.write(...)` output, as a browser shows it.

Government CMS templates write dates (`document.write("2023-10-11")`, or a variable cut with
`substring`), menus, the 党政机关 badge (`document.write(unescape("%3Cspan id='_ideConac'…"))`)
and pagers with `document.write`. A crawler without a browser sees none of it unless the string
literals are read. This is not a JavaScript interpreter: it concatenates the string literals of
each `document.write` argument (after `unescape`/`decodeURIComponent`, and with simple
`var x = "…"` variables substituted), which is what such templates write in practice.

Hanweb (大汉) JCMS pages keep their column lists as records of a "datastore" inside
`<script type="text/xml">`, which its dataproxy script shows as the list: those records are
what the page shows, and are inserted like written HTML.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from urllib.parse import unquote

import lxml.html
from lxml import etree

__all__ = [
    "LIST_SCRIPT_RE",
    "datastore_records",
    "expand_script_writes",
    "has_script_writes",
    "list_script",
    "script_literals",
    "written_html",
]

_WRITE_RE = re.compile(r"document\s*\.\s*write(?:ln)?\s*\(")
_VAR_RE = re.compile(r"(?:\b(?:var|let|const)\s+)?([A-Za-z_$][\w$]*)\s*=\s*(?=['\"`])")
_DECODERS = ("unescape", "decodeURIComponent", "decodeURI")
# A string literal that is a decoder's argument (unescape("%3C…")): its value is URL-decoded.
_DECODER_CALL = re.compile(r"\b(?:" + "|".join(_DECODERS) + r")\s*\(\s*$")
_WRITING_SCRIPTS = etree.XPath(
    "//script[not(@src)][not(@data-written-out)]"
    "[contains(., 'document.write') or contains(., 'document .write') or contains(., '<record')]"
)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
# What draws a list in the browser from data the page does not hold: an ajax call, a template,
# a paging widget, a script named for lists.
LIST_SCRIPT_RE = re.compile(
    r"\$\.(?:ajax|get|post|getJSON)\b|\bfetch\(|XMLHttpRequest|axios|v-for|\{\{\s*\w|layui|laypage"
    r"|template\(|\.json\b|dataproxy|jpage|renderList|loadList|getList|list[\w.-]*\.js\b",
    re.IGNORECASE,
)
MAX_WRITTEN = 200_000  # characters written per page: a runaway template is not worth more


def has_script_writes(doc: etree._Element) -> bool:
    """Whether any inline script of the page calls document.write."""
    return bool(_WRITING_SCRIPTS(doc))


def list_script(doc: etree._Element) -> str:
    """The words of a script (its code or its file name) that draw a list in the browser, or
    "": a page without items that has one is a list nobody could read, not an empty one."""
    for script in doc.iter("script"):
        match = LIST_SCRIPT_RE.search(f"{script.text or ''} {script.get('src') or ''}")
        if match:
            return match.group()
    return ""


def datastore_records(text: str) -> list[str]:
    """The HTML of each record of a Hanweb datastore in `text` (a script's or a page's)."""
    return _RECORD_RE.findall(text) if "<record" in text or "<RECORD" in text else []


def _shown_html(script: etree._Element) -> str:
    text = script.text or ""
    if (script.get("type") or "").lower() == "text/xml":
        return "".join(datastore_records(text))[:MAX_WRITTEN]
    return written_html(text)


def written_html(script: str) -> str:
    """The HTML an inline script writes with document.write, string literals concatenated."""
    script = _without_comments(script)
    variables: dict[str, str] | None = None
    parts: list[str] = []
    for argument in _write_arguments(script):
        masked = _mask_strings(argument)
        if variables is None and _IDENTIFIER_RE.search(masked):
            variables = _string_variables(script)  # only when an argument names a variable
        parts.append(_evaluate(argument, masked, variables or {}))
    return "".join(parts)[:MAX_WRITTEN]


def script_literals(script: str) -> list[str]:
    """Every string literal of a script, decoded (dates kept in variables are read from here)."""
    return [value for value, _ in _literals(script)]


def expand_script_writes(
    doc: etree._Element,
    *,
    in_place: bool = False,
    wanted: Callable[[str], bool] | None = None,
) -> etree._Element:
    """The document with what its inline scripts write (and Hanweb datastores hold) inserted
    right after each script.

    Returns `doc` itself when nothing (`wanted`) is written; otherwise a modified copy (or `doc`
    modified in place when `in_place`). `wanted` filters the written HTML worth inserting (the
    date reader wants only writes holding a date, and so copies few pages). Each insertion is a
    `<span data-written="script">` element, so callers can tell written from static markup.
    """
    scripts = _WRITING_SCRIPTS(doc)
    if not scripts:
        return doc
    writes = [(i, _shown_html(script)) for i, script in enumerate(scripts)]
    writes = [(i, html) for i, html in writes if html.strip() and (wanted is None or wanted(html))]
    if not writes:
        return doc
    if not in_place:
        doc = copy.deepcopy(doc)
        scripts = _WRITING_SCRIPTS(doc)
    budget = MAX_WRITTEN
    for i, html in writes:
        script = scripts[i]
        script.set("data-written-out", "1")  # expanded once, even when read again
        if budget <= 0:
            continue
        budget -= len(html)
        try:
            wrapper = lxml.html.fragment_fromstring(html, create_parent="span")
        except (etree.ParserError, ValueError):
            continue
        wrapper.set("data-written", "script")
        script.addnext(wrapper)
    return doc


# --- a tiny reader of JavaScript string expressions --------------------------------------------


def _write_arguments(script: str) -> Iterator[str]:
    """The source text of each document.write(...) argument (balanced parentheses)."""
    for match in _WRITE_RE.finditer(script):
        end = _closing_paren(script, match.end())
        if end is not None:
            yield script[match.end() : end]


def _closing_paren(text: str, start: int) -> int | None:
    depth, i, n = 1, start, len(text)
    while i < n:
        char = text[i]
        if char in "'\"`":
            i = _string_end(text, i)
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _string_end(text: str, start: int) -> int:
    """Index just after the string literal starting at `start` (its quote); at a line end when
    it is not closed there (template literals span lines), at the text's end when never."""
    quote = text[start]
    at = _STRING_BODY[quote].match(text, start + 1).end()
    if at >= len(text):
        return len(text)
    stop = text[at]
    if stop == quote:
        return at + 1
    return at if stop == "\n" else len(text)  # else a backslash ending the text


# A literal's characters up to its closing quote, a line end (not in `...`) or a backslash
# with nothing after it: an escape takes the next character whatever it is.
_STRING_BODY = {
    q: re.compile(r"[^\\{0}]*(?:\\.[^\\{0}]*)*".format(q if q == "`" else q + "\n"), re.S)
    for q in "'\"`"
}


def _literals(text: str) -> Iterator[tuple[str, int]]:
    """(decoded value, start index) of every string literal in `text`, with unescape() applied."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "/" and i + 1 < n and text[i + 1] in "/*":
            i = _comment_end(text, i)
            continue
        if char in "'\"`":
            end = _string_end(text, i)
            value = _decode(text[i + 1 : end - 1] if end - 1 > i else "")
            before = text[max(0, i - 24) : i]
            if _DECODER_CALL.search(before):
                value = unquote(value)
            yield value, i
            i = end
            continue
        i += 1


def _without_comments(text: str) -> str:
    """`text` without // and /* */ comments (string literals kept as they are)."""
    if "//" not in text and "/*" not in text:
        return text
    out, i, n = [], 0, len(text)
    while i < n:
        m = _QUOTE_OR_SLASH.search(text, i)
        if m is None:
            out.append(text[i:])
            break
        if m.start() > i:
            out.append(text[i : m.start()])
        i = m.start()
        char = text[i]
        if char in "'\"`":
            end = _string_end(text, i)
            out.append(text[i:end])
            i = end
        elif i + 1 < n and text[i + 1] in "/*" and not _regex_or_url(text, i):
            i = _comment_end(text, i)
            out.append("\n")
        else:
            out.append(char)
            i += 1
    return "".join(out)


_QUOTE_OR_SLASH = re.compile(r"['\"`/]")
_QUOTE = re.compile(r"['\"`]")


def _regex_or_url(text: str, i: int) -> bool:
    """`//` inside something that is not a comment: 'http://' outside quotes does not occur in
    code, but `a = b //c` does; only a preceding ':' (a URL pasted bare) is treated as text."""
    return text[i + 1] == "/" and i > 0 and text[i - 1] == ":"


def _comment_end(text: str, start: int) -> int:
    if text[start + 1] == "/":
        end = text.find("\n", start)
        return len(text) if end < 0 else end + 1
    end = text.find("*/", start + 2)
    return len(text) if end < 0 else end + 2


def _string_variables(script: str) -> dict[str, str]:
    """`var name = "a" + "b";` assignments of string literals (the last one wins)."""
    variables: dict[str, str] = {}
    for match in _VAR_RE.finditer(script):
        statement_end = script.find(";", match.end())
        line_end = script.find("\n", match.end())
        ends = [e for e in (statement_end, line_end) if e >= 0]
        expression = script[match.end() : min(ends) if ends else len(script)]
        variables[match.group(1)] = "".join(value for value, _ in _literals(expression))
    return variables


_IDENTIFIER_RE = re.compile(r"(?<![\w$.'\"])([A-Za-z_$][\w$]*)(?![\w$]*\s*\()")


def _evaluate(argument: str, masked: str, variables: dict[str, str]) -> str:
    """Concatenate the literals of one argument, substituting known string variables."""
    pieces: list[tuple[int, str]] = list((start, value) for value, start in _literals(argument))
    for match in _IDENTIFIER_RE.finditer(masked):
        name = match.group(1)
        if name in variables:
            pieces.append((match.start(), variables[name]))
    pieces.sort()
    return "".join(value for _, value in pieces)


def _mask_strings(text: str) -> str:
    """`text` with every string literal blanked out (same length), so identifiers are found."""
    out, i, n = [], 0, len(text)
    while i < n:
        m = _QUOTE.search(text, i)
        if m is None:
            out.append(text[i:])
            break
        out.append(text[i : m.start()])
        end = _string_end(text, m.start())
        out.append(" " * (end - m.start()))
        i = end
    return "".join(out)


_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}


def _decode(raw: str) -> str:
    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "ux" and len(code) > 1:
            return chr(int(code[1:], 16))
        return _SIMPLE_ESCAPES.get(code, code)

    return _ESCAPE_RE.sub(replace, raw) if "\\" in raw else raw
