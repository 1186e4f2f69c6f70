"""The check interface. See README "Writing a check" for a worked example."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from scrapy.exceptions import NotConfigured

from inspector.facts import Finding, PageFacts, Severity, SiteSnapshot
from inspector.profile import RulesProfile

__all__ = ["Check", "Finding", "NotConfigured", "PageFacts", "Severity", "SiteSnapshot"]


class Check:
    """Base class of a check. The subclass docstring is its user documentation."""

    code: ClassVar[str] = ""

    def __init__(self, profile: RulesProfile) -> None:
        self.profile = profile

    @classmethod
    def from_profile(cls, profile: RulesProfile) -> Check:
        """Build the check from a rules profile; raise NotConfigured to switch it off."""
        return cls(profile)

    def check_site(self, site: SiteSnapshot) -> Iterable[Finding]:
        return ()
