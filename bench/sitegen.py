"""A synthetic Chinese county-government portal for the crawl benchmark, and a fallback server.

    python bench/sitegen.py gen --out DIR [--pages 20000] [--seed 2015] --ext-port P --closed-port Q
    python bench/sitegen.py serve DIR --port P --ext-port E     # threaded Python server

`gen` writes DIR/www (the site), DIR/ext (a few "national portal" pages served on another port,
so they are external to the site) and DIR/planted.json (the manifest: every URL a complete crawl
fetches, and the planted broken targets with the reason the inspector should give them).

The site looks like a TRS/CMS county portal: a home page with column blocks, slides, topic
banners and 友情链接; 15 nav columns whose list pages are paginated (index.html, index_1.html, ...)
with 20 dated items each; article pages /col/YYYYMM/tYYYYMMDD_ID.html with 发布时间, PubDate meta,
images (W0...jpg) and attachments (P0...pdf/.doc/.xls, small real files), 上一篇/下一篇 and 相关文章;
a footer with 网站标识码, ICP and 党政机关 links. About 6% of the articles are GBK with a
gb2312 meta, 1% GBK with no declaration at all. Generation is deterministic for a seed.

Planted broken targets (each linked from one to three pages; a few from the home page):
deleted articles (404), missing images and attachments (404), empty attachments and attachment
links that answer with an HTML page (错链, error_link), "该信息已删除" pages answering 200 (soft_404),
and external links to a closed port on 127.0.0.1 (connection_refused). Articles that merely
mention 页面不存在 in a long text, fragment links, javascript:/mailto: links and a directory link
that nginx redirects (/hdjl -> /hdjl/) are there to catch false positives.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import shutil
import sys
import threading
import zipfile
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

AS_OF = date(2025, 11, 28)
OLDEST = date(2016, 1, 4)
SITE_NAME = "青山县人民政府"
ORGANIZER = "青山县人民政府办公室"
SITE_CODE = "3609220001"
ITEMS_PER_LIST_PAGE = 20
# Attachments under this prefix are served as text/html by both servers: an "attachment" link
# that opens a web page (the CMS's "file not found" page), an 错链.
HTML_ATTACHMENT_PREFIX = "/uploads/down/"
MANIFEST = "planted.json"
FORMAT_VERSION = 4

# code, name, weight (share of the articles), has attachments
COLUMNS: tuple[tuple[str, str, int, bool], ...] = (
    ("xwdt", "要闻动态", 26, False),
    ("bmdt", "部门动态", 14, False),
    ("xzdt", "乡镇动态", 14, False),
    ("tzgg", "通知公告", 10, True),
    ("zcwj", "政策文件", 8, True),
    ("zcjd", "政策解读", 5, False),
    ("xxgk", "政府信息公开", 6, True),
    ("zdly", "重点领域信息公开", 4, True),
    ("czxx", "财政信息", 3, True),
    ("rsxx", "人事信息", 3, True),
    ("ghjh", "规划计划", 2, True),
    ("tjxx", "统计信息", 2, True),
    ("bsfw", "办事服务", 1, True),
    ("hdjl", "互动交流", 1, False),
    ("jgzn", "机构职能", 1, False),
)
# The nav links this column as a directory without the trailing slash: nginx answers 301.
REDIRECTED_NAV = "hdjl"
HOME_BLOCKS = ("xwdt", "tzgg", "bmdt", "xzdt", "zcwj", "zcjd", "xxgk", "rsxx")
MISC_PAGES = (
    ("wzdt", "网站地图"),
    ("gywm", "关于我们"),
    ("lxwm", "联系我们"),
    ("mzsm", "免责声明"),
)
# 友情链接 and footer targets on the "national portal" server (external to the site).
FRIEND_LINKS = (
    ("/", "中国政府网"),
    ("/province/", "江西省人民政府"),
    ("/city/", "上饶市人民政府"),
    ("/zwfw/", "江西政务服务网"),
    ("/12345/", "12345政务服务便民热线"),
    ("/xinhua/", "新华网"),
    ("/people/", "人民网"),
    ("/stats/", "国家统计局"),
)

SUBJECTS = (
    "县委",
    "县政府",
    "县人大常委会",
    "县政协",
    "县发改委",
    "县教育体育局",
    "县卫生健康委",
    "县农业农村局",
    "县应急管理局",
    "县市场监管局",
    "县自然资源局",
    "县住建局",
    "县交通运输局",
    "县文广新旅局",
    "县民政局",
    "县人社局",
    "县财政局",
    "县生态环境分局",
    "县公安局",
    "县水利局",
    "青山镇",
    "白水镇",
    "石门乡",
    "东岭乡",
    "枫林镇",
    "县融媒体中心",
    "县政务服务中心",
)
VERBS = (
    "召开",
    "部署",
    "开展",
    "推进",
    "举行",
    "督导",
    "调研",
    "启动",
    "组织",
    "落实",
    "召开专题会议研究",
)
OBJECTS = (
    "安全生产工作会议",
    "乡村振兴工作推进会",
    "营商环境优化提升行动",
    "森林防火专项检查",
    "秋冬季动物疫病防控工作",
    "民生实事项目建设",
    "高标准农田建设",
    "城乡环境综合整治",
    "食品安全宣传周活动",
    "防汛抗旱工作",
    "政务公开工作培训",
    "农村人居环境整治",
    "重点项目集中开工活动",
    "招商引资推介会",
    "文明城市创建工作",
    "义务教育均衡发展督导",
    "医疗保障政策宣传",
    "消防安全隐患排查",
    "耕地保护专项行动",
    "河湖长制工作",
    "信访维稳工作",
    "为民办实事项目",
    "第四次全国经济普查",
    "安全生产月活动",
    "一网通办改革",
    "基层治理能力提升",
    "节能宣传周活动",
    "全民健身运动会",
)
DOC_TITLES = (
    "关于印发《青山县{}实施方案》的通知",
    "关于做好{}工作的通知",
    "青山县{}管理办法",
    "关于{}的公告",
    "青山县人民政府关于{}的批复",
    "关于公开征求《青山县{}（征求意见稿）》意见的公告",
)
DOC_TOPICS = (
    "优化营商环境",
    "城乡居民基本医疗保险",
    "农村危房改造",
    "冬春火灾防控",
    "耕地保护",
    "城区停车管理",
    "生活垃圾分类",
    "农村集体经济发展",
    "公共资源交易",
    "政务服务事项清单",
    "建设用地审批",
    "特困人员救助供养",
    "就业创业补贴",
    "重大行政决策事项目录",
    "防汛应急预案",
)
SENTENCES = (
    "会议强调，要深入学习贯彻党的二十大精神，坚持以人民为中心的发展思想。",
    "各乡镇、各部门要进一步提高政治站位，压紧压实工作责任，确保各项任务落地见效。",
    "要聚焦群众急难愁盼问题，持续优化服务流程，不断提升群众的获得感、幸福感、安全感。",
    "会上，与会人员听取了有关单位工作情况汇报，并就下一步工作进行了深入讨论。",
    "近年来，我县坚持把项目建设作为经济工作的主抓手，全力以赴抓招商、促投资、稳增长。",
    "活动现场，工作人员通过发放宣传资料、现场讲解等方式，向群众普及相关知识。",
    "据了解，此次活动共发放宣传资料三千余份，解答群众咨询五百余人次。",
    "检查组一行深入企业生产车间、仓库等重点部位，详细查看安全生产制度落实情况。",
    "要坚持问题导向，对检查中发现的隐患问题建立台账，明确整改时限，确保整改到位。",
    "下一步，县里将继续加大工作力度，完善长效机制，推动各项工作再上新台阶。",
    "各级各部门要加强协调配合，形成工作合力，以实际行动推动经济社会高质量发展。",
    "县领导指出，要把思想和行动统一到县委、县政府的决策部署上来，切实增强责任感和紧迫感。",
    "今年以来，全县累计完成固定资产投资同比增长百分之八点五，主要经济指标保持平稳。",
    "会议要求，要严格落实值班值守制度，确保信息畅通、反应迅速、处置有力。",
    "与会代表围绕会议主题踊跃发言，提出了许多具有针对性和可操作性的意见建议。",
    "本次培训采取专题讲座与交流研讨相结合的方式，进一步提升了业务人员的能力水平。",
    "群众纷纷表示，政策宣传进村入户，让大家对惠民政策有了更清楚的了解。",
    "该项目总投资约二点三亿元，建成后将有效改善周边群众的生产生活条件。",
)
SOURCES = ("县政府办", "县融媒体中心", "县发改委", "县财政局", "县政务服务中心", "本网")

# Small real files: attachments and images are fetched (HEAD) by the crawler, never parsed.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>endobj\n"
    b"4 0 obj<</Length 44>>stream\nBT /F1 12 Tf 72 770 Td (Qingshan County) Tj ET\nendstream endobj\n"
    b"xref\n0 5\n0000000000 65535 f \ntrailer<</Size 5/Root 1 0 R>>\nstartxref\n0\n%%EOF\n"
)
_OLE = (
    bytes.fromhex("d0cf11e0a1b11ae1") + bytes(504) + "青山县人民政府文件".encode("utf-16-le") * 40
)
_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
_GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
_JPG = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////"
    "////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQAB"
    "PxA="
)


def _zip_doc(kind: str) -> bytes:
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr(f"{kind}/document.xml", "<document>青山县人民政府</document>")
    return buf.getvalue()


FILE_BYTES = {
    ".pdf": _PDF,
    ".doc": _OLE,
    ".xls": _OLE,
    ".docx": _zip_doc("word"),
    ".xlsx": _zip_doc("xl"),
    ".png": _PNG,
    ".gif": _GIF,
    ".jpg": _JPG,
    ".ico": _PNG,
}
ATTACHMENT_EXTS = (".pdf", ".pdf", ".doc", ".docx", ".xls", ".xlsx")

CSS = """body{margin:0;font:14px/1.8 "Microsoft YaHei",SimSun,sans-serif;color:#333;background:#f4f4f4}
a{color:#333;text-decoration:none}a:hover{color:#c00}.w{width:1200px;margin:0 auto}
.topbar{height:32px;line-height:32px;background:#eee;font-size:12px}.header{height:140px;background:#b5121b}
.nav{background:#9b0f17}.nav li{float:left;list-style:none;padding:0 14px;line-height:46px}.nav a{color:#fff}
.list li{list-style:none;border-bottom:1px dashed #ddd;line-height:38px}.list span{float:right;color:#999}
.footer{background:#9b0f17;color:#fff;text-align:center;padding:20px 0;font-size:12px}
"""
JS = """function AddFavorite(){try{window.external.addFavorite(location.href,document.title)}catch(e){alert("请使用Ctrl+D收藏本站")}}
function showToday(){var d=new Date(),w="日一二三四五六";var s="今天是"+d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日 星期"+w.charAt(d.getDay());var e=document.getElementById("today");if(e)e.innerHTML=s}
"""
INLINE_STYLE = """<style type="text/css">
.main{margin-top:12px;overflow:hidden}.position{height:40px;line-height:40px;border-bottom:2px solid #b5121b}
.position a{color:#666}.article h1{font-size:26px;color:#b5121b;text-align:center;line-height:1.5;padding:20px 40px 10px}
.article .info{text-align:center;color:#888;font-size:13px;border-bottom:1px solid #e5e5e5;padding-bottom:10px}
.article .content{padding:20px 40px;font-size:16px;line-height:2}.article .content p{text-indent:2em;margin:0 0 1em}
.article .fj{padding:10px 40px}.article .fj a{color:#06c}.article .pn{padding:10px 40px;border-top:1px dashed #ccc}
.page{text-align:center;padding:20px 0}.page a,.page span{display:inline-block;padding:0 10px;margin:0 3px;border:1px solid #ddd}
.bt{height:40px;line-height:40px;border-bottom:2px solid #b5121b}.bt h2{float:left;font-size:18px;margin:0}.bt .more{float:right}
.yqlj a{margin:0 10px}.dzjg{margin-top:10px}.skip{position:absolute;left:-999px}
</style>"""
ANALYTICS = """<script type="text/javascript">
var _hmt=_hmt||[];(function(){var hm=document.createElement("script");hm.src="/js/common.js?v=1";
var s=document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm,s);})();
showToday();
</script>"""


@dataclass(slots=True)
class Article:
    id: int
    col: str
    day: date
    title: str
    source: str
    encoding: str = "utf-8"  # utf-8 | gbk-meta | gbk-bare
    images: list[str] = field(default_factory=list)  # file names in the article's directory
    attachments: list[tuple[str, str]] = field(default_factory=list)  # (file name, link text)
    related: list[int] = field(default_factory=list)  # indexes into the column's articles
    extra: list[tuple[str, str, str]] = field(default_factory=list)  # (tag, href/src, text)
    trap: bool = False  # mentions 页面不存在 in a long text: must not be a soft 404

    @property
    def month(self) -> str:
        return f"{self.day:%Y%m}"

    @property
    def path(self) -> str:
        return f"/{self.col}/{self.month}/t{self.day:%Y%m%d}_{self.id}.html"

    @property
    def file_prefix(self) -> str:
        return f"{self.day:%Y%m%d}{self.id:06d}"


class Site:
    """Builds the file tree and keeps the URL of every link it writes."""

    def __init__(self, pages: int, seed: int, ext_port: int, closed_port: int) -> None:
        self.pages_wanted = pages
        self.seed = seed
        self.rng = random.Random(seed)
        self.ext = f"http://127.0.0.1:{ext_port}"
        self.closed = f"http://127.0.0.1:{closed_port}"
        self.ext_port = ext_port
        self.closed_port = closed_port
        self.columns: dict[str, list[Article]] = {}
        self.files: dict[str, bytes] = {}  # site path -> bytes
        self.ext_files: dict[str, bytes] = {}
        self.urls: dict[str, str] = {}  # link URL (site path, or absolute external) -> kind
        self.planted: list[dict[str, Any]] = []
        self.link_occurrences = 0
        self.page_files = 0

    # ---- plan -----------------------------------------------------------------------------

    def plan(self) -> None:
        n_articles = self._article_count()
        counts = _apportion(n_articles, [w for _, _, w, _ in COLUMNS])
        next_id = 1001
        for (code, _name, _w, has_att), count in zip(COLUMNS, counts, strict=True):
            arts: list[Article] = []
            newest = AS_OF - timedelta(days=self.rng.randint(0, 12))
            span = (newest - OLDEST).days
            step = span / max(count, 1)
            for i in range(count):
                day = newest - timedelta(days=int(i * step + self.rng.random() * step * 0.8))
                arts.append(self._article(next_id, code, day, has_att))
                next_id += 1
            self.columns[code] = arts
        self._plant()

    def _article_count(self) -> int:
        fixed = 2 + len(MISC_PAGES) + 1  # "/", "/index.html", misc pages, the /hdjl redirect
        soft = self._planted_counts()["soft_404"]
        n = self.pages_wanted - fixed - soft
        articles = max(len(COLUMNS) * 3, n * ITEMS_PER_LIST_PAGE // (ITEMS_PER_LIST_PAGE + 1))
        while articles > len(COLUMNS) * 3:
            counts = _apportion(articles, [w for _, _, w, _ in COLUMNS])
            lists = sum(max(1, math.ceil(c / ITEMS_PER_LIST_PAGE)) for c in counts)
            if articles + lists <= n:
                break
            articles -= 1
        return articles

    def _article(self, aid: int, col: str, day: date, has_att: bool) -> Article:
        rng = self.rng
        if has_att and rng.random() < 0.6:
            title = rng.choice(DOC_TITLES).format(rng.choice(DOC_TOPICS))
        else:
            title = rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS)
        art = Article(aid, col, day, title, rng.choice(SOURCES))
        r = rng.random()
        art.encoding = "gbk-bare" if r < 0.01 else "gbk-meta" if r < 0.07 else "utf-8"
        if rng.random() < 0.07:
            art.images = [f"W0{art.file_prefix}{k}.jpg" for k in range(1 + (rng.random() < 0.3))]
        if has_att and rng.random() < 0.13:
            for k in range(1 + (rng.random() < 0.3)):
                ext = rng.choice(ATTACHMENT_EXTS)
                art.attachments.append(
                    (f"P0{art.file_prefix}{k}{ext}", f"附件{k + 1}：{title[:16]}{ext}")
                )
        art.trap = rng.random() < 0.0005
        return art

    def _planted_counts(self) -> dict[str, int]:
        n = self.pages_wanted
        return {
            "page_404": max(4, n // 500),
            "image_404": max(2, n // 1000),
            "attachment_404": max(2, n // 1000),
            "attachment_empty": max(1, n // 4000),
            "attachment_html": max(1, n // 4000),
            "soft_404": max(1, n // 4000),
            "external_closed": max(2, n // 4000),
        }

    def _plant(self) -> None:
        rng = self.rng
        arts = [a for col in self.columns.values() for a in col]
        expected = {
            "page_404": "http_404",
            "image_404": "http_404",
            "attachment_404": "http_404",
            "attachment_empty": "error_link",
            "attachment_html": "error_link",
            "soft_404": "soft_404",
            "external_closed": "connection_refused",
        }
        for category, count in self._planted_counts().items():
            for i in range(count):
                code = rng.choice(COLUMNS)[0]
                month = rng.choice(("201807", "202003", "202109", "202306", "202412"))
                stamp = f"{month}{rng.randint(1, 28):02d}{900000 + len(self.planted):06d}"
                text = "相关链接"
                if category == "page_404":
                    url, tag = f"/{code}/{month}/t{stamp[:8]}_{90000 + len(self.planted)}.html", "a"
                    text = rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS)
                elif category == "image_404":
                    url, tag = f"/{code}/{month}/W0{stamp}.jpg", "img"
                elif category == "attachment_404":
                    url, tag = f"/{code}/{month}/P0{stamp}{rng.choice(ATTACHMENT_EXTS)}", "a"
                    text = "附件：" + rng.choice(DOC_TOPICS) + "明细表"
                elif category == "attachment_empty":
                    url, tag = f"/{code}/{month}/P0{stamp}.doc", "a"
                    text = "附件：" + rng.choice(DOC_TOPICS) + "申请表"
                    self.files[url] = b""
                elif category == "attachment_html":
                    url, tag = f"{HTML_ATTACHMENT_PREFIX}P0{stamp}.pdf", "a"
                    text = "附件：" + rng.choice(DOC_TOPICS) + "公示名单"
                    self.files[url] = _not_found_page(
                        "文件下载失败，该文件不存在或已被删除"
                    ).encode()
                elif category == "soft_404":
                    url, tag = f"/{code}/{month}/t{stamp[:8]}_{90000 + len(self.planted)}.html", "a"
                    text = rng.choice(SUBJECTS) + rng.choice(VERBS) + rng.choice(OBJECTS)
                    self.files[url] = _not_found_page("该信息已删除或不存在").encode()
                else:
                    url, tag = f"{self.closed}/{rng.choice(('zwgk', 'xxgk', 'news'))}/{i}.html", "a"
                    text = rng.choice(("县档案馆", "县图书馆", "旧版网站", "县志办", "县科协"))
                sources = []
                for art in rng.sample(arts, rng.randint(1, 3)):
                    art.extra.append((tag, url, text))
                    sources.append(art.path)
                on_home = i == 0 and category in ("page_404", "external_closed", "image_404")
                if on_home:
                    sources.append("/")
                self.planted.append(
                    {
                        "url": url,
                        "category": category,
                        "expected_reason": expected[category],
                        "element": tag,
                        "sources": sources,
                        "on_home": on_home,
                    }
                )

    # ---- render ---------------------------------------------------------------------------

    def build(self) -> None:
        self.plan()
        self._static()
        for code, name, _w, _att in COLUMNS:
            arts = self.columns[code]
            for i, art in enumerate(arts):
                if len(arts) > 4 and self.rng.random() < 0.3:
                    art.related = self.rng.sample(range(len(arts)), 3)
                self._page(art.path, self._article_page(art, name, arts, i), art.encoding)
            pages = max(1, math.ceil(len(arts) / ITEMS_PER_LIST_PAGE))
            for k in range(pages):
                path = f"/{code}/index.html" if k == 0 else f"/{code}/index_{k}.html"
                self._page(path, self._list_page(code, name, arts, k, pages))
        home = self._home_page()
        self._page("/index.html", home)
        self.urls["/"] = "page"
        self.urls[f"/{REDIRECTED_NAV}"] = "page"  # 301 -> /hdjl/, followed and parsed
        for code, name in MISC_PAGES:
            self._page(f"/{code}/index.html", self._misc_page(code, name))
        for p in self.planted:
            self.urls[p["url"]] = "planted"
        # Every linked path that has no file is a planted 404 (checked, never silently missing).
        planted = {p["url"] for p in self.planted}
        for url, kind in self.urls.items():
            if kind == "resource" and url not in self.files and url not in planted:
                self.files[url] = _resource_bytes(url)

    def _static(self) -> None:
        self.files["/css/style.css"] = CSS.encode()
        self.files["/js/common.js"] = JS.encode()
        self.files["/robots.txt"] = b"User-agent: *\nDisallow: /search/\n"
        # The search form's action: no link (the inspector does not fetch it), but LinkChecker
        # checks form actions, and a 404 there would count against it.
        self.files["/search/index.html"] = _ext_page("站内搜索").encode()
        self.ext_files["/index.html"] = _ext_page("中国政府网").encode()
        for path, name in FRIEND_LINKS[1:]:
            self.ext_files[path + "index.html"] = _ext_page(name).encode()
        for sub in ("beian", "conac", "jiucuo"):
            self.ext_files[f"/{sub}/index.html"] = _ext_page(sub).encode()

    def _page(self, path: str, html: str, encoding: str = "utf-8") -> None:
        if encoding == "utf-8":
            data = html.encode()
        else:
            if encoding == "gbk-meta":
                html = html.replace(
                    '<meta charset="utf-8">',
                    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
                )
            else:
                html = html.replace('<meta charset="utf-8">\n', "")
            data = html.encode("gbk", "xmlcharrefreplace")
        self.files[path] = data
        self.urls[path] = "page"
        self.page_files += 1

    def _link(self, url: str, kind: str | None = None) -> None:
        self.link_occurrences += 1
        if url not in self.urls:
            if kind is None:
                if url.startswith("http"):
                    kind = "external"
                elif url.endswith((".html", "/")):
                    kind = "page"
                else:
                    kind = "resource"
            self.urls[url] = kind

    def _head(self, title: str, extra_meta: str = "") -> str:
        for u in ("/favicon.ico", "/css/style.css", "/js/common.js", "/images/logo.png", "/"):
            self._link(u)
        nav = ['<li class="on"><a href="/index.html">首页</a></li>']
        self._link("/index.html")
        for code, name, _w, _a in COLUMNS:
            href = f"/{code}" if code == REDIRECTED_NAV else f"/{code}/index.html"
            if code != REDIRECTED_NAV:
                self._link(href)
            nav.append(f'<li><a href="{href}">{name}</a></li>')
        self._link("/wzdt/index.html")
        self.link_occurrences += 1  # the redirecting nav link (its URL is added in build())
        return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<meta name="SiteName" content="{SITE_NAME}">
<meta name="SiteDomain" content="www.qingshan.gov.cn">
<meta name="SiteIDCode" content="{SITE_CODE}">{extra_meta}
<link rel="shortcut icon" href="/favicon.ico">
<link rel="stylesheet" type="text/css" href="/css/style.css">
<script type="text/javascript" src="/js/common.js"></script>
{INLINE_STYLE}
</head>
<body>
<a class="skip" href="#main">跳转到主要内容</a>
<div class="topbar"><div class="w"><span id="today"></span>
<span class="toplinks"><a href="javascript:void(0)" onclick="AddFavorite()">加入收藏</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="javascript:;" id="wza">无障碍浏览</a></span></div></div>
<div class="header"><div class="w">
<a class="logo" href="/"><img src="/images/logo.png" alt="{SITE_NAME}" width="480" height="80"></a>
<form class="search" name="searchform" action="/search/index.html" method="get">
<input type="text" name="searchword" placeholder="请输入关键词" aria-label="搜索关键词">
<input type="hidden" name="siteid" value="{SITE_CODE}"><button type="submit">搜索</button></form>
</div></div>
<div class="nav"><ul class="w">
{chr(10).join(nav)}
</ul></div>
<div class="main w" id="main">
"""

    def _foot(self) -> str:
        beian = f"{self.ext}/beian/"
        conac = f"{self.ext}/conac/index.html?site_code={SITE_CODE}"
        for u in (
            "/gywm/index.html",
            "/lxwm/index.html",
            "/wzdt/index.html",
            beian,
            conac,
            "/images/dzjg.png",
        ):
            self._link(u)
        return f"""</div>
<div class="footer"><div class="w">
<p><a href="/gywm/index.html">关于我们</a> | <a href="/lxwm/index.html">联系我们</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="mailto:qsxzf@example.gov.cn">意见建议</a></p>
<p>主办单位：{ORGANIZER}　承办单位：青山县政务服务数据管理局　联系电话：0793-1234567</p>
<p>网站标识码：{SITE_CODE}　<a href="{beian}" target="_blank">赣ICP备05001234号-1</a>　赣公网安备 36092202000123号</p>
<div class="dzjg"><a href="{conac}" target="_blank"><img src="/images/dzjg.png" alt="党政机关" width="44" height="55"></a></div>
</div></div>
{ANALYTICS}
</body>
</html>
"""

    def _article_page(self, art: Article, col_name: str, arts: list[Article], i: int) -> str:
        rng = self.rng
        meta = (
            f'\n<meta name="ColumnName" content="{col_name}">\n<meta name="ArticleTitle" content="{art.title}">'
            f'\n<meta name="PubDate" content="{art.day:%Y-%m-%d} {rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}">'
            f'\n<meta name="ContentSource" content="{art.source}">'
        )
        out = [self._head(f"{art.title}_{col_name}_{SITE_NAME}", meta)]
        self._link(f"/{art.col}/index.html")
        out.append(
            f'<div class="position">当前位置：<a href="../../index.html">首页</a> &gt; '
            f'<a href="../index.html">{col_name}</a> &gt; 正文</div>\n'
            f'<div class="article"><h1>{art.title}</h1>\n'
            f'<div class="info">发布时间：{art.day:%Y-%m-%d}　来源：{art.source}　'
            f'浏览次数：<span id="hits">{rng.randint(50, 3000)}</span>　'
            f'<a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></div>\n'
            '<div class="content">\n'
        )
        for img in art.images:
            self._link(f"/{art.col}/{art.month}/{img}")
            out.append(
                f'<p style="text-align:center"><img src="./{img}" alt="{art.title[:12]}" border="0"></p>\n'
            )
        for _ in range(rng.randint(4, 12)):
            para = "".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 6)))
            out.append(f"<p>{para}</p>\n")
        if art.trap:
            long = "".join(rng.choice(SENTENCES) for _ in range(4))
            out.append(
                f"<p>网站运维小知识：当用户访问已下线栏目时，系统会提示“页面不存在”或“404 Not Found”，"
                f"请通过网站地图或站内搜索查找所需信息。{long}</p>\n"
            )
        out.append("</div>\n")
        fj = []
        for name, text in art.attachments:
            self._link(f"/{art.col}/{art.month}/{name}")
            fj.append(f'<p><a href="./{name}" target="_blank">{text}</a></p>')
        for tag, url, text in art.extra:
            self.link_occurrences += 1
            if tag == "img":
                out.append(f'<p style="text-align:center"><img src="{url}" alt="图片"></p>\n')
            elif "/P0" in url or url.startswith(HTML_ATTACHMENT_PREFIX):
                fj.append(f'<p><a href="{url}" target="_blank">{text}</a></p>')
            else:
                fj.append(f'<p>相关链接：<a href="{url}" target="_blank">{text}</a></p>')
        if fj:
            out.append('<div class="fj">' + "\n".join(fj) + "</div>\n")
        pn = []
        if i > 0:
            prev = arts[i - 1]
            self._link(prev.path)
            pn.append(
                f'<p>上一篇：<a href="../{prev.month}/t{prev.day:%Y%m%d}_{prev.id}.html">{prev.title}</a></p>'
            )
        if i + 1 < len(arts):
            nxt = arts[i + 1]
            self._link(nxt.path)
            pn.append(
                f'<p>下一篇：<a href="../{nxt.month}/t{nxt.day:%Y%m%d}_{nxt.id}.html">{nxt.title}</a></p>'
            )
        out.append('<div class="pn">' + "".join(pn) + "</div>\n")
        if art.related:
            out.append('<div class="related"><h3>相关文章</h3><ul>')
            for j in art.related:
                r = arts[j]
                self._link(r.path)
                out.append(
                    f'<li><a href="../{r.month}/t{r.day:%Y%m%d}_{r.id}.html" target="_blank">{r.title}</a><span>{r.day:%Y-%m-%d}</span></li>'
                )
            out.append("</ul></div>\n")
        out.append(
            '<div class="share">分享到：<a href="javascript:;" class="wx">微信</a> <a href="javascript:;" class="wb">微博</a></div></div>\n'
        )
        out.append(self._foot())
        return "".join(out)

    def _list_page(self, code: str, name: str, arts: list[Article], k: int, pages: int) -> str:
        out = [self._head(f"{name}_{SITE_NAME}")]
        self._link("/index.html")
        out.append(
            f'<div class="position">当前位置：<a href="../index.html">首页</a> &gt; <a href="./index.html">{name}</a></div>\n'
        )
        out.append(
            f'<div class="column"><div class="bt"><h2>{name}</h2></div>\n<ul class="list">\n'
        )
        for art in arts[k * ITEMS_PER_LIST_PAGE : (k + 1) * ITEMS_PER_LIST_PAGE]:
            self._link(art.path)
            out.append(
                f'<li><a href="./{art.month}/t{art.day:%Y%m%d}_{art.id}.html" target="_blank" title="{art.title}">'
                f"{art.title}</a><span>{art.day:%Y-%m-%d}</span></li>\n"
            )
        out.append("</ul>\n")
        if pages > 1:

            def href(n: int) -> str:
                return "index.html" if n == 0 else f"index_{n}.html"

            nav = [f'<a href="{href(0)}">首页</a>']
            if k > 0:
                nav.append(f'<a href="{href(k - 1)}">上一页</a>')
            for n in range(max(0, k - 4), min(pages, k + 5)):
                nav.append(
                    f"<span>{n + 1}</span>" if n == k else f'<a href="{href(n)}">{n + 1}</a>'
                )
            if k + 1 < pages:
                nav.append(f'<a href="{href(k + 1)}">下一页</a>')
            nav.append(f'<a href="{href(pages - 1)}">尾页</a> 共{pages}页')
            for n in {0, pages - 1, *range(max(0, k - 4), min(pages, k + 5))}:
                self._link(f"/{code}/{href(n)}")
            out.append('<div class="page">' + " ".join(nav) + "</div>\n")
        out.append("</div>\n")
        out.append(self._foot())
        return "".join(out)

    def _home_page(self) -> str:
        rng = self.rng
        out = [self._head(SITE_NAME)]
        news = self.columns["xwdt"][:3]
        out.append('<div class="slide"><ul>\n')
        for n, art in enumerate(news):
            self._link(art.path)
            self._link(f"/images/slide/{n + 1}.jpg")
            out.append(
                f'<li><a href="./xwdt/{art.month}/t{art.day:%Y%m%d}_{art.id}.html" target="_blank">'
                f'<img src="/images/slide/{n + 1}.jpg" alt="{art.title}" width="480" height="300"></a><p>{art.title}</p></li>\n'
            )
        out.append("</ul></div>\n")
        for code in HOME_BLOCKS:
            name = next(n for c, n, _w, _a in COLUMNS if c == code)
            self._link(f"/{code}/index.html")
            out.append(
                f'<div class="block"><div class="bt"><h2><a href="./{code}/index.html">{name}</a></h2>'
                f'<a class="more" href="./{code}/index.html">更多&gt;&gt;</a></div>\n<ul class="list">\n'
            )
            for art in self.columns[code][:7]:
                self._link(art.path)
                out.append(
                    f'<li><a href="./{code}/{art.month}/t{art.day:%Y%m%d}_{art.id}.html" target="_blank" '
                    f'title="{art.title}">{art.title}</a><span>{art.day:%m-%d}</span></li>\n'
                )
            out.append("</ul></div>\n")
        out.append('<div class="zt">\n')
        for n, code in enumerate(rng.sample([c for c, *_ in COLUMNS], 4)):
            self._link(f"/images/zt/zt{n + 1}.jpg")
            out.append(
                f'<a href="/{code}/index.html"><img src="/images/zt/zt{n + 1}.jpg" alt="专题专栏"></a>\n'
            )
        out.append("</div>\n")
        for p in self.planted:
            if p["on_home"]:
                self.link_occurrences += 1
                if p["element"] == "img":
                    out.append(f'<img src="{p["url"]}" alt="图片新闻">\n')
                else:
                    out.append(f'<p><a href="{p["url"]}">专题链接</a></p>\n')
        out.append('<div class="yqlj"><span>友情链接：</span>')
        for path, name in FRIEND_LINKS:
            self._link(self.ext + path)
            out.append(f'<a href="{self.ext}{path}" target="_blank">{name}</a>')
        out.append("</div>\n")
        out.append(self._foot())
        return "".join(out)

    def _misc_page(self, code: str, name: str) -> str:
        out = [self._head(f"{name}_{SITE_NAME}")]
        out.append(
            f'<div class="position">当前位置：<a href="../index.html">首页</a> &gt; {name}</div>\n<div class="article"><h1>{name}</h1><div class="content">\n'
        )
        if code == "wzdt":
            out.append("<ul>")
            for c, n, _w, _a in COLUMNS:
                self._link(f"/{c}/index.html")
                out.append(f'<li><a href="../{c}/index.html">{n}</a></li>')
            for c, n in MISC_PAGES[1:]:
                self._link(f"/{c}/index.html")
                out.append(f'<li><a href="../{c}/index.html">{n}</a></li>')
            out.append("</ul>")
        else:
            out.append(f"<p>{''.join(self.rng.choice(SENTENCES) for _ in range(4))}</p>")
        out.append("</div></div>\n")
        out.append(self._foot())
        return "".join(out)

    # ---- output ---------------------------------------------------------------------------

    def write(self, out: Path) -> dict[str, Any]:
        www, ext = out / "www", out / "ext"
        for d in (www, ext):
            if d.exists():
                shutil.rmtree(d)
        made: set[Path] = set()
        for root, files in ((www, self.files), (ext, self.ext_files)):
            for path, data in files.items():
                target = root / path.lstrip("/")
                if target.parent not in made:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    made.add(target.parent)
                target.write_bytes(data)
        kinds: dict[str, int] = {}
        for kind in self.urls.values():
            kinds[kind] = kinds.get(kind, 0) + 1
        manifest = {
            "format": FORMAT_VERSION,
            "seed": self.seed,
            "pages_wanted": self.pages_wanted,
            "ext_port": self.ext_port,
            "closed_port": self.closed_port,
            "as_of": AS_OF.isoformat(),
            "site_name": SITE_NAME,
            "site_code": SITE_CODE,
            "organizer": ORGANIZER,
            # HTML pages the crawler stores: the site's, and the planted soft 404s (they answer 200)
            "pages": kinds.get("page", 0) + sum(p["category"] == "soft_404" for p in self.planted),
            "urls": len(self.urls),
            "url_kinds": kinds,
            "link_occurrences": self.link_occurrences,
            "links_per_page": round(self.link_occurrences / max(1, self.page_files), 1),
            "bytes": sum(len(b) for b in self.files.values()),
            "encodings": _count(a.encoding for col in self.columns.values() for a in col),
            "planted": self.planted,
            # Every URL a complete crawl fetches: site paths (prefix the base URL) and externals.
            "all_urls": sorted(self.urls),
        }
        (out / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        return manifest


def _count(values: Any) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Split total by weights (largest remainder), at least 3 each."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    counts = [max(3, int(r)) for r in raw]
    order = sorted(range(len(weights)), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    i = 0
    while sum(counts) < total:
        counts[order[i % len(order)]] += 1
        i += 1
    return counts


def _resource_bytes(path: str) -> bytes:
    ext = path[path.rfind(".") :].lower()
    return FILE_BYTES.get(ext, b"binary\n")


def _not_found_page(message: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>页面不存在</title>
<link rel="stylesheet" type="text/css" href="/css/style.css"></head>
<body><div class="error"><img src="/images/logo.png" alt="{SITE_NAME}"><h2>对不起！</h2>
<p>{message}</p><p><a href="/">返回首页</a></p></div></body></html>
"""


def _ext_page(name: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{name}</title></head>
<body><h1>{name}</h1><p>{name}欢迎您。</p></body></html>
"""


def generate(out: Path, pages: int, seed: int, ext_port: int, closed_port: int) -> dict[str, Any]:
    """Write the site under out/ and return its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    site = Site(pages, seed, ext_port, closed_port)
    site.build()
    return site.write(out)


def load_manifest(out: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if manifest.get("format") == FORMAT_VERSION else None


# ---- the fallback server ------------------------------------------------------------------


CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    ".js": "application/javascript",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".gif": "image/gif",
    ".ico": "image/x-icon",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class _Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as nginx
    extensions_map = {"": "application/octet-stream", **CONTENT_TYPES}

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        if self.path.startswith(HTML_ATTACHMENT_PREFIX):
            return "text/html"
        return super().guess_type(path)

    def end_headers(self) -> None:
        # LinkChecker lifts its per-host rate limit for servers that send this header.
        self.send_header("LinkChecker", "allowed")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def serve(directory: Path, port: int, ext_port: int) -> None:
    """Serve www/ on port and ext/ on ext_port (127.0.0.1) until killed."""
    servers = []
    for root, p in ((directory / "www", port), (directory / "ext", ext_port)):
        handler = type("Handler", (_Handler,), {})
        handler.directory = str(root)  # type: ignore[attr-defined]

        def factory(*a: Any, _h: type = handler, _root: Path = root, **kw: Any) -> Any:
            return _h(*a, directory=str(_root), **kw)

        servers.append(_Server(("127.0.0.1", p), factory))
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for t in threads:
        t.start()
    print(f"serving {directory} on 127.0.0.1:{port} (ext {ext_port})", flush=True)
    try:
        for t in threads:
            t.join()
    except KeyboardInterrupt:
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    g = sub.add_parser("gen", help="generate a site")
    g.add_argument("--out", required=True, type=Path)
    g.add_argument("--pages", type=int, default=20_000)
    g.add_argument("--seed", type=int, default=2015)
    g.add_argument("--ext-port", type=int, required=True)
    g.add_argument("--closed-port", type=int, required=True)
    s = sub.add_parser("serve", help="serve a generated site with a threaded Python server")
    s.add_argument("dir", type=Path)
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--ext-port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.cmd == "gen":
        m = generate(args.out, args.pages, args.seed, args.ext_port, args.closed_port)
        print(
            f"{m['pages']} pages, {m['urls']} URLs {m['url_kinds']}, {len(m['planted'])} planted, "
            f"{m['links_per_page']} links/page, {m['bytes'] / 1e6:.0f} MB"
        )
    else:
        serve(args.dir, args.port, args.ext_port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
