"""Pages that are themselves an error page ("soft 404" by content) or a site-closed notice.

Content rules apply only when the page itself is the message, never because a list item, an
article body or a quotation contains the words (a news list with an article titled about fixing
"页面不存在" errors, a census special topic quoting an error page):

- its **title** is the message (a title segment such as "页面不存在" or "404 Not Found", with
  little besides it), or its **main heading** (h1–h3) is;
- or its **main content** — the text outside links, menus, header and footer — is short and
  the message stands in it on its own (not in a link, a dated list item or quotation marks).

A page that labels its own publication date (发布时间：2025-…) is an article, whatever it says.
The same shape decides whether a page is a notice that the site was closed or moved
(本网站已关闭 / 已停止更新 / 已迁移至 …): a closed site that only shows such a notice is
properly closed, not "online".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

__all__ = [
    "ClosedNotice",
    "closed_notice",
    "error_message",
    "is_error_title",
    "mentions_not_found",
    "not_found_hint",
]

# The error message, as Chinese government CMSs, IIS, nginx, Apache and Tomcat word it.
_NOT_FOUND_RE = re.compile(
    r"(?:您|你)?(?:所|要)?(?:访问|请求|查看|浏览|查找|打开)?的?"
    r"(?:页面|网页|文章|信息|内容|栏目|资源|文件|稿件|链接|网址|新闻)"
    r"(?:已经|已|可能已|暂时)?(?:被)?(?:不存在|删除|移除|失效|过期|下线|撤销|撤下|走丢|丢失|找不到|不见)"
    r"|(?:找不到|无法找到|未找到|未能找到|没有找到)(?:该|您要|您所|您要访问的|您所访问的|所请求的|请求的)?"
    r"(?:页面|网页|文件|资源|该页|内容|信息)"
    r"|页面走丢|网页走丢|走丢了"
    r"|\b404\s*(?:not\s*found|error|错误|页面)|(?:error|错误|http\s*错误)\s*404\b"
    r"|page\s+(?:not\s+found|cannot\s+be\s+found|does\s+not\s+exist)|not\s+found\b"
    r"|the\s+resource\s+cannot\s+be\s+found|requested\s+url\s+\S*\s*was\s+not\s+found",
    re.IGNORECASE,
)
_CLOSED_RE = re.compile(
    r"(?:本|该|此)?(?:网站|站点|网页|门户)(?:已于?[^，。,.;；]{0,16})?"
    r"(?:已经|已|现已|正式)?(?:关闭|关停|停止运行|停止更新|停止服务|停止访问|下线|停运|撤销|注销)"
    r"|(?:已|现已|已经|正式)(?:整体)?(?:整合|迁移|并入|迁至|转移|合并)(?:至|到|入)?"
    r"|(?:已|现已)停止(?:更新|运行|维护|服务)"
    r"|请(?:访问|登录|浏览)新(?:网站|网址|域名|站点)"
    r"|(?:网站|站点)(?:整合|迁移)+(?:公告|通知|说明)",
)
# Said to the visitor of this very page or site: on a short page, such a sentence is the page's
# message even inside a longer paragraph (根据…要求，本网站已停止更新，所有信息已迁移至…).
_NOT_FOUND_ADDRESSED_RE = re.compile(
    r"(?:您|你)(?:所|要)?(?:访问|请求|查看|浏览|打开)的(?:页面|网页|信息|内容|文章)"
    r"(?:已经|已|可能已)?(?:被)?(?:不存在|删除|移除|找不到)"
)
_CLOSED_ADDRESSED_RE = re.compile(
    r"(?:本|该|此)(?:网站|站点|站)(?:已经|已|现已)(?:于[^，。,.;；]{0,12})?"
    r"(?:关闭|关停|停止运行|停止更新|停止服务|下线|停运|整合|迁移|并入|迁至|合并)"
)
# A page whose title is only the status code.
_TITLE_404_RE = re.compile(r"^(?:HTTP\s*)?(?:错误\s*)?404(?:\s*错误)?$", re.IGNORECASE)
# Links a message shows beside itself in its table row: no list item has only these.
_BACK_LINK_RE = re.compile(r"返回|首页|关闭|点击这里|点此|这里|刷新|重试")
_TITLE_SPLIT_RE = re.compile(r"\s*[-_|｜—–·:：]+\s*")
_PUBLICATION_LABEL_RE = re.compile(
    r"(?:发布日期|发布时间|发稿时间|发稿日期|发表时间|发表日期|公布日期|上网时间)\s*[:：]?\s*"
    r"(?:[1１][9９]|[2２][0０])\d\d"
)
_MOVED_WORDS = ("迁", "整合", "并入", "合并", "转移", "新网站", "新网址", "新域名")
_QUOTES = "“”\"'‘’「」『』《》"
_URL_RE = re.compile(r"(?:https?://|www\.)[A-Za-z0-9.\-]+\.[A-Za-z]{2,}[^\s<>\"'，。]*")
_CHROME_RE = re.compile(
    r"nav|menu|daohang|header|footer|foot|bottom|copyright|crumb|banquan",
    re.IGNORECASE,
)
_BODY_TEXT = etree.XPath(
    "//body//text()[normalize-space()][not(ancestor::script or ancestor::style"
    " or ancestor::noscript or ancestor::select or ancestor::textarea or ancestor::option)]"
)
_HEADINGS = etree.XPath("//body//*[self::h1 or self::h2 or self::h3]")
_TITLE = etree.XPath("string(//head/title | //title)")
TITLE_EXTRA = 8  # characters a title segment may hold besides the message
MAIN_TEXT_MAX = 300  # main content longer than this is a real page that quotes the words
MESSAGE_SHOWN_MAX = 80  # characters of the message kept as evidence
MESSAGE_EXTRA = 16  # characters a message line may hold besides the matched words
NOTICE_EXTRA = 80  # a closure notice is a sentence or two (where to go instead)
MESSAGE_SHARE = 0.3  # the message's share of the main content, at least
BACK_LINK_MAX = 10  # characters of a 返回首页/点击这里 link beside a message


@dataclass(frozen=True, slots=True)
class ClosedNotice:
    text: str  # the notice as read
    moved_to: str = ""  # the new address it names, if any


def not_found_hint(doc: etree._Element, title: str = "") -> str:
    """The error message the page itself shows ("" when it is not an error page)."""
    return error_message(doc, _NOT_FOUND_RE, title, addressed=_NOT_FOUND_ADDRESSED_RE)


def closed_notice(doc: etree._Element, title: str = "") -> ClosedNotice | None:
    """The 本网站已关闭/已迁移至 notice when that is what the page is, else None."""
    text = error_message(doc, _CLOSED_RE, title, extra=NOTICE_EXTRA, addressed=_CLOSED_ADDRESSED_RE)
    if not text:
        return None
    body = " ".join(t.strip() for t in _BODY_TEXT(doc))
    moved = _URL_RE.search(text) or (_URL_RE.search(body) if len(body) <= MAIN_TEXT_MAX else None)
    moved_to = moved.group().rstrip(".。,，;；)）") if moved else ""
    if not moved_to and any(word in body for word in _MOVED_WORDS):
        links = doc.xpath("//body//a[@href][starts-with(@href, 'http')]/@href")
        moved_to = str(links[0]) if links else ""
    return ClosedNotice(text[:MESSAGE_SHOWN_MAX], moved_to)


def is_error_title(title: str) -> str:
    """The title segment that is an error message ("页面不存在 - XX市" → "页面不存在")."""
    return _title_message(title, _NOT_FOUND_RE)


def error_message(
    doc: etree._Element,
    pattern: re.Pattern[str],
    title: str = "",
    extra: int = 0,
    addressed: re.Pattern[str] | None = None,
) -> str:
    """The text matching `pattern` that is the page's own message (title, main heading or
    short main content), or "". On a short page, a sentence matching `addressed` (said to
    the visitor of this page or site) is the message wherever it stands."""
    title = title or str(_TITLE(doc)).strip()
    texts = [t for t in _BODY_TEXT(doc) if not _in_chrome(t.getparent())]
    candidates = [t for t in texts if pattern.search(t)]
    from_title = _title_message(title, pattern)
    if not from_title and not candidates:
        return ""
    if _publication_labelled(texts):
        return ""
    main = [t for t in texts if not _in_link(t.getparent())]
    main_length = sum(len(t.strip()) for t in main)
    if from_title and main_length <= MAIN_TEXT_MAX * 3:
        return from_title
    heading = _heading_message(doc, pattern)
    if heading and main_length <= MAIN_TEXT_MAX * 2:
        return heading
    if main_length > MAIN_TEXT_MAX:
        return ""
    said = _addressed(candidates, addressed)
    if said:
        return said
    messages = [t for t in candidates if _is_message(t, pattern, extra or MESSAGE_EXTRA)]
    # The message must be what the main content consists of, not a line of a longer text.
    if not messages or sum(len(t.strip()) for t in messages) < MESSAGE_SHARE * main_length:
        return ""
    return " ".join(messages[0].split())[:MESSAGE_SHOWN_MAX]


def _is_message(text: etree._ElementUnicodeResult, pattern: re.Pattern[str], extra: int) -> bool:
    """A text node that is an error message itself: not a link, list item or quotation, and
    little besides the matched words (抱歉，… 或已被删除！ is fine, a sentence that mentions
    them is not)."""
    element = text.getparent()
    if _in_link(element) or _in_list_item(element) or _quoted(text):
        return False
    match = pattern.search(text)
    return match is not None and len(text.strip()) <= len(match.group()) + extra


def _addressed(texts: list, addressed: re.Pattern[str] | None) -> str:
    if addressed is None:
        return ""
    for text in texts:
        element = text.getparent()
        if addressed.search(text) and not (
            _in_link(element) or _in_list_item(element) or _quoted(text)
        ):
            return " ".join(text.split())[:MESSAGE_SHOWN_MAX]
    return ""


def _title_message(title: str, pattern: re.Pattern[str]) -> str:
    for segment in _TITLE_SPLIT_RE.split(title.strip()):
        if pattern is _NOT_FOUND_RE and _TITLE_404_RE.match(segment):
            return segment
        match = pattern.search(segment)
        if match and len(segment) <= len(match.group()) + TITLE_EXTRA and not _quoted(segment):
            return segment
    return ""


def _heading_message(doc: etree._Element, pattern: re.Pattern[str]) -> str:
    for heading in _HEADINGS(doc):
        if _in_chrome(heading) or _in_link(heading):
            continue
        text = " ".join(heading.text_content().split())
        match = pattern.search(text)
        if match and len(text) <= len(match.group()) + TITLE_EXTRA and not _quoted(text):
            return text
        if text:
            return ""  # the first real heading decides
    return ""


def _publication_labelled(texts: list) -> bool:
    return any(_PUBLICATION_LABEL_RE.search(t) for t in texts) or bool(
        _PUBLICATION_LABEL_RE.search("".join(t.strip() for t in texts[:400]))
    )


def _quoted(text: str) -> bool:
    """Whether the message sits inside quotation marks ("页面不存在"问题, 《…》)."""
    match = _NOT_FOUND_RE.search(text) or _CLOSED_RE.search(text)
    if match is None:
        return False
    before, after = text[: match.start()], text[match.end() :]
    return bool(before) and before[-1] in _QUOTES and bool(after) and after[0] in _QUOTES


def _in_link(element: etree._Element | None) -> bool:
    node = element
    for _ in range(4):
        if node is None:
            return False
        if node.tag == "a":
            return True
        node = node.getparent()
    return False


def _in_list_item(element: etree._Element | None) -> bool:
    """Inside an li/tr/dd that also holds a link: an item of a list, not the page's message."""
    node = element
    for _ in range(4):
        if node is None or not isinstance(node.tag, str):
            return False
        if node.tag in ("li", "tr", "dd") and any(
            not _back_link(link) for link in node.iterfind(".//a[@href]")
        ):
            return True
        node = node.getparent()
    return False


def _back_link(link: etree._Element) -> bool:
    text = link.text_content().strip()
    return len(text) <= BACK_LINK_MAX and bool(_BACK_LINK_RE.search(text))


def _in_chrome(element: etree._Element | None) -> bool:
    node = element
    while node is not None and isinstance(node.tag, str) and node.tag not in ("body", "html"):
        if node.tag in ("nav", "header", "footer"):
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}"
        if attrs.strip() and _CHROME_RE.search(attrs):
            return True
        node = node.getparent()
    return False


def mentions_not_found(text: str) -> bool:
    """Cheap first test: whether `text` says anything like "page not found" at all."""
    return bool(text) and _NOT_FOUND_RE.search(text) is not None
