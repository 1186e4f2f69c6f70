"""Four county-portal templates for the third blind security batch (tests/test_security_blind3.py).

Each template carries the ordinary furniture of its CMS family — drop-down columns, statistics,
badges, share buttons, CDN libraries — so every page of a site is also a control. A case page
is the template around an article, with a hostile or harmless block put where hacked pages show
them: right after <body>, before </body>, inside the footer, in <head>, after </html>.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Spots:
    """Where a case's blocks go in the template."""

    head: str = ""
    after_body: str = ""
    before_end: str = ""
    footer: str = ""
    after_html: str = ""
    article: str = ""  # added to the article body


def _nav(columns: list[tuple[str, list[tuple[str, str]]]], sub_attr: str) -> str:
    out = []
    for name, subs in columns:
        items = "".join(f'<li><a href="{href}">{text}</a></li>' for href, text in subs)
        out.append(f'<li class="nav-item"><a href="/{subs[0][0].split("/")[1]}/">{name}</a>'
                   f"<ul {sub_attr}>{items}</ul></li>")  # fmt: skip
    return "".join(out)


COLUMNS = [
    ("政务公开", [("/zwgk/zfxxgk/", "政府信息公开"), ("/zwgk/zcwj/", "政策文件"),
                  ("/zwgk/czyjs/", "财政预决算"), ("/zwgk/rsxx/", "人事信息")]),
    ("政务服务", [("/zwfw/bszn/", "办事指南"), ("/zwfw/bmfw/", "便民服务")]),
    ("互动交流", [("/hdjl/xzxx/", "县长信箱"), ("/hdjl/zxft/", "在线访谈"), ("/hdjl/myzj/", "民意征集")]),
    ("走进本县", [("/zjbx/xqgk/", "县情概况"), ("/zjbx/lsyg/", "历史沿革")]),
]  # fmt: skip


def trs(site: str, title: str, date: str, body: str, s: Spots) -> str:
    """TRS WCM (拓尔思): div layout, hover drop-downs hidden by a class, 百度统计, TRS 统计."""
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}_{site}人民政府</title>
<meta name="SiteName" content="{site}人民政府"><meta name="ArticleTitle" content="{title}">
<meta name="PubDate" content="{date} 09:30">
<link rel="stylesheet" href="/images/common.css">
<style>
body{{margin:0;font:14px/1.8 "Microsoft YaHei";background:#fff;color:#333}}
.nav li{{float:left;position:relative}} .nav .sub{{display:none;position:absolute;top:44px}}
.nav li:hover .sub{{display:block}}
.footer{{background:#1d4f91;color:#fff;padding:20px 0}} .footer a{{color:#fff}}
.gotop{{display:none;position:fixed;right:20px;bottom:40px}}
.sr-only{{position:absolute;left:-10000px;width:1px;height:1px;overflow:hidden}}
</style>
<script src="/images/jquery-1.12.4.min.js"></script>
{s.head}
</head>
<body>{s.after_body}
<a class="sr-only" href="#main">跳转到主要内容区域</a>
<div class="top"><div class="w1200"><span>今天是：<span id="today"></span></span>
<a href="javascript:void(0)" id="wza">无障碍浏览</a> <a href="http://{site_host(site).replace("www.", "m.")}/">手机版</a></div></div>
<div class="header"><img src="/images/logo.png" alt="{site}人民政府">
<form action="/was5/web/search" method="get"><input name="searchword" placeholder="请输入关键字"><button>搜索</button></form></div>
<ul class="nav"><li><a href="/">首页</a></li>{_nav(COLUMNS, 'class="sub"')}</ul>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<div class="article" id="main"><h1>{title}</h1>
<div class="info">发布时间：{date} &nbsp; 来源：{site}人民政府办公室 &nbsp; 字号：<a href="javascript:doZoom(16)">大</a> <a href="javascript:doZoom(14)">中</a></div>
<div class="TRS_Editor">{body}{s.article}</div>
<div class="share">分享到：<a href="javascript:void(0)" class="bds_weixin">微信</a></div></div>
<a href="#top" class="gotop" title="返回顶部">返回顶部</a>
<div class="footer"><div class="w1200">
<p><a href="/wzdt/">网站地图</a> | <a href="/lxwm/">联系我们</a> | <a href="/wzsm/">网站声明</a></p>
<p>主办：{site}人民政府办公室 &nbsp; 网站标识码：1410230001 &nbsp; 晋ICP备05001234号
<a href="http://www.beian.gov.cn/portal/registerSystemInfo?recordcode=14102302000123">晋公网安备 14102302000123号</a></p>
{s.footer}
<span id="_ideConac"><a href="https://bszs.conac.cn/sitename?method=show&amp;id=5A1B2C3D"><img src="/images/red.png" alt="党政机关"></a></span>
<script id="_jiucuo_" sitecode="1410230001" src="https://pucha.kaipuyun.cn/exposure/jiucuo.js"></script>
</div></div>
<script>
var _hmt = _hmt || [];
(function() {{
  var hm = document.createElement("script");
  hm.src = "https://hm.baidu.com/hm.js?3a9c2d1e8f7b6a5c4d3e2f1a0b9c8d7e";
  var s = document.getElementsByTagName("script")[0];
  s.parentNode.insertBefore(hm, s);
}})();
</script>
<script src="https://ta.trs.cn/c/js/ta.js?mpid=2843" async></script>
{s.before_end}
</body></html>{s.after_html}"""


def hanweb(site: str, title: str, date: str, body: str, s: Spots) -> str:
    """Hanweb JCMS (大汉): GBK, jcms paths, drop-downs hidden inline, the classic CNZZ snippet."""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=gbk" />
<title>{site}人民政府 {title}</title>
<meta name="keywords" content="{site},人民政府,政务公开" />
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/jslib/urite/urite.min.js"></script>
<link href="/images/1/style.css" rel="stylesheet" type="text/css" />
<style type="text/css">
.bt_link a{{color:#1a1a1a}} #menu .menu_sub{{position:absolute;z-index:99}}
.tab_con{{display:none}} .tab_con.on{{display:block}}
</style>
{s.head}
</head>
<body>{s.after_body}
<div id="top"><a href="javascript:void(0);" onclick="SetHome(this,window.location)">设为首页</a>
<a href="javascript:void(0);" onclick="AddFavorite(window.location,document.title)">加入收藏</a>
<a href="/col/col2345/index.html">English</a></div>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0"><tr><td>
<div id="menu"><ul>
<li><a href="/">首页</a></li>
<li onmouseover="document.getElementById('m1').style.display='block'" onmouseout="document.getElementById('m1').style.display='none'">
<a href="/col/col1001/index.html">政务公开</a>
<div id="m1" class="menu_sub" style="display:none"><a href="/col/col1011/index.html">通知公告</a> <a href="/col/col1012/index.html">政策解读</a> <a href="/col/col1013/index.html">规划计划</a></div></li>
<li onmouseover="document.getElementById('m2').style.display='block'" onmouseout="document.getElementById('m2').style.display='none'">
<a href="/col/col1002/index.html">网上办事</a>
<div id="m2" class="menu_sub" style="display:none"><a href="http://{site_host(site).replace("www.", "zwfw.")}/">政务服务网</a> <a href="/col/col1022/index.html">办事指南</a></div></li>
<li><a href="/col/col1003/index.html">互动交流</a></li></ul></div>
</td></tr></table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#FFFFFF"><tr><td class="bt_link">
<div class="bt">{title}</div>
<div class="xx">发布日期：{date}　　信息来源：{site}人民政府办公室　　浏览次数：<script src="/module/visitcount/articlehits.jsp?colid=1011&amp;artid=5678"></script></div>
<div id="zoom">{body}{s.article}</div>
<div class="dy"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</td></tr></table>
<table width="1000" border="0" align="center" cellpadding="0" cellspacing="0" bgcolor="#E8E8E8"><tr><td align="center" class="foot">
<select onchange="if(this.value)window.open(this.value)"><option value="">----国家部委网站----</option>
<option value="http://www.gov.cn/">中国政府网</option><option value="http://www.ndrc.gov.cn/">国家发展改革委</option></select>
<p>版权所有：{site}人民政府　网站标识码：3608210002　<a href="https://beian.miit.gov.cn/" target="_blank">赣ICP备12002345号-1</a></p>
{s.footer}
<script type="text/javascript">document.write(unescape("%3Cspan id='cnzz_stat_icon_1278965432'%3E%3C/span%3E%3Cscript src='https://s4.cnzz.com/z_stat.php%3Fid%3D1278965432%26show%3Dpic' type='text/javascript'%3E%3C/script%3E"));</script>
<span id="_ideConac"><script type="text/javascript" src="https://dcs.conac.cn/js/17/000/0000/60418890/CA170000000604188900001.js"></script></span>
</td></tr></table>
{s.before_end}
</body>
</html>{s.after_html}"""


def table(site: str, title: str, date: str, body: str, s: Spots) -> str:
    """An old ASP-style site of tables: bgcolor, <font>, a scrolling 通知公告 marquee, 51.la."""
    return f"""<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}--{site}</title>
<link href="/css.css" rel="stylesheet" type="text/css">
{s.head}
</head>
<body bgcolor="#FFFFFF" leftmargin="0" topmargin="0">{s.after_body}
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td><img src="/images/banner.jpg" width="778" height="120"></td></tr>
<tr><td bgcolor="#B30000" height="28"><font color="#FFFFFF">&nbsp;<a href="/index.asp"><font color="#FFFFFF">首 页</font></a> | <a href="/news/list.asp?id=1"><font color="#FFFFFF">政务动态</font></a> | <a href="/news/list.asp?id=2"><font color="#FFFFFF">信息公开</font></a> | <a href="/guestbook/"><font color="#FFFFFF">县长信箱</font></a></font></td></tr>
</table>
<table width="778" border="0" align="center" cellpadding="0" cellspacing="0">
<tr><td width="200" valign="top" bgcolor="#F5F5F5">
<table width="100%"><tr><td><b>通知公告</b></td></tr><tr><td height="150">
<marquee direction="up" scrollamount="2" height="150" onmouseover="this.stop()" onmouseout="this.start()">
<a href="/news/show.asp?id=8812">关于开展2026年冬季森林防火工作的通知</a><br>
<a href="/news/show.asp?id=8809">县人社局2026年公益性岗位招聘公告</a><br>
<a href="/news/show.asp?id=8801">关于征求《县城总体规划》意见的公告</a></marquee></td></tr></table>
</td><td width="578" valign="top">
<table width="100%" border="0" cellpadding="6" cellspacing="0" bgcolor="#FFFFFF">
<tr><td align="center"><font size="4"><b>{title}</b></font></td></tr>
<tr><td align="center"><font color="#666666">发布时间：{date}　点击：326</font></td></tr>
<tr><td class="content">{body}{s.article}</td></tr></table>
</td></tr></table>
<table width="778" border="0" align="center" cellpadding="4" cellspacing="0" bgcolor="#EEEEEE">
<tr><td align="center">
<a href="/about.asp">关于我们</a> | <a href="/sitemap.asp">网站地图</a><br>
主办单位：{site}人民政府 &nbsp;联系电话：0359-6521234 &nbsp;网站标识码：1408300003<br>
<a href="https://beian.miit.gov.cn/">晋ICP备09001234号</a> {s.footer}
<script language="javascript" type="text/javascript" src="//js.users.51.la/19234567.js"></script>
</td></tr></table>
{s.before_end}
</body>
</html>{s.after_html}"""


def modern(site: str, title: str, date: str, body: str, s: Spots) -> str:
    """A responsive 拓尔思 海云-style portal: swiper carousel, tabs, a mobile menu, WeChat SDK."""
    return f"""<!doctype html>
<html><head><meta charset="UTF-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>{title} - {site}人民政府门户网站</title>
<link rel="stylesheet" href="https://cdn.bootcdn.net/ajax/libs/Swiper/8.4.7/swiper-bundle.min.css">
<link rel="stylesheet" href="/static/css/index.css">
<style>
.m-menu{{display:none}} @media (max-width:768px){{.m-menu.open{{display:block}} .pc-nav{{display:none}}}}
.tab-pane{{display:none}} .tab-pane.active{{display:block}}
.qr-pop{{display:none;position:absolute;top:30px}} .wx:hover .qr-pop{{display:block}}
.print-only{{display:none}} @media print{{.print-only{{display:block}} .header,.footer{{display:none}}}}
</style>
<script src="https://cdn.bootcdn.net/ajax/libs/jquery/3.6.4/jquery.min.js"></script>
<script src="https://res.wx.qq.com/open/js/jweixin-1.6.0.js"></script>
{s.head}
</head>
<body>{s.after_body}
<header class="header"><div class="logo"><a href="/"><img src="/static/img/logo.png" alt="{site}人民政府"></a></div>
<nav class="pc-nav"><a href="/">首页</a><a href="/zwdt/">政务动态</a><a href="/zfxxgk/">政府信息公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></nav>
<button class="m-btn" onclick="document.querySelector('.m-menu').classList.toggle('open')">菜单</button>
<div class="m-menu"><a href="/">首页</a><a href="/zwdt/">政务动态</a><a href="/zfxxgk/">政府信息公开</a><a href="/zwfw/">政务服务</a><a href="/hdjl/">互动交流</a></div>
<div class="wx">微信公众号<div class="qr-pop"><img src="/static/img/qr.jpg" alt="二维码"><a href="https://mp.weixin.qq.com/s/Xq2d9LmNpQ">关注{site}发布</a></div></div>
</header>
<div class="swiper"><div class="swiper-wrapper">
<div class="swiper-slide"><a href="/zwdt/2026/11/t20261125_1201.html"><img src="/static/img/b1.jpg" alt="县政府常务会议召开"></a></div>
<div class="swiper-slide" style="display:none"><a href="/zwdt/2026/11/t20261120_1188.html"><img src="/static/img/b2.jpg" alt="冬季安全生产大检查"></a></div>
</div></div>
<main class="detail"><h1>{title}</h1><p class="meta">发布时间：{date}　来源：县融媒体中心</p>
<div class="content">{body}{s.article}</div>
<div class="print-only">本页网址：https://{site_host(site)}/ 打印时间：<span id="pt"></span></div>
<div class="tabs"><ul class="tab-nav"><li class="on">热点专题</li><li>政策解读</li></ul>
<div class="tab-pane active"><a href="/ztzl/yhyshj/">优化营商环境</a> <a href="/ztzl/xczx/">乡村振兴</a></div>
<div class="tab-pane"><a href="/zcjd/202611/t20261118_1170.html">《县农村人居环境整治方案》解读</a></div></div>
</main>
<footer class="footer"><p><a href="/wzdt/">网站地图</a> <a href="/lxwm/">联系我们</a></p>
<p>主办单位：{site}人民政府办公室 网站标识码：5301230004 <a href="https://beian.miit.gov.cn/">滇ICP备10002345号</a></p>
{s.footer}
<span id="_ideConac"><script src="https://dcs.conac.cn/js/27/000/0000/60427713/CA270000000604277130002.js"></script></span>
</footer>
<script src="https://cdn.bootcdn.net/ajax/libs/Swiper/8.4.7/swiper-bundle.min.js"></script>
<script>new Swiper('.swiper',{{autoplay:true,loop:true}});</script>
<script>
wx.config({{debug:false,appId:'wx3a1b2c3d4e5f6a7b',timestamp:1764400000,nonceStr:'gov',signature:'',jsApiList:['updateAppMessageShareData']}});
</script>
{s.before_end}
</body></html>{s.after_html}"""


TEMPLATES = {"trs": trs, "hanweb": hanweb, "table": table, "modern": modern}

# The four sites: template, county name, host, encoding.
SITES = {
    "trs": ("灵丘县", "www.lingqiu.gov.cn", "utf-8"),
    "hanweb": ("信丰县", "www.xinfeng.gov.cn", "gbk"),
    "table": ("沁水县", "www.qinshui.gov.cn", "gbk"),
    "modern": ("禄劝县", "www.luquan.gov.cn", "utf-8"),
}
_HOSTS = {name: host for name, host, _ in SITES.values()}


def site_host(county: str) -> str:
    return _HOSTS[county]
