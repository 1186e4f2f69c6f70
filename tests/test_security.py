"""Security facts and checks (issue 15): hidden links, injected code, cloaking, wording errors.

Golden cases live in tests/fixtures/security/<case>/ — `page.html` (a fragment placed into
_template.html, a realistic county page with drop-down menus, tabs, statistics, badges and share
buttons, or a whole page) and `case.toml` (url, the page's date `on`, and the findings expected
as [[expect]] tables; none for a control that must stay silent). Adding a case is adding a
folder. The real saved government pages (../shared/realpages) must stay silent.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from checks.security import (
    Cloaking,
    HiddenLinks,
    MaliciousScript,
    SpamLinks,
    WordingErrors,
    compare_versions,
    security_rules,
)
from inspector.crawl.extract.dates import extract_dates
from inspector.crawl.extract.encoding import decode_html, parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.page import body_text
from inspector.crawl.extract.security import SecurityRules, page_security, version_facts
from inspector.crawl.extract.security import security_rules as compiled_rules
from inspector.crawl.scope import scope_key
from inspector.facts import Finding, PageFacts, SiteInfo, SiteSnapshot
from inspector.lexicons import load_lexicons
from inspector.profile import ProfileError, RulesProfile, load_profile

FIXTURES = Path(__file__).parent / "fixtures" / "security"
REALPAGES = Path(__file__).resolve().parents[1].parent / "shared" / "realpages"
DEFAULT_URL = "http://www.qingshan.gov.cn/xwdt/202511/t20251120_1.html"
AS_OF = date(2025, 11, 28)
PROFILE = load_profile("census2015")
RULES = compiled_rules(load_lexicons(PROFILE))
CHECKS = [
    cls(PROFILE) for cls in (HiddenLinks, SpamLinks, MaliciousScript, WordingErrors, Cloaking)
]


def same_facts_everywhere(expected: SecurityRules, got: SecurityRules) -> dict[str, int]:
    """Assert both rule sets read the same security facts from every fixture and real page;
    how many pages had facts of each kind (what the comparison covered)."""
    pages = sorted(FIXTURES.rglob("*.htm*")) + sorted(REALPAGES.glob("*.htm*"))
    covered: dict[str, int] = {}
    for path in pages:
        doc = parse_html(decode_html(path.read_bytes(), None)[0])
        url = "http://www.example.gov.cn/page.html"
        facts = page_security(doc, url, expected, on=AS_OF)
        assert page_security(doc, url, got, on=AS_OF) == facts, path.name
        for kind in facts:
            covered[kind] = covered.get(kind, 0) + 1
    return covered


def snapshot_of(pages: list[PageFacts], site_url: str) -> SiteSnapshot:
    home = next((p for p in pages if p.is_home), None)
    return SiteSnapshot(
        site=SiteInfo("qs", "青山县人民政府", site_url, "portal", "active"),
        run_id=1, as_of=AS_OF, started_at=None, finish_reason="finished", home=home,
        home_error="", pages=pages, targets={}, links=[], columns=[],
    )  # fmt: skip


def facts_of(html: str, url: str, on: date | None, *, site_url: str | None = None) -> PageFacts:
    doc = parse_html(html)
    title = title_of(doc)
    site = frozenset({scope_key(site_url or url)})
    security = page_security(doc, url, RULES, site_hosts=site, on=on, title=title, source=html)
    return PageFacts(
        url=url, final_url=url, status=200, content_type="text/html", size=len(html), depth=1,
        title=title, elapsed_ms=1, security=security,
    )  # fmt: skip


def run_checks(pages: list[PageFacts], site_url: str) -> list[Finding]:
    snap = snapshot_of(pages, site_url)
    return [f for check in CHECKS for f in check.check_site(snap)]


def _cases() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())


def _page_html(case: Path) -> str:
    fragment = (case / "page.html").read_text(encoding="utf-8")
    if "<html" in fragment[:500].lower():
        return fragment
    template = (FIXTURES / "_template.html").read_text(encoding="utf-8")
    return template.replace("{title}", case.name).replace("{content}", fragment)


def _matches(expect: dict[str, Any], finding: Finding) -> bool:
    if finding.check != expect["check"]:
        return False
    detail = finding.detail
    for key, want in expect.items():
        if key == "check":
            continue
        if key == "targets":
            if sorted(detail.get("targets", ())) != sorted(want):
                return False
        elif key == "technique":
            if not all(part in detail.get("technique", "") for part in want.split("; ")):
                return False
        elif detail.get(key) != want:
            return False
    return True


@pytest.mark.parametrize("name", _cases())
def test_golden_case(name: str) -> None:
    case = FIXTURES / name
    spec = tomllib.loads((case / "case.toml").read_text(encoding="utf-8"))
    url = spec.get("url", DEFAULT_URL)
    page = facts_of(_page_html(case), url, spec.get("on", AS_OF))
    findings = run_checks([page], url)
    expected = spec.get("expect", [])
    unmatched = list(findings)
    for expect in expected:
        hit = next((f for f in unmatched if _matches(expect, f)), None)
        assert hit is not None, (
            f"{name}: expected {expect}, got {[(f.check, dict(f.detail)) for f in findings]}"
        )
        unmatched.remove(hit)
    assert not unmatched, f"{name}: unexpected {[(f.check, dict(f.detail)) for f in unmatched]}"
    for finding in findings:
        assert finding.url == url and finding.detail["page"] == url
        assert finding.severity.value == ("major" if finding.check == "wording_error" else "veto")


def test_findings_carry_the_contract_keys() -> None:
    """Export consumers read these keys (issue 15): they must be there."""
    html = _page_html(FIXTURES / "hidden_display_none_gambling")
    html = html.replace("</body>", '<script src="http://x.evil-js.top/a.js"></script></body>')
    html = html.replace("冬季安全生产", "台湾总统冬季安全生产")
    findings = run_checks([facts_of(html, DEFAULT_URL, AS_OF)], DEFAULT_URL)
    by = {f.check: f for f in findings}
    assert {"page", "targets", "technique"} <= set(by["hidden_links"].detail)
    assert {"page", "src", "why"} <= set(by["malicious_script"].detail)
    assert {"page", "wrong", "suggestion", "context"} <= set(by["wording_error"].detail)
    assert by["wording_error"].detail["needs_review"] is True
    assert "台湾总统" in by["wording_error"].detail["context"]
    # the tracking identity: the same problem on the same page is the same finding next run
    again = run_checks([facts_of(html, DEFAULT_URL, AS_OF)], DEFAULT_URL)
    assert sorted(f.identity("qs") for f in findings) == sorted(f.identity("qs") for f in again)


def test_hidden_link_needs_a_hidden_ancestor() -> None:
    """The same gambling links, visible, are not 暗链: they are links to gambling sites in plain
    view (spam_links), with the same targets, flagged for review."""
    hostile = _page_html(FIXTURES / "hidden_display_none_gambling")
    html = hostile.replace('<div style="display:none">', "<div>")
    assert html != hostile
    (hidden,) = run_checks([facts_of(hostile, DEFAULT_URL, AS_OF)], DEFAULT_URL)
    (shown,) = run_checks([facts_of(html, DEFAULT_URL, AS_OF)], DEFAULT_URL)
    assert (hidden.check, shown.check) == ("hidden_links", "spam_links")
    assert shown.detail["targets"] == hidden.detail["targets"]
    assert shown.detail["needs_review"] is True and shown.severity.value == "veto"
    assert shown.detail["words"]


def test_inline_display_block_overrides_a_hiding_rule() -> None:
    html = _page_html(FIXTURES / "hidden_class_rule_neutral").replace(
        '<div class="ft-box">', '<div class="ft-box" style="display:block">'
    )
    assert not run_checks([facts_of(html, DEFAULT_URL, AS_OF)], DEFAULT_URL)


def test_allow_list_in_the_profile_silences_a_host(tmp_path: Path) -> None:
    """An office adds a service it uses to `[security] allow_hosts`: re-checking silences it."""
    html = _page_html(FIXTURES / "script_untrusted_host")
    page = facts_of(html, DEFAULT_URL, AS_OF)
    profile_path = tmp_path / "office.toml"
    profile_path.write_text(
        '[profile]\nextends = "census2015"\n[security]\nallow_hosts = ["tongji-cn.top"]\n',
        encoding="utf-8",
    )
    profile = load_profile(str(profile_path))
    snap = snapshot_of([page], DEFAULT_URL)
    assert list(MaliciousScript(PROFILE).check_site(snap))
    assert not list(MaliciousScript(profile).check_site(snap))


def test_severity_and_review_come_from_the_profile(tmp_path: Path) -> None:
    profile_path = tmp_path / "soft.toml"
    profile_path.write_text(
        '[profile]\nextends = "census2015"\n[security]\nneeds_review = []\n'
        '[security.severity]\nhidden_links = "major"\n',
        encoding="utf-8",
    )
    profile = load_profile(str(profile_path))
    page = facts_of(_page_html(FIXTURES / "hidden_marquee"), DEFAULT_URL, AS_OF)
    (finding,) = HiddenLinks(profile).check_site(snapshot_of([page], DEFAULT_URL))
    assert finding.severity.value == "major" and "needs_review" not in finding.detail


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('[security.severity]\nhidden_links = "fatal"\n', "must be one of"),
        ('[security.severity]\nbroken = "veto"\n', "unknown check"),
        ('[security]\nneeds_review = ["nope"]\n', "needs_review"),
        ('[security.lexicons]\nspam = "no/such.toml"\n', "no such lexicon file"),
        ('[security]\nallow_hosts = "x.com"\n', "allow_hosts"),
    ],
)
def test_bad_security_profile_is_refused(tmp_path: Path, body: str, problem: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(f'[profile]\nextends = "census2015"\n{body}', encoding="utf-8")
    with pytest.raises(ProfileError, match=problem):
        HiddenLinks.from_profile(load_profile(str(path)))


def test_bad_lexicon_file_names_file_and_key(tmp_path: Path) -> None:
    leaders = tmp_path / "leaders.toml"
    leaders.write_text(
        '[offices]\npremier = "国务院总理"\n[[person]]\nname = "李强"\n'
        'terms = [{ office = "king", from = 2023-03-11 }]\n',
        encoding="utf-8",
    )
    profile = tmp_path / "p.toml"
    profile.write_text(
        f'[profile]\nextends = "census2015"\n[security.lexicons]\nleaders = "{leaders}"\n',
        encoding="utf-8",
    )
    with pytest.raises(ProfileError) as err:
        WordingErrors.from_profile(load_profile(str(profile)))
    assert str(leaders) in str(err.value) and "person[0] (李强).terms" in str(err.value)


# ---- cloaking: the comparison of two fetched versions ------------------------------------------


def _version(
    html: str, url: str = "http://www.qingshan.gov.cn/", status: int = 200, **kw: Any
) -> dict[str, Any]:
    doc = parse_html(html)
    return version_facts(
        doc, url, RULES, site_hosts=frozenset({"qingshan.gov.cn"}), title=title_of(doc),
        status=status, final_url=kw.get("final_url", url),
    )  # fmt: skip


NORMAL = _page_html(FIXTURES / "control_layout_tricks")
SPAM = (
    "<html><head><title>澳门新葡京娱乐城_真人视讯_青山县人民政府</title></head><body>"
    '<a href="http://www.xpj-vip.com/">新葡京</a><a href="http://www.amjs-88.com/">澳门金沙</a>'
    "<p>百家乐 时时彩 开户送彩金</p></body></html>"
)


def test_same_page_for_everyone_is_not_cloaking() -> None:
    assert compare_versions(_version(NORMAL), _version(NORMAL)) is None


def test_gambling_version_for_baiduspider_is_cloaking() -> None:
    evidence = compare_versions(_version(NORMAL), _version(SPAM))
    assert evidence is not None
    assert evidence["title_changed"] and evidence["crawler"]["title"].startswith("澳门新葡京")
    assert {"百家乐", "时时彩", "彩金"} <= set(evidence["new_words"])
    assert "http://www.xpj-vip.com/" in evidence["new_links"]


def test_crawler_blocked_is_not_cloaking() -> None:
    """A firewall answering 403 to crawlers is not content shown to them."""
    blocked = _version(
        "<html><head><title>403 Forbidden</title></head><body>denied</body></html>", status=403
    )
    assert compare_versions(_version(NORMAL), blocked) is None


def test_redirect_to_another_host_is_cloaking() -> None:
    moved = _version(
        SPAM, url="http://www.qingshan.gov.cn/", final_url="http://www.xpj-vip.com/land/"
    )
    evidence = compare_versions(_version(NORMAL), moved)
    assert evidence is not None and evidence["redirect"] == "http://www.xpj-vip.com/land/"


def test_cloaking_check_reads_both_versions() -> None:
    page = facts_of(NORMAL, "http://www.qingshan.gov.cn/", AS_OF)
    versions = {
        "browser": _version(NORMAL),
        "baiduspider": {**_version(SPAM), "user_agent": "Baiduspider/2.0", "referer": ""},
        "baidu_referer": {
            **_version(NORMAL),
            "user_agent": "Mozilla/5.0",
            "referer": "https://www.baidu.com/s?wd=x",
        },
    }
    page = PageFacts(
        **{**{k: getattr(page, k) for k in PageFacts.__slots__}, "security": {"cloaking": versions}}
    )
    (finding,) = Cloaking(PROFILE).check_site(snapshot_of([page], "http://www.qingshan.gov.cn/"))
    assert finding.detail["user_agent"] == "Baiduspider/2.0" and finding.detail["referer"] == ""
    assert (
        finding.detail["evidence"]["browser"]["title"]
        != finding.detail["evidence"]["crawler"]["title"]
    )


# ---- the real pages ---------------------------------------------------------------------------


def _real_pages() -> list[Path]:
    return sorted(REALPAGES.glob("*.htm*")) if REALPAGES.is_dir() else []


@pytest.mark.skipif(not REALPAGES.is_dir(), reason=f"real pages not available at {REALPAGES}")
@pytest.mark.parametrize("path", _real_pages(), ids=lambda p: p.name[:60])
def test_real_government_pages_stay_silent(path: Path) -> None:
    """Statistics, badges, share buttons, menus, weather widgets and names in real articles."""
    text, _, _ = decode_html(path.read_bytes(), None)
    doc = parse_html(text)
    host = path.name.split("__")[0]
    url = f"http://{host}/page.html"
    title = title_of(doc)
    dates = extract_dates(doc, AS_OF, title=title, url=url, is_home="__home" in path.name)
    on = dates.pub_date or dates.newest_item_date or AS_OF
    security = page_security(
        doc, url, RULES, site_hosts=frozenset({scope_key(url)}), on=on, title=title
    )
    page = PageFacts(url, url, 200, "text/html", len(text), 0, title, 1, security=security)
    assert run_checks([page], url) == []


def test_body_text_is_what_the_scan_reads() -> None:
    doc = parse_html("<html><body><p>习近萍</p></body></html>")
    assert body_text(doc).strip() == "习近萍"
    assert security_rules(PROFILE)["severity"]["wording_error"] == "major"
    assert isinstance(PROFILE, RulesProfile)


def test_links_after_the_end_tag_are_read_from_the_source() -> None:
    """The last </html> is looked for near the end first, then further back (a long list of
    appended links); any case; nothing without an end tag or with nothing after it."""
    from inspector.crawl.extract.security import END_WINDOWS, after_end_hrefs

    page = "<html><body>" + "县政府工作动态。" * 20_000 + "</body></HTML>"
    assert after_end_hrefs(page) == frozenset()
    appended = "".join(f'<A HREF="http://www.xpj{i}.example.com/">新葡京</a>\n' for i in range(200))
    assert len(appended) > END_WINDOWS[0]
    found = after_end_hrefs(page + appended)
    assert len(found) == 200 and "http://www.xpj199.example.com/" in found
    assert after_end_hrefs(page.replace("</body></HTML>", "") + appended) == frozenset()
    assert after_end_hrefs("") == frozenset()
