"""The check's result: findings per country and site-wide, and the JSON form of the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from i18n.model.findings import BLOCKING, WARNING, Finding

# What a report calls a finding of each severity: a blocking one fails the check.
VERDICT = {BLOCKING: "violation", WARNING: "warning"}


def finding_record(finding: Finding) -> dict[str, Any]:
    """A finding as the JSON report gives it."""
    return {
        "severity": VERDICT[finding.severity],
        "code": finding.code,
        "message": finding.message,
        "country": finding.country,
        "locale": finding.locale,
        "article": finding.article,
        "path": finding.path,
        "line": finding.line,
        "snippet": finding.snippet,
    }


@dataclass
class CountryResult:
    code: str
    name: str
    regulator: str
    audience: str
    disclaimers: list[dict[str, Any]]
    findings: list[Finding] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        severities = {f.severity for f in self.findings}
        return "fail" if BLOCKING in severities else "warn" if WARNING in severities else "pass"


@dataclass
class CheckReport:
    today: dt.date
    site: str | None
    countries: list[CountryResult]
    general: list[Finding] = field(default_factory=list)
    qa: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def findings(self) -> list[Finding]:
        return self.general + [f for c in self.countries for f in c.findings]

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == BLOCKING]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == WARNING]

    def as_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "site": self.site,
            "ok": not self.violations,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "general": [finding_record(f) for f in self.general],
            "countries": [
                {
                    "code": c.code,
                    "name": c.name,
                    "regulator": c.regulator,
                    "audience": c.audience,
                    "status": c.status,
                    "disclaimers": c.disclaimers,
                    "pages": c.pages,
                    "findings": [finding_record(f) for f in c.findings],
                }
                for c in self.countries
            ],
            "translation_qa": self.qa,
        }
