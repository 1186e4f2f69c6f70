"""Decoding response bytes the way Chinese government sites need it (inspector.crawl.extract.encoding)."""

from __future__ import annotations

import codecs
import random

import pytest

from inspector.crawl.extract.encoding import decode_html, normalise_charset, parse_html

CHINESE = (
    "宜春市人民政府关于进一步做好政府网站信息发布工作的通知。各县（市、区）人民政府，"
    "市政府各部门：为切实加强政府网站建设管理，提升政务公开水平，现就有关事项通知如下。"
)


def page(meta: str = "", body: str = CHINESE * 4) -> str:
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={meta}">' if meta else ""
    return f"<html><head>{head}<title>通知公告</title></head><body><p>{body}</p></body></html>"


def test_gbk_page_with_wrong_utf8_header_trusts_the_meta():
    body = page("gb2312").encode("gbk")
    text, declared, used = decode_html(body, "utf-8")
    assert used == "gb18030"
    assert declared == "header:utf-8 meta:gb2312"
    assert CHINESE in text
    assert "\ufffd" not in text


def test_gb2312_meta_without_header_decodes_as_gb18030():
    # 镕 is in GBK but not in GB2312: sites label GBK pages "gb2312" and use such characters.
    body = page("gb2312", CHINESE + "朱镕基").encode("gbk")
    text, declared, used = decode_html(body, None)
    assert (declared, used) == ("meta:gb2312", "gb18030")
    assert "朱镕基" in text


def test_undeclared_gbk_is_detected():
    body = page("").encode("gbk")
    text, declared, used = decode_html(body, None)
    assert declared == ""
    assert used in {"gb18030", "gbk", "gb2312"}
    assert CHINESE in text


def test_utf8_page_declaring_gb2312_stays_utf8():
    # Rendered-DOM dumps keep the original <meta charset=gb2312> but are UTF-8 bytes.
    body = page("gb2312").encode("utf-8")
    text, declared, used = decode_html(body, None)
    assert (declared, used) == ("meta:gb2312", "utf-8")
    assert CHINESE in text


@pytest.mark.parametrize(
    ("bom", "codec"),
    [
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ],
)
def test_bom_wins_over_header_and_meta(bom: bytes, codec: str):
    body = bom + page("gb2312").encode(codec)
    text, declared, used = decode_html(body, "gbk")
    assert (declared, used) == (f"bom:{codec}", codec)
    assert CHINESE in text
    assert not text.startswith("\ufeff")


def test_header_given_as_content_type_value():
    body = page("").encode("gbk")
    text, declared, used = decode_html(body, "text/html; charset=GBK")
    assert (declared, used) == ("header:gbk", "gb18030")
    assert CHINESE in text


def test_mostly_utf8_page_with_a_truncated_character_keeps_utf8():
    # CMS summaries cut in the middle of a multi-byte character: one bad byte sequence.
    good = page("utf-8").encode("utf-8")
    broken = good.replace("通知如下".encode(), "通知如下".encode()[:-1], 1)
    text, _, used = decode_html(broken, "utf-8")
    assert used == "utf-8"
    assert text.count("\ufffd") == 1
    assert "宜春市人民政府" in text


def test_garbage_bytes_do_not_raise():
    noise = random.Random(7).randbytes(5000)
    text, declared, used = decode_html(noise, None)
    assert isinstance(text, str) and text
    assert declared == ""
    assert codecs.lookup(used)


def test_unknown_labels_are_ignored():
    body = page("x-no-such-charset").encode("utf-8")
    text, declared, used = decode_html(body, "bogus")
    assert used == "utf-8"
    assert declared == "header:bogus meta:x-no-such-charset"
    assert CHINESE in text


@pytest.mark.parametrize(
    ("label", "codec"),
    [
        ("GB2312", "gb18030"),
        ("gbk", "gb18030"),
        ("UTF8", "utf-8"),
        ("utf-8", "utf-8"),
        ("big5", "big5hkscs"),
        ("iso-8859-1", "cp1252"),
        ("nonsense", None),
        (None, None),
    ],
)
def test_normalise_charset(label, codec):
    assert normalise_charset(label) == codec


def test_parse_html_keeps_content_after_a_stray_html_end_tag():
    # libxml2 2.14 drops everything after the first </html>; CMS header includes carry one.
    doc = parse_html(
        "<html><body><div>header</div></html><p>正文</p><div id=f>网站标识码bm01000001</div>"
    )
    assert "正文" in doc.text_content()
    assert doc.get_element_by_id("f") is not None


def test_parse_html_accepts_xml_declarations_and_empty_documents():
    doc = parse_html('<?xml version="1.0" encoding="gb2312"?><html><body>x</body></html>')
    assert doc.text_content() == "x"
    assert parse_html("").tag == "html"
    assert parse_html("<!-- only a comment -->").tag == "html"
