"""严重错误与安全 — hidden links (暗链), injected code (挂马), cloaking (黑帽SEO) and serious wording
errors (严重表述错误), judged site-wide from the facts the crawl gathered on every page
(`inspector.crawl.extract.security`).

These findings are evidence for a person, not automatic verdicts: severity per check lives in
the profile's `[security.severity]` (default: hidden links, malicious scripts and cloaking are
veto items, wording errors major); checks named in `[security] needs_review` carry
`needs_review: true` (待人工复核). `inspector review` records a person's decision per finding.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from checks.base import (
    Check,
    Evidence,
    Fact,
    Finding,
    NotConfigured,
    PageFacts,
    Severity,
    SiteSnapshot,
)
from inspector.lexicons import HostPolicy, host_key, load_lexicons
from inspector.profile import ProfileError, RulesProfile

DEFAULT_SEVERITY = {
    "hidden_links": "veto",
    "spam_links": "veto",
    "malicious_script": "veto",
    "cloaking": "veto",
    "wording_error": "major",
}
DEFAULT_NEEDS_REVIEW = ("spam_links", "wording_error")
# Cloaking fetch modes: what the second (and third) fetch pretended to be.
CLOAKING_MODES = ("baiduspider", "baidu_referer")


def security_rules(profile: RulesProfile) -> dict[str, Any]:
    """Validated `[security]` settings of a profile (the lexicon files are read too)."""
    section = profile.section("security")
    severity = dict(DEFAULT_SEVERITY)
    for code, value in profile.section("security.severity").items():
        if code not in DEFAULT_SEVERITY:
            raise ProfileError(
                profile.path, f"security.severity.{code}",
                f"unknown check (expected {', '.join(DEFAULT_SEVERITY)})",
            )  # fmt: skip
        if value not in [s.value for s in Severity]:
            raise ProfileError(
                profile.path, f"security.severity.{code}",
                f"must be one of {', '.join(s.value for s in Severity)}, not {value!r}",
            )  # fmt: skip
        severity[code] = value
    review = section.get("needs_review", list(DEFAULT_NEEDS_REVIEW))
    if not isinstance(review, list) or not all(r in DEFAULT_SEVERITY for r in review):
        raise ProfileError(
            profile.path, "security.needs_review",
            f"must be a list of check codes ({', '.join(DEFAULT_SEVERITY)})",
        )  # fmt: skip
    enabled = section.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ProfileError(profile.path, "security.enabled", "must be true or false")
    lexicons = load_lexicons(profile)
    return {
        "severity": severity,
        "needs_review": set(review),
        "enabled": enabled,
        "lexicons": lexicons,
    }


def page_security(page: PageFacts) -> Mapping[str, Any]:
    return getattr(page, "security", None) or {}


def site_hosts(site: SiteSnapshot) -> frozenset[str]:
    """The site's host keys: those of every URL its home page goes by."""
    return frozenset(k for k in (host_key(u) for u in site.home_urls) if k)


class SecurityCheck(Check):
    """Shared plumbing: severity and the review flag from the profile."""

    title: ClassVar[dict[str, str]] = {}
    advice: ClassVar[dict[str, str]] = {}

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        rules = security_rules(profile)
        if not rules["enabled"]:
            raise NotConfigured("security checks are switched off ([security] enabled = false)")
        self.severity = Severity(rules["severity"][self.code])
        self.needs_review = self.code in rules["needs_review"]
        self.hosts: HostPolicy = rules["lexicons"].hosts

    def finding(self, url: str, detail: dict[str, Any], key: str) -> Finding:
        if self.needs_review:
            detail["needs_review"] = True
        return Finding(self.code, self.severity, url, detail, key=key)

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        return ""

    # (detail key, zh label, en label, shown as links): what a report lists under the line.
    labels: ClassVar[tuple[tuple[str, str, str, bool], ...]] = ()

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        en = lang == "en"
        facts = [
            Fact(en_label if en else zh_label, detail[key], links=links)
            for key, zh_label, en_label, links in self.labels
            if detail.get(key) not in (None, "", [], {})
        ]
        if detail.get("needs_review"):
            facts.append(
                Fact("Review" if en else "复核", "awaiting review" if en else "待人工复核")
            )
        shown = {key for key, *_ in self.labels} | {"page", "needs_review"}
        return Evidence(facts=facts, shown=frozenset(shown | self.quiet))

    quiet: ClassVar[frozenset[str]] = frozenset()  # detail keys a reader needs not see


def _page_url(page: PageFacts) -> str:
    return page.final_url or page.url


class HiddenLinks(SecurityCheck):
    """暗链 — links hidden from readers, to other hosts or with gambling/adult/loan words.

    One finding `hidden_links` per page. A hidden link counts when it goes to a host that is
    neither the site, a government domain nor the profile's trusted hosts, or when its text,
    title or URL carries the spam lexicon's strong words. Hiding by display:none or
    visibility:hidden (how drop-down menus and tabs work) counts for such a link only outside a
    menu/tab/pop-up block, or with strong words; a block an inline script hides only with
    strong words; links written after the page's last `</html>` (technique `after </html>`)
    with any spam word; a link to the site's own pages only with two strong words, or one
    outside a menu. detail: `page`, `targets` (the hidden URLs), `technique` (the CSS or markup that hides
    them, e.g. `display:none`, `position:absolute; left:-9999px`, `font-size:0`), `links`
    (url, text, host, strong/weak words, technique, block), `words`.
    """

    code = "hidden_links"
    labels = (
        ("targets", "隐藏的链接", "Hidden links", True),
        ("technique", "隐藏方式", "Hidden by", False),
        ("words", "涉及词语", "Words", False),
    )
    quiet = frozenset({"links"})
    title = {"zh": "暗链（隐藏链接）", "en": "Hidden links"}
    advice = {
        "zh": "页面中存在对访问者隐藏、指向外部网站或含博彩色情等词语的链接，通常是网站被入侵后植入的"
        "黑链。请立即排查网页模板和服务器文件，删除植入代码，修补漏洞并修改管理密码。",
        "en": "Links hidden from visitors, to other sites or with gambling/adult words, are usually "
        "planted by an intruder. Remove them from the templates and files, fix the hole and change "
        "the passwords.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        hosts = site_hosts(site)
        for page in site.pages:
            links = []
            for group in page_security(page).get("hidden", ()):
                for link in group.get("links", ()):
                    if self._counts(group, link, hosts):
                        links.append(
                            {
                                **link,
                                "technique": group["technique"],
                                "block": group.get("block", ""),
                            }
                        )
            if not links:
                continue
            url = _page_url(page)
            techniques = list(dict.fromkeys(link["technique"] for link in links))
            words = list(dict.fromkeys(w for link in links for w in link.get("strong", ())))
            detail = {
                "page": url,
                "targets": list(dict.fromkeys(link["url"] for link in links)),
                "technique": "; ".join(techniques),
                "links": links,
                "words": words,
            }
            yield self.finding(url, detail, key=url)

    def _counts(
        self, group: Mapping[str, Any], link: Mapping[str, Any], hosts: frozenset[str]
    ) -> bool:
        strong = link.get("strong", ())
        kind = group.get("kind", "display")
        quiet = group.get("menu_like", False)
        untrusted = bool(link.get("host")) and not self.hosts.trust(link["host"], hosts)
        if untrusted:
            # A block a script hides, or links written after </html> (where a vendor's credit
            # link may stand too): any spam word, weak ones too.
            if kind in ("script", "after_end"):
                return bool(strong) or bool(link.get("weak"))
            return bool(strong) or kind in ("conceal", "text") or not quiet
        if len(set(strong)) >= 2:
            return True
        return bool(strong) and kind != "script" and (kind != "display" or not quiet)

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        n = len(detail.get("targets", ()))
        if lang == "en":
            return f"{n} hidden link(s) ({detail.get('technique', '')})"
        return f"{n} 个隐藏链接（隐藏方式：{detail.get('technique', '')}）"


class SpamLinks(SecurityCheck):
    """链接赌博色情等违法网站 — links in plain view to hosts nobody trusts whose own text or title
    is gambling, adult or loan spam: a 友情链接 block rewritten by an intruder, spam links added
    to an article. Hidden ones are `hidden_links`.

    One finding `spam_links` per page, read only on pages whose text carries a strong word of the
    spam lexicon; a link's URL alone is not enough, nor are the weak words (福利彩票, 打击赌博).
    detail: `page`, `targets`, `links` (url, text, host, strong/weak words), `words`.
    """

    code = "spam_links"
    labels = (
        ("targets", "违规链接", "Links", True),
        ("words", "涉及词语", "Words", False),
    )
    quiet = frozenset({"links"})
    title = {"zh": "链接赌博、色情等违法网站", "en": "Links to gambling or adult sites"}
    advice = {
        "zh": "页面上有指向赌博、色情、网贷等违法网站的链接，通常是网站被入侵后篡改了友情链接或正文。"
        "请核实并删除这些链接，排查网页模板和服务器文件，修补漏洞并修改管理密码。",
        "en": "The page links to gambling, adult or loan sites, usually after an intruder rewrote "
        "its links or text. Check and remove them, search the templates and files, fix the hole "
        "and change the passwords.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for page in site.pages:
            links = list(page_security(page).get("spam_links", ()))
            if not links:
                continue
            url = _page_url(page)
            detail = {
                "page": url,
                "targets": list(dict.fromkeys(link["url"] for link in links)),
                "links": links,
                "words": list(dict.fromkeys(w for link in links for w in link.get("strong", ()))),
            }
            yield self.finding(url, detail, key=url)

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        n = len(detail.get("targets", ()))
        if lang == "en":
            return f"{n} link(s) to gambling or adult sites ({', '.join(detail.get('words', ()))})"
        return f"{n} 个指向赌博、色情等违法网站的链接（{'、'.join(detail.get('words', ()))}）"


WHY_TEXT = {
    "untrusted_script_host": ("加载来自不受信任网站的脚本", "script from an untrusted host"),
    "untrusted_iframe_host": ("嵌入不受信任网站的框架页", "frame from an untrusted host"),
    "hidden_iframe": ("隐藏的框架页加载外部网站", "hidden frame loading another host"),
    "meta_refresh_untrusted": ("页面自动跳转到外部网站", "meta refresh to another host"),
    "loads_untrusted_script": ("脚本动态加载来自不受信任网站的代码", "script loads code from an untrusted host"),
    "writes_untrusted_source": ("脚本写入来自不受信任网站的代码", "script writes code from an untrusted host"),
    "document_write_unescape": ("用编码字符串写入隐藏的脚本", "encoded inline script written with document.write"),
    "eval_fromcharcode": ("eval(String.fromCharCode(…)) 混淆代码", "eval(String.fromCharCode(…)) obfuscation"),
    "fromcharcode_payload": ("字符编码拼接出的跳转或脚本代码", "code assembled from character codes"),
    "eval_encoded": ("eval 执行解码后的字符串", "eval of a decoded string"),
    "packed_eval": ("eval(function(p,a,c,k,e,d)…) 加壳代码", "packed eval(function(p,a,c,k,e,d)…) code"),
    "hex_escaped_blob": ("大段十六进制转义的混淆代码", "long hex-escaped blob"),
    "obfuscator_identifiers": ("混淆器生成的代码（_0x…）", "obfuscator output (_0x… identifiers)"),
    "base64_eval": ("执行 Base64 编码的代码", "runs base64-encoded code"),
    "data_uri_script": ("data: 地址中编码的脚本", "script encoded in a data: URI"),
    "search_referrer_redirect": ("从搜索引擎来访时跳转到其他网站", "redirects visitors coming from search engines"),
    "redirects_untrusted": ("脚本将访问者直接跳转到外部网站", "script sends every visitor to an untrusted host"),
    "crawler_user_agent_check": ("对搜索引擎爬虫显示不同内容", "shows other content to search-engine crawlers"),
}  # fmt: skip


class MaliciousScript(SecurityCheck):
    """挂马 — injected code: scripts and frames from untrusted hosts, obfuscated inline script,
    redirects of visitors who come from a search engine.

    One finding `malicious_script` per page and source (or snippet). A host is trusted when it is
    the site, a government domain or in the hosts lexicon / `[security] allow_hosts` (statistics,
    the 党政机关 badge, share buttons, CDNs, widgets). detail: `page`, `src` (loaded code) or
    `snippet` (inline code), `why` (a stable code: untrusted_script_host, untrusted_iframe_host,
    hidden_iframe, meta_refresh_untrusted, loads_untrusted_script, writes_untrusted_source, document_write_unescape,
    eval_fromcharcode, fromcharcode_payload, eval_encoded, packed_eval, hex_escaped_blob,
    obfuscator_identifiers, base64_eval, data_uri_script, search_referrer_redirect,
    crawler_user_agent_check), `host` when one is involved.
    """

    code = "malicious_script"
    labels = (
        ("src", "代码来源", "Source", True),
        ("snippet", "代码片段", "Code", False),
        ("host", "主机", "Host", False),
    )
    quiet = frozenset({"why"})
    title = {"zh": "挂马与恶意代码", "en": "Injected code"}
    advice = {
        "zh": "页面加载了来自不明网站的脚本或框架页，或含有混淆代码、针对搜索引擎来访者的跳转代码，"
        "是网站被挂马的典型迹象。请核对每一处代码的来源，删除不明代码并全面排查服务器。",
        "en": "Scripts or frames from unknown hosts, obfuscated code and search-engine redirects "
        "are the usual signs of a compromised site. Check every source, remove unknown code and "
        "audit the server.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        hosts = site_hosts(site)
        for page in site.pages:
            url = _page_url(page)
            for item in page_security(page).get("scripts", ()):
                host = item.get("host", "")
                if host and self.hosts.trust(host, hosts):
                    continue  # trusted since the crawl (allow-list edited)
                detail = {"page": url, "why": item["why"]}
                if item.get("src"):
                    detail["src"] = item["src"]
                    what = item["src"]
                else:
                    detail["snippet"] = item.get("snippet", "")
                    what = hashlib.blake2b(detail["snippet"].encode(), digest_size=6).hexdigest()
                if host:
                    detail["host"] = host
                yield self.finding(url, detail, key=f"{url}|{item['why']}|{what}")

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        zh, en = WHY_TEXT.get(detail.get("why", ""), (detail.get("why", ""), detail.get("why", "")))
        what = detail.get("src") or detail.get("snippet", "")
        return f"{en}: {what}" if lang == "en" else f"{zh}：{what}"


def compare_versions(browser: Mapping[str, Any], other: Mapping[str, Any]) -> dict[str, Any] | None:
    """The evidence that `other` (fetched as a search engine, or arriving from one) shows what a
    browser does not: new spam words, links to new untrusted hosts, a redirect to an untrusted
    host, or another title. None when the versions agree (or the other fetch failed)."""
    if not _ok(browser.get("status")):
        return None
    redirect = other.get("final_host") != browser.get("final_host") and not other.get("final_trust")
    if not _ok(other.get("status")) and not redirect:
        return None  # blocked or broken for crawlers: not content shown to them
    seen_words = set(browser.get("strong", ())) | set(browser.get("weak", ()))
    new_words = [w for w in other.get("strong", ()) if w not in seen_words]
    new_hosts = [h for h in other.get("hosts", ()) if h not in set(browser.get("hosts", ()))]
    new_links = [
        u for u in other.get("links", ()) if any(f"//{h}" in u or f".{h}" in u for h in new_hosts)
    ]
    title_changed = _norm(browser.get("title", "")) != _norm(other.get("title", "")) and bool(
        _norm(other.get("title", "")) and _norm(browser.get("title", ""))
    )
    if not (new_words or new_hosts or redirect or title_changed):
        return None
    return {
        "browser": {k: browser.get(k) for k in ("title", "final_url", "status")},
        "crawler": {k: other.get(k) for k in ("title", "final_url", "status")},
        "title_changed": title_changed,
        "new_words": new_words,
        "new_hosts": new_hosts,
        "new_links": new_links,
        "redirect": other.get("final_url") if redirect else "",
    }


def _ok(status: Any) -> bool:
    return isinstance(status, int) and 200 <= status < 300


def _norm(title: str) -> str:
    return "".join(title.split())


class Cloaking(SecurityCheck):
    """黑帽SEO 寄生 (cloaking) — the site shows search engines, or visitors arriving from a search,
    something else than it shows a browser.

    The crawl fetches the home page and a sample of pages (INSPECTOR_CLOAKING_SAMPLE) again as
    Baiduspider and with a Baidu search Referer. One finding `cloaking` per page and way of
    fetching that saw a different title, new spam words, links to new untrusted hosts or a
    redirect to another host. detail: `page`, `user_agent`, `referer`, `evidence` (`browser` and
    `crawler`: title, final URL, status; `title_changed`, `new_words`, `new_hosts`,
    `new_links`, `redirect`).
    """

    code = "cloaking"
    labels = (
        ("user_agent", "模拟的 User-Agent", "User-Agent sent", False),
        ("referer", "模拟的来源（Referer）", "Referer sent", False),
    )
    quiet = frozenset({"mode", "evidence"})

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        found = super().evidence(detail, lang)
        ev = detail.get("evidence") or {}
        en = lang == "en"
        for value, zh, eng, links in (
            (
                (ev.get("browser") or {}).get("title"),
                "浏览器看到的标题",
                "Title for a browser",
                False,
            ),
            (
                (ev.get("crawler") or {}).get("title"),
                "搜索引擎看到的标题",
                "Title for the crawler",
                False,
            ),
            (ev.get("new_words"), "新出现的词语", "New words", False),
            (ev.get("new_links"), "新出现的链接", "New links", True),
            (ev.get("redirect"), "跳转到", "Redirects to", True),
        ):
            if value:
                found.facts.append(Fact(eng if en else zh, value, links=links))
        return found

    title = {"zh": "黑帽SEO（对搜索引擎显示不同内容）", "en": "Cloaking"}
    advice = {
        "zh": "网站对搜索引擎爬虫或从搜索引擎来访的用户显示了与普通访问不同的内容，这是网站被植入"
        "寄生虫程序（黑帽SEO）的典型迹象。请检查服务器程序、伪静态规则和.htaccess等配置文件，删除"
        "按 User-Agent 或 Referer 分流的代码。",
        "en": "The site serves other content to search-engine crawlers or visitors from a search: "
        "a planted cloaking program. Check server code and rewrite rules for User-Agent/Referer "
        "switches and remove them.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for page in site.pages:
            versions = page_security(page).get("cloaking")
            if not versions or "browser" not in versions:
                continue
            url = _page_url(page)
            for mode in CLOAKING_MODES:
                other = versions.get(mode)
                if not other:
                    continue
                evidence = compare_versions(versions["browser"], other)
                if evidence is None:
                    continue
                detail = {
                    "page": url,
                    "mode": mode,
                    "user_agent": other.get("user_agent", ""),
                    "referer": other.get("referer", ""),
                    "evidence": evidence,
                }
                yield self.finding(url, detail, key=f"{url}|{mode}")

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        ev = detail.get("evidence", {})
        b, c = ev.get("browser", {}), ev.get("crawler", {})
        if lang == "en":
            return f"browser sees “{b.get('title', '')}”, {detail.get('mode')} sees “{c.get('title', '')}”"
        who = "百度爬虫" if detail.get("mode") == "baiduspider" else "从百度搜索来访"
        return f"浏览器看到“{b.get('title', '')}”，{who}看到“{c.get('title', '')}”"


class WordingErrors(SecurityCheck):
    """严重表述错误 — leaders' names written wrongly, leaders with wrong or outdated titles,
    terms the official style guides forbid.

    One finding `wording_error` per page and wrong text (lexicons: leaders, terms, exceptions;
    the page's date decides which titles were right). Flagged for review (待人工复核) by default.
    detail: `page`, `wrong`, `suggestion`, `context` (the sentence around it), `rule`
    (name:homophone, name:lookalike, phrase:homophone, title:wrong, title:outdated, term),
    `count` (occurrences on the page), `note`.
    """

    code = "wording_error"
    labels = (
        ("wrong", "错误表述", "Wrong", False),
        ("suggestion", "建议改为", "Suggestion", False),
        ("context", "上下文", "Context", False),
        ("note", "说明", "Note", False),
        ("count", "本页出现次数", "Times on the page", False),
    )
    quiet = frozenset({"rule"})
    title = {"zh": "严重表述错误", "en": "Serious wording errors"}
    advice = {
        "zh": "页面中领导人姓名、职务或规范用语有误。请按建议改正，并建立信息发布前的审校制度。",
        "en": "A leader's name or title, or a term, is wrong. Correct it as suggested and review "
        "texts before publishing.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        for page in site.pages:
            url = _page_url(page)
            for item in page_security(page).get("wording", ()):
                detail = {"page": url, **{k: v for k, v in item.items() if k != "office"}}
                yield self.finding(url, detail, key=f"{url}|{item['wrong']}")

    def describe(self, detail: Mapping[str, Any], lang: str = "zh") -> str:
        if lang == "en":
            return f"“{detail.get('wrong', '')}” → “{detail.get('suggestion', '')}”"
        return f"“{detail.get('wrong', '')}”应为“{detail.get('suggestion', '')}”"
