"""This machine's speed now, in the units of the machine the issues were measured on.

Issues 15 and 16 give their figures for a machine of this project's kind, where bench_dates.py
of the issues' commit (1372e19) read the real saved pages from raw bytes ("decode + parse +
extract") at 1,250 / 3.6 = 347 pages/s. That commit's own code, run here, tells how fast this
machine is. The speed of a shared machine moves by a quarter within minutes (other tenants), so
a rate measured once before and once after a benchmark can miss what happened while it ran:
`Calibrator` keeps that code loaded in a child process and measures a pass whenever asked, so a
benchmark can take a rate next to every round of its own and scale each round by its own rate.

    with Calibrator("1372e19", pages_dir, workdir) as cal:
        rate = cal.rate()          # pages/s now, or None when it could not be measured

Run as a script, this file is that child: `python calibration.py ROOT PAGES`, ROOT a checkout
of the reference commit; each line "go" on stdin runs one pass (decode + parse + extract, as
that commit's bench_dates.py times it, wall clock) and prints "<pages> <seconds>".
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ISSUE_COMMIT = "1372e19"
ISSUE_MACHINE_RATE = 1250 / 3.6  # pages/s of ISSUE_COMMIT's bench_dates.py on the issues' machine
PASSES = 2  # passes over the pages per rate (one is ~0.1 s: too short for a shared machine)


class Calibrator:
    """A child process holding `ref`'s extraction, measuring a pass on demand."""

    def __init__(self, ref: str, pages: Path, workdir: Path) -> None:
        self.ref, self.pages, self.workdir = ref, pages, workdir
        self.root: Path | None = None
        self.child: subprocess.Popen[str] | None = None
        self.rates: list[float] = []

    def __enter__(self) -> Calibrator:
        import bench_crawl  # the benchmarks' worktree helpers

        try:
            self.root, _ = bench_crawl.reference_checkout(self.ref, self.workdir)
        except (OSError, subprocess.CalledProcessError):
            return self  # no git checkout: rate() answers None
        self.child = subprocess.Popen(
            [sys.executable, __file__, str(self.root), str(self.pages)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        return self

    def rate(self) -> float | None:
        """Pages/s of the reference's decode + parse + extract, measured now."""
        if self.child is None or self.child.poll() is not None:
            return None
        pages = seconds = 0.0
        try:
            for _ in range(PASSES):
                print("go", file=self.child.stdin, flush=True)
                n, took = self.child.stdout.readline().split()
                pages, seconds = pages + int(n), seconds + float(took)
        except (OSError, ValueError):
            return None
        self.rates.append(pages / seconds)
        return self.rates[-1]

    def __exit__(self, *exc: object) -> None:
        import bench_crawl

        if self.child is not None:
            self.child.stdin.close()
            self.child.wait(timeout=60)
        if self.root is not None:
            bench_crawl.remove_checkout(self.root)


def _child(root: str, pages_dir: str) -> int:
    """One pass per "go": the reference's own code, timed as its bench_dates.py times it."""
    import time
    from datetime import date

    sys.path.insert(0, root)
    from inspector.extract.dates import extract_dates  # the reference's, not this tree's
    from inspector.extract.encoding import decode_html, parse_html

    on = date(2025, 11, 28)
    bodies = [p.read_bytes() for p in sorted(Path(pages_dir).glob("*.html"))]
    for body in bodies:  # warm up regex and XPath caches, as bench_dates.py does
        extract_dates(parse_html(decode_html(body, None)[0]), on)
    for _line in sys.stdin:
        start = time.perf_counter()
        for body in bodies:
            extract_dates(parse_html(decode_html(body, None)[0]), on)
        print(len(bodies), time.perf_counter() - start, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1], sys.argv[2]))
