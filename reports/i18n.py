"""Report-facing text: Chinese by default (the reader is a site operator), English available.

Everything a reader sees goes through here: labels, check titles, reasons in plain words, the
整改建议 per check. Codes stay codes in exports (`broken_link`, `http_404`); here they become
sentences. Unknown codes fall back to the code itself, so a new check still renders.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
TIMEOUT_SECONDS = 15  # the census timeout, DOWNLOAD_TIMEOUT in inspector/settings.py

MESSAGES: dict[str, dict[str, str]] = {
    "zh": {
        "report_title": "网站检查整改报告",
        "overview_title": "政府网站检查总览",
        "site_name": "网站名称",
        "site_url": "网站地址",
        "url": "网址",
        "organizer": "主办单位",
        "site_code": "网站标识码",
        "kind": "网站类型",
        "run_time": "检查时间",
        "as_of": "数据截止日期",
        "rules": "评分规则",
        "home_newest": "首页最新信息日期",
        "pages_crawled": "抓取页面",
        "targets_checked": "检查链接",
        "verdict": "检查结论",
        "score": "得分",
        "no_score": "不计分",
        "veto_section": "单项否决项",
        "veto_note": "存在单项否决项，判定为不合格，其余指标不再计分（下列扣分项仅供整改参考）。",
        "deduction_section": "扣分项",
        "arithmetic": "计分明细",
        "line": "指标",
        "count": "数量",
        "points": "每项扣分",
        "per_percent": "每1%扣分",
        "cap": "扣分上限",
        "deducted": "实际扣分",
        "total_deducted": "合计扣分",
        "no_cap": "不设上限",
        "capped": "已达上限",
        "problems": "问题",
        "problem": "问题",
        "evidence": "证据",
        "advice": "整改建议",
        "tracking": "整改状态",
        "no_problems": "未发现问题。",
        "not_inspected": "该网站本次未纳入检查。",
        "new": "新发现",
        "open": "未整改",
        "open_since": "未整改（{date}起，已{days}天）",
        "fixed": "已整改",
        "overdue": "已超期",
        "deadline": "整改期限",
        "first_seen": "首次发现",
        "days_open": "已持续天数",
        "tracking_summary": "新发现{new}项，未整改{open}项（其中超期{overdue}项），较上次检查已整改{fixed}项。",
        "tracking_incomplete": "本次检查未能完整访问网站，无法确认问题是否已整改（{n}项待复核）。",
        "fixed_section": "较上次检查已整改的问题",
        "trend": "近期检查趋势",
        "trend_problems": "问题数",
        "trend_score": "得分",
        "trend_veto": "否决",
        "sources": "所在页面",
        "and_more": "等另外{n}个页面",
        "and_more_items": "另有{n}项未列出（完整清单见导出的表格）",
        "anchor_texts": "链接文字",
        "reason": "原因",
        "status": "状态码",
        "column": "栏目",
        "category": "栏目类别",
        "newest_date": "最新信息日期",
        "age_days": "距今天数",
        "threshold_days": "更新期限（天）",
        "newest_item": "最新信息",
        "none_dated": "无注明日期的信息",
        "element": "页面要素",
        "share_missing": "缺少该要素的抽查页面比例",
        "monitoring_incomplete": "监测数据不完整（日均少于{n}次），不据此否决",
        "probes_per_day": "日均监测次数",
        "failure_reasons": "失败原因",
        "last_failure": "最近一次失败",
        "crawl_error": "本次抓取时的错误",
        "probed_at": "监测时间",
        "elapsed_ms": "响应时间（毫秒）",
        "stale_since": "最新信息为{date}，已{days}天未更新",
        "basis": "判断依据",
        "basis_home": "首页信息",
        "basis_columns": "首页仅为导航，按二级栏目判断",
        "parent": "上级栏目",
        "canonical": "规范名称",
        "item_count": "首页条目数",
        "empty_marker": "页面显示“暂无信息”等",
        "now_count": "（当前{n}个）",
        "rule": "规则",
        "threshold": "阈值",
        "columns": "栏目",
        "incomplete": "数据不完整",
        "synonyms": "可接受的名称",
        "element_mismatch": "{element}与登记的不一致",
        "where": "位置",
        "where_home": "首页",
        "where_inner_pages": "抽查的内页",
        "pages_missing": "缺少的页面/抽查页面",
        "examples": "例如",
        "expected": "登记的标识码",
        "found": "页面上的标识码",
        "share": "首页无法访问的比例",
        "probes": "监测次数",
        "failures": "失败次数",
        "window": "监测周期",
        "error": "错误信息",
        "final_url": "最终地址",
        "title": "页面标题",
        "on_home_page": "位于首页",
        "redirects": "重定向",
        "note": "说明",
        "internal": "站内链接",
        "yes": "是",
        "no": "否",
        "days": "{n}天",
        "check_errors": "部分检查未能完成",
        "bounds_tripped": "抓取达到上限，结果可能不完整",
        "registered": "登记",
        "active": "应自查",
        "closed": "关停",
        "exception": "例外",
        "inspected": "已检查",
        "not_run": "未检查",
        "passed": "合格",
        "failed": "不合格",
        "unreachable": "无法访问",
        "closed_online": "关停仍可访问",
        "closed_ok": "关停正常",
        "summary_sentence": "登记{registered}个，关停{closed}个，例外{exception}个，应自查{active}个；"
        "已检查{inspected}个，合格{passed}个，不合格{failed}个，无法访问{unreachable}个，关停仍可访问{closed_online}个。",
        "by_kind": "按网站类型统计",
        "common_problems": "最常见的问题",
        "sites_affected": "涉及网站",
        "findings_total": "问题总数",
        "all_sites": "全部网站",
        "filter_placeholder": "输入网站名称、地址或标识码筛选…",
        "filter_label": "筛选",
        "all_verdicts": "全部结论",
        "shown": "显示",
        "of": "/",
        "report_link": "报告",
        "site_id": "编号",
        "vetoes": "否决项",
        "veto_count": "否决",
        "major": "重要",
        "minor": "一般",
        "info": "提示",
        "veto": "否决",
        "severity": "严重程度",
        "generated_at": "生成时间",
        "back_to_overview": "返回总览",
        "pass_rate": "合格率",
        "portal": "门户网站",
        "department": "部门网站",
        "other_kind": "其他",
        "total": "合计",
        "offline_note": "本报告为独立文件，不加载任何外部资源，可离线查看和打印。",
        "more_fixed": "另有{n}项",
        "sort_hint": "点击表头排序",
        "list_sep": "、",
        "colon": "：",
    },
    "en": {
        "report_title": "Website inspection: rectification report",
        "overview_title": "Government websites: inspection overview",
        "site_name": "Site",
        "site_url": "URL",
        "url": "URL",
        "organizer": "Organizer",
        "site_code": "Site code",
        "kind": "Kind",
        "run_time": "Inspected",
        "as_of": "As of",
        "rules": "Rules",
        "home_newest": "Newest item on the home page",
        "pages_crawled": "Pages crawled",
        "targets_checked": "URLs checked",
        "verdict": "Verdict",
        "score": "Score",
        "no_score": "not scored",
        "veto_section": "Veto items",
        "veto_note": "A veto item fails the site and the other items are not scored (the deductions below are listed to help fix the site).",
        "deduction_section": "Deductions",
        "arithmetic": "Score arithmetic",
        "line": "Item",
        "count": "Count",
        "points": "Points each",
        "per_percent": "Points per 1%",
        "cap": "Cap",
        "deducted": "Deducted",
        "total_deducted": "Total deducted",
        "no_cap": "no cap",
        "capped": "cap reached",
        "problems": "Problems",
        "problem": "Problem",
        "evidence": "Evidence",
        "advice": "How to fix",
        "tracking": "Status",
        "no_problems": "No problems found.",
        "not_inspected": "This site was not inspected in this run.",
        "new": "New",
        "open": "Open",
        "open_since": "Open since {date} ({days} days)",
        "fixed": "Fixed",
        "overdue": "Overdue",
        "deadline": "Deadline",
        "first_seen": "First seen",
        "days_open": "Days open",
        "tracking_summary": "{new} new, {open} still open ({overdue} overdue), {fixed} fixed since the previous inspection.",
        "tracking_incomplete": "The site could not be inspected completely this time; {n} earlier problems could not be re-checked.",
        "fixed_section": "Fixed since the previous inspection",
        "trend": "Recent inspections",
        "trend_problems": "problems",
        "trend_score": "score",
        "trend_veto": "veto",
        "sources": "Linked from",
        "and_more": "and {n} more pages",
        "and_more_items": "{n} more not listed (see the exported spreadsheet for the full list)",
        "anchor_texts": "Link text",
        "reason": "Reason",
        "status": "HTTP status",
        "column": "Column",
        "category": "Category",
        "newest_date": "Newest item",
        "age_days": "Age (days)",
        "threshold_days": "Update window (days)",
        "newest_item": "Newest item",
        "none_dated": "no dated item",
        "element": "Page element",
        "share_missing": "Share of sampled pages without it",
        "monitoring_incomplete": "monitoring incomplete (fewer than {n} probes a day): no veto on it",
        "probes_per_day": "Probes per day",
        "failure_reasons": "Failure reasons",
        "last_failure": "Last failure",
        "crawl_error": "Error during this crawl",
        "probed_at": "Probed at",
        "elapsed_ms": "Response time (ms)",
        "stale_since": "newest item {date}, {days} days without an update",
        "basis": "Judged on",
        "basis_home": "the home page's items",
        "basis_columns": "the second-level columns (the home page only navigates)",
        "parent": "Parent column",
        "canonical": "Canonical name",
        "item_count": "Items on page one",
        "empty_marker": "Page says 暂无信息 or similar",
        "now_count": " (now {n})",
        "rule": "Rule",
        "threshold": "Threshold",
        "columns": "Columns",
        "incomplete": "Incomplete",
        "synonyms": "Accepted names",
        "element_mismatch": "{element} differs from the registered one",
        "where": "Where",
        "where_home": "home page",
        "where_inner_pages": "sampled inner pages",
        "pages_missing": "Pages without it / checked",
        "examples": "For example",
        "expected": "Registered code",
        "found": "Code on the page",
        "share": "Failed probes",
        "probes": "Probes",
        "failures": "Failures",
        "window": "Window",
        "error": "Error",
        "final_url": "Final URL",
        "title": "Page title",
        "on_home_page": "On the home page",
        "redirects": "Redirects",
        "note": "Note",
        "internal": "Internal link",
        "yes": "yes",
        "no": "no",
        "days": "{n} days",
        "check_errors": "Some checks could not complete",
        "bounds_tripped": "The crawl hit a limit; results may be incomplete",
        "registered": "Registered",
        "active": "Active",
        "closed": "Closed",
        "exception": "Exceptions",
        "inspected": "Inspected",
        "not_run": "Not inspected",
        "passed": "Passed",
        "failed": "Failed",
        "unreachable": "Unreachable",
        "closed_online": "Closed but online",
        "closed_ok": "Closed",
        "summary_sentence": "{registered} registered, {closed} closed, {exception} exceptions, {active} to inspect; "
        "{inspected} inspected: {passed} passed, {failed} failed, {unreachable} unreachable, {closed_online} closed but online.",
        "by_kind": "By kind of site",
        "common_problems": "Most common problems",
        "sites_affected": "Sites",
        "findings_total": "Findings",
        "all_sites": "All sites",
        "filter_placeholder": "Filter by name, URL or site code…",
        "filter_label": "Filter",
        "all_verdicts": "All verdicts",
        "shown": "Shown",
        "of": "of",
        "report_link": "report",
        "site_id": "ID",
        "vetoes": "Vetoes",
        "veto_count": "Veto",
        "major": "Major",
        "minor": "Minor",
        "info": "Info",
        "veto": "Veto",
        "severity": "Severity",
        "generated_at": "Generated",
        "back_to_overview": "Back to the overview",
        "pass_rate": "Pass rate",
        "portal": "Portal",
        "department": "Department",
        "other_kind": "Other",
        "total": "Total",
        "offline_note": "This report is a single file: it loads nothing from the network and prints on A4.",
        "more_fixed": "{n} more",
        "sort_hint": "click a header to sort",
        "list_sep": ", ",
        "colon": ": ",
    },
}

VERDICT_TEXT = {
    "zh": {
        "pass": "合格",
        "fail": "不合格",
        "unreachable": "不合格（站点无法访问）",
        "closed_ok": "已关停",
        "closed_online": "已关停但仍可访问",
        "skipped": "例外，不检查",
        None: "未评定",
    },
    "en": {
        "pass": "Pass",
        "fail": "Fail",
        "unreachable": "Fail (site unreachable)",
        "closed_ok": "Closed",
        "closed_online": "Closed but still online",
        "skipped": "Exception, not inspected",
        None: "No verdict",
    },
}

CHECK_TITLE = {
    "zh": {
        "site_unreachable": "站点无法访问",
        "closed_site_online": "已关停网站仍可访问",
        "broken_link": "打不开或错链",
        "homepage_stale": "首页长期未更新",
        "column_stale": "栏目未按期更新",
        "column_empty": "空白栏目",
        "column_veto": "栏目不更新（单项否决）",
        "missing_column": "缺少必备栏目",
        "missing_element": "缺少页面要素",
        "availability": "首页可用性",
        "missing_anchor": "页内锚点缺失（不扣分）",
    },
    "en": {
        "site_unreachable": "Site unreachable",
        "closed_site_online": "Closed site still online",
        "broken_link": "Broken or wrong links",
        "homepage_stale": "Home page not updated",
        "column_stale": "Column not updated",
        "column_empty": "Empty column",
        "column_veto": "Columns not updated (veto)",
        "missing_column": "Required column missing",
        "missing_element": "Page element missing",
        "availability": "Home page availability",
        "missing_anchor": "Missing in-page anchor (not scored)",
    },
}

DEDUCTION_TITLE = {
    "zh": {"broken_link_home": "首页不可用链接", "broken_link_other": "其他页面不可用链接"},
    "en": {
        "broken_link_home": "Broken links on the home page",
        "broken_link_other": "Broken links on other pages",
    },
}

ADVICE = {
    "zh": {
        "site_unreachable": "排查服务器、网络线路和域名解析，确保网站全天候可以访问；"
        "如网站已整合或关停，应按规定办理关停手续并在原域名发布关停说明。",
        "closed_site_online": "已登记关停的网站不应继续对外提供内容：彻底关停，或将域名跳转到整合后的网站，并核实登记信息。",
        "broken_link": "逐一处理失效链接：站内页面恢复原地址或更正链接，外部链接核实后更新或删除；"
        "首页上的链接优先处理，整改后重新检查。",
        "homepage_stale": "首页应及时发布信息，两周内须有更新；落实信息发布责任，动态、要闻类信息保持常态更新。",
        "column_stale": "按栏目类别及时更新：动态要闻类两周内，通知公告、政策文件类六个月内，人事、规划计划类一年内；"
        "确无信息可发布的栏目应合并或撤销。",
        "column_empty": "为空白栏目补充内容，或撤销、合并该栏目；不得保留“暂无信息”“正在建设中”的空栏目。",
        "column_veto": "栏目不更新已达单项否决标准：集中清理长期未更新和空白栏目，建立栏目更新责任制和定期巡检。",
        "missing_column": "按照《政府网站发展指引》设置该栏目（也可链接到上级平台的对应栏目），并保持更新。",
        "missing_element": "在网站底部（每个页面）补充该要素，内容与登记信息一致。",
        "availability": "排查服务器和网络的稳定性，必要时采用负载均衡、CDN 等措施，确保首页持续可以访问。",
        "missing_anchor": "链接指向页面中的某一位置（#锚点），但该页面没有这个锚点：更正链接或在页面中补上锚点。",
        "_default": "核实该问题并整改，整改后重新检查。",
    },
    "en": {
        "site_unreachable": "Check the server, network and DNS so that the site answers at all times; "
        "if the site was merged or closed, complete the closure procedure and publish a closure notice on the old domain.",
        "closed_site_online": "A site registered as closed must not serve content: shut it down or redirect the domain "
        "to the site that replaced it, and check the registration.",
        "broken_link": "Fix each broken link: restore internal pages or correct the link; check external links and update "
        "or remove them. Fix the home page's links first, then ask for a new inspection.",
        "homepage_stale": "Publish on the home page at least every two weeks; assign who publishes news and updates.",
        "column_stale": "Update each column within its window (news 14 days, notices and policies 6 months, personnel "
        "and planning 1 year); merge or remove columns with nothing to publish.",
        "column_empty": "Add content to the empty column, or remove or merge it; no placeholder columns (暂无信息, 正在建设中).",
        "column_veto": "The column veto threshold is reached: clean up stale and empty columns and make someone responsible "
        "for each column.",
        "missing_column": "Add the column required by the government website guidelines (a link to the same column on a "
        "higher-level platform also counts) and keep it updated.",
        "missing_element": "Add the element to the footer of every page, matching the registration.",
        "availability": "Make the server and network stable (load balancing, CDN if needed) so the home page stays reachable.",
        "missing_anchor": "The link points at a place in the page (#anchor) the page does not have: correct the link or add the anchor.",
        "_default": "Check this problem, fix it and ask for a new inspection.",
    },
}

ELEMENT = {
    "zh": {
        "site_code": ("网站标识码", "在每个页面底部标注网站标识码，且与登记的标识码一致。"),
        "icp": ("ICP备案编号", "在页面底部标注ICP备案编号，并链接到工业和信息化部备案管理系统。"),
        "police_record": (
            "公安机关备案标识",
            "在页面底部标注公安机关备案编号（××公网安备…号）并链接到备案系统。",
        ),
        "party_gov_logo": ("党政机关网站标识", "在页面底部展示党政机关网站标识（开办单位标识）。"),
        "sitemap": ("网站地图", "提供网站地图页面，并在页面底部或顶部设置入口。"),
        "search": ("站内搜索", "提供站内搜索功能，并在首页显著位置设置搜索框。"),
        "contact": ("联系方式", "在页面底部标注主办单位的地址和联系电话。"),
        "find_error": (
            "“我为政府网站找错”入口",
            "在首页显著位置设置“我为政府网站找错”监督举报入口。",
        ),
    },
    "en": {
        "site_code": (
            "Site code (网站标识码)",
            "Show the site code on every page's footer, matching the registry.",
        ),
        "icp": (
            "ICP registration number",
            "Show the ICP number in the footer, linked to the MIIT registration system.",
        ),
        "police_record": (
            "Public security registration",
            "Show the public security registration number and link.",
        ),
        "party_gov_logo": (
            "Party and government site badge",
            "Show the party and government website badge in the footer.",
        ),
        "sitemap": ("Site map", "Provide a site map page and link it from the header or footer."),
        "search": ("Site search", "Provide site search with a search box on the home page."),
        "contact": (
            "Contact details",
            "Show the organizer's address and telephone number in the footer.",
        ),
        "find_error": (
            "“Report an error” entry",
            "Put the 我为政府网站找错 entry prominently on the home page.",
        ),
    },
}

CATEGORY = {
    "zh": {
        "news": "动态要闻类",
        "notice": "通知公告类",
        "policy": "政策文件类",
        "personnel": "人事信息类",
        "planning": "规划计划类",
        "other": "其他",
    },
    "en": {
        "news": "news",
        "notice": "notices",
        "policy": "policies",
        "personnel": "personnel",
        "planning": "planning",
        "other": "other",
    },
}

COLUMN_VETO = {
    "zh": {
        "stale_key_columns": "动态要闻类、通知公告类、政策文件类栏目未更新累计达到{limit}个",
        "stale_or_empty_columns": "应更新但长期未更新的栏目（含空白栏目）达到{limit}个",
        "empty_columns": "空白栏目达到{limit}个",
    },
    "en": {
        "stale_key_columns": "{limit} or more news, notice or policy columns not updated",
        "stale_or_empty_columns": "{limit} or more columns not updated or empty",
        "empty_columns": "{limit} or more empty columns",
    },
}

_HTTP = {
    "zh": {
        400: "请求错误",
        401: "需要登录",
        403: "禁止访问",
        404: "页面不存在",
        410: "页面已删除",
        500: "服务器内部错误",
        502: "网关错误",
        503: "服务暂不可用",
        504: "网关超时",
    },
    "en": {
        400: "bad request",
        401: "login required",
        403: "forbidden",
        404: "page not found",
        410: "page gone",
        500: "server error",
        502: "bad gateway",
        503: "service unavailable",
        504: "gateway timeout",
    },
}

REASON = {
    "zh": {
        "timeout": "连接超时({timeout}秒)",
        "connection_refused": "连接被拒绝",
        "connection_reset": "连接被重置",
        "connection_error": "连接失败",
        "dns": "域名无法解析",
        "tls": "证书或加密连接错误",
        "redirect_loop": "重定向循环",
        "too_many_redirects": "重定向次数过多",
        "soft_404": "页面显示为“页面不存在”(软404)",
        "error_link": "错链：{note}",
        "error_link_bare": "错链：链接指向的内容与链接文字不符",
        "bad_response": "服务器响应无效",
        "too_large": "文件过大，无法下载",
        "ignored": "未访问",
        "robots": "被网站的robots.txt禁止访问",
        "invalid_url": "链接地址无效，无法打开",
        "http_other": "无法打开(HTTP {status})",
        "unknown": "无法打开",
    },
    "en": {
        "timeout": "timed out ({timeout} s)",
        "connection_refused": "connection refused",
        "connection_reset": "connection reset",
        "connection_error": "connection failed",
        "dns": "domain name does not resolve",
        "tls": "certificate or TLS error",
        "redirect_loop": "redirect loop",
        "too_many_redirects": "too many redirects",
        "soft_404": "page says “page not found” (soft 404)",
        "error_link": "wrong link: {note}",
        "error_link_bare": "wrong link: the target does not match the link text",
        "bad_response": "invalid response",
        "too_large": "file too large to download",
        "ignored": "not fetched",
        "robots": "blocked by the site's robots.txt",
        "invalid_url": "not a valid link, cannot be opened",
        "http_other": "cannot be opened (HTTP {status})",
        "unknown": "cannot be opened",
    },
}


def lang_of(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(lang: str, key: str, **kwargs: Any) -> str:
    """A message of the catalog, formatted; the English text, then the key, as fallbacks."""
    text = MESSAGES[lang_of(lang)].get(key) or MESSAGES["en"].get(key) or key
    return text.format(**kwargs) if kwargs else text


def verdict_text(verdict: str | None, lang: str) -> str:
    table = VERDICT_TEXT[lang_of(lang)]
    return table.get(verdict, str(verdict))


def check_title(check: str, lang: str) -> str:
    return CHECK_TITLE[lang_of(lang)].get(check, check)


def deduction_title(line: str, check: str, lang: str) -> str:
    return DEDUCTION_TITLE[lang_of(lang)].get(line) or check_title(check, lang)


def advice(check: str, lang: str, detail: Mapping[str, Any] | None = None) -> str:
    """The 整改建议 for a finding; per element for missing_element."""
    lang = lang_of(lang)
    if check == "missing_element" and detail:
        element = ELEMENT[lang].get(str(detail.get("element", "")))
        if element:
            return element[1]
    return ADVICE[lang].get(check, ADVICE[lang]["_default"])


def element_name(element: str, lang: str) -> str:
    found = ELEMENT[lang_of(lang)].get(element)
    return found[0] if found else element


def category_name(category: str, lang: str) -> str:
    return CATEGORY[lang_of(lang)].get(category, category)


def column_veto_text(which: str, limit: Any, lang: str) -> str:
    text = COLUMN_VETO[lang_of(lang)].get(which)
    if text is None:
        return which
    return text.format(limit="" if limit is None else limit)


_HTTP_RE = re.compile(r"^http_(\d{3})$")

# The crawl records its notes in English (stored data); site operators read them in Chinese.
_NOTES_ZH = [
    (re.compile(r"^attachment link returns an HTML page$"), "附件链接打开的是网页，不是文件"),
    (re.compile(r"^attachment is empty \(0 bytes\)$"), "附件为空文件(0字节)"),
    (re.compile(r"^parked or for-sale domain \((.*)\)$"), "域名已停放或待售（{0}）"),
    (
        re.compile(r"^same page as the site's answer to a URL that cannot exist$"),
        "与本站对不存在地址返回的页面相同",
    ),
    (
        re.compile(r"^redirected to the home page, as every unknown URL is$"),
        "被跳转到首页（本站对不存在的地址都跳转首页）",
    ),
    (
        re.compile(r"^a path on the editor's own computer \(file:\), no visitor can open it$"),
        "链接指向编辑人员本机上的文件(file:)，访问者无法打开",
    ),
    (re.compile(r"^the link has no host name$"), "链接缺少域名"),
    (re.compile(r"^the link is not a valid URL$"), "链接地址格式错误"),
    (
        re.compile(r"^not fetched: (\S+) timed out (\d+) times in a row$"),
        "未访问：{0} 已连续{1}次超时",
    ),
]


def note_text(note: str, lang: str) -> str:
    """A crawl note in the report's language (unknown notes are shown as recorded)."""
    if lang_of(lang) != "zh" or not note:
        return note
    for pattern, text in _NOTES_ZH:
        match = pattern.match(note)
        if match:
            return text.format(*match.groups())
    return note


def reason_text(reason: str | None, lang: str, *, status: Any = None, note: str = "") -> str:
    """A fetch outcome in plain words: http_404 → 页面不存在(404), timeout → 连接超时(15秒)."""
    lang = lang_of(lang)
    table = REASON[lang]
    reason = reason or ""
    match = _HTTP_RE.match(reason)
    if match:
        code = int(match.group(1))
        name = _HTTP[lang].get(code)
        if name:
            return f"{name}({code})" if lang == "zh" else f"{name} ({code})"
        return table["http_other"].format(status=code)
    if reason == "error_link":
        return (
            table["error_link"].format(note=note_text(note, lang))
            if note
            else table["error_link_bare"]
        )
    if reason in table:
        return table[reason].format(timeout=TIMEOUT_SECONDS)
    if not reason and isinstance(status, int) and status >= 400:
        return reason_text(f"http_{status}", lang)
    return f"{table['unknown']} ({reason})" if reason else table["unknown"]


def severity_text(severity: str, lang: str) -> str:
    return t(lang, severity) if severity in ("veto", "major", "minor", "info") else severity


def kind_text(kind: str, lang: str) -> str:
    return t(lang, kind) if kind in ("portal", "department") else (kind or t(lang, "other_kind"))
