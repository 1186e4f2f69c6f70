"""The general rules the third blind batch's misses led to, each on a page of its own (the
batch itself, tests/test_security_blind3.py, is spent once read: these keep the rules)."""

from __future__ import annotations

from datetime import date

from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.security import page_security, security_rules
from inspector.crawl.extract.transforms import transformed_away
from inspector.lexicons import load_lexicons
from inspector.profile import load_profile

URL = "http://www.example.gov.cn/a.html"
RULES = security_rules(load_lexicons(load_profile("census2015")))


def facts(html: str) -> dict:
    return page_security(
        parse_html(html), URL, RULES, site_hosts=frozenset({"example.gov.cn"}), on=date(2026, 11, 1)
    )


def test_every_rule_of_a_media_block_is_skipped_not_only_the_first():
    sheet = "<style>@media print{.print-only{display:block} .header,.footer{display:none}}</style>"
    page = f"<html><head>{sheet}</head><body><div class='footer'><a href='https://www.12345hot.cn/'>热线</a></div></body></html>"
    assert "hidden" not in facts(page)
    top = page.replace("@media print{", "").replace("}}</style>", "}</style>")
    assert facts(top)["hidden"][0]["technique"] == ".footer {display:none}"


def test_translate_far_off_screen_hides_and_centring_does_not():
    assert transformed_away("translateX(-9999px)") and transformed_away(
        "translate3d(0, -2000px, 0)"
    )
    assert transformed_away("scale(0)") and transformed_away("translate(-40em, 0)")
    assert not transformed_away("translate(-50%, -50%)") and not transformed_away(
        "translateY(-100px)"
    )
    page = "<body><div style='transform:translateX(-9999px)'><a href='http://www.pj5599.com/'>澳门葡京</a></div></body>"
    [group] = facts(page)["hidden"]
    assert group["technique"].startswith("transform") and group["kind"] == "conceal"
    sheet = "<style>.k{transform: translate(-8000px,0)}</style><body><p class='k'><a href='http://www.pj5599.com/'>葡京</a></p></body>"
    assert facts(sheet)["hidden"][0]["technique"].startswith(".k")


def test_a_hidden_panel_the_page_shows_on_click_is_a_menu():
    panel = "<div class='xglj-list' style='display:none'><a href='https://www.12306.cn/'>12306</a></div>"
    [alone] = facts(f"<body>{panel}</body>")["hidden"]
    assert alone["menu_like"] is False
    for opener in (
        "<a href='javascript:;' onclick=\"$('.xglj-list').toggle()\">相关链接</a>",
        "<script>function o(){document.querySelector('.xglj-list').classList.add('on')}</script>",
    ):
        [group] = facts(f"<body>{panel}{opener}</body>")["hidden"]
        assert group["menu_like"] is True, opener
    hides = "<div id='bd' style='display:none'><a href='https://www.12306.cn/'>x</a></div><script>document.getElementById('bd').style.display='none'</script>"
    assert facts(f"<body>{hides}</body>")["hidden"][0]["menu_like"] is False


def test_function_and_settimeout_run_decoded_strings_as_eval():
    for code in (
        'new Function(atob("d2luZG93LmxvY2F0aW9uLmhyZWY9Imh0dHA6Ly93d3cucGo1NTk5LmNvbS8iOw=="))();',
        'setTimeout(unescape("%77%69%6e%64%6f%77%2e%6c%6f%63%61%74%69%6f%6e%3d%31"));',
        "Function(String.fromCharCode(97,108,101,114,116,40,49,41))();",
    ):
        whys = {i["why"] for i in facts(f"<body><script>{code}</script></body>").get("scripts", [])}
        assert whys & {"eval_encoded", "eval_fromcharcode"}, code
    legit = "<body><script>setTimeout(function(){location.href='/'},3000); var f = new Function('a', 'return a');</script></body>"
    assert "scripts" not in facts(legit)
