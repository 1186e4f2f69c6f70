"""Render the stored runs as HTML: one rectification report per site and an overview.

Every file is self-contained: the CSS (and the overview's few lines of JavaScript) are read
from `reports/assets/` at render time and inlined, nothing is fetched when the file is opened,
and a Content-Security-Policy meta tag forbids loading anything else. The reports never
touch the network; they render what the database holds.

Safety: titles, anchor texts and URLs come from the crawled sites, so Jinja's autoescape is on
for every template, and a URL becomes a clickable `href` only when its scheme is http or https
(`safe_href`). The overview's script is allowed by its SHA-256 hash, so an injected inline
script could not run even if escaping failed somewhere.

Size: a report lists every problem, but each problem's source pages are cut to the first
`SOURCES_SHOWN` with "and N more" (the exports keep the full lists).
"""

from __future__ import annotations

import base64
import hashlib
import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from inspector import clock
from inspector.store.history import run_findings
from inspector.store.models import RunRow, SiteRow
from inspector.words import crawl_timeout
from reports import i18n
from reports.format import fmt_number, fmt_time, safe_href, site_filename
from reports.i18n import t
from reports.problems import FindingWords, words_for_runs
from reports.province import province_trend
from reports.site_view import row_of, site_view

__all__ = ["render_reports", "safe_href", "site_filename"]

logger = logging.getLogger(__name__)

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
ASSETS = HERE / "assets"


@dataclass(slots=True)
class Assets:
    css: str
    script: str
    script_hash: str

    @classmethod
    def load(cls) -> Assets:
        css = (ASSETS / "report.css").read_text(encoding="utf-8")
        script = (ASSETS / "overview.js").read_text(encoding="utf-8")
        for name, text, closing in (
            ("report.css", css, "</style"),
            ("overview.js", script, "</script"),
        ):
            if closing in text.lower():
                raise ValueError(f"reports/assets/{name} must not contain {closing}: it is inlined")
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        return cls(css=css, script=script, script_hash=f"sha256-{digest}")


# ---------------------------------------------------------------- environment and rendering


def make_environment(lang: str, words: FindingWords) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=True,  # every template, whatever its extension: crawled text is hostile
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["t"] = lambda key, **kw: t(lang, key, **kw)
    env.globals["lang"] = i18n.lang_of(lang)
    env.globals["check_title"] = lambda check: words.title(check, lang)
    env.filters["num"] = fmt_number
    env.filters["safe_href"] = safe_href
    return env


def latest_finished_runs(
    session: Session, site_ids: Iterable[str] | None = None
) -> dict[str, RunRow]:
    """The newest finished run of each site (a run still crawling is not reported half-done)."""
    latest = select(RunRow.site_id, func.max(RunRow.id).label("run_id")).where(
        RunRow.finished_at.is_not(None)
    )
    ids = list(site_ids or [])
    if ids:
        latest = latest.where(RunRow.site_id.in_(ids))
    sub = latest.group_by(RunRow.site_id).subquery()
    return {
        run.site_id: run
        for run in session.scalars(select(RunRow).join(sub, sub.c.run_id == RunRow.id))
    }


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def _overview_counts(rows: Sequence[dict[str, Any]]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for r in rows:
        status, verdict = r["site"]["status"], r["verdict"]
        counts["registered"] += 1
        counts[status if status in ("active", "closed", "exception") else "active"] += 1
        if status == "closed":
            counts["closed_online"] += verdict == "closed_online"
            counts["closed_ok"] += verdict == "closed_ok"
        elif status != "exception":
            if verdict in ("pass", "fail", "unreachable"):
                counts["inspected"] += 1
                counts[
                    {"pass": "passed", "fail": "failed", "unreachable": "unreachable"}[verdict]
                ] += 1
            else:
                counts["not_run"] += 1
    keys = (
        "registered",
        "active",
        "closed",
        "exception",
        "inspected",
        "passed",
        "failed",
        "unreachable",
        "closed_online",
        "closed_ok",
        "not_run",
    )
    return {k: counts.get(k, 0) for k in keys}


def overview_view(
    rows: Sequence[dict[str, Any]],
    problems: Mapping[str, Counter],
    reasons: Counter,
    lang: str,
    as_of: str,
    words: FindingWords,
) -> dict[str, Any]:
    counts = _overview_counts(rows)
    kinds = []
    for kind in sorted(
        {r["site"]["kind_code"] for r in rows},
        key=lambda k: ({"portal": 0, "department": 1}.get(k, 2), k),
    ):
        sub = _overview_counts([r for r in rows if r["site"]["kind_code"] == kind])
        rate = sub["passed"] / sub["inspected"] * 100 if sub["inspected"] else None
        kinds.append(
            {
                "kind": i18n.kind_text(kind, lang),
                **sub,
                "pass_rate": f"{fmt_number(rate)}%" if rate is not None else "–",
            }
        )
    common = [
        {
            "check": check,
            "title": words.title(check, lang),
            "sites": c["sites"],
            "findings": c["findings"],
        }
        for check, c in sorted(
            problems.items(), key=lambda kv: (-kv[1]["sites"], -kv[1]["findings"], kv[0])
        )
    ]
    return {
        "counts": counts,
        "summary": t(lang, "summary_sentence", **counts),
        "kinds": kinds,
        "common": common[:15],
        "reasons": [
            {"text": i18n.reason_text(r, lang), "count": n} for r, n in reasons.most_common(10)
        ],
        "as_of": as_of,
        "verdicts": [
            (v, i18n.verdict_text(v, lang))
            for v in ("pass", "fail", "unreachable", "closed_ok", "closed_online", "skipped")
        ]
        + [(None, t(lang, "not_run"))],
    }


def render_reports(
    session: Session,
    out_dir: str | Path,
    lang: str = "zh",
    *,
    site_ids: Iterable[str] | None = None,
    words: FindingWords | None = None,
) -> Path:
    """Render `sites/<site>.html` for every site with a finished run and `index.html`; returns
    the index path. `words`: how findings are worded (default: the checks the project's
    settings enable, INSPECTOR_CHECKS_BASE and INSPECTOR_CHECKS)."""
    lang = i18n.lang_of(lang)
    ids = list(site_ids or [])
    runs = latest_finished_runs(session, ids)
    words = words_for_runs(runs.values(), words)
    out = Path(out_dir)
    env = make_environment(lang, words)
    assets = Assets.load()
    site_tpl, index_tpl = env.get_template("site.html.j2"), env.get_template("index.html.j2")
    generated = fmt_time(clock.now().replace(tzinfo=UTC))
    query = select(SiteRow).order_by(SiteRow.site_id)
    if ids:
        query = query.where(SiteRow.site_id.in_(ids))
    sites = session.scalars(query).all()
    rows: list[dict[str, Any]] = []
    problems: dict[str, Counter] = defaultdict(Counter)
    reasons: Counter[str] = Counter()
    for site in sites:
        run = runs.get(site.site_id)
        findings = None
        if run is not None:
            findings = run_findings(session, run)
            for check in {f.check for f in findings}:
                problems[check]["sites"] += 1
            for f in findings:
                problems[f.check]["findings"] += 1
                if f.check == "broken_link":  # the overview's table of broken-link reasons
                    reasons[str((f.detail or {}).get("reason", ""))] += 1
        # Timeouts are worded with the crawl's own DOWNLOAD_TIMEOUT (the demo's 5 s, not 15 s).
        with crawl_timeout((run.stats or {}).get("download_timeout") if run else None):
            view = site_view(session, site, run, lang, findings=findings, words=words)
            if run is not None:
                html = site_tpl.render(v=view, css=assets.css, generated=generated)
                _write(out / "sites" / view["file"], html)
        rows.append(row_of(view, lang))
        for row in findings or ():
            session.expunge(row)  # keep memory flat over thousands of sites
    as_of = max((r["as_of"] for r in rows if r["as_of"]), default="")
    # The overview words timeouts with the crawls' timeout when they all used the same one.
    timeouts = {(run.stats or {}).get("download_timeout") for run in runs.values()}
    with crawl_timeout(timeouts.pop() if len(timeouts) == 1 else None):
        overview = overview_view(rows, problems, reasons, lang, as_of, words)
    index = out / "index.html"
    _write(
        index,
        index_tpl.render(
            o=overview,
            trend=province_trend(session, ids, lang),
            rows=rows,
            css=assets.css,
            script=assets.script,
            script_hash=assets.script_hash,
            generated=generated,
        ),
    )
    logger.info(
        "reports: %d site pages, overview %s", sum(1 for r in rows if r["has_report"]), index
    )
    return index
