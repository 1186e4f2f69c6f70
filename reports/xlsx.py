"""The xlsx writer: typed cells from the column specs of reports/columns.py.

Every sheet gets a bold header row that stays in view (frozen) and an auto-filter over its
rows; URLs are hyperlinks (http and https only), dates are Excel dates shown as yyyy-mm-dd,
numbers are numbers. Text is always a string cell, never a formula, and text that starts like
a formula also carries Excel's quote prefix, so that editing the cell does not run it either:
link texts, titles and names come from the sites and the registry, and hostile sites exist.
The workbook is streamed (write-only): thousands of sites × thousands of problems fit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from reports.columns import Column, headers
from reports.format import safe_href

DATE_FORMAT = "yyyy-mm-dd"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_MAX = 32_000  # Excel refuses more than 32,767 characters in a cell
LINK_MAX = 2_000  # Excel ignores hyperlinks longer than 2,079 characters
LINKS_PER_SHEET = 65_000  # Excel drops a sheet's hyperlinks beyond 65,530
PAPER_A4 = "9"  # ECMA-376 paper size code

_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEADER_ALIGN = Alignment(wrap_text=True, vertical="center")
_TOP = Alignment(vertical="top")
_WRAP = Alignment(wrap_text=True, vertical="top")
_LINK_FONT = Font(color="0563C1", underline="single")


class SheetWriter:
    """One sheet of a write-only workbook, row by row.

    Setting a font or an alignment on a cell makes openpyxl hash the style objects (most of the
    time of writing a sheet); each kind of cell gets its styles once, on a prototype, and the
    cells copy the prototype's style array."""

    def __init__(self, wb: Workbook, title: str, columns: Sequence[Column], lang: str) -> None:
        self.ws = wb.create_sheet(title)
        self.columns = columns
        self.rows = 0
        self.links = 0
        self._protos: dict[str, WriteOnlyCell] = {}
        for index, column in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        self.ws.freeze_panes = "A2"
        # Offices print it: A4 landscape, all columns on the page's width, the header on every page.
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = PAPER_A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.ws.print_title_rows = "1:1"
        header = []
        for label in headers(columns, lang):
            cell = WriteOnlyCell(self.ws, value=label)
            cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
            header.append(cell)
        self.ws.append(header)

    def append(self, values: Sequence[Any]) -> None:
        self.ws.append([self._cell(c, v) for c, v in zip(self.columns, values, strict=True)])
        self.rows += 1

    def close(self) -> None:
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A1:{last}{self.rows + 1}"

    def _cell(self, column: Column, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            value = str(value)
        if isinstance(value, date):
            return self._styled(value, "date")
        if isinstance(value, int | float):
            return self._styled(value, "top")
        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:CELL_MAX]
        link = None
        if column.kind == "url" and self.links < LINKS_PER_SHEET and len(text) <= LINK_MAX:
            link = safe_href(text)
        style = "link" if link else "wrap" if column.wrap else "top"
        if text.startswith(FORMULA_START):
            style += "_quoted"
        cell = self._styled(text, style)
        cell.data_type = "s"  # never a formula, whatever the text starts with
        if link:
            cell.hyperlink = link
            self.links += 1
        return cell

    def _styled(self, value: Any, style: str) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws, value=value)
        proto = self._protos.get(style)
        if proto is None:
            proto = self._protos[style] = _prototype(self.ws, style)
        cell._style = copy(proto._style)
        return cell


def _prototype(ws: Any, style: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws)
    base = style.removesuffix("_quoted")
    cell.alignment = _WRAP if base == "wrap" else _TOP
    if base == "date":
        cell.number_format = DATE_FORMAT
    if base == "link":
        cell.font = _LINK_FONT
    if style.endswith("_quoted"):
        cell.quotePrefix = True
    return cell


def write_workbook(
    path: Path, sheets: Iterable[tuple[str, Sequence[Column], Iterable[Sequence[Any]]]], lang: str
) -> Path:
    """A workbook with one sheet per (title, columns, rows of values)."""
    wb = Workbook(write_only=True)
    for title, columns, rows in sheets:
        sheet = SheetWriter(wb, title, columns, lang)
        for values in rows:
            sheet.append(values)
        sheet.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
