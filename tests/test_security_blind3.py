"""Third blind batch: issue 15's accuracy targets measured on pages the detectors were not
tuned on, through real crawls.

The pages (tests/security_blind3_cases.py, templates in security_blind3_templates.py) and the
cloaking sites (security_blind3_server.py) were written before their author read the detectors
or the earlier security tests, from what hacked Chinese county portals show: gambling, loan,
surrogacy and fake-certificate SEO links hidden by inline styles, <style> classes, marquees,
scripts, off-screen and zero-size boxes, opacity and transforms; scripts from look-alike hosts,
search-referrer redirects, packed/encoded code, invisible iframes; misspelt leaders' names,
outdated or wrong titles and banned terms — and the ordinary furniture of four CMS families
(TRS, Hanweb JCMS in GBK, an old table site in GB2312, a responsive portal) that must stay
silent. Each portal is served under its own host name by a thread of this process and crawled
by the real spider; the findings are read from the database the crawl wrote.

How it counts. Hidden links (暗链): a hostile page is found when its `hidden_links` finding
names one of the hidden targets; a finding is a false alarm when it names a target that is not
part of what the attacker added. Injected code (挂马): each injected piece is one case, found
when a `malicious_script` finding names its host or its code; a finding about nothing injected
is a false alarm (one about injected code not required by a case, e.g. the script that writes a
hidden block, counts neither way). Wording: each wrong text is one case; a `wording_error`
finding whose `wrong` is none of them is a false alarm. Cloaking: per site.

FIRST_RUN holds the figures of the first run, before anything was changed for this batch.
"""

from __future__ import annotations

import re
from collections import defaultdict
from urllib.parse import unquote, urljoin, urlsplit

import pytest_twisted
from conftest import crawl, open_session, site
from security_blind3_cases import PAGE_CASES, Case
from security_blind3_server import CLOAKED, CONTROLS, PORTALS, case_path, render, serve
from security_blind3_templates import SITES
from sqlalchemy import select

from inspector.store.models import FindingRow

# The first run, at main 15e3859, before anything was changed for this batch: (found, cases,
# false alarms, findings), then the misses and false alarms. Two faults of the harness were
# mended before these figures were kept, none of the pages' content: the matcher did not see
# that a finding naming the host of a `write(unescape("%3C…"))` is about that code (it counted
# s_unescape_write as a miss and a false alarm), and the `qinxian` control served its inner
# pages with the wrong title (it was meant to change only the links: a title change is cloaking
# evidence, so it counted as one false alarm). Every target of the issue was met.
FIRST_RUN = {
    "hidden_links": {
        "found": (25, 26, 2, 27),  # recall 96.2%, precision 92.6%
        "misses": ["h_translate_offscreen (transform:translateX(-9999px), position:fixed)"],
        "false_alarms": [
            "c_hidden_related_links: a collapsed 相关链接 panel (12306, 学信网, 中央气象台, 工商银行)",
            "c_white_on_blue_footer: www.12345hot.cn, hidden by `.footer{display:none}` of @media print",
        ],
    },
    "malicious_script": {
        "found": (23, 24, 1, 24),  # recall 95.8%, precision 95.8%
        "misses": ['s_function_atob: new Function(atob("…"))() after </html>'],
        "false_alarms": ["k_jquery_cdns: ajax.aspnetcdn.com (Microsoft's public CDN)"],
    },
    "wording_error": {
        "found": (14, 15, 0, 14),  # recall 93.3%, precision 100%
        "misses": [
            "w_ccdi_homophone: 李晞书记 (李希, 中央纪委书记 named right earlier on the page)"
        ],
        "false_alarms": [],
    },
    "cloaking": {
        "found": (6, 6, 0, 6),  # every cloaked site, none of the 8 controls
        "misses": [],
        "false_alarms": [],
    },
}

# Issue 15's targets: (recall, precision).
TARGETS = {
    "hidden_links": (0.95, 0.90),
    "malicious_script": (0.90, 0.90),
    "wording_error": (0.80, 0.80),
    "cloaking": (1.0, 1.0),
}

HOST_RE = re.compile(r"(?<![\w.@-])((?:[a-z0-9-]+\.)+[a-z]{2,})(?=[:/\"'\s?#<&)]|$)")


def static_hosts(port_hosts: list[str]) -> dict[str, str]:
    """Every other name the pages mention resolves to nothing; the sites to this machine."""
    names: set[str] = set()
    for case in PAGE_CASES:
        names.update(HOST_RE.findall(render(case)[0].lower()))
    names.update(["www.pj5599.com", "www.tyc8877.com", "www.bjpk10kj.com", "www.ssc2288.net"])
    table = dict.fromkeys(sorted(names), "")
    table.update(dict.fromkeys(port_hosts, "127.0.0.1"))
    return table


def _injected(case: Case) -> str:
    s = case.spots
    if not (case.hidden or case.scripts or case.tolerated):
        return ""
    return " ".join([s.head, s.after_body, s.before_end, s.footer, s.after_html, s.article])


def _key(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return (parts.hostname or "", parts.path.rstrip("/"))


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text or "")


def _belongs(detail: dict, marks: tuple[str, ...], injected: str) -> tuple[bool, str]:
    """(is this finding about one of `marks`, which); else whether it is about injected code."""
    src, host, snippet = (
        detail.get("src") or "",
        detail.get("host") or "",
        detail.get("snippet") or "",
    )
    for mark in marks:
        if mark in src or mark == host or (snippet and mark in snippet):
            return True, mark
    if len(marks) == 1 and _about_injection(detail, injected):
        return True, marks[0]
    return False, ""


def _about_injection(detail: dict, injected: str) -> bool:
    if not injected:
        return False
    src, host, snippet = (
        detail.get("src") or "",
        detail.get("host") or "",
        detail.get("snippet") or "",
    )
    plain = unquote(injected)  # the host of a write(unescape("%3C…")) is said decoded
    if (host and host in plain) or (src and src in plain):
        return True
    return bool(snippet) and _squash(snippet)[:40] in _squash(injected)


class Tally:
    def __init__(self) -> None:
        self.cases = 0
        self.found = 0
        self.right = 0
        self.wrong = 0
        self.misses: list[str] = []
        self.false_alarms: list[str] = []

    def figures(self) -> dict[str, object]:
        n = self.right + self.wrong
        return {
            "found": self.found,
            "cases": self.cases,
            "recall": round(self.found / self.cases, 3) if self.cases else None,
            "findings": n,
            "false_alarms": self.wrong,
            "precision": round(self.right / n, 3) if n else 1.0,
            "misses": sorted(self.misses),
            "false_alarm_list": sorted(self.false_alarms),
        }


def judge_hidden(t: Tally, case: Case | None, page: str, findings: list[FindingRow]) -> None:
    expected = {_key(urljoin(page, u)) for u in (case.hidden if case else ())}
    injected = _injected(case) if case else ""
    if expected:
        t.cases += 1
    hit = False
    for f in findings:
        targets = [_key(urljoin(page, u)) for u in f.detail.get("targets", [])]
        mine = [k for k in targets if k in expected]
        stray = [
            k for k in targets if k not in expected and not (injected and k[0] and k[0] in injected)
        ]
        hit = hit or bool(mine)
        if stray:
            t.wrong += 1
            t.false_alarms.append(
                f"{_name(case, page)}: {', '.join(h + p for h, p in stray)} ({f.detail.get('technique')})"
            )
        elif mine:
            t.right += 1
    if expected:
        t.found += hit
        if not hit:
            t.misses.append(_name(case, page))


def judge_scripts(t: Tally, case: Case | None, page: str, findings: list[FindingRow]) -> None:
    marks = case.scripts if case else ()
    injected = _injected(case) if case else ""
    t.cases += len(marks)
    found: set[str] = set()
    for f in findings:
        ok, mark = _belongs(f.detail, marks, injected)
        if ok:
            t.right += 1
            found.add(mark)
        elif not _about_injection(f.detail, injected):
            t.wrong += 1
            what = f.detail.get("src") or (f.detail.get("snippet") or "")[:60]
            t.false_alarms.append(f"{_name(case, page)}: {f.detail.get('why')} {what}")
    t.found += len(found)
    t.misses.extend(f"{_name(case, page)}: {m}" for m in marks if m not in found)


def judge_wording(t: Tally, case: Case | None, page: str, findings: list[FindingRow]) -> None:
    wrongs = case.wording if case else ()
    t.cases += len(wrongs)
    found: set[str] = set()
    for f in findings:
        said = f.detail.get("wrong") or ""
        match = [w for w in wrongs if said and (said in w or w in said)]
        if match:
            t.right += 1
            found.update(match)
        else:
            t.wrong += 1
            t.false_alarms.append(
                f"{_name(case, page)}: {said} → {f.detail.get('suggestion')} ({f.detail.get('rule')})"
            )
    t.found += len(found)
    t.misses.extend(f"{_name(case, page)}: {w}" for w in wrongs if w not in found)


def _name(case: Case | None, page: str) -> str:
    return case.name if case else page


def _report(name: str, figures: dict[str, object], first: object) -> None:
    print(f"\n{name}: {figures['found']}/{figures['cases']} found (recall {figures['recall']}), "
          f"{figures['false_alarms']} false alarms in {figures['findings']} findings "
          f"(precision {figures['precision']})")  # fmt: skip
    for miss in figures["misses"]:  # type: ignore[attr-defined]
        print(f"  miss: {miss}")
    for fa in figures["false_alarm_list"]:  # type: ignore[attr-defined]
        print(f"  false alarm: {fa}")
    if first:
        print(f"  first run (found, cases, false alarms, findings): {first['found']}")  # type: ignore[index]


def _findings(db_url: str, run_ids: dict[str, int]) -> list[FindingRow]:
    with open_session(db_url) as s:
        return list(s.scalars(select(FindingRow).where(FindingRow.run_id.in_(run_ids.values()))))


def _meets(figures: dict[str, object], target: tuple[float, float]) -> bool:
    return figures["recall"] >= target[0] and figures["precision"] >= target[1]  # type: ignore[operator]


@pytest_twisted.ensureDeferred
async def test_pages_of_four_cms_families(sqlite_url):
    with serve() as port:
        hosts = list(PORTALS)
        sites = [site(f"p{i}", f"http://{h}:{port}/") for i, h in enumerate(hosts)]
        runs = await crawl(
            sites,
            sqlite_url,
            INSPECTOR_STATIC_HOSTS=static_hosts(hosts),
            INSPECTOR_CLOAKING_SAMPLE=0,
        )
    by_page: dict[tuple[str, str], list[FindingRow]] = defaultdict(list)
    for f in _findings(sqlite_url, runs):
        by_page[(f.check, f.url)].append(f)
    tallies = {k: Tally() for k in ("hidden_links", "malicious_script", "wording_error")}
    judges = {
        "hidden_links": judge_hidden,
        "malicious_script": judge_scripts,
        "wording_error": judge_wording,
    }
    pages: dict[str, Case | None] = {}
    for tpl, (_county, host, _enc) in SITES.items():
        pages[f"http://{host}:{port}/"] = None
        for case in PAGE_CASES:
            if case.tpl == tpl:
                pages[f"http://{host}:{port}{case_path(case)}"] = case
    stray_pages = sorted({u for (c, u) in by_page if c in judges and u not in pages})
    for check, judge in judges.items():
        for page, case in pages.items():
            judge(tallies[check], case, page, by_page.get((check, page), []))
        for page in stray_pages:
            judge(tallies[check], None, page, by_page.get((check, page), []))
    figures = {k: t.figures() for k, t in tallies.items()}
    for k, fig in figures.items():
        _report(k, fig, FIRST_RUN[k])
    controls = defaultdict(int)
    for case in PAGE_CASES:
        controls[case.control] += 1
    print(f"\npages: {len(pages)}; controls by family: {dict(controls)}")
    measured = {k: (f["found"], f["cases"], f["false_alarms"]) for k, f in figures.items()}
    assert measured == {k: EXPECTED_NOW[k] for k in figures}
    for k, fig in figures.items():
        assert _meets(fig, TARGETS[k]), (k, fig)


@pytest_twisted.ensureDeferred
async def test_cloaking_on_cloaked_sites_only(sqlite_url):
    with serve() as port:
        hosts = [*CLOAKED, *CONTROLS]
        sites = [site(h.split(".")[1], f"http://{h}:{port}/") for h in hosts]
        runs = await crawl(sites, sqlite_url, INSPECTOR_STATIC_HOSTS=static_hosts(hosts))
    flagged = {f.site_id for f in _findings(sqlite_url, runs) if f.check == "cloaking"}
    t = Tally()
    for host in hosts:
        sid = host.split(".")[1]
        cloaked = host in CLOAKED
        t.cases += cloaked
        if cloaked and sid in flagged:
            t.found += 1
            t.right += 1
        elif cloaked:
            t.misses.append(sid)
        elif sid in flagged:
            t.wrong += 1
            t.false_alarms.append(sid)
    figures = t.figures()
    _report("cloaking", figures, FIRST_RUN["cloaking"])
    assert (figures["found"], figures["cases"], figures["false_alarms"]) == EXPECTED_NOW["cloaking"]
    assert _meets(figures, TARGETS["cloaking"]), figures


# After the fixes the first run's misses and false alarms led to (general ones, none about these
# pages' names or hosts): rules nested in @media read as top-level when another rule preceded
# them in the block (the print stylesheet's `.footer{display:none}`); `transform: translate…`
# far off-screen; a hidden panel the page's own handlers toggle or show is a menu
# (extract/ondemand.py); `new Function(atob(…))` and `setTimeout(unescape(…))` are eval;
# ajax.aspnetcdn.com is a public CDN (hosts.toml). Left as it was: 李晞书记 — 书记 is a title
# local officials carry too, and a homophone of a leader's name next to it alone is not read as
# the leader (a 村支部书记 may be called so); the page named 中央纪委书记李希 earlier, which the
# detector does not use. (found, cases, false alarms) per family:
EXPECTED_NOW: dict[str, tuple[int, int, int]] = {
    "hidden_links": (26, 26, 0),
    "malicious_script": (24, 24, 0),
    "wording_error": (14, 15, 0),
    "cloaking": (6, 6, 0),
}
