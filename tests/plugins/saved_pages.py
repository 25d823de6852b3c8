"""Saved web pages written for the tests, in the shapes of Chinese news sites and government
portals (fictional city 青禾市 and fictional outlets; every sentence written for these tests).

Takes: nothing (or a size, for the large and deep pages).
Gives: ``SavedPage`` values — the page's bytes as a browser saves them (menus, breadcrumbs,
share widgets, related links, comments, scripts, styles and footers included) and what a
reader of the page sees as its article: the title, the publication date, the outlet and the
article's lines in order (what ``read_html`` must give, one line per paragraph, subheading,
table row or caption; page furniture never). ``PAGES`` names them all:

- ``news``: a daily's page, the article in nested divs (div.main > div.content > div#detail
  > p), subheadings as ``<p><strong>``, og:title, og:site_name, article:published_time in ISO
  with a time zone, an info bar ``2021-07-25 10:30:12 来源：青禾日报``, a ``<nav>`` breadcrumb
  (首页 / 新闻 / 城建 / 正文) above the headline, share widget, 字体 and 责任编辑 lines,
  上一篇/下一篇 links, related links, comments, a sidebar, footer with ICP备.
- ``gov``: a government portal, table layout, the text in one ``div.TRS_Editor`` separated by
  ``<br>``, ``<meta name="PubDate">``, the info bar ``发布时间：2021年07月26日`` with 【字体】
  links, 打印本页/关闭窗口, a footer with 版权所有 and ICP备.
- ``gov_gbk``: the same page saved in GBK with ``<meta http-equiv ... charset=gb2312>``; its
  text holds 堃 and 镕, which are in GBK but not in GB2312.
- ``stats``: a statistics bureau's release with a table of figures (header row of ``<th>``),
  ``<meta name="publishdate">`` and a later ``article:modified_time``, ``<h2>`` subheadings.
- ``photos``: a picture story: ``<figure><img><figcaption>`` and the centred
  ``<p><img></p><p>图为……（记者 某某 摄）</p>``; no date meta, only the visible info bar.
- ``undated``: a commentary with og:site_name and no date anywhere (the copyright line and the
  text name years, which are not its date).
- ``no_text``: a channel page of links only (no article).
- ``large_page()``: ~2 MB, 1,200 paragraphs, tables, heavy navigation; ``deep_page()``: 50,000
  nested divs.

Used by tests/corpus/formats/test_html.py; the ingest tests and benchmarks may use them too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape


@dataclass(frozen=True)
class SavedPage:
    name: str
    html: bytes
    title: str | None
    date: dt.date | None
    outlet: str | None
    lines: tuple[str, ...]   # the article's lines in order (no blank lines)

    @property
    def file_name(self) -> str:
        return f"{self.name}.html"


# --- page furniture (every page carries some) ------------------------------------------

_MENU = ("首页", "要闻", "时政", "经济", "社会", "文化", "体育", "图片", "视频", "专题", "评论")


def _menu() -> str:
    items = "".join(f'<li><a href="/{n}/">{name}</a></li>' for n, name in enumerate(_MENU))
    return f'<div class="header"><div class="logo"><a href="/">青禾网</a></div>' \
           f'<ul class="menu">{items}</ul></div>'


_SCRIPT = """<script type="text/javascript">
var _hmt = _hmt || []; document.write("<p>首页 &gt; 新闻 &gt; 正文</p>");
</script><style>body{font-size:14px}.main{width:1000px}</style>"""

_SHARE = ('<div class="bdsharebuttonbox">分享到：<a class="bds_weixin">微信</a> '
          '<a class="bds_tsina">微博</a> <a class="bds_qzone">QQ空间</a></div>')

_RELATED = """<div class="related"><h3>相关新闻</h3><ul>
<li><a href="/news/101.html">青禾启动新一轮城市更新行动</a></li>
<li><a href="/news/102.html">全市老旧小区改造现场推进会召开</a></li>
<li><a href="/news/103.html">青禾发布便民服务十条措施</a></li></ul></div>"""

_COMMENTS = """<div id="comment" class="comment-box"><h3>网友评论</h3>
<div class="comment-item"><span class="user">网友甲</span><p>这样的改造实实在在，点赞！</p></div>
<div class="comment-item"><span class="user">网友乙</span><p>希望我们小区也能早点排上。</p></div>
</div>"""


def _footer(owner: str) -> str:
    return (f'<div class="footer"><p><a href="/about">关于我们</a> | <a href="/contact">联系我们'
            f'</a> | <a href="/map">网站地图</a></p><p>版权所有 © 2003-2021 {owner}</p>'
            '<p>青ICP备05001234号-1 青公网安备 12010202000123号</p></div>')


def _document(head: str, body: str, *, charset: str = '<meta charset="utf-8">') -> str:
    return (f"<!DOCTYPE html>\n<html lang=\"zh-CN\"><head>{charset}\n{head}\n{_SCRIPT}</head>\n"
            f"<body>\n{body}\n</body></html>\n")


def _ps(paragraphs: tuple[str, ...], indent: str = "") -> str:
    return "\n".join(f"<p>{indent}{escape(p)}</p>" for p in paragraphs)


# --- news: nested divs, one <p> per paragraph ---------------------------------------------

NEWS_TITLE = "青禾老旧小区改造提速 上半年完成改造312个"
NEWS_LEAD = ("本报讯（记者 林晓岚 通讯员 周文）今年以来，青禾市加快推进老旧小区改造，"
             "截至6月底已完成改造小区312个，惠及居民约9.6万户。")
NEWS_PART1 = ("先问需于民再动工",
              "在江滨区枫林社区，改造方案先后三次征求居民意见，加装电梯、修补屋面、增设充电桩"
              "等事项都由居民投票决定。",
              "社区书记说，过去一些改造项目是“政府干、群众看”，如今居民从头到尾参与，"
              "满意度明显提高。")
NEWS_PART2 = ("资金来源更加多元",
              "据了解，今年的改造资金除中央和省级补助外，还引入社会资本参与停车场、养老服务"
              "设施的建设和运营。",
              "市住建局有关负责人表示，下半年将重点解决小区管线老化、消防通道不畅等问题，"
              "力争全年完成改造小区600个。")


def news_page() -> SavedPage:
    head = (f"<title>{NEWS_TITLE}_青禾日报网</title>\n"
            f'<meta property="og:title" content="{NEWS_TITLE}">\n'
            '<meta property="og:site_name" content="青禾日报网">\n'
            '<meta property="article:published_time" content="2021-07-25T10:30:00+08:00">\n'
            '<meta name="keywords" content="老旧小区,改造">')
    part = "\n".join(
        f"<p><strong>{h}</strong></p>\n{_ps(body)}" for h, *body in (NEWS_PART1, NEWS_PART2))
    body = f"""{_menu()}
<div class="main"><div class="content">
<nav class="crumbs"><a href="/">首页</a> / <a href="/news/">新闻</a> /
<a href="/news/city/">城建</a> / 正文</nav>
<h1>{NEWS_TITLE}</h1>
<div class="info"><span>2021-07-25 10:30:12</span> <span>来源：青禾日报</span></div>
{_SHARE}
<div id="detail">
<p>{NEWS_LEAD}</p>
{part}
<p>【字体：大 中 小】</p>
<p>责任编辑：王雨桐</p>
</div>
<div class="pre-next"><p>上一篇：<a href="/news/99.html">青禾发布暑期文旅消费券</a></p>
<p>下一篇：<a href="/news/100.html">枫林湖水质持续向好</a></p></div>
<div class="qrcode">扫一扫在手机打开当前页</div>
{_RELATED}
{_COMMENTS}
</div>
<div class="sidebar"><h3>热点推荐</h3><ul><li><a href="/x/1.html">青禾地铁5号线年底通车</a></li>
<li><a href="/x/2.html">暑期青禾博物馆延时开放</a></li></ul></div></div>
{_footer("青禾日报网")}"""
    lines = (NEWS_LEAD, *NEWS_PART1, *NEWS_PART2)
    return SavedPage("news", _document(head, body).encode("utf-8"), NEWS_TITLE,
                     dt.date(2021, 7, 25), "青禾日报", lines)


# --- gov: a TRS_Editor div of <br>-separated text ---------------------------------------

GOV_TITLE = "青禾市人民政府办公厅关于做好2021年防汛工作的通知"
GOV_LINES = (
    "各区人民政府，市政府各部门：",
    "为切实做好今年防汛工作，保障人民群众生命财产安全，经市人民政府同意，现将有关事项通知"
    "如下。",
    "一、压实防汛责任",
    "各区要落实行政首长负责制，层层明确防汛责任人，公布到村到户，做到责任不落空。",
    "二、加强隐患排查",
    "对全市水库、堤防、涵闸和在建工程开展拉网式排查，发现隐患立即整改，一时难以整改的要"
    "落实临时度汛措施。",
    "三、做好应急准备",
    "各级防汛物资仓库要在7月31日前补足砂石、编织袋、救生衣等物资，抢险队伍实行24小时值班。"
    "负责督查的市水务局副局长李堃、市应急局副局长王镕要带队到一线检查。",
    "青禾市人民政府办公厅",
    "2021年7月26日",
)


def _gov_html(charset: str) -> str:
    head = (f"<title>{GOV_TITLE}</title>\n"
            '<meta name="SiteName" content="青禾市人民政府">\n'
            '<meta name="ColumnName" content="通知公告">\n'
            f'<meta name="ArticleTitle" content="{GOV_TITLE}">\n'
            '<meta name="PubDate" content="2021-07-26 16:05">\n'
            '<meta name="ContentSource" content="市政府办公厅">')
    text = "<br>\n<br>\n".join("　　" + escape(line) for line in GOV_LINES)
    body = f"""<table width="100%" class="top"><tr><td><img src="logo.gif" alt="青禾市人民政府">
</td><td><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/bsfw/">办事服务</a> |
<a href="/hdjl/">互动交流</a></td></tr></table>
<table width="1000" align="center"><tr><td class="position">当前位置：<a href="/">首页</a> &gt;
<a href="/zwgk/">政务公开</a> &gt; <a href="/tzgg/">通知公告</a></td></tr>
<tr><td align="center" class="title"><b>{GOV_TITLE}</b></td></tr>
<tr><td class="xinxi">发布时间：2021年07月26日　来源：市政府办公厅　【字体：<a>大</a> <a>中</a>
<a>小</a>】</td></tr>
<tr><td class="content"><div class="TRS_Editor">{text}</div></td></tr>
<tr><td align="right">【<a href="javascript:window.print()">打印本页</a>】
【<a href="javascript:window.close()">关闭窗口</a>】</td></tr></table>
<div class="bottom"><p>主办：青禾市人民政府办公厅　承办：青禾市大数据中心</p>
<p>版权所有：青禾市人民政府　青ICP备05005678号</p></div>"""
    return _document(head, body, charset=charset)


#: The notice's closing signature (issuing body, date): metadata, not article text.
GOV_SIGNATURE = GOV_LINES[-2:]


def gov_page() -> SavedPage:
    return SavedPage("gov", _gov_html('<meta charset="utf-8">').encode("utf-8"), GOV_TITLE,
                     dt.date(2021, 7, 26), "市政府办公厅", GOV_LINES[:-2])


def gov_gbk_page() -> SavedPage:
    charset = '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
    return SavedPage("gov_gbk", _gov_html(charset).encode("gbk"), GOV_TITLE,
                     dt.date(2021, 7, 26), "市政府办公厅", GOV_LINES[:-2])


# --- stats: a table of figures -----------------------------------------------------------

STATS_TITLE = "2021年上半年青禾市经济运行情况"
STATS_INTRO = ("上半年，面对复杂多变的外部环境，全市经济持续稳定恢复，主要指标增速好于预期。",)
STATS_HEADER = ("指标", "绝对数", "比上年同期增长（%）")
STATS_ROWS = (("地区生产总值（亿元）", "2356.8", "12.4"),
              ("规模以上工业增加值（亿元）", "812.5", "15.1"),
              ("社会消费品零售总额（亿元）", "1047.3", "21.6"),
              ("城镇居民人均可支配收入（元）", "24390", "10.2"))
STATS_PART2 = ("工业生产较快增长",
               "分行业看，汽车制造业增加值增长18.7%，电子信息制造业增长26.3%，"
               "两大行业合计拉动规模以上工业增长7.9个百分点。")
STATS_PART3 = ("消费市场持续回暖",
               "限额以上单位中，新能源汽车零售额增长1.3倍，通过网络实现的商品零售额增长34.5%。")


def table_line(cells: tuple[str, ...]) -> str:
    """How ``read_html`` writes a table row (its module docstring): the first cell, a
    full-width colon, the other cells joined by an ideographic space, a closing 。"""
    first, *rest = cells
    return (f"{first}：{'　'.join(rest)}" if rest else first) + "。"


def stats_page() -> SavedPage:
    head = (f"<title>{STATS_TITLE}-青禾市统计局</title>\n"
            '<meta name="publishdate" content="2021-07-25">\n'
            '<meta property="article:modified_time" content="2021-08-03T09:00:00+08:00">\n'
            '<meta property="og:site_name" content="青禾市统计局">')
    header = "".join(f"<th>{escape(c)}</th>" for c in STATS_HEADER)
    rows = "\n".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                     for row in STATS_ROWS)
    body = f"""{_menu()}
<div class="breadcrumb">您现在的位置：<a href="/">首页</a> &gt; <a href="/tjsj/">统计数据</a></div>
<div class="article">
<h1 class="title">{STATS_TITLE}</h1>
<p class="date">发布日期：2021-07-25　来源：市统计局</p>
<div class="article-body">
{_ps(STATS_INTRO)}
<table class="data" border="1"><thead><tr>{header}</tr></thead>
<tbody>{rows}</tbody></table>
<h2>{STATS_PART2[0]}</h2>
{_ps(STATS_PART2[1:])}
<h2>{STATS_PART3[0]}</h2>
{_ps(STATS_PART3[1:])}
</div></div>
{_footer("青禾市统计局")}"""
    lines = (*STATS_INTRO, table_line(STATS_HEADER), *(table_line(r) for r in STATS_ROWS),
             *STATS_PART2, *STATS_PART3)
    return SavedPage("stats", _document(head, body).encode("utf-8"), STATS_TITLE,
                     dt.date(2021, 7, 25), "市统计局", lines)


# --- photos: figures with captions -------------------------------------------------------

PHOTOS_TITLE = "江滨绿道全线贯通 市民骑行赏景"
PHOTOS_LINES = (
    "7月24日，全长42公里的青禾江滨绿道全线贯通，沿线新建驿站8座、观景平台15处。",
    "绿道沿江滨路、枫林湖一线布置，串起了6个公园和3处历史街区。",
    "7月24日，市民在江滨绿道骑行。（记者 宋嘉禾 摄）",
    "市园林局介绍，绿道建设中保留了沿线的大部分原生树木，并补种水杉、乌桕等乡土树种。",
    "图为枫林湖段新建的观景平台。（记者 宋嘉禾 摄）",
    "据悉，绿道沿线还将陆续开放共享单车停放点和应急救护点。",
)


def photos_page() -> SavedPage:
    lead, second, caption1, third, caption2, last = PHOTOS_LINES
    head = f"<title>{PHOTOS_TITLE}-青禾网</title>"
    body = f"""{_menu()}
<div class="crumb"><a href="/">首页</a> &gt; <a href="/pic/">图片</a> &gt; 正文</div>
<div class="wrap"><div class="left">
<h1>{PHOTOS_TITLE}</h1>
<div class="source-bar">2021-07-25 08:12:40　来源：青禾晚报</div>
<div class="text">
<p>{lead}</p>
<p>{second}</p>
<figure class="photo"><img src="lvdao1.jpg" alt="绿道"><figcaption>{caption1}</figcaption>
</figure>
<p>{third}</p>
<p style="text-align: center;"><img src="lvdao2.jpg" border="0"></p>
<p style="text-align: center;">{caption2}</p>
<p>{last}</p>
</div>{_SHARE}</div></div>
{_footer("青禾网")}"""
    return SavedPage("photos", _document(head, body).encode("utf-8"), PHOTOS_TITLE,
                     dt.date(2021, 7, 25), "青禾晚报", PHOTOS_LINES)


# --- undated: no date anywhere -----------------------------------------------------------

UNDATED_TITLE = "让“家门口”的服务更贴心"
UNDATED_LINES = (
    "一座城市的温度，往往体现在居民家门口的小事上。",
    "2019年，青禾在部分社区试点“一站式”便民服务，把社保、医保、户籍等常办事项搬进社区。"
    "几年下来，居民办事少跑了腿，社区也多了人气。",
    "服务下沉不能一“沉”了之",
    "也要看到，一些社区服务点存在人手不足、事项不全等问题，群众有时还要多跑一趟。"
    "下一步，应当把更多审批权限和专业人员一并下放。",
    "只有把群众的“小事”当成自己的“大事”，家门口的服务才能真正贴心。",
)


def undated_page() -> SavedPage:
    head = (f"<title>{UNDATED_TITLE}_青禾网评论</title>\n"
            f'<meta property="og:title" content="{UNDATED_TITLE}">\n'
            '<meta property="og:site_name" content="青禾网">')
    first, second, heading, third, last = UNDATED_LINES
    body = f"""{_menu()}
<div class="main"><div class="article"><h1>{UNDATED_TITLE}</h1>
<div class="author">作者：辛禾</div>
<div class="article-content">
{_ps((first, second))}
<h3>{heading}</h3>
{_ps((third, last))}
</div>{_SHARE}</div></div>
{_footer("青禾网")}"""
    return SavedPage("undated", _document(head, body).encode("utf-8"), UNDATED_TITLE, None,
                     "青禾网", UNDATED_LINES)


# --- no_text: a channel page -------------------------------------------------------------

def no_text_page() -> SavedPage:
    links = "\n".join(f'<li><a href="/news/{n}.html">青禾新闻标题第{n}条</a>'
                      f'<span>2021-07-{n + 1:02d}</span></li>' for n in range(1, 25))
    body = f"""{_menu()}
<div class="crumb"><a href="/">首页</a> &gt; 新闻</div>
<div class="list"><ul>{links}</ul></div>
<div class="pages"><a>上一页</a> <a>1</a> <a>2</a> <a>3</a> <a>下一页</a></div>
{_footer("青禾网")}"""
    html = _document("<title>新闻_青禾网</title>", body).encode("utf-8")
    return SavedPage("no_text", html, None, None, None, ())


PAGES = {"news": news_page, "gov": gov_page, "gov_gbk": gov_gbk_page, "stats": stats_page,
         "photos": photos_page, "undated": undated_page}


# --- large and deep pages ----------------------------------------------------------------

_SENTENCES = (
    "第{n}个项目位于青禾市江滨区，总投资约{m}亿元，计划明年上半年建成投用。",
    "项目建成后，预计每年可新增就业岗位{m}00个，带动上下游企业{n}家。",
    "市发展改革委有关负责人表示，将建立项目推进台账，实行周调度、月通报。",
    "截至目前，已有{m}个子项目完成招标，{n}个子项目进入施工阶段。",
    "施工现场，{m}台大型机械同时作业，工人们分成两班轮流施工，确保工期不受天气影响。",
    "项目所在街道专门成立服务专班，帮助企业协调用地、用电、用水等问题{n}件。",
)


def large_paragraph(n: int) -> str:
    """Paragraph ``n`` of the large page (six sentences, ~230 characters)."""
    return "".join(s.format(n=n, m=n % 97 + 3) for s in _SENTENCES)


_SPAN = ('<span style="font-family:仿宋_GB2312,FangSong;font-size:16pt;line-height:2em;'
         'color:#333;mso-spacerun:yes;mso-ascii-font-family:Times New Roman">')


def _large_markup(n: int) -> str:
    """Paragraph ``n`` as a CMS writes it: each sentence in its own styled span."""
    return "".join(f"{_SPAN}{s.format(n=n, m=n % 97 + 3)}</span>" for s in _SENTENCES)


def _section_furniture(n: int) -> str:
    """What a long page puts between its parts: a share bar and a box of links."""
    links = "".join(f'<li><a href="/r/{n}-{k}.html">推荐阅读第{n}组第{k}篇文章的标题</a></li>'
                    for k in range(12))
    return f'{_SHARE}<div class="recommend"><h4>推荐阅读</h4><ul>{links}</ul></div>'


def large_page(paragraphs: int = 1_200, tables: int = 20, menu_links: int = 3_000,
               ) -> SavedPage:
    """A long report page (~2 MB at the defaults): ``paragraphs`` paragraphs in nested divs
    (each sentence in a styled span), a subheading every 60 paragraphs with a share bar and
    a box of links before it, a 6-row table every ``paragraphs // tables`` paragraphs, and
    heavy navigation (a mega-menu of ``menu_links`` links, two sidebars of 200 links,
    related links, comments, footer). ``lines`` holds the article's lines as ``read_html``
    writes them."""
    nav = "".join(f'<li><a href="/c{n}/index.html" title="栏目{n}">栏目{n}</a></li>'
                  for n in range(menu_links))
    every = max(1, paragraphs // max(1, tables))
    out: list[str] = []
    lines: list[str] = []
    for n in range(1, paragraphs + 1):
        if n % 60 == 1:
            heading = f"第{n // 60 + 1}部分项目进展"
            out.append(f"{_section_furniture(n) if n > 1 else ''}<h3>{heading}</h3>")
            lines.append(heading)
        text = large_paragraph(n)
        out.append(f'<p style="text-indent:2em">{_large_markup(n)}</p>')
        lines.append(text)
        if n % every == 0:
            rows = [("项目", "投资（亿元）", "进度（%）")] + [
                (f"子项目{n}-{k}", f"{k * 1.5 + n % 7:.1f}", str(10 * k)) for k in range(1, 6)]
            out.append('<table class="data"><tr>' + "".join(f"<th>{c}</th>" for c in rows[0])
                       + "</tr>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r)
                                           + "</tr>" for r in rows[1:]) + "</table>")
            lines.extend(table_line(r) for r in rows)
    title = "青禾市重大项目建设进展情况报告"
    side = "".join(f'<li><a href="/s/{n}.html">侧栏推荐文章标题{n}</a></li>' for n in range(200))
    head = (f"<title>{title}_青禾日报网</title>\n"
            f'<meta property="og:title" content="{title}">\n'
            '<meta property="og:site_name" content="青禾日报网">\n'
            '<meta property="article:published_time" content="2021-07-25T10:30:00+08:00">')
    body = f"""<div class="header"><ul class="mega-menu">{nav}</ul></div>
<nav class="crumbs"><a href="/">首页</a> &gt; <a href="/news/">新闻</a> &gt; 正文</nav>
<div class="main"><div class="content"><h1>{title}</h1>
<div class="info">2021-07-25 10:30:12 来源：青禾日报</div>{_SHARE}
<div id="detail"><div class="article-body">{"".join(out)}</div></div>
{_RELATED}{_COMMENTS}</div><div class="sidebar"><ul>{side}</ul></div>
<div class="sidebar2"><ul>{side}</ul></div></div>
{_footer("青禾日报网")}"""
    return SavedPage("large", _document(head, body).encode("utf-8"), title,
                     dt.date(2021, 7, 25), "青禾日报", tuple(lines))


def deep_page(depth: int = 50_000) -> bytes:
    """A page whose article sits inside ``depth`` nested divs."""
    paragraph = "<p>这是一段放在很深层级里的正文，用来检验读取网页时的深度限制。</p>"
    return _document("<title>深层页面</title>",
                     "<div>" * depth + paragraph * 3 + "</div>" * depth).encode("utf-8")
