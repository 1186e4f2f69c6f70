"""Exports for inspectors: JSON keys kept, CSV with BOM and Chinese, xlsx read back with openpyxl."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime
from pathlib import Path

import pytest
from conftest_reports import ReportDB, broken, stale_column, unreachable
from openpyxl import load_workbook

from inspector.facts import Finding, Severity
from reports.columns import PROBLEM_COLUMNS
from reports.export import export_csv, export_json, export_xlsx

SITE = "https://www.example.gov.cn/"


@pytest.fixture
def db(tmp_path: Path) -> ReportDB:
    db = ReportDB.create(tmp_path / "export.db")
    a = db.site(
        "a", "示例市人民政府", SITE, organizer="示例市人民政府办公室", site_code="1234000001"
    )
    db.run(a, date(2025, 10, 1), [broken(f"{SITE}old.html")])
    db.run(
        a,
        date(2025, 11, 15),
        [
            broken(f"{SITE}old.html"),
            broken(
                f"{SITE}x.html",
                home=True,
                sources=[SITE],
                texts=['=HYPERLINK("http://evil","点我")'],
            ),
            stale_column("工作动态", f"{SITE}gzdt/", newest="2025-09-01", age=75),
        ],
    )
    b = db.site("b", "=cmd|' /C calc'!A0", "https://b.example.gov.cn/", kind="department")
    db.run(b, date(2025, 11, 15), [unreachable("https://b.example.gov.cn/")])
    return db


def test_json_keeps_the_contract_and_adds_tracking(db: ReportDB) -> None:
    with db.session() as s:
        data = json.loads(export_json(s))
    assert {"generated_at", "as_of", "sites"} <= data.keys()
    site = next(x for x in data["sites"] if x["site_id"] == "a")
    for key in (
        "site_id",
        "url",
        "status",
        "run_id",
        "pages_crawled",
        "score",
        "verdict",
        "findings",
        "home_newest_date",
        "columns",
        "tracking",
    ):
        assert key in site
    assert site["verdict"] == "pass" and site["score"] == 96.9
    for finding in site["findings"]:
        assert {"check", "severity", "url", "detail", "tracking"} <= finding.keys()
        assert {"status", "first_seen", "days_open", "deadline", "overdue"} <= finding[
            "tracking"
        ].keys()


def test_csv_has_bom_chinese_and_tracking(db: ReportDB) -> None:
    with db.session() as s:
        text = export_csv(s)
    assert text.startswith("\ufeff")
    raw = text.encode("utf-8")
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert list(rows[0].keys()) == [c.zh for c in PROBLEM_COLUMNS]
    assert len(rows) == 4
    home = next(r for r in rows if r["问题网址"] == f"{SITE}x.html")
    assert home["网站名称"] == "示例市人民政府"
    assert home["检查项"] == "打不开或错链" and home["问题代码"] == "broken_link"
    assert home["证据"].startswith("页面不存在(404)；位于首页；链接文字：")
    assert (home["状态"], home["整改期限"], home["是否超期"]) == ("新发现", "2025-12-15", "否")
    assert home["所在页面"] == SITE and home["涉及页面数"] == "1"
    old = next(r for r in rows if r["问题网址"] == f"{SITE}old.html")
    assert (old["状态"], old["首次发现"], old["已持续天数"]) == ("未整改", "2025-10-01", "45")
    column = next(r for r in rows if r["问题代码"] == "column_stale")
    assert "工作动态" in column["证据"] and "2025-09-01" in column["证据"]
    # A registry or crawled value that Excel would run as a formula is neutralised.
    hostile = next(r for r in rows if r["网站编号"] == "b")
    assert hostile["网站名称"].startswith("'=")
    assert home["链接文字"].startswith("'=HYPERLINK")


def test_xlsx_rows_read_back(db: ReportDB, tmp_path: Path) -> None:
    path = tmp_path / "out" / "problems.xlsx"
    with db.session() as s:
        assert export_xlsx(s, path) == path
    wb = load_workbook(path)
    assert wb.sheetnames == ["问题清单", "网站汇总", "每日趋势"]
    ws = wb["问题清单"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:2] == ("网站编号", "网站名称")
    body = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert len(body) == 4
    home = next(r for r in body if r["问题网址"] == f"{SITE}x.html")
    assert home["网站名称"] == "示例市人民政府"
    assert home["检查项"] == "打不开或错链"
    assert home["严重程度"] == "重要"
    assert (home["状态"], home["整改期限"], home["是否超期"]) == (
        "新发现",
        datetime(2025, 12, 15),
        "否",
    )
    assert "页面不存在(404)" in home["证据"]
    old = next(r for r in body if r["问题网址"] == f"{SITE}old.html")
    assert old["状态"] == "未整改" and old["首次发现"] == datetime(2025, 10, 1)
    # Text starting with "=" stays text: never a formula, whatever a site or registry says.
    cell = next(
        c for row in ws.iter_rows(min_row=2) for c in row if c.value == "=cmd|' /C calc'!A0"
    )
    assert cell.data_type == "s"
    sites = [
        dict(zip([c.value for c in wb["网站汇总"][1]], r, strict=True))
        for r in wb["网站汇总"].iter_rows(min_row=2, values_only=True)
    ]
    a = next(r for r in sites if r["网站编号"] == "a")
    assert (a["检查结论"], a["得分"], a["问题数"], a["新发现"], a["未整改"]) == (
        "合格",
        96.9,
        3,
        2,
        1,
    )
    b = next(r for r in sites if r["网站编号"] == "b")
    assert b["检查结论"] == "不合格（站点无法访问）"


def _hidden_links(page: str) -> Finding:
    targets = ["http://www.bet365-example.com/"]
    return Finding(
        "hidden_links",
        Severity.VETO,
        page,
        {"page": page, "targets": targets, "technique": "display:none", "words": ["娱乐城"]},
        key=page,
    )


def _malicious(page: str) -> Finding:
    src = "http://js.evil-example.com/a.js"
    detail = {"page": page, "src": src, "why": "untrusted_script_host", "host": "evil-example.com"}
    return Finding("malicious_script", Severity.VETO, page, detail, key=f"{page} {src}")


@pytest.fixture
def reviewed_db(tmp_path: Path) -> ReportDB:
    """Site a: a full inspection whose hidden links were dismissed and injected script
    confirmed (inspector review); site r: a 复查 (recheck) of its full run."""
    db = ReportDB.create(tmp_path / "reviewed.db")
    a = db.site("a", "示例市人民政府", SITE)
    hidden, script = _hidden_links(f"{SITE}a.html"), _malicious(SITE)
    db.review(a, hidden, "dismissed", "本站栏目下拉菜单，非暗链", reviewer="张三")
    db.review(a, script, "confirmed", "已通知整改")
    db.run(a, date(2025, 11, 15), [hidden, script, broken(f"{SITE}x.html")])
    r = db.site("r", "示例县人民政府", "https://r.example.gov.cn/")
    full = db.run(r, date(2025, 11, 1), [broken("https://r.example.gov.cn/y.html")])
    db.run(r, date(2025, 11, 15), [broken("https://r.example.gov.cn/y.html")], recheck_of=full)
    return db


def test_csv_and_xlsx_carry_the_review_and_the_run_kind(
    reviewed_db: ReportDB, tmp_path: Path
) -> None:
    with reviewed_db.session() as s:
        text = export_csv(s)
        data = json.loads(export_json(s))
        export_xlsx(s, tmp_path / "r.xlsx")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    a = next(x for x in data["sites"] if x["site_id"] == "a")
    # Every finding of the JSON is a row: the counted ones and the dismissed one.
    assert len([r for r in rows if r["网站编号"] == "a"]) == len(a["findings"]) + 1 == 3
    by_code = {r["问题代码"]: r for r in rows if r["网站编号"] == "a"}
    dismissed = by_code["hidden_links"]
    assert dismissed["复核结论"] == "已排除（误报）"
    assert dismissed["复核说明"] == "本站栏目下拉菜单，非暗链（张三，2025-11-14）"
    # Not a problem any more: no status, deadline or overdue flag.
    assert (dismissed["状态"], dismissed["整改期限"], dismissed["是否超期"]) == ("", "", "")
    confirmed = by_code["malicious_script"]
    assert (confirmed["复核结论"], confirmed["复核说明"]) == ("已确认", "已通知整改（2025-11-14）")
    assert (confirmed["状态"], confirmed["是否超期"]) == ("新发现", "否")
    assert (by_code["broken_link"]["复核结论"], by_code["broken_link"]["复核说明"]) == ("", "")
    # The run kind, as JSON's run_kind says it.
    assert {r["检查类型"] for r in rows if r["网站编号"] == "a"} == {"全面检查"}
    assert [r["检查类型"] for r in rows if r["网站编号"] == "r"] == ["复查"]
    assert next(x for x in data["sites"] if x["site_id"] == "r")["run_kind"] == "recheck"
    # The xlsx's first sheet has the same columns and values.
    ws = load_workbook(tmp_path / "r.xlsx")["问题清单"]
    header = [c.value for c in ws[1]]
    assert header == [c.zh for c in PROBLEM_COLUMNS]
    body = [dict(zip(header, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)]
    sheet = {(r["网站编号"], r["问题代码"]): r for r in body}
    assert sheet[("a", "hidden_links")]["复核结论"] == "已排除（误报）"
    assert sheet[("a", "hidden_links")]["复核说明"] == dismissed["复核说明"]
    assert sheet[("a", "malicious_script")]["复核结论"] == "已确认"
    assert sheet[("r", "broken_link")]["检查类型"] == "复查"


def test_review_columns_in_english(reviewed_db: ReportDB) -> None:
    with reviewed_db.session() as s:
        rows = list(csv.DictReader(io.StringIO(export_csv(s, lang="en").removeprefix("\ufeff"))))
    by_code = {r["Code"]: r for r in rows if r["Site ID"] == "a"}
    assert by_code["hidden_links"]["Review"] == "dismissed (false positive)"
    assert by_code["hidden_links"]["Review note"] == "本站栏目下拉菜单，非暗链 (张三, 2025-11-14)"
    assert by_code["malicious_script"]["Review"] == "confirmed"
    assert {r["Run"] for r in rows} == {"full inspection", "recheck"}
