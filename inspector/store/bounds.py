"""Every value a site controls is bounded before it reaches the database.

A hostile page must not be able to make the database refuse a row, and SQLite and PostgreSQL
must store the same thing. So, column by column (read from the model, no per-table list):

- `String(N)`: at most N characters; a longer value keeps its first N-1 and ends with "…".
- URLs and other keys that sit in a btree index (`url`, `final_url`, `source_url`, `target_url`,
  `list_url`; a finding's `identity` up to IDENTITY_MAX_BYTES): at most KEY_MAX_BYTES bytes of
  UTF-8 (PostgreSQL refuses an index entry over ~2,700 bytes). A longer one is cut and marked ``…[+N chars sha256:HEX16]`` — the
  digest of the whole value keeps two long URLs that share a prefix apart, and the same URL is
  cut the same way wherever it appears, so links, targets and pages still join.
- Other text: at most TEXT_MAX_CHARS characters, marked ``…[+N chars]``.
- Everywhere: NUL (PostgreSQL refuses it in text) and lone surrogates (neither driver can encode
  them) become U+FFFD; integers are clamped to their column's range.

JSON columns are left alone: both drivers write them through json.dumps, which escapes anything
the database could refuse.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, String, Table

KEY_MAX_BYTES = 2000
# A finding's identity is "check|site_id|URL or key": a bounded URL plus ~150 bytes must stay
# whole (tracking and reviews compare identities), and (site_id, identity) must fit the index.
IDENTITY_MAX_BYTES = 2500
TEXT_MAX_CHARS = 20_000
KEY_COLUMNS = frozenset({"url", "final_url", "source_url", "target_url", "list_url"})
INT32 = 2**31 - 1
INT64 = 2**63 - 1

SURROGATES = re.compile("[\ud800-\udfff]")

Bound = Callable[[Any], Any]


def clean_text(value: str) -> str:
    """`value` without NUL and lone surrogates (each becomes U+FFFD)."""
    if "\x00" in value:
        value = value.replace("\x00", "\ufffd")
    if not value.isascii():
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = SURROGATES.sub("\ufffd", value)
    return value


def bounded_key(value: str, limit: int = KEY_MAX_BYTES) -> str:
    """A URL or other indexed text, cut to `limit` bytes with a marker naming its digest."""
    value = clean_text(value)
    if len(value) * 4 <= limit or len(value.encode("utf-8")) <= limit:
        return value
    digest = hashlib.sha256(value.encode("utf-8")).hexdigest()[:16]
    budget = limit - 60  # room for the marker
    head = value.encode("utf-8")[:budget].decode("utf-8", "ignore")
    return f"{head}…[+{len(value) - len(head)} chars sha256:{digest}]"


def bounded_text(value: str, limit: int = TEXT_MAX_CHARS) -> str:
    value = clean_text(value)
    if len(value) <= limit:
        return value
    marker = f"…[+{len(value) - limit} chars]"
    return value[: limit - len(marker)] + marker


def _string(limit: int) -> Bound:
    def bound(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        value = clean_text(value)
        return value if len(value) <= limit else value[: limit - 1] + "…"

    return bound


def _text(value: Any) -> Any:
    return bounded_text(value) if isinstance(value, str) else value


def _identity(value: Any) -> Any:
    return bounded_key(value, IDENTITY_MAX_BYTES) if isinstance(value, str) else value


def _key(value: Any) -> Any:
    if isinstance(value, str):
        if len(value) <= 500 and value.isascii() and "\x00" not in value:
            return value  # the common URL, in a hot path (~30 links a page)
        return bounded_key(value)
    return value


def _integer(limit: int) -> Bound:
    def bound(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return max(-limit - 1, min(limit, value))
        return value

    return bound


@cache
def column_bounds(table: Table) -> dict[str, Bound]:
    """Column name → the function that bounds its values (columns that need none are absent)."""
    return {name: bound for name, (bound, _) in _column_rules(table).items()}


@cache
def _column_rules(table: Table) -> dict[str, tuple[Bound, tuple[str, int]]]:
    """Column name → (its bound, the plainest values that bound leaves as they are): ("str", N)
    for text without NUL or surrogates of at most N characters, ("int", L) for an int within
    ±L."""
    rules: dict[str, tuple[Bound, tuple[str, int]]] = {}
    for column in table.columns:
        kind = column.type
        if column.name == "identity":
            rules[column.name] = (_identity, ("str", IDENTITY_MAX_BYTES // 4))
        elif column.name in KEY_COLUMNS:
            rules[column.name] = (_key, ("str", KEY_MAX_BYTES // 4))
        elif isinstance(kind, String) and kind.length:
            rules[column.name] = (_string(kind.length), ("str", kind.length))
        elif isinstance(kind, String):  # Text
            rules[column.name] = (_text, ("str", TEXT_MAX_CHARS))
        elif isinstance(kind, BigInteger):
            rules[column.name] = (_integer(INT64), ("int", INT64))
        elif isinstance(kind, Integer):
            rules[column.name] = (_integer(INT32), ("int", INT32))
    return rules


def bounded_row(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    bounds = column_bounds(table)
    return {k: bounds[k](v) if k in bounds else v for k, v in row.items()}


def bounded_rows(table: Table, rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [bounded_row(table, r) for r in rows]


def bounded_tuples(
    table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """Rows as positional tuples (the link rows the pipeline writes with executemany).

    Column by column, not value by value: a column whose values are all plain (see
    `_column_rules`) is passed as it is after a few scans in C over the whole column — nearly
    every column of a crawl's batch — and only the other columns are bounded value by value.
    The rows are exactly those of bounding every value."""
    rules = _column_rules(table)
    fns = [
        (i, rules[c][0])
        for i, c in enumerate(columns)
        if c in rules and not _plain_column([r[i] for r in rows], rules[c][1])
    ]
    if not fns:
        return list(rows)
    out = []
    for r in rows:
        row = list(r)
        for i, f in fns:
            row[i] = f(row[i])
        out.append(tuple(row))
    return out


def _plain_column(values: list[Any], plain: tuple[str, int]) -> bool:
    """Whether the column's bound would leave every one of `values` as it is."""
    if not values:
        return True
    kind, limit = plain
    if kind == "int":
        return (
            set(map(type, values)) == {int} and -limit - 1 <= min(values) and max(values) <= limit
        )
    if set(map(type, values)) != {str} or max(map(len, values)) > limit:
        return False
    joined = "".join(values)
    return "\x00" not in joined and (joined.isascii() or SURROGATES.search(joined) is None)
