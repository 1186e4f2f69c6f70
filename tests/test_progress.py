"""Progress that tells the truth: counts, rates over a window, the ETA from the work left, the
slowest sites; added up over crawler processes. The clock is injected, so no figure depends on
how fast the machine is."""

from __future__ import annotations

from pathlib import Path

from ops_farm import farm, log_text, nightly_args, run
from sqlalchemy import func, select

from inspector.crawl.items import PageItem, SiteDone, TargetItem
from inspector.facts import Finding, Severity
from inspector.ops.progress import Counts, ProgressState
from inspector.store.db import get_engine, session_factory
from inspector.store.models import TargetRow
from inspector.testing import page, target


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def fetched(state: ProgressState, site_id: str, n: int, *, broken: int = 0) -> None:
    for i in range(n):
        url = f"http://{site_id}.example/p{i}.html"
        reason = "soft_404" if i < broken else ""
        state.item(PageItem(site_id, page(url), target(url, reason)))


def test_counts_pages_urls_problems_and_sites_done() -> None:
    state = ProgressState(clock=Clock())
    state.total_sites = 2
    fetched(state, "a", 5, broken=2)
    state.item(TargetItem("a", target("http://a.example/x.pdf", "http_404", kind="resource")))
    state.item(TargetItem("b", target("http://b.example/y.jpg", kind="resource")))
    state.item(SiteDone("a"))
    # Problems are those of the sites judged (as in the summary, export and reports): a
    # broken URL is one once the checks have said so, and an info finding is none.
    assert state.counts.problems == 0
    state.judged(
        [
            Finding("broken_link", Severity.MAJOR, "http://a.example/p0.html"),
            Finding("broken_link", Severity.MAJOR, "http://a.example/x.pdf"),
            Finding("missing_anchor", Severity.INFO, "http://a.example/p1.html#top"),
        ]
    )
    c = state.counts
    assert (c.pages, c.urls, c.problems, c.sites_done, c.done_urls) == (5, 7, 2, 1, 6)
    assert list(c.sites) == ["b"]  # a is done: no longer being crawled


def test_eta_comes_from_the_work_left_not_from_the_sites_done() -> None:
    clock = Clock()
    state = ProgressState(clock=clock)
    state.total_sites = 5
    state.sizes = {"a": 400, "c": 300, "e": 100}  # URLs of their latest earlier runs
    state.crawling({"a": 10, "b": 30})  # queued requests of the sites being crawled
    state.waiting = ["c", "d"]  # not started; d never crawled before
    clock.t += 10
    fetched(state, "a", 100)
    fetched(state, "b", 100)
    left, complete = state.work_left()
    # a: its earlier run says 300 more (more than the 10 queued); b: 30 queued; c: 300;
    # d: unknown, the mean of the known sizes (800 / 3).
    assert (left, complete) == (300 + 30 + 300 + 266, True)
    assert state.url_rate == 20.0
    assert state.eta == left / 20.0
    # No site has finished, so "sites done" could say nothing: the ETA does not wait for it.
    assert state.counts.sites_done == 0 and "ETA 0:00:44" in state.line()


def test_eta_is_never_shorter_than_the_slowest_site_at_its_own_pace() -> None:
    clock = Clock()
    state = ProgressState(clock=clock)
    state.total_sites = 2
    state.crawling({"big": 4000, "small": 1})
    clock.t += 100
    fetched(state, "big", 400)  # 4 URLs/s: its politeness allows no more
    fetched(state, "small", 600)
    assert state.url_rate == 10.0
    # 4001 URLs left at 10/s overall would be 400 s; big alone needs 4000 / 4 = 1000 s.
    assert state.eta == 1000.0
    slowest = state.slowest()
    assert [m.site_id for m, _ in slowest] == ["big", "small"]
    assert state.slowest_text().startswith("big 4000 URLs left at 4.0/s")


def test_eta_is_a_lower_bound_while_the_waiting_sites_have_no_size() -> None:
    clock = Clock()
    state = ProgressState(clock=clock)
    state.total_sites = 3
    state.crawling({"a": 50})
    state.waiting = ["b", "c"]  # never crawled, and no site done to take the mean of
    clock.t += 10
    fetched(state, "a", 50)
    assert state.work_left() == (50, False)
    assert "ETA ≥ 0:00:10" in state.line()
    state.item(SiteDone("a"))  # now a finished site gives the mean size: 50 each
    assert state.work_left() == (100, True)


def test_rates_are_measured_over_the_last_minute() -> None:
    clock = Clock()
    state = ProgressState(clock=clock)
    state.total_sites = 1
    for _ in range(12):  # 2 minutes at 100 URLs/s
        clock.t += 10
        fetched(state, "a", 1000)
        state.sample()
    for _ in range(6):  # then 1 minute at 10 URLs/s
        clock.t += 10
        fetched(state, "a", 100)
        state.sample()
    assert abs(state.url_rate - 10.0) < 1.0  # not the 70/s average since the start


def test_counts_of_processes_add_up() -> None:
    one, two = ProgressState(clock=Clock()), ProgressState(clock=Clock())
    fetched(one, "a", 3)
    one.judged([Finding("column_stale", Severity.MINOR, "http://a.example/col/")])
    fetched(two, "b", 4)
    two.item(SiteDone("b"))
    total = Counts.merged([one.counts, two.counts])
    assert (total.pages, total.urls, total.problems, total.sites_done) == (7, 7, 1, 1)
    assert list(total.sites) == ["a"] and total.done_urls == 4


def test_the_nightly_progress_adds_up_over_two_processes(tmp_path: Path) -> None:
    """The final progress line of a two-process night counts every URL stored, once."""
    db = f"sqlite:///{tmp_path / 'n.db'}"
    with farm((6, 20, 45, 70), 0.02) as f:
        registry = f.write_registry(tmp_path / "sites.csv")
        done = run(nightly_args(registry, db, tmp_path / "logs", "--processes", "2"), tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    with session_factory(get_engine(db))() as s:
        urls = s.scalar(select(func.count()).select_from(TargetRow))
    lines = log_text(tmp_path / "logs").splitlines()
    final = [ln for ln in lines if "progress, final:" in ln and "probed" not in ln]
    assert len(final) == 1, final
    assert "5/5 sites (0 crawling)" in final[0] and f" {urls} URLs (" in final[0], final[0]
