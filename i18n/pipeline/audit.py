"""The audit trail an auditor reads (``i18n audit``): for every published page, every entry's
approved text with the signer's printed name, the signed time, the meaning of the signature
and whether it verifies (21 CFR 11.50), and the approval of the country's disclaimer.

The pages are those the site's manifest lists; each approval hash a page was built from is
looked up in the ledgers of the page's locale chain (``de_CH``, then ``de``), where only
events that count (:mod:`i18n.pipeline.signoff`) are found. A hash no counting approval
explains is shown as not verified: ``i18n check`` reports such a page too.
"""

from __future__ import annotations

import base64
from dataclasses import asdict, dataclass, field
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats import sshsig
from i18n.formats.country import load_countries
from i18n.formats.ledger import NAMESPACE, signed_bytes
from i18n.formats.manifest import read_manifest
from i18n.formats.people import load_people
from i18n.model.events import Approved
from i18n.model.locale import fallback_chain
from i18n.model.manifest import ManifestPage
from i18n.model.people import People
from i18n.pipeline.signoff import Trusted, read_trusted
from i18n.project import SITE_DOMAIN, Project


@dataclass(frozen=True)
class Signature:
    """One approved entry of a page and who signed it."""

    catalog: str
    msgctxt: str | None
    msgid: str
    msgstr: str
    signer: str | None
    name: str | None
    time: str | None
    meaning: str | None
    verified: str  # "verified: ED25519 key SHA256:... of <id>", or why not


@dataclass
class AuditPage:
    path: str
    country: str
    locale: str
    article: str | None
    disclaimer: dict[str, str] = field(default_factory=dict)
    source_text: bool = False
    entries: list[Signature] = field(default_factory=list)

    @property
    def unverified(self) -> int:
        return sum(not e.verified.startswith("verified") for e in self.entries)


@dataclass
class AuditReport:
    site: str
    pages: list[AuditPage] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"site": self.site, "pages": [asdict(p) for p in self.pages]}


class _Ledgers:
    """Counting approvals of each (locale, catalog), read once."""

    def __init__(self, project: Project, people: People) -> None:
        self.project, self.people = project, people
        self.trusted: dict[str, Trusted] = {}

    def approvals(self, locale: str, catalog: str, digest: str) -> list[Approved]:
        """The approvals of the text that count (two or more when reviewers co-signed it),
        from the first locale of the fallback chain that has any."""
        for loc in fallback_chain(locale):
            if loc not in self.trusted:
                self.trusted[loc] = read_trusted(self.project, loc, self.people)
            found = self.trusted[loc].holding(catalog).get(digest)
            if found:
                return found
        return []


def _verified(event: Approved, people: People) -> str:
    try:
        key = sshsig.verify(signed_bytes(event), base64.b64decode(event.signature), NAMESPACE)
    except (ValueError, sshsig.BadSignature) as exc:
        return f"NOT VERIFIED: {getattr(exc, 'reason', exc)}"
    owner = people.owner(key.line)
    who = owner.id if owner is not None else "nobody"
    return f"verified: {key.type} key {key.fingerprint} of {who}"


def _entries(page: ManifestPage, locale: str, ledgers: _Ledgers) -> list[Signature]:
    out: list[Signature] = []
    wanted = [(page.article or "", h) for h in page.approvals]
    wanted += [(SITE_DOMAIN, h) for h in page.site_approvals]
    for catalog, digest in wanted:
        events = ledgers.approvals(locale, catalog, digest)
        if not events:
            out.append(
                Signature(
                    catalog,
                    None,
                    digest,
                    "",
                    None,
                    None,
                    None,
                    None,
                    "NOT VERIFIED: no approval that counts has this hash (see i18n check)",
                )
            )
            continue
        out.extend(
            Signature(
                catalog,
                event.msgctxt,
                event.msgid,
                event.msgstr,
                event.person,
                event.reviewer,
                event.time,
                event.meaning,
                _verified(event, ledgers.people),
            )
            for event in events
        )
    return out


def audit(
    project: Project,
    site: Path | None = None,
    *,
    locale: str | None = None,
    article: str | None = None,
) -> AuditReport:
    """The audit trail of the pages ``site`` (default ``site/``) publishes."""
    site = site or project.root / "site"
    shown = project.rel(site / "manifest.json")
    manifest = read_manifest(site / "manifest.json", shown)
    if manifest is None:
        raise I18nError("no manifest: render the site first (python render.py)", shown)
    if manifest.preview:
        raise I18nError("a preview render is not a publication: audit the publish render", shown)
    countries = {c.code: c for c in load_countries(project)}
    ledgers = _Ledgers(project, load_people(project))
    report = AuditReport(project.rel(site))
    wanted_tag = locale.replace("_", "-").lower() if locale else None
    for page in manifest.pages:
        if page.kind != "article" or (article and page.article != article):
            continue
        if wanted_tag and page.locale.lower() != wanted_tag:
            continue
        country = countries.get(page.country)
        catalog_locale = page.locale.replace("-", "_")
        language = catalog_locale.split("_")[0]
        entry = AuditPage(page.path, page.country, page.locale, page.article)
        entry.source_text = page.source_text
        disc = country.disclaimers.get(language) if country else None
        if disc is not None:
            entry.disclaimer = {
                "reference": disc.reference,
                "approved_by": disc.approved_by,
                "approved_on": disc.approved_on.isoformat(),
                "expires": disc.expires.isoformat(),
            }
        if not page.source_text:
            entry.entries = _entries(page, catalog_locale, ledgers)
        report.pages.append(entry)
    return report


def allowed_signers(people: People) -> str:
    """An OpenSSH allowed_signers file of everyone in people.yaml, for ``ssh-keygen -Y
    verify -n i18n-ledger -I <person id>``: an auditor verifies any ledger event with OpenSSH
    alone. (Roles and validity windows are the tool's to check; the file says who holds which
    key.)"""
    lines = ["# allowed signers of i18n ledger events, from " + people.path]
    for who in (*people.persons.values(), *people.services.values()):
        for key in who.keys:
            lines.append(
                sshsig.allowed_signers_line(who.id, sshsig.PublicKey.parse(key), NAMESPACE)
            )
    return "\n".join(lines) + "\n"
