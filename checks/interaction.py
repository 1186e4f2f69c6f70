"""互动回应 — message boards answered on time (census 2015 veto item 互动回应差, kept by 2019).

The rule (国办发〔2015〕15号 普查评分表, reused by 国办秘函〔2019〕19号): within the year before
the inspection date T, a 政务咨询 column (领导信箱, 咨询投诉, 我要咨询, 我要写信, 网上咨询 …)
must not leave a valid public message unanswered for more than three months. 在线访谈, 调查征集,
网上信访 and 纪检举报 columns are excluded (the crawl marks them and they are never judged). The
2019 text adds: the site offers no working online consultation channel at all.

The crawl reads each board's list across its pages and, where the list does not show the reply,
the message's own page (`inspector/crawl/boards/`). These checks judge what was read, with the
profile's `[interaction]` table: `window_days` (365), `answer_days` (90: "three months" read as
90 days — a project default), `[interaction.veto]` (`counts`, `min_messages`, `no_channel`).
Messages asked within [T − window_days, T − answer_days] are judged; older or younger ones are
never violations. A board that needs a login, shows only a query or write form, or whose list is
written by script is recorded as unreadable with the reason — never as "all answered".
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from checks.base import (
    Check,
    Evidence,
    Fact,
    Finding,
    Link,
    NotConfigured,
    Severity,
    SiteSnapshot,
)
from inspector.boardfacts import (
    ANSWERED,
    UNANSWERED,
    UNREADABLE_REASONS,
    BoardFacts,
    MessageFacts,
)
from inspector.profile import ProfileError, RulesProfile

VETO_KINDS = ("unanswered", "late")
MESSAGES_LISTED = 30  # message URLs carried by one interaction_veto finding


@dataclass(frozen=True, slots=True)
class InteractionRules:
    window_days: int = 365
    answer_days: int = 90
    veto_counts: tuple[str, ...] = VETO_KINDS
    veto_min: int = 1
    veto_no_channel: bool = False
    require_channel: bool = False

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> InteractionRules:
        table = profile.section("interaction")
        veto = profile.section("interaction.veto")
        rules = cls(
            window_days=_int(profile, table, "window_days", 365),
            answer_days=_int(profile, table, "answer_days", 90),
            veto_counts=tuple(veto.get("counts", VETO_KINDS)),
            veto_min=_int(profile, veto, "min_messages", 1, key="interaction.veto"),
            veto_no_channel=bool(veto.get("no_channel", False)),
            require_channel=bool(table.get("require_channel", False)),
        )
        unknown = [k for k in rules.veto_counts if k not in VETO_KINDS]
        if unknown or not isinstance(veto.get("counts", []), list):
            raise ProfileError(
                profile.path,
                "interaction.veto.counts",
                f"must list some of {', '.join(VETO_KINDS)}",
            )
        if rules.answer_days >= rules.window_days:
            raise ProfileError(profile.path, "interaction.answer_days", "must be < window_days")
        return rules


def _int(
    profile: RulesProfile,
    table: Mapping[str, Any],
    name: str,
    default: int,
    *,
    key: str = "interaction",
) -> int:
    value = table.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(
            profile.path, f"{key}.{name}", f"must be a whole number ≥ 1, not {value!r}"
        )
    return value


@dataclass(slots=True)
class Judgement:
    """What the boards of one run show, judged once and shared by the checks below."""

    boards: list[BoardFacts] = field(default_factory=list)  # consult boards, in crawl order
    unanswered: list[tuple[BoardFacts, MessageFacts, int]] = field(default_factory=list)
    late: list[tuple[BoardFacts, MessageFacts, int]] = field(default_factory=list)
    empty: list[BoardFacts] = field(default_factory=list)
    unreadable: list[BoardFacts] = field(default_factory=list)
    channels: int = 0  # consult boards that opened (readable or not)


def boards_of(site: SiteSnapshot) -> Sequence[BoardFacts]:
    return getattr(site, "boards", ()) or ()


def judge(boards: Sequence[BoardFacts], as_of: date, rules: InteractionRules) -> Judgement:
    """Sort the messages of the consult boards into unanswered, late and fine (see module doc)."""
    start = as_of - timedelta(days=rules.window_days)
    young = as_of - timedelta(days=rules.answer_days)
    out = Judgement()
    seen: set[str] = set()
    for board in boards:
        if board.kind != "consult":
            continue
        out.boards.append(board)
        if board.unreadable != "fetch_failed":
            out.channels += 1
        if board.unreadable:
            out.unreadable.append(board)
            continue
        in_year = 0
        for message in board.messages:
            # The same message shown by two boards is judged once: by its page, and — for a
            # message read without a page of its own — by its title and date as well.
            same = f"{''.join(message.title.split())}|{message.asked}"
            if message.key in seen or (not message.url and same in seen):
                continue
            seen.update((message.key, same) if message.title and message.asked else (message.key,))
            if message.asked is None or message.asked > as_of:
                in_year += message.asked is None
                continue
            if message.asked >= start:
                in_year += 1
            if not start <= message.asked <= young:
                continue
            if message.state == UNANSWERED:
                out.unanswered.append((board, message, (as_of - message.asked).days))
            elif message.state == ANSWERED and message.answered is not None:
                days = (message.answered - message.asked).days
                if days > rules.answer_days:
                    out.late.append((board, message, days))
        if not in_year and not board.truncated:
            out.empty.append(board)
    return out


class _BoardCheck(Check):
    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        self.rules = InteractionRules.from_profile(profile)

    def judgement(self, site: SiteSnapshot) -> Judgement | None:
        if site.site.status != "active" or site.home is None or site.home_error:
            return None
        return judge(boards_of(site), site.as_of, self.rules)


class InteractionUnanswered(_BoardCheck):
    """留言超过三个月未回复 — a public message asked within [T−365 d, T−90 d] that shows no reply.

    One finding per message (major), url = the message's page (the list page when the list
    links none); detail: `column` (the board), `list_url`, `message_url`, `asked`, `days_open`,
    `title`, `status` (as shown).
    """

    code = "interaction_unanswered"
    report_order = 600
    title = {"zh": "留言超过三个月未回复", "en": "Messages unanswered for over three months"}
    advice = {
        "zh": "对下列留言尽快办理并公开答复；建立留言办理时限制度，确保3个月内回应网民留言。",
        "en": "Answer these messages and publish the replies; set a deadline so that every "
        "message is answered within three months.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        for board, message, days in found.unanswered if found else ():
            yield Finding(
                self.code,
                Severity.MAJOR,
                message.url or message.list_url,
                {
                    "column": board.name,
                    "list_url": message.list_url or board.list_url,
                    "message_url": message.url,
                    "asked": message.asked.isoformat() if message.asked else None,
                    "days_open": days,
                    "title": message.title,
                    "status": message.status,
                },
                key=message.key,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if lang == "en":
            return (
                f"asked {detail.get('asked')}, no reply after {detail.get('days_open')} days "
                f"({detail.get('column')}): {detail.get('title') or ''}"
            )
        return (
            f"{detail.get('asked')} 留言，{detail.get('days_open')} 天未回复"
            f"（{detail.get('column')}）：{detail.get('title') or ''}"
        )

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[
                Fact("column", _board_link(detail)),
                Fact("asked", detail.get("asked")),
                Fact("days_unanswered", detail.get("days_open")),
                Fact("message_status", detail.get("status") or None),
            ],
            shown=frozenset(
                ("column", "list_url", "message_url", "asked", "days_open", "title", "status")
            ),
        )


class InteractionLate(_BoardCheck):
    """留言答复超过三个月 — a message asked within the year answered more than 90 days later.

    A provincial check failed a site for "超过3个月才办结". One finding per message (major), url =
    the message's page; detail: `message_url`, `asked`, `answered`, `days`, `column`, `list_url`,
    `title`.
    """

    code = "interaction_late"
    report_order = 610
    title = {"zh": "留言答复超过三个月", "en": "Messages answered after more than three months"}
    advice = {
        "zh": "加快留言办理流转，确保网民留言在3个月内答复；对超期办理的留言说明原因。",
        "en": "Speed up the handling of messages so that each is answered within three months.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        for board, message, days in found.late if found else ():
            yield Finding(
                self.code,
                Severity.MAJOR,
                message.url or message.list_url,
                {
                    "message_url": message.url,
                    "asked": message.asked.isoformat() if message.asked else None,
                    "answered": message.answered.isoformat() if message.answered else None,
                    "days": days,
                    "column": board.name,
                    "list_url": message.list_url or board.list_url,
                    "title": message.title,
                },
                key=message.key,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if lang == "en":
            return (
                f"asked {detail.get('asked')}, answered {detail.get('answered')} "
                f"({detail.get('days')} days): {detail.get('title') or ''}"
            )
        return (
            f"{detail.get('asked')} 留言，{detail.get('answered')} 才答复（{detail.get('days')} 天）："
            f"{detail.get('title') or ''}"
        )

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[
                Fact("column", _board_link(detail)),
                Fact("asked", detail.get("asked")),
                Fact("answered", detail.get("answered")),
                Fact("days_to_answer", detail.get("days")),
            ],
            shown=frozenset(
                ("column", "list_url", "message_url", "asked", "answered", "days", "title")
            ),
        )


class InteractionChannelEmpty(_BoardCheck):
    """互动栏目无留言 — a consultation board with no message in the year, or only 暂无留言.

    One finding per board (major), url = the board; detail: `column`, `list_url`,
    `empty_marker` (the text shown, when any), `messages` (messages read, all older).
    """

    code = "interaction_channel_empty"
    report_order = 620
    title = {"zh": "互动栏目一年内无留言", "en": "Message boards with no message in the year"}
    advice = {
        "zh": "检查留言渠道是否正常受理并公开留言；长期无留言的栏目应查明原因，确保渠道畅通。",
        "en": "Check that the board accepts and publishes messages; find out why none appears.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        for board in found.empty if found else ():
            yield Finding(
                self.code,
                Severity.MAJOR,
                board.list_url or board.url,
                {
                    "column": board.name,
                    "list_url": board.list_url or board.url,
                    "empty_marker": board.empty_marker,
                    "messages": len(board.messages),
                },
                key=board.url,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        marker = detail.get("empty_marker")
        if lang == "en":
            return f"{detail.get('column')}: " + (
                f"shows “{marker}”" if marker else "no message in the year"
            )
        return f"{detail.get('column')}：" + (f"页面显示“{marker}”" if marker else "一年内没有留言")

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("list_url", detail.get("list_url"), links=True)],
            shown=frozenset(("column", "list_url", "empty_marker")),
        )


class InteractionUnreadable(_BoardCheck):
    """互动栏目无法读取 — a consultation board whose messages could not be read (login, query
    form only, write form only, list written by script, page failed). Never counted as
    "all answered": an inspector reads it by hand. One finding per board (info, not deducted),
    url = the board; detail: `column`, `list_url`, `reason`, `reason_text`.
    """

    code = "interaction_unreadable"
    report_order = 630
    title = {"zh": "互动栏目留言无法自动读取", "en": "Message boards that could not be read"}
    advice = {
        "zh": "公开留言及答复（无需登录、无需查询码即可查看），便于公众监督；本项需人工核查。",
        "en": "Publish the messages and replies openly; these boards need a manual check.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        for board in found.unreadable if found else ():
            yield Finding(
                self.code,
                Severity.INFO,
                board.url,
                {
                    "column": board.name,
                    "list_url": board.list_url or board.url,
                    "reason": board.unreadable,
                    "reason_text": UNREADABLE_REASONS.get(board.unreadable, board.unreadable),
                },
                key=board.url,
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if lang == "en":
            return f"{detail.get('column')}: {detail.get('reason')}"
        return f"{detail.get('column')}：{detail.get('reason_text')}"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("list_url", detail.get("list_url"), links=True)],
            shown=frozenset(("column", "list_url", "reason", "reason_text")),
        )


class InteractionNoChannel(_BoardCheck):
    """无在线咨询渠道 — (2019 profile, `interaction.require_channel`) the site offers no working
    online consultation channel: no 政务咨询 board was found, or none of them opens.

    One finding (major; the veto is `interaction_veto` with rule `no_channel`), url = the site;
    detail: `column` ("" or the boards that failed), `list_url` ("" or the first failed URL).
    """

    code = "interaction_no_channel"
    report_order = 640
    title = {"zh": "未提供在线咨询渠道", "en": "No online consultation channel"}
    advice = {
        "zh": "开设领导信箱、咨询投诉等在线咨询渠道，并确保渠道可正常使用、留言得到及时答复。",
        "en": "Open an online consultation channel (领导信箱, 咨询投诉 …) that works.",
    }

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> InteractionNoChannel:
        check = cls(profile)
        if not check.rules.require_channel:
            raise NotConfigured("interaction.require_channel is off")
        return check

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        if found is None or found.channels:
            return
        failed = [b for b in found.boards if b.unreadable == "fetch_failed"]
        yield Finding(
            self.code,
            Severity.MAJOR,
            site.site.url,
            {
                "column": "、".join(b.name for b in failed),
                "list_url": failed[0].url if failed else "",
            },
            key="site",
        )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if detail.get("column"):
            if lang == "en":
                return f"the consultation boards do not open: {detail['column']}"
            return f"在线咨询栏目无法打开：{detail['column']}"
        return (
            "no consultation board found"
            if lang == "en"
            else "网站未发现领导信箱、咨询投诉等在线咨询渠道"
        )


class InteractionVeto(_BoardCheck):
    """互动回应差（单项否决） — per the profile's `[interaction.veto]`: at least `min_messages`
    (1) messages of the judged window left more than three months without an answer — never
    answered (`unanswered`) or answered late (`late`), both counted by default as the census'
    "超过三个月未回应" — or, with `no_channel = true` (2019), no working consultation channel.

    One finding per rule met (veto), url = the site; detail: `rule` ("overdue" or
    "no_channel"), `count`, `threshold`, `messages` (message URLs, at most 30), `kinds`.
    """

    code = "interaction_veto"
    report_order = 40
    title = {"zh": "互动回应差（单项否决）", "en": "Poor interaction response (veto)"}
    advice = {
        "zh": "立即办理超期未回应的留言并公开答复；确保在线咨询渠道畅通、留言3个月内答复。",
        "en": "Answer the overdue messages now; keep the consultation channel working and answer "
        "every message within three months.",
    }

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        found = self.judgement(site)
        if found is None:
            return
        overdue: list[MessageFacts] = []
        if "unanswered" in self.rules.veto_counts:
            overdue += [m for _, m, _ in found.unanswered]
        if "late" in self.rules.veto_counts:
            overdue += [m for _, m, _ in found.late]
        if len(overdue) >= self.rules.veto_min:
            yield Finding(
                self.code,
                Severity.VETO,
                site.site.url,
                {
                    "rule": "overdue",
                    "count": len(overdue),
                    "threshold": self.rules.veto_min,
                    "messages": [m.url or m.list_url for m in overdue][:MESSAGES_LISTED],
                    "kinds": list(self.rules.veto_counts),
                },
                key="overdue",
            )
        if self.rules.veto_no_channel and self.rules.require_channel and not found.channels:
            yield Finding(
                self.code,
                Severity.VETO,
                site.site.url,
                {"rule": "no_channel", "count": 0, "threshold": 1, "messages": [], "kinds": []},
                key="no_channel",
            )

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        if detail.get("rule") == "no_channel":
            return "no working consultation channel" if lang == "en" else "未提供可用的在线咨询渠道"
        if lang == "en":
            return f"{detail.get('count')} messages left more than three months without an answer"
        return f"{detail.get('count')} 条留言超过三个月未回应（含未回复和超期答复）"

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[Fact("messages", detail.get("messages") or None, links=True)],
            shown=frozenset(("rule", "count", "threshold", "messages", "kinds")),
        )


def _board_link(detail: Mapping[str, Any]) -> Any:
    url = detail.get("list_url")
    name = detail.get("column") or url
    return [Link(str(name), str(url))] if url else name
