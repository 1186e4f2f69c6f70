"""The xlsx an inspection office opens in Excel/WPS, read back with openpyxl: filters, frozen
headers, hyperlinks, real dates, Chinese words, where each link sits, the trend across nights;
and the CSV, written from the same column list."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_twisted
from click.testing import CliRunner
from conftest import crawl, open_session, site
from conftest_reports import ReportDB, broken, stale_column, unreachable
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import select

from inspector.cli import main
from inspector.judge.counts import tracked_counts
from inspector.judge.tracking import load_tracking
from inspector.store.models import RunRow
from reports.columns import PROBLEM_COLUMNS
from reports.export import export_csv, export_xlsx

SITE = "https://www.example.gov.cn/"
HOSTILE = '=HYPERLINK("http://evil.example/","点我")'


@pytest.fixture
def db(tmp_path: Path) -> ReportDB:
    db = ReportDB.create(tmp_path / "export.db")
    a = db.site("a", "示例市人民政府", SITE, organizer="示例市人民政府办公室")
    db.run(a, date(2025, 10, 1), [broken(f"{SITE}old.html"), broken(f"{SITE}gone.html")])
    db.run(
        a,
        date(2025, 11, 15),
        [
            broken(f"{SITE}old.html"),
            broken(f"{SITE}x.html", home=True, sources=[SITE], texts=[HOSTILE]),
            stale_column("工作动态", f"{SITE}gzdt/", newest="2025-09-01", age=75),
        ],
    )
    b = db.site("b", "-1+1", "https://b.example.gov.cn/", kind="department")
    db.run(b, date(2025, 11, 15), [unreachable("https://b.example.gov.cn/")])
    return db


def records(ws: Worksheet) -> list[dict[str, Any]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]


def assert_filtered_and_frozen(ws: Worksheet) -> None:
    last = get_column_letter(ws.max_column)
    assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}", ws.title
    assert ws.freeze_panes == "A2", ws.title
    assert all(c.font.bold for c in ws[1])
    # Printed: A4 landscape, as wide as the page, the header repeated on every page.
    assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.print_title_rows == "$1:$1"


def test_xlsx_sheets_filters_links_dates_and_words(db: ReportDB, tmp_path: Path) -> None:
    path = tmp_path / "out" / "problems.xlsx"
    with db.session() as s:
        assert export_xlsx(s, path) == path
        csv_text = export_csv(s)
    wb = load_workbook(path)
    assert wb.sheetnames == ["问题清单", "网站汇总", "每日趋势"]
    for ws in wb.worksheets:
        assert_filtered_and_frozen(ws)
    ws = wb["问题清单"]
    header = [c.value for c in ws[1]]
    for label in ("所在页面", "链接文字", "位置", "问题", "整改建议", "整改期限", "状态"):
        assert label in header
    # One definition of the columns: the CSV's header is the first sheet's.
    assert next(csv.reader(io.StringIO(csv_text.removeprefix("\ufeff")))) == header
    rows = records(ws)
    assert len(rows) == 4
    home = next(r for r in rows if r["问题网址"].value == f"{SITE}x.html")
    assert home["问题网址"].hyperlink.target == f"{SITE}x.html"
    assert home["所在页面"].value == SITE and home["所在页面"].hyperlink.target == SITE
    assert home["检查项"].value == "打不开或错链"
    assert home["严重程度"].value == "重要" and home["状态"].value == "新发现"
    assert home["问题"].value == "页面不存在(404)"
    assert home["整改建议"].value.startswith("逐一处理失效链接")
    for label in ("首次发现", "整改期限"):
        cell = home[label]
        assert isinstance(cell.value, datetime) and cell.is_date
        assert cell.number_format == "yyyy-mm-dd"
    assert home["整改期限"].value == datetime(2025, 12, 15)
    # A hostile link text stays text: a string cell with Excel's quote prefix, never a formula.
    text = home["链接文字"]
    assert text.value == HOSTILE and text.data_type == "s" and text.quotePrefix
    old = next(r for r in rows if r["问题网址"].value == f"{SITE}old.html")
    assert old["状态"].value == "未整改" and old["首次发现"].value == datetime(2025, 10, 1)
    assert old["已持续天数"].value == 45
    # Long texts wrap in their columns; widths are set for reading without resizing.
    assert home["整改建议"].alignment.wrap_text and not home["问题网址"].alignment.wrap_text
    for sheet in wb.worksheets:
        for index, cell in enumerate(sheet[1], start=1):
            # A Chinese character is two of Excel's width units: every header fits its column.
            width = sheet.column_dimensions[get_column_letter(index)].width
            assert width >= 2 * len(cell.value) + 1, (sheet.title, cell.value, width)
    sites = {r["网站编号"].value: r for r in records(wb["网站汇总"])}
    assert sites["a"]["网站地址"].hyperlink.target == SITE
    assert sites["a"]["网站类型"].value == "门户网站" and sites["b"]["网站类型"].value == "部门网站"
    assert sites["a"]["检查结论"].value == "合格" and sites["a"]["问题数"].value == 3
    assert sites["b"]["检查结论"].value == "不合格（站点无法访问）"
    assert sites["b"]["网站名称"].value == "-1+1" and sites["b"]["网站名称"].data_type == "s"
    assert isinstance(sites["a"]["检查日期"].value, datetime)
    assert sites["a"]["检查类型"].value == "全面检查"
    nights = records(wb["每日趋势"])
    assert [n["检查日期"].value for n in nights] == [datetime(2025, 10, 1), datetime(2025, 11, 15)]
    first, second = ({k: c.value for k, c in n.items()} for n in nights)
    assert (first["检查网站数"], first["合格"], first["问题数"], first["新发现"]) == (1, 1, 2, 2)
    assert (second["检查网站数"], second["合格"], second["无法访问"]) == (2, 1, 1)
    # Night 2: old.html still open, gone.html fixed, x.html, the column and b's veto new.
    assert (second["未整改"], second["已整改"], second["新发现"]) == (1, 1, 3)


def test_csv_escapes_what_a_site_controls(db: ReportDB) -> None:
    with db.session() as s:
        text = export_csv(s)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    home = next(r for r in rows if r["问题网址"] == f"{SITE}x.html")
    assert home["链接文字"] == "'" + HOSTILE
    assert home["整改期限"] == "2025-12-15" and home["状态"] == "新发现"
    assert next(r for r in rows if r["网站编号"] == "b")["网站名称"] == "'-1+1"


def test_english_export_and_no_trend_after_one_night(tmp_path: Path) -> None:
    db = ReportDB.create(tmp_path / "one.db")
    a = db.site("a", "示例市人民政府", SITE)
    db.run(a, date(2025, 11, 15), [broken(f"{SITE}x.html", home=True, sources=[SITE])])
    path = tmp_path / "en.xlsx"
    with db.session() as s:
        export_xlsx(s, path, lang="en")
        zh = tmp_path / "zh.xlsx"
        export_xlsx(s, zh)
        csv_en = export_csv(s, lang="en")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Problems", "Sites"]
    for ws in wb.worksheets:
        assert_filtered_and_frozen(ws)
    header = [c.value for c in wb["Problems"][1]]
    assert header == [c.en for c in PROBLEM_COLUMNS]
    assert next(csv.reader(io.StringIO(csv_en.removeprefix("\ufeff")))) == header
    row = records(wb["Problems"])[0]
    assert row["Check"].value == "Broken or wrong links" and row["Status"].value == "New"
    assert load_workbook(zh).sheetnames == ["问题清单", "网站汇总"]


def _pages(nav_target: str) -> dict[str, str]:
    """A home page with a broken link in its navigation, its content and its footer, and a
    column in its navigation that has not been updated for months."""
    return {
        "/": f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>测试县人民政府</title>
<link rel="stylesheet" href="style.css"></head><body>
<div class="nav"><ul><li><a href="{nav_target}">政务公开</a></li>
<li><a href="gzdt/index.html">工作动态</a></li></ul></div>
<div class="main"><ul><li><a href="a.html">正常文章</a><span>2026-11-25</span></li>
<li><a href="missing-content.html">{HOSTILE}</a></li></ul></div>
<div class="footer"><a href="missing-footer.html">联系我们</a></div></body></html>""",
        "/a.html": """<html><head><meta charset="utf-8"><title>正常文章</title></head><body>
<p>发布时间：2026-11-25</p><a href="missing-content.html">同一坏链</a></body></html>""",
        "/style.css": "body{}",
        "/gzdt/index.html": """<html><head><meta charset="utf-8"><title>工作动态</title></head>
<body><ul><li><a href="../a.html">旧闻一</a><span>2026-03-02</span></li>
<li><a href="../gkml.html">旧闻二</a><span>2026-02-27</span></li></ul></body></html>""",
        "/gkml.html": """<html><head><meta charset="utf-8"><title>政务公开</title></head>
<body><p>发布时间：2026-11-25</p></body></html>""",
    }


@pytest_twisted.ensureDeferred
async def test_crawled_site_exports_where_each_link_sits(server, sqlite_url, tmp_path):
    url = server.add_site("xlsxpos", _pages("missing-nav.html"))
    await crawl([site("xlsxpos", url, name="测试县人民政府")], sqlite_url, date(2026, 11, 27))
    out = tmp_path / "one.xlsx"
    done = CliRunner().invoke(
        main, ["export", "--format", "xlsx", "--db", sqlite_url, "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["问题清单", "网站汇总"]
    rows = {r["问题网址"].value.rsplit("/", 1)[-1]: r for r in records(wb["问题清单"])}
    assert rows["missing-nav.html"]["位置"].value == "导航栏"
    assert rows["missing-nav.html"]["链接文字"].value == "政务公开"
    # The next night the navigation link is fixed.
    server.add_site("xlsxpos", _pages("gkml.html"))
    await crawl([site("xlsxpos", url, name="测试县人民政府")], sqlite_url, date(2026, 11, 28))
    out = tmp_path / "two.xlsx"
    done = CliRunner().invoke(
        main, ["export", "--format", "xlsx", "--db", sqlite_url, "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["问题清单", "网站汇总", "每日趋势"]
    rows = {r["问题网址"].value.rsplit("/", 1)[-1]: r for r in records(wb["问题清单"])}
    content, footer = rows["missing-content.html"], rows["missing-footer.html"]
    assert "missing-nav.html" not in rows
    assert content["位置"].value == "正文" and footer["位置"].value == "页脚"
    assert content["所在页面"].value == url and content["所在页面"].hyperlink.target == url
    assert content["页面标题"].value == "测试县人民政府"
    assert content["链接文字"].value.startswith(HOSTILE)
    assert content["链接文字"].data_type == "s" and content["涉及页面数"].value == 2
    assert footer["链接文字"].value == "联系我们"
    # A column's problem sits where the home page links to the column.
    column = rows["index.html"]
    assert column["问题代码"].value == "column_stale"
    assert (column["所在页面"].value, column["位置"].value) == (url, "导航栏")
    assert column["链接文字"].value is None  # the column's name is in 问题 and 证据
    nights = [{k: c.value for k, c in n.items()} for n in records(wb["每日趋势"])]
    assert [n["检查日期"] for n in nights] == [datetime(2026, 11, 27), datetime(2026, 11, 28)]
    assert nights[1]["已整改"] == 1 and nights[1]["未整改"] == nights[0]["问题数"] - 1
    # The trend reads each run's counts as judged: the same as tracking the run now.
    with open_session(sqlite_url) as session:
        runs = session.scalars(select(RunRow).order_by(RunRow.id)).all()
        kept = [run.stats["problems"] for run in runs]
        assert kept == [tracked_counts(load_tracking(session, run)).as_dict() for run in runs]
    assert [k["fixed"] for k in kept] == [0, 1] and kept[0]["total"] == nights[0]["问题数"]
    csv_out = tmp_path / "en.csv"
    args = ["export", "--format", "csv", "--db", sqlite_url, "--out", str(csv_out)]
    done = CliRunner().invoke(main, [*args, "--lang", "en"])
    assert done.exit_code == 0, done.output
    rows_en = list(csv.DictReader(io.StringIO(csv_out.read_text("utf-8").removeprefix("\ufeff"))))
    assert {r["Position"] for r in rows_en} >= {"content", "footer"}
    done = CliRunner().invoke(main, [*args, "--lang", "fr"])
    assert done.exit_code == 2 and "--lang" in done.output
