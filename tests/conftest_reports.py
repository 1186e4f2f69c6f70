"""Builders for the report, tracking and export tests: a real SQLite database filled through the
models and the real pipeline functions (store_findings for tracking, score_run for the verdict).

Not a conftest: imported by the test modules that need it (tests/conftest.py is shared).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from inspector.facts import Finding, Severity
from inspector.judge.checkrun import store_findings
from inspector.judge.reviews import REVIEW_STAT, apply_reviews, evidence_of
from inspector.judge.scoring import score_run
from inspector.profile import RulesProfile, load_profile
from inspector.registry import Site
from inspector.store.models import Base, RunRow, SiteRow
from inspector.store.reviews import save_review, site_reviews
from inspector.testing import make_snapshot
from inspector.testing import site as make_site

CHROMIUM = Path("/usr/bin/chromium")
BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def _fk_on(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.execute("PRAGMA foreign_keys=ON")


@dataclass
class ReportDB:
    """A fresh SQLite file with the project's schema, and helpers to store sites and runs."""

    engine: Engine
    factory: sessionmaker[Session]
    profile: RulesProfile

    @classmethod
    def create(cls, path: Path) -> ReportDB:
        engine = create_engine(f"sqlite:///{path}")
        event.listen(engine, "connect", _fk_on)
        # The models' tables, not the Alembic migrations: these tests are about reading rows.
        Base.metadata.create_all(engine)
        return cls(engine, sessionmaker(engine, expire_on_commit=False), load_profile("census2015"))

    @property
    def url(self) -> str:
        return str(self.engine.url)

    def session(self) -> Session:
        return self.factory()

    def site(
        self,
        site_id: str,
        name: str,
        url: str,
        *,
        kind: str = "portal",
        status: str = "active",
        organizer: str = "",
        site_code: str = "",
    ) -> Site:
        with self.session() as s:
            s.merge(
                SiteRow(
                    site_id=site_id,
                    name=name,
                    url=url,
                    kind=kind,
                    status=status,
                    organizer=organizer,
                    site_code=site_code,
                )
            )
            s.commit()
        return make_site(
            site_id,
            url,
            name=name,
            kind=kind,
            status=status,
            organizer=organizer,
            site_code=site_code,
        )

    def run(
        self,
        site: Site,
        as_of: date,
        findings: Sequence[Finding],
        *,
        status: str | None = None,
        pages: int = 120,
        finished: bool = True,
        recheck_of: int | None = None,
    ) -> int:
        """Store one run the way the pipeline does: run row, the site's review decisions
        applied (check_run), findings with tracking, score. `recheck_of`: a 复查 of that run."""
        if status is None:
            unreachable = any(f.check == "site_unreachable" for f in findings)
            status = {"exception": "skipped", "closed": "closed"}.get(
                site.status, "unreachable" if unreachable else "finished"
            )
        started = datetime.combine(as_of, datetime.min.time()) + timedelta(hours=1)
        with self.session() as s:
            run = RunRow(
                site_id=site.site_id,
                as_of=as_of,
                rules="census2015",
                started_at=started,
                finished_at=started + timedelta(minutes=20) if finished else None,
                status=status,
                pages_crawled=pages,
                targets_checked=pages * 3,
                bounds_tripped={},
                stats={},
                home_evidence={},
                check_errors={},
                verdict_detail={},
                kind="recheck" if recheck_of else "full",
                base_run_id=recheck_of,
            )
            s.add(run)
            s.flush()
            findings, reviewed = apply_reviews(
                findings, site_reviews(s, site.site_id), site.site_id
            )
            if reviewed:
                run.stats = {REVIEW_STAT: reviewed}
            store_findings(s, run, list(findings))
            snapshot = make_snapshot(
                site=site, run_id=run.id, as_of=as_of, started_at=started, finish_reason=""
            )
            run.score, run.verdict, run.verdict_detail = score_run(snapshot, findings, self.profile)
            s.commit()
            return run.id

    def review(
        self, site: Site, found: Finding, decision: str, note: str, reviewer: str = ""
    ) -> None:
        """Record a decision as `inspector review` does (it applies from the next stored run)."""
        with self.session() as s:
            save_review(
                s,
                site_id=site.site_id,
                identity=found.identity(site.site_id),
                check=found.check,
                decision=decision,
                note=note,
                reviewer=reviewer,
                at=datetime(2025, 11, 14, 9, 30),
                run_id=None,
                evidence=evidence_of(found.detail),
            )
            s.commit()


def broken(
    url: str,
    *,
    home: bool = False,
    reason: str = "http_404",
    status: int | None = 404,
    sources: Sequence[str] = (),
    texts: Sequence[str] = (),
    note: str = "",
    source_count: int | None = None,
) -> Finding:
    sources = list(sources)
    return Finding(
        "broken_link",
        Severity.MAJOR if home else Severity.MINOR,
        url,
        {
            "reason": reason,
            "status": status,
            "sources": sources[:20],
            "source_count": len(sources) if source_count is None else source_count,
            "texts": list(texts),
            "on_home_page": home,
            "element": "a",
            "internal": True,
            "redirects": [],
            "note": note,
        },
    )


def unreachable(url: str, reason: str = "timeout") -> Finding:
    return Finding(
        "site_unreachable",
        Severity.VETO,
        url,
        {"reason": reason, "status": None, "error": "TimeoutError: took longer than 15 s"},
        key="home",
    )


def stale_column(
    name: str,
    url: str,
    *,
    category: str = "news",
    newest: str = "2025-09-01",
    age: int = 80,
    threshold: int = 14,
) -> Finding:
    return Finding(
        "column_stale",
        Severity.MINOR,
        url,
        {
            "column": name,
            "category": category,
            "newest_date": newest,
            "age_days": age,
            "threshold_days": threshold,
        },
    )


def missing_element(site_url: str, element: str) -> Finding:
    return Finding("missing_element", Severity.MINOR, site_url, {"element": element}, key=element)


def homepage_stale(
    site_url: str, newest: str, age: int, title: str = "", item_url: str = ""
) -> Finding:
    detail: dict[str, Any] = {"newest_date": newest, "age_days": age, "threshold_days": 14}
    if title or item_url:
        detail["evidence"] = {"title": title, "url": item_url}
    return Finding("homepage_stale", Severity.VETO, site_url, detail, key="home")


def finding(
    check: str, url: str, severity: Severity = Severity.MINOR, key: str = "", **detail: Any
) -> Finding:
    return Finding(check, severity, url, detail, key=key)


# Known facts of the province built below, for the assertions.
PORTAL = "https://www.demo.gov.cn/"
KNOWN_BROKEN = "https://www.demo.gov.cn/xxgk/2024/notice-404.html"
KNOWN_ANCHOR = "关于开展政府网站普查的通知"


def build_province(db: ReportDB) -> dict[str, Any]:
    """Eight registered sites in every state a census overview reports, with run history."""
    portal = db.site(
        "demo-portal",
        "示例市人民政府",
        PORTAL,
        organizer="示例市人民政府办公室",
        site_code="1234000001",
    )
    many_sources = [f"{PORTAL}col/col{i}/index.html" for i in range(20)]
    db.run(
        portal,
        date(2025, 10, 1),
        [
            broken(KNOWN_BROKEN, home=True, sources=[PORTAL], texts=[KNOWN_ANCHOR]),
            broken(f"{PORTAL}fixed-since.html"),
        ],
    )
    db.run(
        portal,
        date(2025, 10, 20),
        [
            broken(KNOWN_BROKEN, home=True, sources=[PORTAL], texts=[KNOWN_ANCHOR]),
            broken(f"{PORTAL}fixed-since.html"),
        ],
    )
    db.run(
        portal,
        date(2025, 11, 15),
        [
            broken(KNOWN_BROKEN, home=True, sources=[PORTAL], texts=[KNOWN_ANCHOR]),
            broken(
                "https://partner.example.org/slow",
                reason="timeout",
                status=None,
                sources=many_sources,
                source_count=37,
                texts=["合作单位"],
            ),
            broken(
                f"{PORTAL}soft.html", reason="soft_404", status=200, sources=[f"{PORTAL}a.html"]
            ),
            broken(
                f"{PORTAL}wrong.html",
                reason="error_link",
                status=200,
                note="链接文字为“政策解读”，打开的是首页",
            ),
            stale_column("工作动态", f"{PORTAL}gzdt/", newest="2025-09-01", age=75),
            finding(
                "column_empty",
                f"{PORTAL}zcjd/",
                column="政策解读",
                category="policy",
                item_count=0,
                empty_marker=True,
            ),
            finding(
                "missing_column",
                PORTAL,
                key="征集调查",
                column="征集调查",
                parent="互动交流",
                synonyms=["征集调查", "意见征集", "网上调查"],
            ),
            finding(
                "missing_element",
                PORTAL,
                key="icp@inner",
                element="icp",
                where="inner_pages",
                pages_checked=40,
                pages_missing=10,
                share_missing=0.25,
                examples=[f"{PORTAL}a.html"],
            ),
            missing_element(PORTAL, "find_error"),
            finding(
                "missing_element",
                PORTAL,
                key="site_code_mismatch",
                element="site_code",
                where="home",
                problem="mismatch",
                expected="1234000001",
                found="1234000002",
            ),
            finding(
                "availability",
                PORTAL,
                key="home",
                probes=336,
                failures=7,
                share=0.0208,
                window={"from": "2025-11-08", "to": "2025-11-14", "days": 7},
                reasons={"timeout": 7},
            ),
        ],
    )
    dept = db.site("demo-dept", "示例市教育局", "https://jyj.demo.gov.cn/", kind="department")
    db.run(dept, date(2025, 11, 15), [unreachable("https://jyj.demo.gov.cn/")])
    stale = db.site("demo-stale", "示例县人民政府", "https://www.xian.demo.gov.cn/")
    db.run(
        stale,
        date(2025, 11, 15),
        [
            homepage_stale(
                "https://www.xian.demo.gov.cn/",
                "2025-09-01",
                75,
                "关于某某工作的通知",
                "https://www.xian.demo.gov.cn/a.html",
            ),
            finding(
                "column_veto",
                "https://www.xian.demo.gov.cn/",
                Severity.VETO,
                key="empty_columns",
                rule="empty_columns",
                count=6,
                threshold=5,
                columns=["政策解读", "人事信息"],
            ),
        ],
    )
    closed = db.site("demo-closed", "示例市旧网站", "https://old.demo.gov.cn/", status="closed")
    db.run(closed, date(2025, 11, 15), [])
    online = db.site(
        "demo-zombie",
        "示例市已关停网站",
        "https://zombie.demo.gov.cn/",
        status="closed",
        kind="department",
    )
    db.run(
        online,
        date(2025, 11, 15),
        [
            finding(
                "closed_site_online",
                "https://zombie.demo.gov.cn/",
                Severity.VETO,
                key="home",
                status=200,
                final_url="https://zombie.demo.gov.cn/index.html",
                probed_at="2025-11-15T02:00:00",
            ),
        ],
    )
    exc = db.site(
        "demo-exception", "示例市涉密单位网站", "https://ex.demo.gov.cn/", status="exception"
    )
    db.run(exc, date(2025, 11, 15), [])
    db.site(
        "demo-new", "示例市新登记网站", "https://new.demo.gov.cn/", kind="department"
    )  # never inspected
    weird = db.site("../weird id/<x>", "示例市文旅局", "https://wl.demo.gov.cn/", kind="department")
    db.run(weird, date(2025, 11, 15), [])
    return {
        "registered": 8,
        "closed": 2,
        "exception": 1,
        "active": 5,
        "inspected": 4,
        "passed": 2,
        "failed": 1,
        "unreachable": 1,
        "closed_online": 1,
        "not_run": 1,
    }
