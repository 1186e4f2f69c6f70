"""What message boards call things: field labels, status words, markers; and the board rules.

Labels and status words are how Chinese government boards (TRS, Hanweb JCMS/JACT, 拓尔思,
大汉, 政务云 and home-made CMSs) name their columns and fields; they are mechanism and live here.
Which columns count as 政务咨询 boards and which are excluded is policy: the rules profile's
`[interaction]` table, read by `BoardRules.from_mapping` (defaults mirrored below).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from inspector.profile import RulesProfile, regexes, strings


def words(text: str) -> tuple[str, ...]:
    """A tuple of the space-separated words of `text` (keeps long word lists readable)."""
    return tuple(text.split())


# --- field labels -------------------------------------------------------------------------------

# field → labels, in the forms seen on list headers, detail tables and labelled paragraphs.
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "title": words(
        "标题 主题 留言标题 信件标题 来信标题 咨询标题 投诉标题 诉求标题 信件主题 留言主题 来信主题 问题标题 事项标题 问题 信件名称"
    ),
    "asker": words(
        "留言人 来信人 提问人 写信人 咨询人 投诉人 反映人 发信人 留言者 姓名 网友 网民 提问者 来信者 留言用户 用户名 署名 来信人姓名"
    ),
    "asked": words(
        "留言时间 来信时间 提问时间 写信时间 咨询时间 投诉时间 提交时间 留言日期 来信日期 提问日期 写信日期 咨询日期 投诉日期 提交日期 发信时间 发信日期 反映时间 "
        "诉求时间 受理时间 受理日期 登记时间 收信时间 收信日期 来件时间 信件时间 创建时间"
    ),
    "answered": words(
        "回复时间 答复时间 办结时间 回复日期 答复日期 办结日期 处理时间 反馈时间 回应时间 办理时间 回复时限 回复日 解答时间 答复日 处理日期 反馈日期 回应日期 "
        "办理日期 完成时间"
    ),
    "status": words(
        "状态 办理状态 处理状态 回复状态 办件状态 信件状态 办理情况 是否回复 处理情况 答复状态 当前状态 留言状态 受理状态 办结状态"
    ),
    "reply_unit": words(
        "回复单位 答复单位 办理单位 承办单位 处理单位 回复部门 答复部门 办理部门 承办部门 处理部门 回复机构 答复机构 受理单位 受理部门 交办单位 回复人 答复人 "
        "回复机关 答复机关 办理机构"
    ),
    "reply": words(
        "回复内容 答复内容 回复 答复 办理结果 处理结果 回复意见 答复意见 办理意见 处理意见 部门回复 官方回复 单位回复 领导回复 回复情况 答复情况 办理回复 回复正文 "
        "答复正文 政府回复 网站回复"
    ),
    "content": words(
        "留言内容 来信内容 信件内容 咨询内容 投诉内容 问题描述 内容 诉求内容 反映内容 留言 来信 网友留言 问题内容 提问内容 正文"
    ),
    "number": words("序号 编号 信件编号 受理编号 办件编号 留言编号 查询码 信件号"),
    "kind": ("类型", "类别", "信件类型", "留言类型", "分类", "信件类别", "诉求类型", "问题类别"),
    # A bare time or date: the message's date unless it stands after the reply (see labels.py).
    "date": ("时间", "日期", "发布时间", "发布日期", "公开时间", "公开日期"),
    "recipient": words(
        "收信人 收件人 写信对象 提交对象 信箱 咨询对象 投诉对象 收信领导 收信单位 来信对象"
    ),
}

# Fields whose value is a date.
DATE_FIELDS = frozenset({"asked", "answered", "date"})
# Labels that open the reply part of a message page; a bare date after them is the reply's.
REPLY_FIELDS = frozenset({"reply", "reply_unit", "answered"})


def normalise_label(text: str) -> str:
    """A label as compared: NFKC, no spaces, no trailing colon, no brackets around it."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[\s\u3000\u00a0]+", "", text)
    return text.strip("：:[]【】()（）<>《》·•*")


_ENUMERATION_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[、.．)）]|第[一二三四五六七八九十\d]{1,3}[条项部分]、?)"
)


class Vocabulary:
    """Labels → fields, matched whole (a cell, a heading) or followed by a colon in running text.

    Leading enumerations ("一、", "（二）", "3.") are ignored, so "一、设定依据" is the label 设定依据.
    """

    def __init__(self, fields: Mapping[str, tuple[str, ...]]) -> None:
        self.fields = {normalise_label(x): f for f, labels in fields.items() for x in labels}
        ordered = sorted(self.fields, key=len, reverse=True)
        self.inline_re = re.compile(
            r"(?:(?<=^)|(?<=[\s\u3000\u00a0|｜/，,；;。\]】)）、.．]))"
            r"(" + "|".join(re.escape(label) for label in ordered) + r")"
            r"[\s\u3000\u00a0]*[:：]"
        )
        self.ordered = ordered

    def field_of(self, text: str) -> tuple[str | None, str]:
        """(field, label) when the whole text is one label; (None, "") otherwise."""
        if len(text) > 30:
            return None, ""
        label = normalise_label(_ENUMERATION_RE.sub("", text.strip()))
        field = self.fields.get(label)
        return (field, label) if field else (None, "")


BOARD_VOCABULARY = Vocabulary(FIELD_LABELS)
LABEL_FIELD = BOARD_VOCABULARY.fields
_ALL_LABELS = BOARD_VOCABULARY.ordered


def label_field(text: str) -> str | None:
    """The field a whole cell or element text names, when it is exactly one label."""
    return BOARD_VOCABULARY.field_of(text)[0]


def header_field(text: str) -> str | None:
    """The field of a list's header cell: a label, or a short text containing one."""
    exact = label_field(text)
    if exact:
        return exact
    name = normalise_label(text)
    if not name or len(name) > 10:
        return None
    found = [label for label in _ALL_LABELS if len(label) >= 2 and label in name]
    return LABEL_FIELD[found[0]] if found else None


# --- statuses -----------------------------------------------------------------------------------

# Checked in this order (a pending word like 未回复 contains an answered one like 回复).
STATUS_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "invalid",
        words(
            "不予受理 不受理 无效 重复件 重复信件 已删除 不予公开 退回 已退回 不属于受理范围 不予答复 已撤销 撤回"
        ),
    ),
    (
        "unanswered",
        words(
            "未回复 待回复 办理中 处理中 未办结 待处理 未处理 待办理 已受理 受理中 已转办 转办中 交办中 正在办理 待答复 未答复 审核中 待审核 未反馈 待反馈 "
            "待审 未办理 待受理 已交办 承办中 正在处理 尚未回复 暂未回复 暂无回复 等待回复 未回应 已签收 签收中"
        ),
    ),
    (
        "answered",
        words(
            "已回复 已答复 已办结 办结 已处理 已反馈 已回应 已解答 已完成 已办理 已解决 已公开 已回 已答 完成 已结案 结案 已处置"
        ),
    ),
)

# Reply texts that say there is no reply yet.
NO_REPLY_TEXTS = words(
    "暂无回复 暂未回复 尚未回复 未回复 待回复 正在办理 办理中 处理中 等待回复 暂无答复 尚未答复 未答复 待答复 正在处理 暂无 无"
)


# Words that, in a short reply slot, say the reply has not come ("该信件正在办理中，请耐心等待").
PENDING_PHRASES = words(
    "暂无 尚未 暂未 未回复 待回复 正在办理 办理中 处理中 等待 未答复 待答复 正在处理 正在核实 转办中 "
    "未办结 受理中"
)
NO_REPLY_MAX = 40  # a reply slot longer than this is a reply, whatever words it uses


def says_no_reply(text: str) -> bool:
    """Whether a reply slot's text says there is no reply yet (empty, 暂无回复, 正在办理中 …)."""
    name = normalise_label(text)
    if not name or name in NO_REPLY_TEXTS or status_state(name) == "unanswered":
        return True
    return len(name) <= NO_REPLY_MAX and any(p in name for p in PENDING_PHRASES)


def status_state(text: str) -> str | None:
    """answered | unanswered | invalid for a status text; None when it names no status."""
    name = normalise_label(text)
    if not name or len(name) > 12:
        return None
    for state, words in STATUS_WORDS:
        if any(word in name for word in words):
            return state
    return None


# --- page markers -------------------------------------------------------------------------------

EMPTY_MARKERS = (
    "暂无留言",
    "暂无信件",
    "暂无数据",
    "暂无记录",
    "暂无内容",
    "暂无信息",
    "暂无相关",
    "没有留言",
    "没有记录",
    "没有数据",
    "没有相关",
    "无相关信件",
    "暂无来信",
    "暂无咨询",
    "暂无投诉",
    "暂无公开",
    "查询结果为空",
    "无记录",
    "共0条",
    "共 0 条",
    "0条记录",
)
LOGIN_TEXTS = ("请先登录", "请登录", "登录后", "用户登录", "登录查看", "未登录", "请您登录")
SEARCH_FORM_TEXTS = ("查询码", "信件编号", "受理编号", "办件编号", "留言编号", "查询密码", "验证码")
NEXT_TEXTS = words("下一页 下页 后一页 下一頁 next nextpage > › » ＞ 下一页>")
LAST_TEXTS = ("尾页", "末页", "最后一页", "最末页", "last")


# --- board rules (policy; the profile's [interaction] table) ------------------------------------

_OFFICE = "书记|市长|县长|区长|州长|旗长|乡长|镇长|局长|厅长|主任|主席|院长|部长|盟长|处长|校长|站长|所长|行长|社长"


@dataclass(frozen=True, slots=True)
class BoardRules:
    """Which columns are 政务咨询 boards; `from_mapping` reads the profile's [interaction]."""

    # Names that make a link a board wherever they stand in its name (up to max_name_length).
    board_names: tuple[str, ...] = words(
        "领导信箱 领导邮箱 咨询投诉 我要咨询 我要写信 我要留言 我要投诉 网上咨询 在线咨询 政务咨询 网上留言 "
        "留言板 留言选 民意直通车 有问必答 网上问答 百姓呼声 民声 问政 12345"
    )
    # Words that make a link a board only in a short name (up to board_word_length): "投诉", "民生热线",
    # "咨询建议" are boards; "关于道路维修的咨询" or "某某来信" are messages.
    board_words: tuple[str, ...] = words("信箱 咨询 投诉 留言 写信 诉求 热线 建议 来信 信件")
    board_word_length: int = 5
    board_patterns: tuple[str, ...] = (
        f"(?:{_OFFICE})(?:信箱|邮箱|之窗|热线)",
        r"(?:我要|网上|在线)(?:问|说|提问|反映)",
    )
    # Names of a board's public message list (信件选登 …): followed from a board page.
    list_names: tuple[str, ...] = words(
        "信件选登 留言选登 来信选登 回复选登 答复选登 选登 答复列表 回复列表 信件列表 留言列表 咨询列表 公开信件 信件公开 留言公开 办件公开 办理结果 回复公开 "
        "查看留言 留言回复 往期回复 信件回复 答复公开 全部信件 全部留言 咨询回复 热点回复 已回复 办理公开"
    )
    hub_names: tuple[str, ...] = words("互动交流 政民互动 公众参与 互动 政民互通 交流互动")
    # Interaction columns that are not 政务咨询 (listed as excluded boards, never judged).
    exclude_names: tuple[str, ...] = words(
        "访谈 征集 调查 信访 纪检 纪委 监委 监察 举报 问卷 投票 直播 提案 议案 代表建议"
    )
    # Names that are never boards, whatever else they say (写信须知, 信件查询, 办事指南 …).
    ignore_names: tuple[str, ...] = words(
        "须知 说明 指南 规则 办法 制度 注意事项 统计 满意度 评价 查询 新闻发布 常见问题 知识库 "
        "热点问题 登录 注册"
    )
    board_url_patterns: tuple[str, ...] = (
        r"/ldxx/",
        r"/zxts/",
        r"/zxzx/",
        r"/wyxx/",
        r"/wyzx/",
        r"/szxx/",
        r"/xzxx/",
        r"/qzxx/",
        r"/sjxx/",
        r"/jzxx/",
        r"/lyb/",
        r"/zmhd/zx",
        r"letter",
        r"mailbox",
        r"guestbook",
        r"jact/front/mail",
        r"/liuyan",
        r"/xinxiang",
        r"/consult",
        r"/complain",
    )
    hub_url_patterns: tuple[str, ...] = (
        r"/hdjl/?$",
        r"/zmhd/?$",
        r"/gzcy/?$",
        r"/hdjl/index",
        r"/zmhd/index",
    )
    exclude_url_patterns: tuple[str, ...] = (
        r"/zxft/",
        r"interview",
        r"/dczj/",
        r"/yjzj/",
        r"/myzj/",
        r"/wsdc/",
        r"/zjdc/",
        r"/wsxf/",
        r"xinfang",
        r"/xfxx/",
        r"/jjjb/",
        r"/jwjc/",
        r"survey",
        r"/zxdc/",
    )
    max_name_length: int = 14

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any] | None) -> BoardRules:
        table = table or {}
        known = {f.name for f in fields(cls)}
        values: dict[str, Any] = {
            key: tuple(value) if isinstance(value, list) else value
            for key, value in table.items()
            if key in known
        }
        return cls(**values)

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> BoardRules:
        """The profile's [interaction] board rules, each list checked (a ProfileError names the
        key): word lists must be non-empty strings, patterns valid regular expressions."""
        table = profile.section("interaction")
        for key in (
            "board_names",
            "board_words",
            "list_names",
            "hub_names",
            "exclude_names",
            "ignore_names",
        ):
            if key in table:
                strings(profile, f"interaction.{key}", table[key])
        for key in (
            "board_patterns",
            "board_url_patterns",
            "hub_url_patterns",
            "exclude_url_patterns",
        ):
            if key in table:
                regexes(profile, f"interaction.{key}", table[key])
        return cls.from_mapping(table)

    def compiled(self) -> CompiledBoardRules:
        return _compile(self)


@dataclass(frozen=True, slots=True)
class CompiledBoardRules:
    rules: BoardRules
    board_patterns: tuple[re.Pattern[str], ...]
    board_urls: re.Pattern[str] | None
    hub_urls: re.Pattern[str] | None
    exclude_urls: re.Pattern[str] | None


def _union(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None


_CACHE: dict[BoardRules, CompiledBoardRules] = {}


def _compile(rules: BoardRules) -> CompiledBoardRules:
    compiled = _CACHE.get(rules)
    if compiled is None:
        compiled = CompiledBoardRules(
            rules,
            tuple(re.compile(p) for p in rules.board_patterns),
            _union(rules.board_url_patterns),
            _union(rules.hub_url_patterns),
            _union(rules.exclude_url_patterns),
        )
        _CACHE[rules] = compiled
    return compiled


DEFAULT_BOARD_RULES = BoardRules()
