"""Words for the codes of `inspector.vocabulary`, in Chinese (the default: site operators read
them) and English, and the number formats every text shares.

Checks word their findings with these (`Check.describe`), and the reports and exports use the
same functions, so a fetch reason or a crawl note is translated in one place. A code without
words falls back to the code itself, so a new one still shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from inspector.vocabulary import Note, NoteCode, legacy_note

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
TIMEOUT_SECONDS = 15  # the census timeout, DOWNLOAD_TIMEOUT in inspector/settings.py
# The timeout the words name: a report of a crawl run with another DOWNLOAD_TIMEOUT (recorded in
# run.stats["download_timeout"]) says that one, not the census default (`crawl_timeout`).
_TIMEOUT: ContextVar[float] = ContextVar("timeout_seconds", default=TIMEOUT_SECONDS)

COLON = {"zh": "：", "en": ": "}
LIST_SEP = {"zh": "、", "en": ", "}
DAYS = {"zh": "{n}天", "en": "{n} days"}


@contextmanager
def crawl_timeout(seconds: Any) -> Iterator[None]:
    """Word timeouts with the crawl's own DOWNLOAD_TIMEOUT inside the block (ignored unless a
    positive number)."""
    ok = isinstance(seconds, int | float) and not isinstance(seconds, bool) and seconds > 0
    token = _TIMEOUT.set(seconds if ok else TIMEOUT_SECONDS)
    try:
        yield
    finally:
        _TIMEOUT.reset(token)


# Where a date shown without a year (10-11) got its year: the freshness checks' evidence and the
# reports' tables of newest items say it with these.
YEAR_BASIS = {
    "zh": {
        "url": "年份取自条目链接",
        "generated": "年份取自页面生成时间",
        "page": "年份取自页面上的完整日期",
        "item": "年份取自条目页的发布日期",
        "uncertain": "年份无法确定",
    },
    "en": {
        "url": "year from the item's link",
        "generated": "year from the page's generation time",
        "page": "year from full dates on the page",
        "item": "year from the item page's publication date",
        "uncertain": "year uncertain",
    },
}


def year_basis(year: Any, lang: str) -> str:
    """Where an item's year came from, in words; "" for a date shown with its year."""
    return YEAR_BASIS[lang_of(lang)].get(str(year), "") if year else ""


def lang_of(lang: str | None) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def colon(lang: str) -> str:
    """The colon after a label: full-width in Chinese."""
    return COLON[lang_of(lang)]


def list_sep(lang: str) -> str:
    return LIST_SEP[lang_of(lang)]


def days(n: Any, lang: str) -> str:
    return DAYS[lang_of(lang)].format(n=n)


def fmt_number(value: Any) -> str:
    """87.5 → "87.5", 100.0 → "100", 0.30000000000000004 → "0.3"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float):
        text = f"{round(float(value), 2):.2f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def percent(value: Any) -> str:
    """A share (0.0625) or a percentage (6.25) as "6.25%"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    return f"{fmt_number(value * 100 if value <= 1 else value)}%"


HTTP_NAMES = {
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

REASON_WORDS = {
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
        "too_large": "响应过大（正文或响应头超出上限），未完整读取",
        "ignored": "未访问",
        "blocked_address": "链接指向内网或保留地址，按安全策略未访问",
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
        "too_large": "response too large (body or headers over the limit): not read whole",
        "ignored": "not fetched",
        "blocked_address": "points to an internal or reserved address: not fetched (address policy)",
        "robots": "blocked by the site's robots.txt",
        "invalid_url": "not a valid link, cannot be opened",
        "http_other": "cannot be opened (HTTP {status})",
        "unknown": "cannot be opened",
    },
}

NOTE_WORDS: dict[str, dict[NoteCode, str]] = {
    "zh": {
        NoteCode.PAGE_SAYS_NOT_FOUND: "页面显示“{text}”",
        NoteCode.ATTACHMENT_HTML: "附件链接打开的是网页，不是文件",
        NoteCode.ATTACHMENT_EMPTY: "附件为空文件(0字节)",
        NoteCode.PARKED_DOMAIN: "域名已停放或待售（{hint}）",
        NoteCode.SAME_AS_NOT_FOUND: "与本站对不存在地址返回的页面相同",
        NoteCode.REDIRECTED_HOME: "被跳转到首页（本站对不存在的地址都跳转首页）",
        NoteCode.FILE_URL: "链接指向编辑人员本机上的文件(file:)，访问者无法打开",
        NoteCode.NO_HOST: "链接缺少域名",
        NoteCode.BAD_URL: "链接地址格式错误",
        NoteCode.HOST_GAVE_UP: "未访问：{host} 已连续{count}次超时",
        NoteCode.RESOURCE_HTML: "{what}链接打开的是网页，读者看不到该{what}",
        NoteCode.RESOURCE_EMPTY: "{what}链接返回空内容(0字节)",
    },
    "en": {
        NoteCode.PAGE_SAYS_NOT_FOUND: "page says “{text}”",
        NoteCode.ATTACHMENT_HTML: "attachment link returns an HTML page",
        NoteCode.ATTACHMENT_EMPTY: "attachment is empty (0 bytes)",
        NoteCode.PARKED_DOMAIN: "parked or for-sale domain ({hint})",
        NoteCode.SAME_AS_NOT_FOUND: "same page as the site's answer to a URL that cannot exist",
        NoteCode.REDIRECTED_HOME: "redirected to the home page, as every unknown URL is",
        NoteCode.FILE_URL: "a path on the editor's own computer (file:), no visitor can open it",
        NoteCode.NO_HOST: "the link has no host name",
        NoteCode.BAD_URL: "the link is not a valid URL",
        NoteCode.HOST_GAVE_UP: "not fetched: {host} timed out {count} times in a row",
        NoteCode.RESOURCE_HTML: "{expects} link returns an HTML page (readers do not get the {expects})",
        NoteCode.RESOURCE_EMPTY: "{expects} link returns nothing (0 bytes)",
    },
}


def note_text(note: Note | str, lang: str) -> str:
    """A crawl note in words. A plain string is a note stored as text (free text, or a row
    written before notes had codes: its code is recognised from the stored form)."""
    if isinstance(note, str):
        note = legacy_note(note)
    if note.code is None:
        return note.free
    template = NOTE_WORDS[lang_of(lang)].get(note.code)
    return template.format(**note.params) if template else note.text


_HTTP_RE = re.compile(r"^http_(\d{3})$")


def reason_text(reason: str | None, lang: str, *, status: Any = None, note: Note | str = "") -> str:
    """A fetch outcome in plain words: http_404 → 页面不存在(404), timeout → 连接超时(15秒)."""
    lang = lang_of(lang)
    table = REASON_WORDS[lang]
    reason = reason or ""
    match = _HTTP_RE.match(reason)
    if match:
        code = int(match.group(1))
        name = HTTP_NAMES[lang].get(code)
        if name:
            return f"{name}({code})" if lang == "zh" else f"{name} ({code})"
        return table["http_other"].format(status=code)
    if reason == "error_link":
        words = note_text(note, lang)
        return table["error_link"].format(note=words) if words else table["error_link_bare"]
    if reason in table:
        return table[reason].format(timeout=fmt_number(_TIMEOUT.get()))
    if not reason and isinstance(status, int) and status >= 400:
        return reason_text(f"http_{status}", lang)
    return f"{table['unknown']} ({reason})" if reason else table["unknown"]
