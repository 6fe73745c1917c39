"""What a form changes in the project: an edit, a signed decision or comment, a whole
article's approval, each under the project lock, read afresh, written by the library (the
same calls as the CLI) and committed to git with the person as author."""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.datastructures import FormData

from i18n.errors import I18nError
from i18n.formats.git import commit, in_repository, uncommitted
from i18n.formats.ledger import Signing
from i18n.formats.lock import project_lock
from i18n.model.people import People, Person
from i18n.pipeline.review import Item, LocaleReview
from i18n.project import Project
from i18n.server.cache import Reviews
from i18n.server.push import Pusher
from i18n.server.ui import gettext, ngettext
from i18n.server.views import bulk

if TYPE_CHECKING:
    from i18n.server.app import ServerConfig

log = logging.getLogger("i18n.serve")


class Status(I18nError):
    """An action refused with an HTTP status other than 409."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.listed: list[tuple[str, str]] = []  # (entry id, why) to show with the message


class Actions:
    """The writes behind the server's forms (the pages only read)."""

    def __init__(
        self,
        config: ServerConfig,
        reviews: Reviews,
        pusher: Pusher | None,
        project: Callable[[], Project],
    ) -> None:
        self.config = config
        self.reviews = reviews
        self.pusher = pusher
        self.project = project

    def fresh(
        self, project: Project, locale: str, people: People, only: str | None
    ) -> LocaleReview:
        """The locale as the files are now (``only``: one catalog of it), for an action under
        the lock (see :meth:`Reviews.fresh`)."""
        return self.reviews.fresh(project, locale, people, only)

    def open(
        self, project: Project, locale: str, entry: str, people: People
    ) -> tuple[LocaleReview, Item]:
        """The entry (an id names its catalog: only that catalog is read, when the pages know
        which it is) and its locale, read afresh."""
        review = self.fresh(project, locale, people, self.reviews.catalog_of(locale, entry))
        try:
            (item,) = review.find([entry])
        except I18nError:
            raise Status(404, gettext("No such entry.")) from None
        return review, item

    @contextlib.contextmanager
    def signing(
        self, locale: str, entry: str, person: Person, people: People
    ) -> Iterator[tuple[Project, LocaleReview, Item, Signing]]:
        """Under the project lock: the entry, and the server's signing on behalf of ``person``
        (every signed decision and comment goes through here)."""
        project = self.project()
        with project_lock(project, "serve"):
            review, item = self.open(project, locale, entry, people)
            yield (
                project,
                review,
                item,
                dataclasses.replace(self.config.signing, on_behalf_of=person.id),
            )

    def edit(self, locale: str, entry: str, person: Person, people: People, form: FormData) -> str:
        texts = [str(v) for v in form.getlist("msgstr")]
        seen = str(form.get("hash", ""))
        project = self.project()
        with project_lock(project, "serve"):
            review, item = self.open(project, locale, entry, people)
            if item.hash != seen:
                raise Status(
                    409,
                    gettext(
                        "The entry changed since you opened it (someone else saved it): your "
                        "text was not saved. Reload, and apply your change again."
                    ),
                )
            self._no_unrecorded_edits(project, review.catalog(item.catalog).path)
            path = review.edit(item, texts, person, fuzzy=form.get("fuzzy") == "on")
            note = self.commit(project, [path], person, f"edit {locale} {entry} ({item.catalog})")
        return gettext("Saved.") + note

    def _no_unrecorded_edits(self, project: Project, catalog: Path) -> None:
        """Refuse to change a catalog that holds changes git has not recorded (saved by a PO
        editor or ``i18n update`` and not committed): the server's commit would give them
        the signed-in person as author, and the four-eyes rule, which asks git who wrote a
        text, would then count them as that person's."""
        if not (in_repository(project.root) and uncommitted(project.root, [catalog])):
            return
        refusal = gettext(
            "%(file)s has changes that are not committed to git (saved outside the review "
            "server): nothing was changed. Ask whoever made them to commit them, with their "
            "name as author, so that the four-eyes rule knows who wrote them; then try again."
        )
        raise Status(409, refusal % {"file": project.rel(catalog)})

    def approve(
        self, locale: str, entry: str, person: Person, people: People, form: FormData
    ) -> str:
        override = str(form.get("override", "")).strip() or None
        with self.signing(locale, entry, person, people) as (project, review, item, signing):
            report = review.approve([item], signing, person, explicit=True, override=override)
            if report.refused:
                raise I18nError(gettext("Not approved: %(why)s") % {"why": report.refused[0][1]})
            if report.already:
                return gettext("Already approved by you: nothing was signed.")
            note = self.commit(
                project, [review.ledger.path], person, f"approve {locale} {entry} ({item.catalog})"
            )
        if report.cosigned and item.event is not None:
            cosigned = gettext(
                "Approved and signed by %(name)s, beside the approval of %(other)s "
                "(both signatures are on the record)."
            )
            return cosigned % {"name": person.name, "other": item.event.reviewer} + note
        return gettext("Approved and signed by %(name)s.") % {"name": person.name} + note

    def reject(
        self, locale: str, entry: str, person: Person, people: People, form: FormData
    ) -> str:
        reason = str(form.get("reason", ""))
        with self.signing(locale, entry, person, people) as (project, review, item, signing):
            path = review.catalog(item.catalog).path
            self._no_unrecorded_edits(project, path)
            review.reject(item, reason, signing, person)
            note = self.commit(
                project,
                [path, review.ledger.path],
                person,
                f"reject {locale} {entry} ({item.catalog})",
            )
        done = gettext("Rejected and signed by %(name)s; the entry is a draft again.")
        return done % {"name": person.name} + note

    def revoke(
        self, locale: str, entry: str, person: Person, people: People, form: FormData
    ) -> str:
        """Withdraw the approval of the entry's current text, as ``i18n revoke`` does: a
        reviewer of the locale, a reason, signed on behalf of the person."""
        reason = str(form.get("reason", ""))
        with self.signing(locale, entry, person, people) as (project, review, item, signing):
            review.revoke(item, reason, signing, person)
            note = self.commit(
                project, [review.ledger.path], person, f"revoke {locale} {entry} ({item.catalog})"
            )
        done = gettext(
            "Approval withdrawn, signed by %(name)s: the entry awaits review again and its "
            "pages are withheld at the next render."
        )
        return done % {"name": person.name} + note

    def comment(
        self, locale: str, entry: str, person: Person, people: People, form: FormData
    ) -> str:
        text = str(form.get("text", ""))
        with self.signing(locale, entry, person, people) as (project, review, item, signing):
            review.comment(item, text, signing, person)
            note = self.commit(
                project, [review.ledger.path], person, f"comment {locale} {entry} ({item.catalog})"
            )
        return gettext("Comment added.") + note

    def approve_article(
        self,
        locale: str,
        article: str,
        person: Person,
        people: People,
        opened: set[tuple[str, str, str]],
    ) -> Any:
        project = self.project()
        with project_lock(project, "serve"):
            review = self.fresh(project, locale, people, article)
            if article not in {c.name for c in review.catalogs}:
                raise Status(404, gettext("No such article."))
            plan = bulk(review, article, opened)
            if plan.unopened:
                n = len(plan.unopened)
                refused = Status(
                    409,
                    ngettext(
                        "Nothing was signed: %(n)d entry with findings not yet opened. Open "
                        "it first.",
                        "Nothing was signed: %(n)d entries with findings not yet opened. Open "
                        "each of them first.",
                        n,
                    )
                    % {"n": n},
                )
                why = gettext("findings, not yet opened")
                refused.listed = [(i.id, why) for i in plan.unopened]
                raise refused
            if not plan.candidates:
                nothing = gettext("Nothing to approve: no entry of the article awaits review.")
                raise I18nError(nothing)
            signing = dataclasses.replace(self.config.signing, on_behalf_of=person.id)
            report = review.approve(plan.candidates, signing, person, explicit=False)
            note = ""
            if report.approved:
                n = len(report.approved)
                note = self.commit(
                    project,
                    [review.ledger.path],
                    person,
                    f"approve {locale} {article}: {n} entr{'y' if n == 1 else 'ies'}",
                )
        return report, note

    def commit(self, project: Project, paths: list[Path], person: Person, subject: str) -> str:
        """Commit what an action wrote, and ask for a push when one is configured; "" when
        done (or not a repository). The files were written and the events signed before: a
        refusing git does not undo them, so it is said (and logged) beside what was done,
        never as a failure of the action; so is a push that failed (the commit stays, and
        goes with the next push)."""
        if not in_repository(project.root):
            return ""
        message = f"{subject}\n\nvia i18n serve, signed in as {person.id}"
        committer = (f"i18n serve ({self.config.signing.identity})", self.config.committer_email)
        try:
            commit(
                project.root,
                paths,
                message,
                author=(person.name, person.email),
                committer=committer,
            )
        except I18nError as exc:
            log.error("not committed (%s): %s", subject, exc.message)
            note = gettext("It is saved in the files but not committed to git (%(why)s).")
            return " " + note % {"why": exc.message}
        if self.pusher is None:
            return ""
        failed = self.pusher.failed
        self.pusher.request()  # this commit and any not yet pushed, in the background
        if failed is not None:
            unpushed = gettext(
                "Saved and committed, not yet pushed to %(remote)s: the last push failed "
                "(%(why)s); it is tried again now."
            )
            return " " + unpushed % {"remote": self.pusher.remote, "why": failed}
        return ""
