"""HTML reports rendered from a real SQLite database and parsed back with lxml."""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest_reports import (
    KNOWN_ANCHOR,
    KNOWN_BROKEN,
    PORTAL,
    ReportDB,
    broken,
    build_province,
    finding,
)
from lxml import html as lxml_html

from inspector.facts import Severity
from inspector.store.db import create_schema, get_engine
from inspector.store.models import RunRow
from reports import i18n
from reports.cli import report
from reports.render import render_reports, safe_href, site_filename


@pytest.fixture(scope="module")
def province(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportDB, dict, Path]:
    root = tmp_path_factory.mktemp("reports")
    db = ReportDB.create(root / "province.db")
    expected = build_province(db)
    with db.session() as s:
        index = render_reports(s, root / "out")
    return db, expected, index


def parse(path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def text_of(node: lxml_html.HtmlElement) -> str:
    return re.sub(r"\s+", " ", node.text_content()).strip()


def assert_self_contained(doc: lxml_html.HtmlElement) -> None:
    """No external resource of any kind; links only to http(s) pages or our own relative files."""
    assert not doc.xpath(
        "//link | //img | //iframe | //object | //embed | //script[@src] | //*[@srcset]"
    )
    assert not doc.xpath("//*[@style and contains(@style, 'url(')]")
    for style in doc.xpath("//style"):
        assert "url(" not in style.text_content() and "@import" not in style.text_content()
    for href in doc.xpath("//@href"):
        assert href.startswith(("http://", "https://", "sites/", "../index.html")), href
    csp = doc.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp and "default-src 'none'" in csp[0]


# ---------------------------------------------------------------- site report


def test_site_report_header_verdict_and_score(province) -> None:
    _, _, index = province
    doc = parse(index.parent / "sites" / "demo-portal.html")
    assert_self_contained(doc)
    assert text_of(doc.get_element_by_id("site-name")) == "示例市人民政府"
    meta = text_of(doc.xpath("//dl[@class='meta']")[0])
    for expected in (
        "https://www.demo.gov.cn/",
        "示例市人民政府办公室",
        "1234000001",
        "2025-11-15",
        "门户网站",
        "2025-11-15 09:00",
    ):
        assert expected in meta
    verdict = text_of(doc.get_element_by_id("verdict"))
    assert "合格" in verdict and "85.54" in verdict
    # The arithmetic: each line, and the total that makes the score.
    arithmetic = doc.get_element_by_id("arithmetic")
    rows = [[text_of(td) for td in tr.xpath("td")] for tr in arithmetic.xpath(".//tbody/tr")]
    assert ["首页不可用链接", "1", "1", "30", "1"] in rows  # line, count, points, cap, deducted
    assert ["其他页面不可用链接", "3", "0.1", "20", "0.3"] in rows
    assert ["首页可用性", "2.08%", "2 / 1%", "10", "4.16"] in rows
    assert "100 − 14.46 = 85.54" in text_of(arithmetic)


def test_site_report_evidence_in_plain_chinese(province) -> None:
    _, _, index = province
    doc = parse(index.parent / "sites" / "demo-portal.html")
    group = doc.get_element_by_id("check-broken_link")
    body = text_of(group)
    assert "页面不存在(404)" in body and "连接超时(15秒)" in body
    assert "页面显示为“页面不存在”(软404)" in body
    assert "错链：链接文字为“政策解读”，打开的是首页" in body
    assert KNOWN_ANCHOR in body
    assert doc.xpath(f"//a[@href='{KNOWN_BROKEN}']")
    # 37 source pages: the first five are listed, the rest counted.
    slow = next(row for row in group.xpath(".//tr") if "partner.example.org/slow" in text_of(row))
    assert len(slow.xpath(".//div[@class='sources']/a")) == 5
    assert "等另外32个页面" in text_of(slow)
    # The home page's links come first, then one part per reason.
    parts = [text_of(h) for h in group.xpath(".//h4")]
    assert parts[0] == "位于首页 (1)"
    assert "整改建议" in body
    columns = text_of(doc.get_element_by_id("check-column_stale"))
    assert (
        "工作动态" in columns
        and "2025-09-01" in columns
        and "75" in columns
        and "动态要闻类" in columns
    )
    assert "政策解读" in text_of(doc.get_element_by_id("check-column_empty"))
    assert "征集调查" in text_of(doc.get_element_by_id("check-missing_column"))
    elements = text_of(doc.get_element_by_id("check-missing_element"))
    assert "“我为政府网站找错”入口" in elements and "1234000002" in elements
    assert "网站标识码与登记的不一致" in elements
    assert "抽查的内页" in elements and "25%" in elements and "10 / 40" in elements
    assert "意见征集" in text_of(doc.get_element_by_id("check-missing_column"))
    availability = text_of(doc.get_element_by_id("check-availability"))
    assert "2.08%" in availability and "2025-11-08 – 2025-11-14" in availability


def test_site_report_tracking_and_trend(province) -> None:
    _, _, index = province
    doc = parse(index.parent / "sites" / "demo-portal.html")
    known = next(
        row for row in doc.xpath("//table[@class='problems']//tr") if KNOWN_BROKEN in text_of(row)
    )
    state = text_of(known.xpath(".//td[@class='state']")[0])
    assert "未整改（2025-10-01起，已45天）" in state and "已超期" in state and "2025-10-31" in state
    new = next(
        row for row in doc.xpath("//table[@class='problems']//tr") if "soft.html" in text_of(row)
    )
    assert "新发现" in text_of(new)
    summary = text_of(doc.get_element_by_id("tracking-summary"))
    assert "未整改1项（其中超期1项）" in summary and "已整改1项" in summary
    fixed = text_of(doc.get_element_by_id("fixed"))
    assert "fixed-since.html" in fixed and "已整改" in fixed
    svg = doc.xpath("//*[local-name()='svg' and @class='chart trend']")[0]
    bars = svg.xpath(".//*[local-name()='rect']")
    assert len(bars) == 3  # three runs
    assert svg.xpath(".//*[local-name()='polyline']")
    # Counts and score have their own axes: 2, 2 and 11 problems on a 0–20 axis (11 is not a
    # full bar), the score on 0–100 on the other side.
    count_axis = [x.text for x in svg.xpath(".//*[local-name()='text' and @class='axis-count']")]
    score_axis = [x.text for x in svg.xpath(".//*[local-name()='text' and @class='axis-score']")]
    assert count_axis[:3] == ["0", "10", "20"] and score_axis[:3] == ["0", "50", "100"]
    heights = [float(b.get("height")) for b in bars]
    full = float(svg.xpath(".//*[local-name()='line' and @class='axis']")[0].get("y1")) - 14
    assert heights[0] == heights[1] and abs(heights[2] - full * 11 / 20) < 1


def test_vetoes_come_first(province) -> None:
    _, _, index = province
    doc = parse(index.parent / "sites" / "demo-stale.html")
    # The stale home page's evidence is a table of its newest items: title (linked) and date.
    items = doc.xpath("//table[@class='items']//tbody/tr")
    assert text_of(items[0].xpath("td")[0]) == "关于某某工作的通知"
    assert items[0].xpath(".//a/@href") == ["https://www.xian.demo.gov.cn/a.html"]
    assert "不合格" in text_of(doc.get_element_by_id("verdict"))
    sections = [s.get("id") for s in doc.xpath("//section[@id]")]
    assert sections.index("vetoes") < sections.index("problems")
    vetoes = text_of(doc.get_element_by_id("vetoes"))
    assert "首页长期未更新：最新信息为2025-09-01，已75天未更新" in vetoes
    assert "关于某某工作的通知" in vetoes
    assert "空白栏目达到5个（当前6个）" in vetoes
    assert "其余指标不再计分" in vetoes
    unreachable = parse(index.parent / "sites" / "demo-dept.html")
    assert "不合格（站点无法访问）" in text_of(unreachable.get_element_by_id("verdict"))
    assert "连接超时(15秒)" in text_of(unreachable.get_element_by_id("vetoes"))


def test_closed_and_exception_reports(province) -> None:
    _, _, index = province
    sites = index.parent / "sites"
    assert "已关停但仍可访问" in text_of(
        parse(sites / "demo-zombie.html").get_element_by_id("verdict")
    )
    assert "已关停" in text_of(parse(sites / "demo-closed.html").get_element_by_id("verdict"))
    assert "例外" in text_of(parse(sites / "demo-exception.html").get_element_by_id("verdict"))
    assert not (sites / "demo-new.html").exists()  # never inspected: listed, no report


# ---------------------------------------------------------------- overview


def test_overview_counts_and_tables(province) -> None:
    _, expected, index = province
    doc = parse(index)
    assert_self_contained(doc)
    summary = text_of(doc.get_element_by_id("summary"))
    assert summary.startswith(
        "登记8个，关停2个，例外1个，应自查5个；已检查4个，合格2个，不合格1个，无法访问1个，关停仍可访问1个"
    )
    cards = {
        c.get("data-key"): int(c.xpath(".//span[@class='n']")[0].text)
        for c in doc.xpath("//div[@data-key]")
    }
    assert cards == expected
    kinds = {
        text_of(r.xpath("td")[0]): [text_of(td) for td in r.xpath("td")[1:]]
        for r in doc.xpath("//table[@id='kinds']/tbody/tr")
    }
    assert kinds["门户网站"][:4] == ["4", "2", "2", "1"]  # registered, active, inspected, passed
    assert kinds["部门网站"][:4] == ["4", "3", "2", "1"]
    common = [r.get("data-check") for r in doc.xpath("//table[@id='common']/tbody/tr")]
    assert common[0] == "broken_link"
    rows = doc.xpath("//table[@id='sites']/tbody/tr")
    assert len(rows) == 8
    for row in rows:
        for href in row.xpath(".//a[@class='site-link']/@href"):
            assert (index.parent / href).is_file()
    portal = next(r for r in rows if r.get("data-site") == "demo-portal")
    assert portal.get("data-verdict") == "pass" and "85.54" in text_of(portal)
    assert next(r for r in rows if r.get("data-site") == "demo-new").get("data-verdict") == "none"


def test_odd_site_ids_make_safe_file_names(province) -> None:
    _, _, index = province
    name = site_filename("../weird id/<x>")
    assert "/" not in name and ".." not in name and "<" not in name
    assert (index.parent / "sites" / name).is_file()
    assert site_filename("demo-portal") == "demo-portal.html"
    assert site_filename("a b") != site_filename("a_b")  # sanitised names never collide
    assert site_filename("").endswith(".html")


def test_english_reports(province, tmp_path: Path) -> None:
    db, _, _ = province
    with db.session() as s:
        index = render_reports(s, tmp_path / "en", lang="en")
    doc = parse(index)
    assert doc.get("lang") == "en"
    assert "8 registered, 2 closed, 1 exceptions, 5 to inspect" in text_of(
        doc.get_element_by_id("summary")
    )
    site = text_of(parse(index.parent / "sites" / "demo-portal.html"))
    assert "page not found (404)" in site and "timed out (15 s)" in site and "Pass" in site


def test_print_css() -> None:
    css = (Path(__file__).resolve().parent.parent / "reports" / "assets" / "report.css").read_text(
        encoding="utf-8"
    )
    assert "@page { size: A4" in css and "@media print" in css


# ---------------------------------------------------------------- escaping (static; see the browser test)


PAYLOADS = ["<script>alert(1)</script>", "javascript:alert(1)", '"><img src=x onerror=alert(1)>']


def test_hostile_text_is_escaped(tmp_path: Path) -> None:
    db = ReportDB.create(tmp_path / "xss.db")
    site = db.site("xss", f"网站{PAYLOADS[0]}", "https://x.gov.cn/", organizer=PAYLOADS[2])
    db.run(
        site,
        date(2025, 11, 15),
        [
            broken(
                "javascript:alert(1)",
                home=True,
                sources=["javascript:alert(2)", f"https://x.gov.cn/{PAYLOADS[2]}"],
                texts=PAYLOADS,
                note=PAYLOADS[0],
            ),
            broken(f"https://x.gov.cn/a{PAYLOADS[0]}.html", reason="error_link", note=PAYLOADS[2]),
        ],
    )
    with db.session() as s:
        index = render_reports(s, tmp_path / "out")
    for page in (index, index.parent / "sites" / "xss.html"):
        source = page.read_text(encoding="utf-8")
        assert "<script>alert" not in source and "<img" not in source
        doc = parse(page)
        assert not doc.xpath("//img | //*[@onerror]")
        assert all(not h.lower().startswith("javascript:") for h in doc.xpath("//@href"))
        assert len(doc.xpath("//script")) == (1 if page == index else 0)
    assert PAYLOADS[0] in text_of(parse(index.parent / "sites" / "xss.html"))  # shown, as text


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://www.gov.cn/a", True),
        ("http://x.gov.cn/", True),
        ("HTTPS://X.GOV.CN/", True),
        ("javascript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("vbscript:msgbox(1)", False),
        ("//evil.example/", False),
        ("/relative", False),
        ("", False),
        ("\x01https://x.gov.cn/", False),
        (None, False),
    ],
)
def test_safe_href(url, ok: bool) -> None:
    assert (safe_href(url) is not None) is ok


def test_reason_texts() -> None:
    zh = {
        r: i18n.reason_text(r, "zh")
        for r in (
            "http_404",
            "timeout",
            "connection_refused",
            "dns",
            "tls",
            "redirect_loop",
            "soft_404",
            "http_418",
            "weird",
        )
    }
    assert zh == {
        "http_404": "页面不存在(404)",
        "timeout": "连接超时(15秒)",
        "connection_refused": "连接被拒绝",
        "dns": "域名无法解析",
        "tls": "证书或加密连接错误",
        "redirect_loop": "重定向循环",
        "soft_404": "页面显示为“页面不存在”(软404)",
        "http_418": "无法打开(HTTP 418)",
        "weird": "无法打开 (weird)",
    }
    assert i18n.reason_text("error_link", "zh", note="指向首页") == "错链：指向首页"
    assert i18n.reason_text("timeout", "en") == "timed out (15 s)"
    assert i18n.reason_text("", "zh", status=503) == "服务暂不可用(503)"


# ---------------------------------------------------------------- size and speed


def test_report_with_3000_broken_links_stays_small(tmp_path: Path) -> None:
    db = ReportDB.create(tmp_path / "big.db")
    site = db.site("big", "示例市人民政府", PORTAL)
    reasons = ["http_404", "timeout", "connection_refused", "dns", "http_500", "soft_404"]
    findings = [
        broken(
            f"{PORTAL}art/2024/{i:05d}/content.html",
            home=i < 20,
            reason=reasons[i % 6],
            sources=[f"{PORTAL}col/col{j}/index.html" for j in range(20)],
            source_count=35,
            texts=[f"关于做好第{i}项工作的通知"],
        )
        for i in range(3000)
    ]
    db.run(site, date(2025, 11, 15), findings)
    with db.session() as s:
        started = time.perf_counter()
        index = render_reports(s, tmp_path / "out")
        elapsed = time.perf_counter() - started
    page = index.parent / "sites" / "big.html"
    size = page.stat().st_size
    print(
        f"\n3,000 broken links (20 sources each): {size / 1e6:.2f} MB, rendered in {elapsed:.2f} s"
    )
    assert size < 4_000_000
    assert elapsed < 20
    doc = parse(page)
    assert len(doc.xpath("//table[@class='problems']/tbody/tr")) == 3000
    assert len(doc.xpath("//div[@class='sources']/a")) == 3000 * 5


# ---------------------------------------------------------------- command


def test_report_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    create_schema(get_engine(url))
    db = ReportDB.create(tmp_path / "cli.db")  # same file, now with rows
    db.run(db.site("s", "示例", "https://s.gov.cn/"), date(2025, 11, 15), [])
    result = CliRunner().invoke(
        report, ["--db", url, "--out", str(tmp_path / "out"), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert Path(result.output.strip()) == (tmp_path / "out" / "index.html").resolve()
    assert (tmp_path / "out" / "sites" / "s.html").is_file()
    missing = CliRunner().invoke(
        report, ["--db", f"sqlite:///{tmp_path / 'none.db'}", "--out", str(tmp_path / "x")]
    )
    assert missing.exit_code == 2 and "crawl first" in missing.output


def test_crawl_notes_are_shown_in_chinese() -> None:
    from reports.i18n import note_text, reason_text

    assert (
        reason_text("error_link", "zh", note="attachment link returns an HTML page")
        == "错链：附件链接打开的是网页，不是文件"
    )
    assert (
        note_text("parked or for-sale domain (buy this domain)", "zh")
        == "域名已停放或待售（buy this domain）"
    )
    assert (
        note_text("not fetched: a.gov.cn timed out 3 times in a row", "zh")
        == "未访问：a.gov.cn 已连续3次超时"
    )
    assert note_text("attachment is empty (0 bytes)", "en") == "attachment is empty (0 bytes)"
    assert reason_text("invalid_url", "zh") == "链接地址无效，无法打开"
    assert note_text("something new", "zh") == "something new"


def test_plain_chinese_for_a_webmaster(tmp_path: Path) -> None:
    """The crawl's own timeout, no exception text, no deadline for what costs no points, no
    "已0天", and the home page named once by its title."""
    from sqlalchemy import update

    from inspector.store.models import PageRow

    db = ReportDB.create(tmp_path / "plain.db")
    portal = db.site("p", "示例区人民政府", PORTAL)
    findings = [
        broken(
            f"{PORTAL}slow.html",
            reason="timeout",
            status=None,
            sources=[PORTAL, f"{PORTAL}index.html", f"{PORTAL}a.html"],
            note="DownloadTimeoutError: Getting x took longer than 5.0 seconds.",
        ),
        finding(
            "missing_anchor",
            f"{PORTAL}b.html#form",
            Severity.INFO,
            fragment="form",
            sources=[f"{PORTAL}a.html"],
            source_count=1,
        ),
    ]
    db.run(portal, date(2025, 11, 15), findings)
    run_id = db.run(portal, date(2025, 11, 15), findings)
    with db.session() as s:
        s.execute(update(RunRow).where(RunRow.id == run_id).values(stats={"download_timeout": 5}))
        s.add(PageRow(run_id=run_id, url=PORTAL, final_url=PORTAL, title="示例区人民政府门户网站"))
        s.commit()
        render_reports(s, tmp_path / "out")
    doc = parse(tmp_path / "out" / "sites" / "p.html")
    text = text_of(doc)
    assert "连接超时(5秒)" in text and "15秒" not in text
    assert "Error" not in text and "took longer" not in text
    assert "已0天" not in text and "未整改（2025-11-15起）" in text
    sources = text_of(doc.find_class("sources")[0])
    assert sources.count("示例区人民政府门户网站") == 1 and "index.html" not in sources
    anchor = text_of(doc.get_element_by_id("check-missing_anchor"))
    assert "整改期限" not in anchor and "页面中缺少的锚点" in anchor and "fragment" not in anchor


def test_first_fix_lists_vetoes_overdue_and_costliest_by_impact(tmp_path: Path) -> None:
    """先整改这些: the home page's broken links sorted by how many pages carry them (not by
    URL), each with its page, link text and advice; vetoes and overdue problems first."""
    db = ReportDB.create(tmp_path / "fix.db")
    portal = db.site("p", "示例区人民政府", PORTAL)
    pages = [f"{PORTAL}p{i}.html" for i in range(9)]
    findings = [
        broken(f"{PORTAL}a.html", home=True, sources=[PORTAL], texts=["甲"]),
        broken(f"{PORTAL}c1.html", home=True, sources=[PORTAL, *pages], texts=["乙"]),
        broken(f"{PORTAL}b1.html", home=True, sources=[PORTAL, *pages[:3]], texts=["丙"]),
        broken(f"{PORTAL}z.html", sources=pages[:1], texts=["丁"]),
    ]
    db.run(portal, date(2025, 10, 1), findings[:1])
    db.run(portal, date(2025, 11, 15), findings)  # a.html: open 45 days, past its deadline
    with db.session() as s:
        render_reports(s, tmp_path / "out")
    doc = parse(tmp_path / "out" / "sites" / "p.html")
    section = doc.get_element_by_id("first-fix")
    groups = [g.get("data-kind") for g in section.xpath(".//section[@data-kind]")]
    assert groups == ["overdue", "points"]
    overdue, points = section.xpath(".//section[@data-kind]")
    assert "a.html" in text_of(overdue) and "甲" in text_of(overdue)
    order = [text_of(li) for li in points.xpath(".//li")]
    assert [next(x for x in ("乙", "丙") if f"“{x}”" in item) for item in order[:2]] == ["乙", "丙"]
    assert "涉及10个页面" in order[0] and "整改后可挽回约" in text_of(points)
    assert "改为正确地址或删除" in order[0] and "a.html" not in text_of(points)

    stale = tmp_path / "stale"
    db2 = ReportDB.create(tmp_path / "veto.db")
    build_province(db2)
    with db2.session() as s:
        render_reports(s, stale)
    veto = parse(stale / "sites" / "demo-stale.html").get_element_by_id("first-fix")
    assert veto.xpath(".//section/@data-kind")[0] == "veto"
    assert "首页长期未更新" in text_of(veto)


def test_overview_trend_of_the_province(province) -> None:
    """Per night: verdicts of the sites and their problems open, new and fixed."""
    _, _, index = province
    doc = parse(index)
    rows = {
        tr.get("data-date"): {td.get("data-key"): int(td.text) for td in tr.xpath("td[@data-key]")}
        for tr in doc.xpath("//table[@id='trend-table']/tbody/tr")
    }
    assert list(rows) == ["2025-10-01", "2025-10-20", "2025-11-15"]
    assert rows["2025-10-01"] == {
        "passed": 1,
        "failed": 0,
        "unreachable": 0,
        "open": 0,
        "new": 2,
        "fixed": 0,
    }
    assert rows["2025-10-20"] == {
        "passed": 1,
        "failed": 0,
        "unreachable": 0,
        "open": 2,
        "new": 0,
        "fixed": 0,
    }
    # 11-15: the portal kept one problem, fixed one and has ten new; the county's two vetoes
    # and the department's unreachable home page are new too; so is the veto of the site
    # registered as closed that is still online (a failed site, as in the xlsx 每日趋势 sheet:
    # one count, reports/nights.py). The closed site that is offline passed nothing, failed
    # nothing.
    assert rows["2025-11-15"] == {
        "passed": 2,
        "failed": 2,
        "unreachable": 1,
        "open": 1,
        "new": 14,
        "fixed": 1,
    }
    for key in ("sites", "problems"):
        svg = doc.get_element_by_id(f"chart-{key}")
        assert len(svg.xpath(".//*[local-name()='polyline']")) == 3


def test_the_province_trend_counts_full_inspections_only(tmp_path: Path) -> None:
    """A recheck (复查) looked again at a site's problems, not at the site: it is not a night."""
    db = ReportDB.create(tmp_path / "rechecked.db")
    portal = db.site("portal", "示例市人民政府", "https://www.demo.gov.cn/")
    db.run(portal, date(2025, 10, 1), [])
    db.run(portal, date(2025, 10, 20), [])
    recheck = db.run(portal, date(2025, 10, 25), [])
    with db.session() as s:
        s.get(RunRow, recheck).kind = "recheck"
        s.commit()
        index = render_reports(s, tmp_path / "out")
    dates = parse(index).xpath("//table[@id='trend-table']/tbody/tr/@data-date")
    assert dates == ["2025-10-01", "2025-10-20"]
