"""Codes every phase speaks: target kinds, fetch reasons, probe outcomes, crawl notes, site
kinds, and how a column's name is compared and classed.

A leaf: it imports nothing of ours, so the crawl, the store, the checks and the reports can all
use it. The words for these codes (Chinese and English) are in `inspector.words`.
"""

from __future__ import annotations

import enum
import re
import string
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# ---- sites -------------------------------------------------------------------------------------

SITE_KINDS = ("portal", "department")
SITE_STATUSES = ("active", "closed", "exception")


# ---- fetch outcomes ----------------------------------------------------------------------------


class TargetKind(enum.StrEnum):
    """What a fetched URL is to its site."""

    PAGE = "page"  # internal HTML, crawled
    RESOURCE = "resource"  # internal non-HTML, checked
    EXTERNAL = "external"  # another host, checked once per crawl
    INVALID = "invalid"  # no browser can open it: never fetched


class Reason(enum.StrEnum):
    """Why a fetch went wrong ("" when it did not). HTTP errors are `http_<status>`."""

    TIMEOUT = "timeout"
    CONNECTION_REFUSED = "connection_refused"
    CONNECTION_RESET = "connection_reset"
    CONNECTION_ERROR = "connection_error"
    DNS = "dns"
    TLS = "tls"
    REDIRECT_LOOP = "redirect_loop"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    SOFT_404 = "soft_404"
    ERROR_LINK = "error_link"
    BAD_RESPONSE = "bad_response"
    INVALID_URL = "invalid_url"
    TOO_LARGE = "too_large"
    ROBOTS = "robots"
    IGNORED = "ignored"
    BLOCKED_ADDRESS = "blocked_address"  # the address policy (inspector/crawl/addresses.py)


# Reasons that make a link "打不开" (cannot be opened) for the census, besides every http_NNN.
BROKEN_REASONS = frozenset(
    {
        Reason.TIMEOUT,
        Reason.CONNECTION_REFUSED,
        Reason.CONNECTION_RESET,
        Reason.CONNECTION_ERROR,
        Reason.DNS,
        Reason.TLS,
        Reason.REDIRECT_LOOP,
        Reason.TOO_MANY_REDIRECTS,
        Reason.SOFT_404,
        Reason.ERROR_LINK,
        Reason.BAD_RESPONSE,
        Reason.INVALID_URL,
    }
)
REDIRECT_STATUSES = frozenset((301, 302, 303, 307, 308))


def http_reason(status: int) -> str:
    """`http_<status>` for an HTTP error, "" for 2xx and 3xx."""
    return "" if 200 <= status < 400 else f"http_{status}"


def is_broken(reason: str) -> bool:
    if not reason:
        return False
    return reason.startswith("http_") or reason in BROKEN_REASONS


# Probe outcomes (spiders/probe.py): `ok`, `merged`, or a Reason / http_NNN.
OK = "ok"
MERGED = "merged"  # the home page redirects to another registered site, which answered
# The home page answers with a notice that the site is closed or moved (本网站已关闭 / 已迁移至 …):
# a closed site that only shows this is properly closed; for availability it answered.
CLOSED_NOTICE = "closed_notice"
ANSWERED = frozenset((OK, MERGED, CLOSED_NOTICE))  # everything else is a failed sample


# ---- crawl notes -------------------------------------------------------------------------------


class NoteCode(enum.StrEnum):
    """What the crawl noted about a target, beyond its reason. Words in `inspector.words`."""

    PAGE_SAYS_NOT_FOUND = "page_says_not_found"  # {text}: the page shows an error message
    ATTACHMENT_HTML = "attachment_html"
    ATTACHMENT_EMPTY = "attachment_empty"
    PARKED_DOMAIN = "parked_domain"  # {hint}: the phrase or parking service seen
    SAME_AS_NOT_FOUND = "same_as_not_found"
    REDIRECTED_HOME = "redirected_home"
    FILE_URL = "file_url"
    NO_HOST = "no_host"
    BAD_URL = "bad_url"
    HOST_GAVE_UP = "host_gave_up"  # {host, count}: not fetched after timeouts in a row
    RESOURCE_HTML = "resource_html"  # {expects}: an image/script/stylesheet… answers an HTML page
    RESOURCE_EMPTY = "resource_empty"  # {expects}: … answers 0 bytes


# The text stored in a target's `note` column for each code (what the crawl wrote before notes
# had codes, so that exports and older readers see the same text).
NOTE_STORED: Mapping[NoteCode, str] = {
    NoteCode.PAGE_SAYS_NOT_FOUND: "页面显示“{text}”",
    NoteCode.ATTACHMENT_HTML: "attachment link returns an HTML page",
    NoteCode.ATTACHMENT_EMPTY: "attachment is empty (0 bytes)",
    NoteCode.PARKED_DOMAIN: "parked or for-sale domain ({hint})",
    NoteCode.SAME_AS_NOT_FOUND: "same page as the site's answer to a URL that cannot exist",
    NoteCode.REDIRECTED_HOME: "redirected to the home page, as every unknown URL is",
    NoteCode.FILE_URL: "a path on the editor's own computer (file:), no visitor can open it",
    NoteCode.NO_HOST: "the link has no host name",
    NoteCode.BAD_URL: "the link is not a valid URL",
    NoteCode.HOST_GAVE_UP: "not fetched: {host} timed out {count} times in a row",
    NoteCode.RESOURCE_HTML: "{expects} link returns an HTML page",
    NoteCode.RESOURCE_EMPTY: "{expects} link returns nothing (0 bytes)",
}


@dataclass(frozen=True, slots=True)
class Note:
    """A crawl note: a code with its parameters, or free text (an error message) without code."""

    code: NoteCode | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    free: str = ""  # text without a code: what a network library said, as it said it

    @property
    def text(self) -> str:
        """The stored text (the `note` column and the findings' `note`)."""
        if self.code is None:
            return self.free
        return NOTE_STORED[self.code].format(**self.params)

    @classmethod
    def of(cls, code: NoteCode, **params: Any) -> Note:
        return cls(code, params)

    @classmethod
    def read(cls, code: str, params: Mapping[str, Any] | None, text: str) -> Note:
        """A stored note: by its code, or, for rows written before notes had codes, by its text."""
        if code:
            return cls(NoteCode(code), dict(params or {}))
        return legacy_note(text)


def _pattern(template: str) -> re.Pattern[str]:
    parts = []
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name:
            parts.append(f"(?P<{name}>.*?)" if name != "count" else rf"(?P<{name}>\d+)")
    return re.compile("^" + "".join(parts) + "$")


_LEGACY = [(code, _pattern(template)) for code, template in NOTE_STORED.items()]


def legacy_note(text: str) -> Note:
    """The note of a row stored before notes had codes: its code when the text is one of the
    stored forms above, else free text."""
    for code, pattern in _LEGACY:
        match = pattern.match(text)
        if match:
            return Note(code, match.groupdict())
    return Note(free=text)


# ---- columns (栏目): names and categories --------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ColumnRules:
    """Keywords of column discovery; `from_mapping` reads the profile's `[columns]` table."""

    more_texts: tuple[str, ...] = ("查看更多", "更多", "more", ">>", "»", "+")
    # Link texts that are never columns: equal to one of ignore_texts, or containing one of
    # ignore_substrings (case-insensitive).
    ignore_texts: tuple[str, ...] = (
        "首页", "网站首页", "返回首页", "主页", "home", "index", "en", "英文", "网站地图",
        "用户中心", "个人中心", "退出", "繁体", "繁體", "简体", "简", "繁", "中文",
        "联系我们", "关于我们", "网站声明", "网站帮助", "隐私声明", "版权声明", "免责声明",
        "设为首页", "加入收藏", "收藏本站", "打印", "关闭", "关闭窗口", "返回顶部", "上一页",
        "下一页", "尾页", "详细", "详情", "查看详情",
    )  # fmt: skip  # keyword lists read best packed
    ignore_substrings: tuple[str, ...] = (
        "登录", "登陆", "注册", "login", "register", "english", "英文版",
        "无障碍", "关怀版", "长者版", "适老", "友情链接", "邮箱登录",
    )  # fmt: skip  # keyword lists read best packed
    ignore_extensions: tuple[str, ...] = (
        "pdf", "doc", "docx", "xls", "xlsx", "wps", "zip", "rar", "7z",
        "jpg", "jpeg", "png", "gif", "mp4", "mp3", "txt", "apk", "exe",
    )  # fmt: skip  # keyword lists read best packed
    # Paths of article pages: /2025/11/, /202511/, /2025-11/20/, t20251120_123, content_123,
    # post_123, ShowArticle.aspx?ArticleID=1, nid/123, art_1_2.html, 32-hex-digit page names.
    article_path: str = (
        r"/(?:19|20)\d\d/\d{1,2}/|/(?:19|20)\d\d-?\d\d/|/t(?:19|20)\d{6}_|/(?:19|20)\d{6}/"
        r"|content_\d+|post_\d+|showarticle|articleid=|/nid/\d+|/art_\d+_\d+|/[0-9a-f]{24,}\.s?html?"
        r"|detail[-_]?\d+|/info/\d+/\d+\.s?html?"
    )
    max_name_length: int = 20
    nav_attr: str = r"nav|menu|daohang|(?<![a-z])dh(?![a-z])"
    sitemap_texts: tuple[str, ...] = ("网站地图", "站点地图")
    empty_markers: tuple[str, ...] = (
        "暂无信息", "暂无内容", "暂无数据", "暂无记录", "正在建设中", "栏目建设中",
    )  # fmt: skip  # keyword lists read best packed
    # A short link anywhere on the home page is a column when its name holds one of these words
    # (or a category keyword): how a reader recognises 信息公开 or 领导信箱 outside the menus.
    column_words: tuple[str, ...] = (
        "信息公开", "政务公开", "公开指南", "公开目录", "公开年报", "年度报告", "依申请",
        "办事", "政务服务", "便民服务", "互动", "信箱", "咨询", "投诉", "留言", "信访",
        "征集", "调查", "访谈", "解读", "机构", "职能", "领导",
    )  # fmt: skip  # keyword lists read best packed
    keyword_name_length: int = 10
    # Image buttons with no alt/title: the URL is the only signal. "regex=name" pairs, the
    # name being what such a link is read as (a 市长信箱 button linking /szxx/ or leaderMailbox).
    url_names: tuple[str, ...] = (
        r"leadermailbox|mailbox|xinxiang|(?<![a-z])(?:sz|xz|qz|sj|jz|ld|bm)xx(?![a-z])=领导信箱",
        r"zxft|fangtan|interview=在线访谈",
        r"zjdc|myzj|wsdc|yjzj|survey=征集调查",
        r"zxts|tousu|complain|zxzx|consult|petition|xinfang=咨询投诉",
        r"wsbs|bsfw|zwfw|bszn=办事服务",
        r"(?<![a-z])(?:zfxxgk|xxgk|zwgk)(?![a-z])=信息公开",
    )

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any] | None) -> ColumnRules:
        if not table:
            return DEFAULT_COLUMN_RULES
        known = {name: table[name] for name in cls.__slots__ if name in table}
        converted: dict[str, Any] = {
            k: tuple(v) if isinstance(v, list) else v for k, v in known.items()
        }
        return cls(**converted)


DEFAULT_COLUMN_RULES = ColumnRules()

_SPACE_RE = re.compile(r"\s+")
_CJK_GAP_RE = re.compile(r"(?<=[\u3400-\u9fff]) (?=[\u3400-\u9fff])")
_EDGE_PUNCT = " \t·•|:：-–—_/\\[]【】()（）<>《》\"'“”>›»…"


def normalise_name(text: str, rules: ColumnRules = DEFAULT_COLUMN_RULES) -> str:
    """A column name as compared and stored: NFKC (full-width → half-width), single spaces,
    no spaces between Han characters, without 更多/MORE/>>/» decorations."""
    name = _SPACE_RE.sub(" ", unicodedata.normalize("NFKC", text)).strip()
    name = _CJK_GAP_RE.sub("", name)
    previous = None
    while previous != name:
        previous = name
        name = name.strip(_EDGE_PUNCT)
        for more in rules.more_texts:
            if name.lower().startswith(more.lower()):
                name = name[len(more) :]
            if name.lower().endswith(more.lower()):
                name = name[: len(name) - len(more)]
    return name.strip()


def categorise(name: str, categories: Mapping[str, Sequence[str]]) -> tuple[str, str]:
    """(canonical, category) of a column name: the first category (table order) with a keyword
    contained in the name; within it the longest such keyword. ("", "other") when none."""
    for category, keywords in categories.items():
        matched = [k for k in keywords if k and k in name]
        if matched:
            return max(matched, key=len), category
    return "", "other"
