"""Availability: the census veto 站点无法访问 (site cannot be reached), and closed sites.

Both checks judge the availability samples of `inspector probe` (cron, every 30 minutes or
so), which the snapshot carries in `probes`; the windows and the latest probe are computed by
`inspector.judge.availability`, which scoring shares. Policy is the profile's `[availability]`
table (see there).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from checks.base import Check, Evidence, Fact, Finding, Severity, SiteSnapshot
from inspector.judge.availability import (
    availability_rules,
    closed_state,
    latest_probe,
    probe_window,
    sample_time,
    window_samples,
)
from inspector.profile import RulesProfile
from inspector.vocabulary import ANSWERED
from inspector.words import colon, days, fmt_number, lang_of, list_sep, percent, reason_text

_WORDS = {
    "zh": {
        "share": "首页无法访问的比例",
        "monitoring_incomplete": "监测数据不完整（日均少于{n}次），不据此否决",
    },
    "en": {
        "share": "Failed probes",
        "monitoring_incomplete": "monitoring incomplete (fewer than {n} probes a day): no veto on it",
    },
}
_PROBE_KEYS = frozenset(
    (
        "reason",
        "status",
        "error",
        "share",
        "probes",
        "failures",
        "window",
        "incomplete",
        "probes_per_day",
        "required_per_day",
        "reasons",
        "last_failure",
        "crawl_error",
        "threshold",
    )
)


class _ProbeWords(Check):
    """How both availability codes word their probe evidence."""

    def describe(self, detail: Mapping[str, Any], lang: str) -> str:
        headline = self.title_in(lang)
        reason = detail.get("reason")
        if self.code == "site_unreachable" and (reason or detail.get("status")):
            headline += colon(lang) + reason_text(reason, lang, status=detail.get("status"))
        if "share" in detail:
            share = _WORDS[lang_of(lang)]["share"]
            headline += f"{colon(lang)}{share} {percent(detail['share'])}"
            if detail.get("failures") is not None and detail.get("probes"):
                headline += f" ({detail['failures']}/{detail['probes']})"
        return headline

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        facts = []
        if detail.get("incomplete"):
            n = fmt_number(detail.get("required_per_day", 20))
            facts.append(Fact("note", _WORDS[lang_of(lang)]["monitoring_incomplete"].format(n=n)))
        facts += [
            Fact("status", detail.get("status")),
            Fact("error", detail.get("error")),
            Fact("window", _window_text(detail.get("window"), lang)),
            Fact("probes_per_day", detail.get("probes_per_day")),
            Fact("failure_reasons", _reasons_text(detail.get("reasons"), lang)),
            Fact("last_failure", _last_failure_text(detail.get("last_failure"), lang)),
            Fact("crawl_error", detail.get("crawl_error")),
        ]
        return Evidence(facts=facts, shown=_PROBE_KEYS)


def _window_text(window: Any, lang: str) -> str | None:
    """{"from": "2025-11-08", "to": "2025-11-14", "days": 7} → 2025-11-08 – 2025-11-14 (7天)."""
    if not isinstance(window, dict):
        return None if window in (None, "") else str(window)
    span = " – ".join(str(window[k]) for k in ("from", "to") if window.get(k))
    if window.get("days"):
        span += f" ({days(window['days'], lang)})"
    return span or None


def _reasons_text(reasons: Any, lang: str) -> str | None:
    if not isinstance(reasons, dict) or not reasons:
        return None
    return list_sep(lang).join(f"{reason_text(str(k), lang)} × {v}" for k, v in reasons.items())


def _last_failure_text(last: Any, lang: str) -> str | None:
    if not isinstance(last, dict):
        return None
    at = str(last.get("at") or "").replace("T", " ")
    outcome = reason_text(str(last.get("outcome") or ""), lang) if last.get("outcome") else ""
    return " ".join(x for x in (at, outcome, str(last.get("error") or "")) if x) or None


class Availability(_ProbeWords):
    """首页可用性 — failed probes below the veto share, or incomplete monitoring (yielded by
    SiteUnreachable; this class words it)."""

    code = "availability"
    title = {"zh": "首页可用性", "en": "Home page availability"}
    advice = {
        "zh": "排查服务器和网络的稳定性，必要时采用负载均衡、CDN 等措施，确保首页持续可以访问。",
        "en": "Make the server and network stable (load balancing, CDN if needed) so the home "
        "page stays reachable.",
    }
    report_order = 50


class SiteUnreachable(_ProbeWords):
    """站点无法访问 — the site could not be reached.

    With probe history (`inspector probe` every 30 minutes): over the `window_days` (7) whole
    days before the as-of date, a share of failed probes of `veto_share` (5%) or more is the
    veto `site_unreachable`; a smaller share (above zero) is the deduction item `availability`
    (severity minor). When the window holds fewer than `min_probes_per_day` (20) probes a day
    on average, the monitoring is incomplete: an `availability` finding (severity info,
    `incomplete: true`) says so and the share vetoes nothing.

    Without probe history, or with incomplete history, the crawl decides as in a one-shot run:
    the home page could not be fetched after retries → `site_unreachable` (veto).

    Findings, url = the registered URL:

    * `site_unreachable` (veto). From probes, detail: `probes`, `failures`, `share` (a fraction,
      0.0625), `window` (`from`, `to`: dates, inclusive; `days`), `threshold`, `reasons`
      (failures per outcome), `last_failure` (`at`, `outcome`, `error`). From the crawl:
      `reason` (timeout, connection_refused, http_503, ...), `error`, `status`.
    * `availability` (minor, or info when incomplete): the same probe keys, plus
      `probes_per_day`, `required_per_day`, `incomplete`, and `crawl_error` when the crawl
      could not fetch the home page although the probes mostly could.
    """

    code = "site_unreachable"
    title = {"zh": "站点无法访问", "en": "Site unreachable"}
    advice = {
        "zh": "排查服务器、网络线路和域名解析，确保网站全天候可以访问；"
        "如网站已整合或关停，应按规定办理关停手续并在原域名发布关停说明。",
        "en": "Check the server, network and DNS so that the site answers at all times; if the "
        "site was merged or closed, complete the closure procedure and publish a closure notice "
        "on the old domain.",
    }
    report_order = 10
    also_yields = (Availability,)

    def __init__(self, profile: RulesProfile) -> None:
        super().__init__(profile)
        rules = availability_rules(profile)
        self.window_days = int(rules["window_days"])
        self.veto_share = float(rules["veto_share"])
        self.min_per_day = float(rules["min_probes_per_day"])

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "active":
            return
        samples = window_samples(site.probes, site.as_of, self.window_days)
        if not samples:
            yield from self._from_crawl(site)
            return
        evidence = self._evidence(samples, site.as_of)
        incomplete = evidence["probes"] < self.min_per_day * self.window_days
        if incomplete:
            yield Finding(
                Availability.code,
                Severity.INFO,
                site.site.url,
                {**evidence, "incomplete": True},
                key="home",
            )
            # Too few samples to clear (or condemn) the site: the crawl's own attempt decides.
            yield from self._from_crawl(site)
            return
        if evidence["share"] >= self.veto_share:
            yield Finding(self.code, Severity.VETO, site.site.url, evidence, key="home")
            return
        if evidence["failures"] or site.home_error:
            detail = {**evidence, "incomplete": False}
            if site.home_error:
                detail["crawl_error"] = site.home_error
            yield Finding(Availability.code, Severity.MINOR, site.site.url, detail, key="home")

    def _evidence(self, samples: list[Mapping[str, Any]], as_of: date) -> dict[str, Any]:
        failed = [p for p in samples if p.get("outcome") not in ANSWERED]
        total = len(samples)
        start, end = probe_window(as_of, self.window_days)
        evidence: dict[str, Any] = {
            "probes": total,
            "failures": len(failed),
            "share": round(len(failed) / total, 4),
            "window": {
                "from": start.date().isoformat(),
                "to": (end - timedelta(days=1)).date().isoformat(),
                "days": self.window_days,
            },
            "threshold": self.veto_share,
            "probes_per_day": round(total / self.window_days, 1),
            "required_per_day": self.min_per_day,
            "reasons": dict(Counter(str(p.get("outcome")) for p in failed).most_common()),
        }
        if failed:
            last = max(failed, key=lambda p: sample_time(p) or datetime.min)
            at = sample_time(last)
            evidence["last_failure"] = {
                "at": at.isoformat(timespec="seconds") if at else None,
                "outcome": last.get("outcome"),
                "error": last.get("error") or "",
            }
        return evidence

    def _from_crawl(self, site: SiteSnapshot) -> Iterator[Finding]:
        if not site.home_error:
            return
        home = site.targets.get(site.site.url)
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "reason": home.reason if home else "",
                "status": home.status if home else None,
                "error": site.home_error,
            },
            key="home",
        )


class ClosedSiteOnline(Check):
    """关停网站仍可访问 — a site registered as closed still answers.

    For sites registered `closed`, the latest probe (`inspector probe`, or the nightly run's
    probe of closed sites) up to the end of the as-of day decides: a 2xx answer with content is
    `closed_site_online` (veto; the verdict becomes `closed_online`). A redirect that ends on
    another registered site is a proper closure (merged into that site): no finding, and the
    probe's outcome is `merged`. A failure of any kind is closed as it should be (`closed_ok`).
    A closed site without any probe gets no finding: nothing says it is online.

    Finding `closed_site_online` (veto), url = the registered URL; detail: `probed_at`,
    `status`, `final_url`, `elapsed_ms`.
    """

    code = "closed_site_online"
    title = {"zh": "已关停网站仍可访问", "en": "Closed site still online"}
    advice = {
        "zh": "已登记关停的网站不应继续对外提供内容：彻底关停，或将域名跳转到整合后的网站，并核实登记信息。",
        "en": "A site registered as closed must not serve content: shut it down or redirect the "
        "domain to the site that replaced it, and check the registration.",
    }
    report_order = 40

    def check_site(self, site: SiteSnapshot) -> Iterator[Finding]:
        if site.site.status != "closed":
            return
        state = closed_state(site)
        if state["state"] != "online":
            return
        end = datetime.combine(site.as_of + timedelta(days=1), time())
        probe = latest_probe(site.probes, before=end) or {}
        yield Finding(
            self.code,
            Severity.VETO,
            site.site.url,
            {
                "probed_at": state["at"],
                "status": state["status"],
                "final_url": state["final_url"],
                "elapsed_ms": probe.get("elapsed_ms"),
            },
            key="home",
        )

    def evidence(self, detail: Mapping[str, Any], lang: str) -> Evidence:
        return Evidence(
            facts=[
                Fact("status", detail.get("status")),
                Fact("final_url", detail.get("final_url"), links=True),
                Fact("title", detail.get("title")),
                Fact("probed_at", detail.get("probed_at")),
            ],
            shown=frozenset(("status", "final_url", "title", "probed_at", "elapsed_ms")),
        )
