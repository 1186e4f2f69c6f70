"""办事指南 pages: which of the 2019 key elements (事项名称, 设定依据, 申请条件, 办理材料, 办理地点,
办理机构, 收费标准, 办理时间, 联系电话, 办理流程) a service guide shows.

An element is present when one of its labels (the profile's `[services.elements]`, defaults
below) stands on the page as a label — a table cell, a heading ("三、申请条件"), a <dt>, or
"办理地点：…" in running text — and is followed by a value. A label followed straight by the
next label (an empty cell) does not count. Read only on pages whose title names a guide or that
were found in a guide column: other pages pay nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from lxml import etree

from inspector.crawl.boards.labels import read_labels
from inspector.crawl.boards.vocab import Vocabulary, words
from inspector.guidefacts import GuideFacts

DEFAULT_ELEMENTS: dict[str, tuple[str, ...]] = {
    "事项名称": words(
        "事项名称 项目名称 服务名称 事项名 审批事项 办理事项 许可事项 服务事项名称 实施事项 事项名称及编码 服务事项"
    ),
    "设定依据": words(
        "设定依据 办理依据 法律依据 实施依据 政策依据 法定依据 受理依据 审批依据 许可依据 法律法规依据 依据"
    ),
    "申请条件": words(
        "申请条件 办理条件 受理条件 申报条件 准入条件 许可条件 申请人条件 受理标准 申请人资格"
    ),
    "办理材料": words(
        "办理材料 申请材料 申报材料 所需材料 提交材料 材料目录 申请资料 所需资料 材料清单 申请材料目录 应提交材料 需提交材料"
    ),
    "办理地点": words(
        "办理地点 受理地点 办公地点 办理地址 服务地点 受理地址 办事地点 窗口地址 受理窗口 办理窗口"
    ),
    "办理机构": words(
        "办理机构 实施机构 受理机构 实施主体 承办机构 办理部门 受理部门 实施部门 审批机关 决定机构 审批部门 受理单位 办理单位 实施主体名称"
    ),
    "收费标准": words("收费标准 收费依据 是否收费 收费情况 收费 费用 收费项目 收费依据及标准"),
    "办理时间": words("办理时间 受理时间 办公时间 工作时间 服务时间 窗口办公时间 窗口受理时间"),
    "联系电话": words(
        "联系电话 咨询电话 咨询方式 联系方式 监督电话 投诉电话 咨询途径 咨询投诉电话 监督投诉方式"
    ),
    "办理流程": words(
        "办理流程 办理程序 办事流程 受理流程 流程图 办理步骤 审批流程 服务流程 办理环节 办理流程图"
    ),
}
GUIDE_TITLE_RE = re.compile(r"办事指南|服务指南|办理指南|申报指南")
MIN_ELEMENTS_TO_BE_A_GUIDE = 5  # a page without a guide title showing this many is a guide
MIN_ELEMENTS_NAMED = 2  # a page titled 办事指南 (or in a guide list) needs this many to be one

_VOCABULARIES: dict[tuple[tuple[str, tuple[str, ...]], ...], Vocabulary] = {}


def vocabulary(elements: Mapping[str, Sequence[str]] | None = None) -> Vocabulary:
    table = {k: tuple(v) for k, v in (elements or DEFAULT_ELEMENTS).items()}
    key = tuple(sorted(table.items()))
    if key not in _VOCABULARIES:
        _VOCABULARIES[key] = Vocabulary(table)
    return _VOCABULARIES[key]


def looks_like_guide_title(title: str) -> bool:
    return bool(GUIDE_TITLE_RE.search(title or ""))


def read_guide(
    doc: etree._Element,
    url: str,
    title: str,
    *,
    elements: Mapping[str, Sequence[str]] | None = None,
    in_guide_column: bool = False,
    column: str = "",
) -> GuideFacts | None:
    """The key elements of a 办事指南 page; None when the page is not a guide."""
    table = elements or DEFAULT_ELEMENTS
    body = doc.find("body")
    present: list[str] = []
    for found in read_labels(body if body is not None else doc, vocabulary=vocabulary(table)):
        if found.field and found.value.strip() and found.field not in present:
            present.append(found.field)
    titled = looks_like_guide_title(title)
    # A page without two key elements is not a guide, whatever it is called (the list of
    # guides, an index): better no finding than "a guide missing everything".
    if len(present) < MIN_ELEMENTS_NAMED:
        return None
    if not (titled or in_guide_column or len(present) >= MIN_ELEMENTS_TO_BE_A_GUIDE):
        return None
    missing = [name for name in table if name not in present]
    ordered = [name for name in table if name in present]
    return GuideFacts(url, title[:200], tuple(ordered), tuple(missing), column)
