"""The storage pipeline: the crawl's only writer.

Rows are buffered and written in batches (INSPECTOR_BATCH_SIZE rows or INSPECTOR_FLUSH_SECONDS,
whichever comes first), so a crash loses at most the last batch. When a site's crawl is done
its buffers are flushed and the checks run over the stored run; a run that never reaches that
point stays `running` (or becomes `interrupted` on a clean shutdown), never silently complete.

While the database is unreachable, rows are held and a crawled site waits to be finished: both
are tried again with a backoff (inspector/store/outage.py), and the crawl stays open for them.
A site that lost rows to the outage is not finished (its run becomes `interrupted`): a crawl
that could not store a site whole does not report it as done.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twisted.internet import task

from inspector import clock
from inspector.crawl.items import (
    BoardsFound,
    ColumnsFound,
    HomeFailed,
    NotFoundProbe,
    PageItem,
    RobotsSeen,
    SiteDone,
    SiteEventItem,
    SiteStat,
    TargetItem,
)
from inspector.crawl.scope import same_page
from inspector.crawl.signals import site_judged, site_not_finished
from inspector.facts import ColumnFacts
from inspector.judge.checkrun import CheckConfig, check_run, validate_judging
from inspector.profile import load_profile
from inspector.store.batch import (
    STORE_ERRORS_KEPT,
    Batch,
    RowFailure,
    StoreErrors,
    failure_text,
    row_refused,
)
from inspector.store.boards import GUIDES_KEY, guides_stats, store_boards
from inspector.store.bounds import bounded_rows, bounded_text
from inspector.store.db import (
    affected,
    ensure_schema,
    get_engine,
    resolve_db_url,
    session_factory,
    table,
)
from inspector.store.models import ColumnRow, PageRow, RunRow, TargetRow
from inspector.store.outage import HeldRows, Outage
from inspector.store.recheck import mark_rechecks
from inspector.store.resume import delete_run_data
from inspector.store.rows import column_row, page_row, target_row
from inspector.store.runs import finish_guard, start_runs
from inspector.vocabulary import Note, NoteCode, Reason

logger = logging.getLogger(__name__)


def classify_soft_404(session: Session, run_id: int, probes: list[dict[str, Any]]) -> int:
    """Mark the pages that are the site's "not found" page in disguise; returns how many.

    The site answered a URL that cannot exist with 2xx (its fingerprint is learnt) or by
    redirecting to the home page; targets that look the same are not-found pages too.
    """
    fingerprints = {
        p["fingerprint"] for p in probes if p.get("fingerprint") and 200 <= p.get("status", 0) < 300
    }
    marked = 0
    if fingerprints:
        urls = select(PageRow.url).where(
            PageRow.run_id == run_id,
            PageRow.fingerprint.in_(fingerprints),
            PageRow.is_home.is_(False),
        )
        marked += affected(
            session.execute(
                update(TargetRow)
                .where(TargetRow.run_id == run_id, TargetRow.reason == "", TargetRow.url.in_(urls))
                .values(reason=Reason.SOFT_404.value, **_note(NoteCode.SAME_AS_NOT_FOUND))
            )
        )
    home = next((p for p in probes if p.get("redirect_home")), None)
    if home:
        home_url = home["final_url"]
        rows = session.execute(
            select(TargetRow.id, TargetRow.url, TargetRow.redirects).where(
                TargetRow.run_id == run_id,
                TargetRow.reason == "",
                TargetRow.internal.is_(True),
                TargetRow.final_url == home_url,
            )
        ).all()
        ids = [i for i, url, redirects in rows if redirects and not same_page(url, home_url)]
        if ids:
            marked += affected(
                session.execute(
                    update(TargetRow)
                    .where(TargetRow.id.in_(ids))
                    .values(reason=Reason.SOFT_404.value, **_note(NoteCode.REDIRECTED_HOME))
                )
            )
    return marked


def _note(code: NoteCode) -> dict[str, Any]:
    note = Note.of(code)
    return {"note": note.text, "note_code": code.value, "note_params": None}


def store_columns(session: Session, run_id: int, columns: list[ColumnFacts]) -> None:
    """Store a run's columns; a list page seen before it was known as a column gets its facts
    from the stored page (its dated items), which is all the crawl kept of it."""
    session.execute(delete(ColumnRow).where(ColumnRow.run_id == run_id))
    unjudged = [c.url for c in columns if c.item_count is None and not c.external]
    pages: dict[str, PageRow] = {}
    if unjudged:
        for stored in session.scalars(
            select(PageRow).where(
                PageRow.run_id == run_id, PageRow.url.in_(unjudged), PageRow.status < 300
            )
        ):
            pages[stored.url] = stored
    rows = []
    for c in columns:
        row = column_row(run_id, c)
        page = pages.get(c.url)
        if page is not None:
            row["newest_date"] = page.newest_item_date or page.pub_date
            row["item_count"] = (page.facts or {}).get("items", 0)
        rows.append(row)
    if rows:
        session.execute(table(ColumnRow).insert(), bounded_rows(table(ColumnRow), rows))


class StoragePipeline:
    crawler: Any  # set by from_crawler

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        self.db_url = resolve_db_url(settings.get("INSPECTOR_DB_URL") or None)
        self.batch_size = settings.getint("INSPECTOR_BATCH_SIZE")
        self.flush_seconds = settings.getfloat("INSPECTOR_FLUSH_SECONDS")
        self.rules = settings.get("INSPECTOR_RULES")
        self.check_config = CheckConfig.from_settings(settings)
        self.batch = Batch()
        self.store_errors = StoreErrors()
        self.buffered = 0
        self.last_flush = time.monotonic()
        self.run_ids: dict[str, int] = {}
        self.finished: set[str] = set()
        self.home_errors: dict[str, str] = {}
        self.site_stats: dict[str, dict[str, Any]] = {}
        self.site_columns: dict[str, list[ColumnFacts]] = {}
        self.site_boards: dict[str, BoardsFound] = {}
        self.outage = Outage(settings.getfloat("INSPECTOR_STORE_OUTAGE_SECONDS"))
        self.held = HeldRows(settings.getint("INSPECTOR_STORE_HELD_ROWS"), self.outage)
        # Sites crawled whose end waits for the database; those stored whose checks wait.
        self.waiting: dict[str, SiteDone] = {}
        self.judging: set[str] = set()
        self.ticker: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> StoragePipeline:
        pipeline = cls(crawler.settings)
        pipeline.crawler = crawler
        crawler.signals.connect(pipeline.on_idle, signal=signals.spider_idle)
        return pipeline

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.engine = get_engine(self.db_url)
        ensure_schema(self.engine)
        self.Session = session_factory(self.engine)
        self.profile = load_profile(self.rules)
        validate_judging(self.profile, self.check_config)  # a bad profile stops the crawl now
        with self.Session() as s:
            self.run_ids = start_runs(s, spider.sites, spider.as_of, self.rules, spider.batch)
            plans = getattr(spider, "recheck_plans", None) or {}
            mark_rechecks(s, {self.run_ids[site_id]: plan for site_id, plan in plans.items()})
            for site_id, plan in plans.items():
                self.site_stats.setdefault(site_id, {})["recheck"] = plan.summary()
            for site in spider.sites:
                if site.status != "active":
                    check_run(s, self.run_ids[site.site_id], self.check_config, self.profile)
                    self.finished.add(site.site_id)
        spider.run_ids = self.run_ids
        spider.awaiting_store = self.waiting  # the worker does not give these back
        # Held rows and waiting sites are retried on a clock, not only when items come.
        self.ticker = task.LoopingCall(self.tick)
        ticking = self.ticker.start(1.0, now=False)
        ticking.addErrback(lambda failure: logger.error("the store's clock stopped: %s", failure))

    def run_id(self, site_id: str) -> int:
        """The run of a site; a site added while crawling (distributed worker) gets one now."""
        run_id = self.run_ids.get(site_id)
        if run_id is None:
            spider = self.crawler.spider
            site = next(s for s in spider.sites if s.site_id == site_id)
            with self.Session() as s:
                run_id = start_runs(s, [site], spider.as_of, self.rules, spider.batch)[site_id]
            self.run_ids[site_id] = run_id
        return run_id

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItem):
            run_id = self.run_id(item.site_id)
            self.batch.pages.append(page_row(run_id, item.page))
            self.batch.targets.append(target_row(run_id, item.target))
            source = item.page.url
            self.batch.links.extend((run_id, source, *link) for link in item.links)
            self.buffered += 2 + len(item.links)
        elif isinstance(item, TargetItem):
            self.batch.targets.append(target_row(self.run_id(item.site_id), item.target))
            self.buffered += 1
        elif isinstance(item, SiteEventItem):
            self.on_event(item)
            return item
        if (
            self.buffered >= self.batch_size
            or time.monotonic() - self.last_flush > self.flush_seconds
        ):
            self.flush()
        return item

    def on_event(self, item: SiteEventItem) -> None:
        stats = self.site_stats.setdefault(item.site_id, {})
        if isinstance(item, HomeFailed):
            self.home_errors[item.site_id] = item.error or item.reason
        elif isinstance(item, RobotsSeen):
            stats["robots"] = item.facts
        elif isinstance(item, NotFoundProbe):
            stats.setdefault("not_found_probes", []).append(item.facts)
        elif isinstance(item, ColumnsFound):
            self.site_columns[item.site_id] = item.columns
        elif isinstance(item, SiteStat):
            stats[item.key] = item.value
        elif isinstance(item, BoardsFound):
            self.site_boards[item.site_id] = item
        elif isinstance(item, SiteDone):
            self.flush()
            if len(self.held) or self.outage.since is not None:
                self.waiting[item.site_id] = item  # finished once the held rows are written
            else:
                self.finish_site(item)

    def flush(self) -> None:
        """Write the buffered rows; a row the database refuses is its site's store error. While
        the database is unreachable the rows are held and written when it answers."""
        self.last_flush = time.monotonic()
        if self.buffered:
            batch, self.batch, self.buffered = self.batch, Batch(), 0
            self.store_errors.add(self.held.hold(batch))
        if not len(self.held):
            return
        failures = self.held.write(self.Session)
        for f in failures[:STORE_ERRORS_KEPT]:
            logger.warning(
                "run %s: %s row %s not stored: %s", f.run_id, f.table, f.url[:200], f.error
            )
        self.store_errors.add(failures)
        if self.outage.since is None:
            self.record_store_errors()

    def tick(self) -> None:
        try:
            self.retry()
        except Exception:  # a bug here must not stop the clock that retries the database
            logger.exception("retrying the database failed")

    def retry(self) -> None:
        """Every second: write the held rows and finish the waiting sites when it is time to
        try the database again; give them up when it has been unreachable for too long."""
        if not (len(self.held) or self.waiting):
            return
        if self.outage.over():
            self.give_up()
        elif self.outage.due():
            self.flush()
            if not len(self.held):
                for done in list(self.waiting.values()):
                    if self.outage.since is not None:
                        break
                    self.finish_site(self.waiting.pop(done.site_id))

    def on_idle(self) -> None:
        """Nothing left to crawl: the crawl stays open while rows or sites wait to be stored."""
        self.retry()
        if len(self.held) or self.waiting:
            raise DontCloseSpider

    def give_up(self, *, notify: bool = True) -> None:
        """The database has been unreachable for INSPECTOR_STORE_OUTAGE_SECONDS (or the crawl
        ends): the held rows are lost, and the waiting sites with them."""
        why = f"unreachable for over {self.outage.limit:.0f} s"
        self.store_errors.add(self.held.drop_all(why))
        for site_id in list(self.waiting):
            self.waiting.pop(site_id)
            stored = site_id in self.judging  # its end stored, its checks not run
            self.judging.discard(site_id)
            self.lost_site(site_id, self.run_id(site_id), why, notify=notify, stored=stored)
        self.outage.since = None  # what comes next gets its own chance

    def lost_site(
        self, site_id: str, run_id: int, why: str, *, notify: bool = True, stored: bool = False
    ) -> None:
        """A site crawled to the end that did not reach the database whole (rows lost, or its
        end not stored): not finished (its run is `interrupted`), so that the crawl says so
        and a worker gives it back. `stored`: its end was stored but not its checks."""
        logger.error(
            "site %s not finished: run %s could not be stored whole while the database was "
            "unreachable (%s); crawl it again",
            site_id,
            run_id,
            why,
        )
        self.finished.add(site_id)
        statuses = ("running", "finished", "unreachable") if stored else ("running",)
        try:
            with self.Session() as s:
                s.execute(
                    update(RunRow)
                    .where(RunRow.id == run_id, RunRow.status.in_(statuses))
                    .values(status="interrupted", finish_reason="not stored: database unreachable")
                )
                s.commit()
        except Exception as exc:  # noqa: BLE001 - still down: the run stays `running`
            logger.error("run %s stays running: %s", run_id, failure_text(exc))
        else:
            self.record_store_errors()  # the rows it lost, on its run
        crawler = getattr(self, "crawler", None)
        if crawler is not None and notify:
            crawler.signals.send_catch_log(
                signal=site_not_finished, site_id=site_id, run_id=run_id, again=True
            )

    def record_store_errors(self) -> None:
        """The rows lost so far, on their runs; kept for later while the database is down."""
        try:
            self.store_errors.record(self.Session)
        except Exception as exc:  # noqa: BLE001 - the same database: tried again at next flush
            logger.error("store errors not recorded yet: %s", failure_text(exc))

    def finish_site(self, done: SiteDone) -> None:
        site_id = done.site_id
        run_id = self.run_id(site_id)
        if run_id in self.held.lost_runs:
            self.lost_site(site_id, run_id, "rows dropped")
            return
        try:
            self.store_errors.record(self.Session)  # a site is not finished with losses unsaid
            if site_id not in self.judging and not self.store_site(done, run_id):
                return  # taken over by another worker: finished there, not here
            self.judging.add(site_id)  # stored: a retry runs the checks only
            with self.Session() as s:
                findings = check_run(s, run_id, self.check_config, self.profile)
        except SQLAlchemyError as exc:
            if not row_refused(exc):
                # The database, not the site: tried again when it answers (retry()).
                self.outage.failed(exc, f"the results of site {site_id}")
                self.waiting[site_id] = done
                return
            logger.error("site %s: its results could not be stored: %s", site_id, exc)
            self.judging.discard(site_id)
            self.store_failed(run_id, exc)
            self.finished.add(site_id)
            return
        self.outage.recovered(f"site {site_id} stored")
        self.judging.discard(site_id)
        self.finished.add(site_id)
        crawler = getattr(self, "crawler", None)
        if crawler is not None:
            crawler.signals.send_catch_log(
                signal=site_judged, site_id=site_id, run_id=run_id, findings=findings
            )
        logger.info("site %s done: run %s", site_id, run_id)

    def store_failed(self, run_id: int, exc: BaseException) -> None:
        """The site's end could not be stored: its run says so and names the error."""
        self.store_errors.add([RowFailure(run_id, "run", "", failure_text(exc))])
        self.record_store_errors()
        with self.Session() as s:
            s.execute(
                update(RunRow)
                .where(RunRow.id == run_id)
                .values(status="interrupted", finish_reason="storing the site's results failed")
            )
            s.commit()

    def store_site(self, done: SiteDone, run_id: int) -> bool:
        """Counts, stats, columns, boards and the home page's facts of a crawled site, in one
        transaction (False: another worker took the site over). What it stores from memory is
        dropped only once committed, so that a retry after a failure has it all."""
        site_id = done.site_id
        with self.Session() as s:
            if not self._may_finish(s, site_id, run_id):
                return False
            run = s.get_one(RunRow, run_id)
            run.pages_crawled = (
                s.scalar(select(func.count()).select_from(PageRow).where(PageRow.run_id == run_id))
                or 0
            )
            run.targets_checked = (
                s.scalar(
                    select(func.count()).select_from(TargetRow).where(TargetRow.run_id == run_id)
                )
                or 0
            )
            run.bounds_tripped = done.bounds
            stats: dict[str, Any] = {
                "pages_scheduled": done.pages_scheduled,
                "urls_seen": done.urls_seen,
                # The reports name the timeout the crawl really used (连接超时(5秒)).
                "download_timeout": self.settings.getfloat("DOWNLOAD_TIMEOUT"),
                **self.site_stats.get(site_id, {}),
            }
            found = self.site_boards.get(site_id)
            if found is not None and found.guides:
                stats[GUIDES_KEY] = guides_stats(found.guides)
            # Keeps the claiming worker and the rows that could not be stored (store_errors).
            run.stats = {**(run.stats or {}), **stats}
            classify_soft_404(s, run_id, stats.get("not_found_probes", []))
            store_columns(s, run_id, self.site_columns.get(site_id, []))
            store_boards(s, run_id, found.boards if found is not None else [])
            home = s.scalars(
                select(PageRow).where(PageRow.run_id == run_id, PageRow.is_home.is_(True))
            ).first()
            if home is not None:
                run.home_newest_date = home.newest_item_date
                run.home_evidence = {
                    "dates": (home.facts or {}).get("dates", []),
                    "url": home.final_url,
                }
            run.home_error = bounded_text(self.home_errors.get(site_id, ""))
            run.status = "unreachable" if run.home_error else "finished"
            run.finish_reason = "crawl complete"
            run.finished_at = clock.now()
            s.commit()
        for kept in (self.site_stats, self.site_boards, self.site_columns):
            kept.pop(site_id, None)
        return True

    def _may_finish(self, session: Session, site_id: str, run_id: int) -> bool:
        """The guarded finish: a run taken over by another worker is not finished here."""
        spider = getattr(getattr(self, "crawler", None), "spider", None)
        once = bool(getattr(spider, "finish_once_per_batch", False))
        batch = getattr(spider, "batch", "")
        if finish_guard(session, run_id, site_id, batch, once_per_batch=once):
            return True
        session.rollback()
        delete_run_data(session, run_id)  # what this crawl stored after the takeover
        session.commit()
        self.finished.add(site_id)
        self.site_stats.pop(site_id, None)
        self.site_columns.pop(site_id, None)
        self.site_boards.pop(site_id, None)
        logger.warning(
            "site %s: run %s was taken over by another worker (this worker's lease expired); "
            "its result here is dropped, the site is finished once",
            site_id,
            run_id,
        )
        crawler = getattr(self, "crawler", None)
        if crawler is not None:
            crawler.signals.send_catch_log(signal=site_not_finished, site_id=site_id, run_id=run_id)
        return False

    def close_spider(self) -> None:
        if self.ticker is not None and self.ticker.running:
            self.ticker.stop()
        self.outage.retry_at = 0.0  # one last try, whatever the backoff
        self.flush()
        self.retry()
        if len(self.held) or self.waiting:
            self.give_up(notify=False)  # a worker gives back the sites it still holds
        if self.outage.since is None:
            self.record_store_errors()
        unfinished = [self.run_ids[s] for s in self.run_ids if s not in self.finished]
        if not unfinished:
            return
        try:
            with self.Session() as s:
                s.execute(
                    update(RunRow)
                    .where(RunRow.id.in_(unfinished), RunRow.status == "running")
                    .values(
                        status="interrupted", finish_reason="crawl stopped before the site was done"
                    )
                )
                s.commit()
        except Exception as exc:  # noqa: BLE001 - the database is gone: they stay `running`
            logger.error(
                "%d unfinished runs stay running (the database is unreachable: %s); a resume "
                "or another worker takes them over",
                len(unfinished),
                failure_text(exc),
            )
