"""The next page of a board list: 下一页 links, TRS `createPageHTML(…)`, numbered pagers,
form-driven `javascript:goPage(n)` links, and Hanweb datastore groups (dataproxy.jsp).

Lists are followed one page at a time (each page names the next), so the reader can stop as soon
as the messages are older than the year it judges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree

from inspector.crawl.boards.identify import absolute, base_of
from inspector.crawl.boards.vocab import NEXT_TEXTS, normalise_label

_CREATE_PAGE_RE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.IGNORECASE)
_VAR_RE = re.compile(r"(?:var|let|const)?\s*(\w+)\s*=\s*['\"]?(\w+)['\"]?\s*;?")
_JS_PAGE_RE = re.compile(r"(?<!void)\(\s*['\"]?(\d{1,5})['\"]?\s*(?:,[^)]*)?\)")
_PAGER_RE = re.compile(r"page|pager|pagination|fenye|pagebar|pagenav|pages|fy", re.IGNORECASE)
_CURRENT_RE = re.compile(r"cur|active|current|selected|on(?:$|\s)", re.IGNORECASE)
_PAGE_PARAM_RE = re.compile(
    r"^(?:page|pageno|pagenum|pageindex|curpage|currentpage|pagenumber|p|pn|cpage|nowpage|page_no)$",
    re.IGNORECASE,
)
_SCRIPT_PARAM_RE = re.compile(
    r"[?&](page(?:no|num|index|_no)?|p|pn|curpage|currentpage)=['\"]?\s*\+", re.I
)
_NEXTGROUP_RE = re.compile(r"<nextgroup>\s*<!\[CDATA\[\s*<a[^>]*href=['\"]([^'\"]+)", re.IGNORECASE)
_TOTAL_RECORD_RE = re.compile(r"(?:totalRecord|<totalrecord>)\s*:?\s*['\"]?(\d+)", re.IGNORECASE)
_PER_PAGE_RE = re.compile(r"perPage\s*:\s*['\"]?(\d+)", re.IGNORECASE)
_GROUP_SIZE_RE = re.compile(r"groupSize\s*:\s*['\"]?(\d+)", re.IGNORECASE)
_RECORD_COUNT_RE = re.compile(r"<record>", re.IGNORECASE)
_NEXT_TEXTS = frozenset(normalise_label(t).lower() for t in NEXT_TEXTS)


@dataclass(frozen=True, slots=True)
class NextPage:
    url: str
    how: str  # next_link | create_page_html | numbered | form | guess | datastore


def next_page(doc: etree._Element, url: str, text: str = "") -> NextPage | None:
    """The list page after this one, or None (last page, or a pager the reader cannot follow)."""
    if "<nextgroup>" in text.lower():
        return _datastore_next(text, url)
    base = base_of(doc, url)  # relative links resolve against <base href> when there is one
    found = _next_link(doc, base) or _next_button(doc, base)
    if found is None:
        for script in doc.iter("script"):
            found = _create_page_html(script.text or "", url)
            if found is not None:
                break
    found = found or _numbered(doc, base) or _numbered_by_url(doc, url)
    return found if found is not None and found.url != url else None


def _next_link(doc: etree._Element, url: str) -> NextPage | None:
    for link in doc.iter("a"):
        label = normalise_label("".join(link.itertext())).lower()
        if not label:
            label = normalise_label(link.get("title") or "").lower()
            for img in link.iter("img"):
                label = label or normalise_label(img.get("alt") or "").lower()
        cls = f"{link.get('class') or ''} {link.get('id') or ''}".lower()
        if label not in _NEXT_TEXTS and not (not label and "next" in cls):
            continue
        href = link.get("href") or ""
        target = absolute(url, href)
        if target and target != url:
            return NextPage(target, "next_link")
        script = f"{link.get('onclick') or ''} {href}"
        match = _JS_PAGE_RE.search(script)
        if match:
            found = _form_page(doc, url, int(match.group(1)))
            if found is not None:
                return found
    return None


_LOCATION_RE = re.compile(
    r"""(?:location(?:\.href)?\s*=|window\.open\(|location\.replace\()\s*['"]([^'"]+)['"]"""
)


def _next_button(doc: etree._Element, url: str) -> NextPage | None:
    """<input type="button" value="下一页" onclick="location.href='index_1.html'">."""
    for button in doc.xpath("//input[@onclick] | //button[@onclick]"):
        label = normalise_label(button.get("value") or "".join(button.itertext())).lower()
        if label not in _NEXT_TEXTS:
            continue
        match = _LOCATION_RE.search(button.get("onclick") or "")
        target = absolute(url, match.group(1)) if match else ""
        if target and target != url:
            return NextPage(target, "next_link")
    return None


def _numbered_by_url(doc: etree._Element, url: str) -> NextPage | None:
    """A bare row of page numbers: the link numbered one more than this page, when it points
    into this list's folder (?page=3, index_2.html, list_3.html)."""
    parts = urlsplit(url)
    current = next(
        (int(v) for k, v in parse_qsl(parts.query) if _PAGE_PARAM_RE.match(k) and v.isdigit()), 0
    )
    if not current:
        trs = re.search(r"index_(\d+)\.\w+$", parts.path)  # TRS counts from 0: index_1 is page 2
        other = re.search(r"_(\d+)\.\w+$", parts.path)
        current = int(trs.group(1)) + 1 if trs else int(other.group(1)) if other else 1
    folder = parts.path.rsplit("/", 1)[0]
    for link in doc.iter("a"):
        if "".join(link.itertext()).strip() != str(current + 1):
            continue
        target = absolute(url, link.get("href"))
        if target and target != url and urlsplit(target).path.rsplit("/", 1)[0] == folder:
            return NextPage(target, "numbered")
    return None


def _form_page(doc: etree._Element, url: str, number: int) -> NextPage | None:
    """`javascript:goPage(3)`: the page form's GET URL with its page field set to 3."""
    for form in doc.iter("form"):
        fields = [
            (i.get("name"), i.get("value") or "")
            for i in form.iter("input")
            if i.get("name") and (i.get("type") or "text").lower() in ("hidden", "text", "")
        ]
        if not any(_PAGE_PARAM_RE.match(name) for name, _ in fields):
            continue
        if (form.get("method") or "get").lower() not in ("get", ""):
            continue
        values = [(n, str(number) if _PAGE_PARAM_RE.match(n) else v) for n, v in fields]
        action = urljoin(url, form.get("action") or url).split("?", 1)[0]
        return NextPage(f"{action}?{urlencode(values)}", "form")
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if any(_PAGE_PARAM_RE.match(k) for k, _ in query):
        query = [(k, str(number) if _PAGE_PARAM_RE.match(k) else v) for k, v in query]
        return NextPage(urlunsplit(parts._replace(query=urlencode(query))), "form")
    # The first page names no page parameter: the one the page's scripts build URLs with
    # (location.href = 'list.jsp?pageNo=' + n), else "page". A wrong guess returns page one
    # again, which the reader recognises as a repeated page and stops at.
    scripts = " ".join(s.text or "" for s in doc.iter("script"))
    named = _SCRIPT_PARAM_RE.search(scripts)
    param = named.group(1) if named else "page"
    query.append((param, str(number)))
    return NextPage(urlunsplit(parts._replace(query=urlencode(query))), "guess")


def _create_page_html(script: str, url: str) -> NextPage | None:
    """TRS: `createPageHTML(count, current, "index", "html")` → index_<current+1>.html."""
    match = _CREATE_PAGE_RE.search(script)
    if not match:
        return None
    variables = dict(_VAR_RE.findall(script))
    args = []
    for raw in match.group(1).split(","):
        value = raw.strip().strip("'\"")
        args.append(variables.get(value, value))
    for i in range(len(args) - 3):
        count, current, prefix, ext = args[i : i + 4]
        if count.isdigit() and current.isdigit() and not prefix.isdigit() and ext.isalpha():
            following = int(current) + 1
            if following >= int(count):
                return None
            return NextPage(urljoin(url, f"{prefix}_{following}.{ext}"), "create_page_html")
    return None


def _numbered(doc: etree._Element, url: str) -> NextPage | None:
    """A pager of page numbers: the link numbered one more than the current page."""
    for pager in doc.iter("div", "ul", "p", "span", "td", "nav"):
        ident = f"{pager.get('class') or ''} {pager.get('id') or ''}"
        if not _PAGER_RE.search(ident):
            continue
        current = 1
        for element in pager.iter():
            text = (element.text or "").strip()
            if not text.isdigit():
                continue
            if element.tag != "a" or _CURRENT_RE.search(element.get("class") or ""):
                current = int(text)
                break
        for link in pager.iter("a"):
            if "".join(link.itertext()).strip() == str(current + 1):
                target = absolute(url, link.get("href"))
                if target and target != url:
                    return NextPage(target, "numbered")
    return None


def _datastore_next(text: str, url: str) -> NextPage | None:
    """Hanweb JCMS: the next group of records from dataproxy.jsp (startrecord/endrecord)."""
    match = _NEXTGROUP_RE.search(text)
    if not match:
        return None
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    per_page = int(m.group(1)) if (m := _PER_PAGE_RE.search(text)) else 0
    per_page = per_page or int(query.get("perpage") or 0) or 15
    shown = len(_RECORD_COUNT_RE.findall(text))
    end = int(query.get("endrecord") or 0) or shown
    total = int(m.group(1)) if (m := _TOTAL_RECORD_RE.search(text)) else None
    if shown == 0 or (total is not None and end >= total):
        return None
    group_size = int(m.group(1)) if (m := _GROUP_SIZE_RE.search(text)) else 0
    if "endrecord" in query:
        group = int(query["endrecord"]) - int(query.get("startrecord") or 1) + 1
    else:
        group = per_page * group_size if group_size and _PER_PAGE_RE.search(text) else shown
    if "endrecord" in query and shown < group:
        return None  # a short group is the last one
    proxy = urljoin(url, match.group(1).replace("&amp;", "&"))
    extra = urlencode(
        {"startrecord": end + 1, "endrecord": end + max(group, 1), "perpage": per_page}
    )
    return NextPage(f"{proxy}{'&' if '?' in proxy else '?'}{extra}", "datastore")
