"""Findings: one problem found by a check, on one severity scale for every stage.

``blocking`` stops the action the check guards: a translation-QA finding refuses an approval
(unless a reviewer overrides it with a reason), and a regulatory finding fails ``i18n check``
(exit 1; its reports call it a *violation*). ``warning`` is reported and stops nothing.

A QA finding names only its check, severity and message (the entry it belongs to carries the
rest); a regulatory finding also says where: country, locale, article, file and line, and the
snippet of text that was found.

>>> f = Finding("numbers", BLOCKING, "numbers or units differ from the source: missing 10 %")
>>> str(f), f.blocking
('blocking numbers: numbers or units differ from the source: missing 10 %', True)
>>> Finding("page-stray", WARNING, "not in the manifest", path="site/ch/de/x.html").where
'site/ch/de/x.html'
"""

from __future__ import annotations

from dataclasses import dataclass

BLOCKING = "blocking"
WARNING = "warning"
SEVERITIES = (BLOCKING, WARNING)


@dataclass(frozen=True, order=True)
class Finding:
    code: str
    severity: str  # BLOCKING or WARNING
    message: str
    country: str | None = None
    locale: str | None = None
    article: str | None = None
    path: str | None = None
    line: int | None = None
    snippet: str | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == BLOCKING

    @property
    def where(self) -> str:
        """``path:line`` (or the path alone), empty when the finding names no file."""
        if not self.path:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path

    def as_dict(self) -> dict[str, str]:
        """What a review queue item lists of a QA finding."""
        return {"code": self.code, "severity": self.severity, "message": self.message}

    def __str__(self) -> str:
        return f"{self.severity} {self.code}: {self.message}"
