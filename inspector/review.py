"""`inspector review`: a person confirms or dismisses findings of a site's latest run.

    inspector review --site ID                      # findings awaiting review, with short ids
    inspector review --site ID --all                # every finding, with decisions
    inspector review --site ID --dismiss 1a2b3c4d --note "本站栏目下拉菜单，非暗链"
    inspector review --site ID --confirm 5e6f7a8b --note "已通知单位删除"
    inspector review --site ID --undo 1a2b3c4d      # forget a decision

A decision is stored per site and finding identity (inspector/judge/reviews.py) and applies to
the same finding in later runs; the latest run is judged again at once (score, veto, report).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click
from sqlalchemy import select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.errors import fail
from inspector.judge.reviews import evidence_of, run_reviewed, short_id
from inspector.options import (
    DB_OPTION,
    SET_OPTION,
    lang_option,
    load_rules,
    session_or_fail,
    settings_or_fail,
)
from inspector.store.history import run_findings
from inspector.store.models import RunRow, SiteRow
from inspector.store.reviews import drop_review, save_review
from reports.problems import FindingWords, evidence_text

# Findings listed as awaiting review without --all: the security checks' (evidence for a person).
SECURITY_CHECKS = (
    "hidden_links", "spam_links", "malicious_script", "cloaking", "wording_error",
)  # fmt: skip

WORDS = {
    "zh": {
        "none": "站点 {site} 的第 {run} 次检查没有待复核的问题。",
        "awaiting": "待人工复核",
        "confirmed": "已确认",
        "dismissed": "已排除（误报）",
        "outdated": "复核后出现新证据",
        "decided": "{what} {id} {check} {url}",
        "judged": "第 {run} 次检查（{site}）重新评分：{score} 分，结论 {verdict}{vetoes}",
        "vetoes": "，否决项：{codes}",
        "undone": "已撤销对 {id} 的复核结论",
    },
    "en": {
        "none": "Run {run} of site {site} has no finding awaiting review.",
        "awaiting": "awaiting review",
        "confirmed": "confirmed",
        "dismissed": "dismissed (false positive)",
        "outdated": "new evidence since the review",
        "decided": "{what} {id} {check} {url}",
        "judged": "run {run} ({site}) judged again: score {score}, verdict {verdict}{vetoes}",
        "vetoes": ", vetoes: {codes}",
        "undone": "decision on {id} withdrawn",
    },
}


def _latest_run(session: Session, site_id: str) -> RunRow:
    if session.get(SiteRow, site_id) is None:
        fail(f"no site {site_id!r} in the database: check --site (and --db)")
    run = session.scalars(
        select(RunRow).where(RunRow.site_id == site_id).order_by(RunRow.id.desc())
    ).first()
    if run is None:
        fail(f"site {site_id!r} has no run yet: crawl it first (inspector crawl --site {site_id})")
    return run


def reviewable(session: Session, run: RunRow) -> dict[str, dict[str, Any]]:
    """short id → the finding (counted or dismissed) of the run, with its decision if any."""
    found: dict[str, dict[str, Any]] = {}
    for r in run_reviewed(run.stats):
        found[r["id"]] = dict(r)
    for row in run_findings(session, run):
        key = short_id(row.identity)
        if key not in found:
            found[key] = {
                "id": key,
                "identity": row.identity,
                "check": row.check,
                "severity": row.severity,
                "url": row.url,
                "detail": row.detail or {},
                "review": None,
            }
    return found


def _awaiting(item: dict[str, Any]) -> bool:
    """Not decided yet (or new evidence since), and evidence for a person: a security finding
    or one its check flagged 待人工复核."""
    undecided = not item["review"] or item["review"].get("outdated")
    wanted = item["check"] in SECURITY_CHECKS or item["detail"].get("needs_review")
    return bool(undecided and wanted)


def _state(item: dict[str, Any], lang: str) -> str:
    review = item.get("review")
    if not review:
        return WORDS[lang]["awaiting"]
    if review.get("outdated"):
        return WORDS[lang]["outdated"]
    state = WORDS[lang][review["decision"]]
    return f"{state}: {review['note']}" if review.get("note") else state


def _show(items: Sequence[dict[str, Any]], lang: str, words: FindingWords) -> None:
    for item in items:
        text = evidence_text(
            item["check"], item["severity"], item["url"], item["detail"], lang, words=words
        )
        click.echo(
            "\t".join(
                [
                    item["id"],
                    item["severity"],
                    item["check"],
                    item["url"],
                    text[:200],
                    _state(item, lang),
                ]
            )
        )


def _wanted(
    found: dict[str, dict[str, Any]], ids: Sequence[str], site_id: str
) -> list[dict[str, Any]]:
    wanted = []
    for raw in ids:
        key = raw.strip().lower()
        if key not in found:
            fail(
                f"no finding {raw!r} in the latest run of {site_id}: "
                f"`inspector review --site {site_id} --all` lists the ids"
            )
        wanted.append(found[key])
    return wanted


@click.command()
@click.option("--site", "site_id", required=True, help="The site (its latest run is reviewed).")
@DB_OPTION
@click.option("--list", "show_list", is_flag=True, help="List findings awaiting review (default).")
@click.option("--all", "show_all", is_flag=True, help="List every finding, with its decision.")
@click.option("--confirm", "confirm", multiple=True, metavar="ID", help="Confirm: it counts.")
@click.option("--dismiss", "dismiss", multiple=True, metavar="ID", help="A false positive.")
@click.option("--undo", "undo", multiple=True, metavar="ID", help="Forget the decision.")
@click.option("--note", default="", help="Why (required with --dismiss).")
@click.option("--by", "reviewer", default="", help="Who decides (kept with the decision).")
@lang_option("Language of what is printed.")
@SET_OPTION
def review(
    site_id: str,
    db_url: str | None,
    show_list: bool,
    show_all: bool,
    confirm: tuple[str, ...],
    dismiss: tuple[str, ...],
    undo: tuple[str, ...],
    note: str,
    reviewer: str,
    lang: str,
    set_options: tuple[str, ...],
) -> None:
    """Confirm or dismiss (false positive) findings of a site, by the short id the list shows.

    A dismissed finding leaves the score and the veto, stays in the report's 已复核 section and
    the export's `reviewed`, and stays dismissed in later runs while its evidence is the same.
    """
    from inspector.judge.checkrun import CheckConfig, check_run

    lang = "en" if lang == "en" else "zh"
    deciding = bool(confirm or dismiss or undo)
    if deciding and (show_list or show_all):
        fail("--list/--all only list; give --confirm/--dismiss/--undo without them")
    if dismiss and not note.strip():
        fail("--dismiss needs --note saying why the finding is a false positive")
    if len({*confirm, *dismiss, *undo}) < len(confirm) + len(dismiss) + len(undo):
        fail("an id is given twice: decide each finding once")
    settings = settings_or_fail(set_options, db_url)
    with session_or_fail(db_url, create=False) as s:
        run = _latest_run(s, site_id)
        found = reviewable(s, run)
        if not deciding:
            items = [f for f in found.values() if show_all or _awaiting(f)]
            if not items:
                click.echo(WORDS[lang]["none"].format(site=site_id, run=run.id))
            _show(items, lang, FindingWords.enabled(settings))
            return
        try:
            profile = load_rules(run.rules or "census2015", settings)
        except ValueError as exc:
            fail(str(exc))
        for decision, ids in (("confirmed", confirm), ("dismissed", dismiss)):
            for item in _wanted(found, ids, site_id):
                save_review(
                    s,
                    site_id=site_id,
                    identity=item["identity"],
                    check=item["check"],
                    decision=decision,
                    note=note.strip(),
                    reviewer=reviewer.strip(),
                    at=clock.now(),
                    run_id=run.id,
                    evidence=evidence_of(item["detail"]),
                )
                what = WORDS[lang][decision]
                click.echo(WORDS[lang]["decided"].format(what=what, **item))
        for item in _wanted(found, undo, site_id):
            drop_review(s, site_id, item["identity"])
            click.echo(WORDS[lang]["undone"].format(id=item["id"]))
        s.commit()
        check_run(s, run.id, CheckConfig.from_settings(settings), profile)
        vetoes = (run.verdict_detail or {}).get("vetoes") or []
        click.echo(
            WORDS[lang]["judged"].format(
                run=run.id,
                site=site_id,
                score=run.score,
                verdict=run.verdict,
                vetoes=WORDS[lang]["vetoes"].format(codes=", ".join(vetoes)) if vetoes else "",
            )
        )
