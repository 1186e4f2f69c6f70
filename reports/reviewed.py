"""The report's 已复核 section: findings a person reviewed (`inspector review`), read from the
run (`run.stats["reviewed"]`, inspector/judge/reviews.py). Dismissed ones left the score and
are shown only here; confirmed ones count and are also listed with the problems."""

from __future__ import annotations

from typing import Any

from inspector.judge.reviews import run_reviewed
from inspector.store.models import RunRow
from reports.problems import FindingWords, problem_view

# The section's own words (zh, en): kept here so the section is one partial and one module.
WORDS = {
    "zh": {
        "heading": "已复核",
        "note": "以下问题已由检查人员人工复核。排除的误报不计分、不否决，仅作记录；确认的问题照常计分。",
        "dismissed": "误报，已排除",
        "confirmed": "已确认",
        "outdated": "复核后出现新证据，重新计入",
        "decision": "复核结论",
        "reason": "复核说明",
        "problem": "问题",
    },
    "en": {
        "heading": "Reviewed",
        "note": "An inspector reviewed these findings. Dismissed false positives are not scored "
        "and veto nothing; they are kept for the record. Confirmed findings count as usual.",
        "dismissed": "false positive, dismissed",
        "confirmed": "confirmed",
        "outdated": "new evidence since the review: counted again",
        "decision": "Decision",
        "reason": "Note",
        "problem": "Problem",
    },
}


def reviewed_view(run: RunRow, lang: str, words: FindingWords, site_url: str) -> dict[str, Any]:
    """The section's words and rows (no rows: the section is not shown)."""
    text = WORDS["en" if lang == "en" else "zh"]
    rows = []
    for r in run_reviewed(run.stats):
        review = r["review"]
        state = "outdated" if review.get("outdated") else review["decision"]
        pv = problem_view(
            r["check"], r["severity"], r["url"], r["detail"], lang, site_url=site_url, words=words
        )
        rows.append(
            {
                "id": r["id"],
                "title": words.title(r["check"], lang),
                "problem": pv,
                "state": state,
                "state_text": text[state],
                "note": review.get("note", ""),
                "reviewer": review.get("reviewer", ""),
                "decided_at": (review.get("decided_at") or "")[:10],
            }
        )
    rows.sort(key=lambda row: (row["state"] != "dismissed", row["title"], row["problem"]["url"]))
    return {"words": text, "rows": rows}
