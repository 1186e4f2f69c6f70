"""Run the enabled checks over a stored run and store their findings (with tracking).

Checks are enabled like Scrapy middlewares: `INSPECTOR_CHECKS_BASE` merged with the user's
`INSPECTOR_CHECKS` (dotted path → order; None disables). `CheckConfig` loads the classes once per
command: a bad dotted path, or a class that is not a Check with a `code`, is a `CheckLoadError`
(the command says so in one line and exits 2). The checks are built once per rules profile.
A check that fails on a run, or yields something that is not a Finding with a Severity, is
recorded on the run (`check_errors`); the others go on.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from sqlalchemy import delete
from sqlalchemy.orm import Session

from checks.base import Check
from inspector import clock
from inspector.facts import Finding, Severity, SiteSnapshot
from inspector.judge.counts import PROBLEMS_STAT, tracked_counts
from inspector.judge.recheck import recheck_findings
from inspector.judge.reviews import REVIEW_STAT, apply_reviews
from inspector.judge.scoring import score_run, validate_scoring
from inspector.judge.tracking import deadline_days_of, load_tracking, validate_tracking
from inspector.profile import ProfileError, RulesProfile, load_profile
from inspector.store.bounds import IDENTITY_MAX_BYTES, bounded_key, bounded_rows
from inspector.store.db import table
from inspector.store.history import first_seen_dates, run_findings
from inspector.store.models import FindingRow, RunRow
from inspector.store.recheck import recheck_snapshot
from inspector.store.reviews import site_reviews
from inspector.store.snapshot import load_snapshot

logger = logging.getLogger(__name__)


class CheckLoadError(ValueError):
    """A check that cannot be used: the message says which and why, in one line."""


class CheckYieldError(Exception):
    """What a check yielded breaks the contract (recorded on the run like an exception)."""


def enabled_checks(base: Mapping[str, int | None], user: Mapping[str, int | None]) -> list[str]:
    """Dotted paths in priority order, Scrapy-style: user entries override, None disables."""
    merged = {**base, **user}
    return [
        path
        for path, prio in sorted(merged.items(), key=lambda kv: (kv[1] or 0, kv[0]))
        if prio is not None
    ]


def load_check_class(path: str) -> type[Check]:
    """The class at a dotted path, or CheckLoadError saying what is wrong with it."""
    try:
        cls = load_object(path)
    except (ImportError, AttributeError, NameError, ValueError) as exc:
        raise CheckLoadError(
            f"check {path!r} cannot be loaded ({type(exc).__name__}: {exc}); "
            "check the dotted path in INSPECTOR_CHECKS"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Check)):
        raise CheckLoadError(f"check {path!r} is not a subclass of checks.base.Check")
    if not isinstance(cls.code, str) or not cls.code:
        raise CheckLoadError(f"check {path!r} has no `code` (the finding code it yields)")
    return cls


@dataclass
class CheckConfig:
    """The enabled checks of a command: classes loaded once, instances once per profile."""

    checks_base: Mapping[str, int | None]
    checks_user: Mapping[str, int | None]
    classes: dict[str, type[Check]] = field(init=False)
    _built: dict[tuple[str, str], tuple[list[Check], dict[str, str]]] = field(
        init=False, default_factory=dict
    )

    def __post_init__(self) -> None:
        paths = enabled_checks(self.checks_base, self.checks_user)
        self.classes = {path: load_check_class(path) for path in paths}

    @classmethod
    def from_settings(cls, settings: Any) -> CheckConfig:
        """The checks the settings enable, loaded once per process for the same settings."""
        base, user = settings.getdict("INSPECTOR_CHECKS_BASE"), settings.getdict("INSPECTOR_CHECKS")
        key = (tuple(sorted(base.items())), tuple(sorted(user.items())))
        if key not in _LOADED:
            _LOADED[key] = cls(base, user)
        return _LOADED[key]

    def build(self, profile: RulesProfile) -> tuple[list[Check], dict[str, str]]:
        """(the checks built from `profile`, errors of checks that could not be built).

        NotConfigured switches a check off; a ProfileError propagates (a malformed profile is
        the user's to fix); any other error disables that check and is recorded on the run.
        """
        key = (profile.path, profile.name)
        if key not in self._built:
            checks: list[Check] = []
            errors: dict[str, str] = {}
            for path, cls in self.classes.items():
                try:
                    checks.append(cls.from_profile(profile))
                except NotConfigured as exc:
                    logger.info("check %s disabled: %s", path, exc)
                except ProfileError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a broken plugin must not stop the built-in checks
                    errors[path] = f"cannot build: {type(exc).__name__}: {exc}"
                    logger.error("cannot build check %s: %s", path, exc)
            self._built[key] = (checks, errors)
        return self._built[key]

    def recorded(self) -> dict[str, str]:
        """finding code → dotted path of the check that yields it, kept on each run
        (`run.stats["checks"]`) so that reports can word a plugin's findings later."""
        return {
            describer.code: path
            for path, cls in self.classes.items()
            for describer in (cls, *cls.also_yields)
        }

    def words(self) -> dict[str, Check]:
        """finding code → the check that words it in reports (describe, title, advice)."""
        by_code: dict[str, Check] = {}
        for cls in self.classes.values():
            for describer in (cls, *cls.also_yields):
                # Words read only a finding's detail: no profile needed to build them.
                by_code.setdefault(describer.code, describer.__new__(describer))
        return by_code


def validate_judging(profile: RulesProfile, config: CheckConfig) -> None:
    """Build what judges a run with `profile` (the checks, scoring, tracking): a malformed
    section is a ProfileError naming its key."""
    config.build(profile)
    validate_scoring(profile)
    validate_tracking(profile)


_LOADED: dict[tuple[Any, ...], CheckConfig] = {}


def run_checks(
    snapshot: SiteSnapshot, checks: Iterable[Check]
) -> tuple[list[Finding], dict[str, str]]:
    """Every check over one snapshot: (findings, errors of the checks that failed)."""
    findings: list[Finding] = []
    errors: dict[str, str] = {}
    for check in checks:
        name = f"{type(check).__module__}.{type(check).__qualname__}"
        try:
            findings.extend(validated(check.check_site(snapshot)))
        except Exception as exc:  # noqa: BLE001 - one failing check is recorded; the others go on
            errors[name] = "".join(traceback.format_exception_only(exc)).strip()[:2000]
            logger.error("check %s failed on run %s: %s", name, snapshot.run_id, exc)
    return findings, errors


def validated(found: Iterable[Any]) -> list[Finding]:
    """All that one check yielded, when every value is a Finding with a real Severity;
    CheckYieldError (saying what is wrong) otherwise."""
    result = []
    for value in found or ():
        if not isinstance(value, Finding):
            raise CheckYieldError(f"yielded {value!r}, not a Finding")
        if not isinstance(value.severity, Severity):
            raise CheckYieldError(
                f"yielded a Finding with severity {value.severity!r}: use Severity.VETO, "
                "MAJOR, MINOR or INFO"
            )
        if not isinstance(value.check, str) or not value.check:
            raise CheckYieldError(f"yielded a Finding without a code: {value!r}")
        result.append(value)
    return result


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, int | float | str | bool):
        return value.value
    return value


def store_findings(session: Session, run: RunRow, findings: list[Finding]) -> None:
    """Replace the run's findings; carry first-seen dates over from the previous run."""
    session.execute(delete(FindingRow).where(FindingRow.run_id == run.id))
    first_seen = first_seen_dates(session, run)
    rows = []
    for f in findings:
        # Bounded as stored (inspector/store/bounds.py), so a long one still matches next run.
        identity = bounded_key(f.identity(run.site_id), IDENTITY_MAX_BYTES)
        known = first_seen.get(identity)
        rows.append(
            {
                "run_id": run.id,
                "site_id": run.site_id,
                "check": f.check,
                "severity": f.severity.value,
                "url": f.url,
                "detail": _json_safe(dict(f.detail)),
                "identity": identity,
                "first_seen": known or run.as_of,
                "tracking": "open" if known else "new",
            }
        )
    if rows:
        session.execute(table(FindingRow).insert(), bounded_rows(table(FindingRow), rows))


def check_run(
    session: Session, run_id: int, config: CheckConfig, profile: RulesProfile | None = None
) -> list[Finding]:
    """Checks + scoring for one stored run; idempotent, so `inspector check --run` can redo it."""
    run = session.get(RunRow, run_id)
    if run is None:
        raise LookupError(f"no run {run_id} in the database")
    profile = profile or load_profile(run.rules or "census2015")
    base = None
    if run.kind == "recheck":
        snapshot, base = recheck_snapshot(session, run)
    else:
        snapshot = load_snapshot(session, run_id)
    checks, build_errors = config.build(profile)
    findings, errors = run_checks(snapshot, checks)
    stats = {k: v for k, v in (run.stats or {}).items() if k != REVIEW_STAT}
    stats["checks"] = config.recorded()
    if base is not None:
        # Of what the checks say now, only what the recheck looked at again counts.
        outcome = recheck_findings(run_findings(session, base), findings, run.site_id)
        findings = outcome.findings
        stats["recheck"] = {**stats.get("recheck", {}), **outcome.as_dict()}
    # A person's decisions (inspector review): dismissed findings leave the score and the
    # findings, and are kept on the run for the report's 已复核 section.
    findings, reviewed = apply_reviews(findings, site_reviews(session, run.site_id), run.site_id)
    if reviewed:
        stats[REVIEW_STAT] = reviewed
    store_findings(session, run, findings)
    run.check_errors = {**build_errors, **errors}
    run.stats = stats
    # The run's problem counts as judged, kept on the run: the trend over thousands of sites and
    # a month of nights reads them instead of re-tracking every past run.
    tracking = load_tracking(session, run, deadline_days=deadline_days_of(profile))
    run.stats = {**stats, PROBLEMS_STAT: tracked_counts(tracking).as_dict()}
    score, verdict, verdict_detail = score_run(snapshot, findings, profile)
    run.score, run.verdict, run.verdict_detail = score, verdict, _json_safe(verdict_detail)
    if run.finished_at is None:
        run.finished_at = clock.now()
    session.commit()
    return findings
