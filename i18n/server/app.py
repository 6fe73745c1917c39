"""The HTTP front end of ``i18n serve``: a Starlette application over one project directory.

It is the CLI's library behind a browser. The files stay the source of truth: every request
reads the catalogs, ledger and people.yaml as they are now, and every write holds the
project's lock (:func:`i18n.formats.lock.project_lock`) and goes through the same library
calls as ``i18n approve``, ``i18n reject`` and an edit in a PO editor, so the CLI and the
server can run at the same time. In a git repository each change is committed at once, the
signed-in person as author and the server as committer.

The library work (file reads, argon2, signing, git) runs in Starlette's thread pool, never on
the event loop. Security, in the order a request meets it: a session cookie (see
:mod:`i18n.server.auth`) or a redirect to the sign-in page; the CSRF token of the session on
every POST (403 otherwise, before anything is read); the person's role for the URL's locale
(403); for a signature, the password again. Every page is rendered by Jinja2 with
autoescaping, and a Content-Security-Policy without inline scripts, in the language of the
person or the browser (:mod:`i18n.server.ui`).
"""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import mimetypes
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from i18n.errors import I18nError
from i18n.formats.credentials import Credentials
from i18n.formats.ledger import Signing
from i18n.formats.people import load_people
from i18n.model.people import REVIEWER, TRANSLATOR, People, Person
from i18n.model.states import STATES
from i18n.pipeline.publish.site import PreviewPage, image_files, preview_page
from i18n.pipeline.review import Item
from i18n.project import SITE_DOMAIN, Project
from i18n.server import ui
from i18n.server.actions import Actions, Status
from i18n.server.auth import Passwords, Session, Sessions, SignInLimit
from i18n.server.cache import Kept, Reviews
from i18n.server.push import Pusher
from i18n.server.ui import N_, gettext, ngettext
from i18n.server.views import (
    bulk,
    entry_view,
    locales_of,
    places,
    queue_page,
    roles_in,
    summary,
)

log = logging.getLogger("i18n.serve")

HERE = Path(__file__).parent
COOKIE = "i18n_session"
SECURE_COOKIE = "__Host-i18n_session"  # the prefix binds it to this host, https and path /
_LOCALE = re.compile(r"[a-z]{2,3}(_[A-Z]{2}|_[A-Z][a-z]{3})?")
_ENTRY = re.compile(r"[0-9a-f]{10}")
_IMAGE = re.compile(r"[a-z0-9][a-z0-9._-]*\.(svg|png|jpe?g|webp|gif)")
_COUNTRY = re.compile(r"[A-Z]{2}")
_CATALOG = re.compile(r"[a-z0-9][a-z0-9-]*")
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


# what each action needs: one of these roles for the locale
ACTIONS = {
    "edit": {TRANSLATOR},
    "approve": {REVIEWER},
    "reject": {REVIEWER},
    "revoke": {REVIEWER},
    "comment": {TRANSLATOR, REVIEWER},
}
# what the page says when the person's roles do not allow the action
NO_ROLE = {
    "edit": N_("Only a translator of %(locale)s may edit its entries."),
    "approve": N_("Only a reviewer of %(locale)s may approve its entries."),
    "reject": N_("Only a reviewer of %(locale)s may reject its entries."),
    "revoke": N_("Only a reviewer of %(locale)s may withdraw an approval."),
    "comment": N_("Only a translator or reviewer of %(locale)s may comment."),
}
SIGNED = ("approve", "reject", "revoke")  # the password again


class Refused(Exception):
    """A request that is not allowed or not well-formed: ``status`` and a message to show."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class SignInFirst(Exception):
    """No (live) session: the browser is sent to the sign-in page."""


@dataclasses.dataclass(frozen=True)
class ServerConfig:
    """What the server is started with (see :mod:`i18n.server.config` for where each comes
    from)."""

    root: Path
    signing: Signing  # the service's key; each event names the person (on_behalf_of)
    credentials: Path
    secure_cookies: bool = True
    committer_email: str = "review-server@i18n-serve.invalid"
    # single sign-on: the header a reverse proxy sets to the signed-in person (None: off),
    # believed only from these peer addresses (also those whose X-Forwarded-For counts)
    trusted_proxy_header: str | None = None
    trusted_proxies: tuple[str, ...] = ("127.0.0.1",)
    push: str | None = None  # the git remote pushed to after each commit (None: no push)


class Server:
    """The application and what it keeps between requests: sessions and sign-in limits."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self.sessions = Sessions()
        self.limit = SignInLimit()
        self.passwords = Passwords()
        self.reviews = Reviews()  # what the pages show; actions read the files afresh
        self.pages = {language: _pages(language) for language in ui.languages()}
        self.cookie = SECURE_COOKIE if config.secure_cookies else COOKIE
        self.pusher = Pusher(config.root, config.push) if config.push else None
        self.actions = Actions(config, self.reviews, self.pusher, self.project)

    # --- the application ----------------------------------------------------------------

    def app(self) -> Starlette:
        routes = [
            Route("/", self.home),
            Route("/login", self.login_form, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/l/{locale}", self.queue),
            Route("/l/{locale}/e/{entry}", self.entry),
            Route("/l/{locale}/e/images/{name}", self.image),  # the images of a page in context
            Route("/l/{locale}/e/{entry}/in/{country}", self.in_context),
            Route("/l/{locale}/a/{article}/approve", self.approve_article, methods=["POST"]),
            Route("/l/{locale}/e/{entry}/{action}", self.act, methods=["POST"]),
            Route("/favicon.ico", lambda request: Response(status_code=204)),  # none
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]
        return Starlette(
            routes=routes,
            middleware=[
                Middleware(_RememberPeer),  # the proxy's own address, before the next line
                Middleware(ProxyHeadersMiddleware, trusted_hosts=list(self.config.trusted_proxies)),
                Middleware(BaseHTTPMiddleware, dispatch=self._headers),
                Middleware(ui.UILanguage),
            ],
            exception_handlers={Refused: self._refused, SignInFirst: self._sign_in_first},
        )

    async def _headers(self, request: Request, call_next: Callable[..., Any]) -> Response:
        response: Response = await call_next(request)
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        started = request.scope.get(_STARTED)
        if started is not None:  # a session begun for a person the proxy signed in
            self._set_cookie(response, started)
        return response

    def project(self) -> Project:
        return Project(
            self.config.root, on_message=lambda kind, text: log.info("%s: %s", kind, text)
        )

    # --- sessions -------------------------------------------------------------------------

    def _session(self, request: Request) -> Session | None:
        return self.sessions.get(request.cookies.get(self.cookie))

    def _set_cookie(self, response: Response, session: Session) -> None:
        response.set_cookie(
            self.cookie,
            session.token,
            path="/",
            secure=self.config.secure_cookies,
            httponly=True,
            samesite="strict",
        )

    def _proxied_person(self, request: Request, people: People) -> str | None:
        """The person the reverse proxy says signed in through single sign-on: the configured
        header, from a trusted proxy only (from anyone else it is ignored, with a warning),
        naming a person of people.yaml by id or e-mail (anything else: 403). None when single
        sign-on is not configured or the header is absent."""
        header = self.config.trusted_proxy_header
        if header is None:
            return None
        raw = request.headers.get(header)
        if raw is None:
            return None
        peer = request.scope.get(_PEER, "")
        if not _among(peer, self.config.trusted_proxies):
            log.warning("%s header from %s, not a trusted proxy: ignored", header, peer or "?")
            return None
        value = raw.strip()
        person = people.persons.get(value) or people.by_email(value)
        if person is None:
            log.warning("%s names no person of people.yaml: %r", header, value[:100])
            unknown = gettext(
                "Your single sign-on account (%(account)s) is no person of people.yaml."
            )
            raise Refused(403, unknown % {"account": value[:100]})
        return person.id

    def _signed_in(self, request: Request) -> tuple[Session, Person, People]:
        people = load_people(self.project())
        session = self._session(request)
        proxied = self._proxied_person(request, people)
        if proxied is not None and (session is None or session.person != proxied):
            if session is not None:
                self.sessions.end(session.token)
            session = self.sessions.new(proxied)
            request.scope[_STARTED] = session
            log.info("signed in by %s: %s", self.config.trusted_proxy_header, proxied)
        if session is None or session.person is None:
            raise SignInFirst()
        person = people.persons.get(session.person)
        if person is None:  # removed from people.yaml since signing in
            self.sessions.end(session.token)
            raise SignInFirst()
        if person.ui_language:
            ui.activate(ui.choose(person.ui_language, request.headers.get("accept-language")))
        return session, person, people

    async def _form(self, request: Request, session: Session | None) -> FormData:
        """The POSTed form, once its CSRF token is the session's (403 otherwise)."""
        form = await request.form(max_files=0, max_fields=50)
        if session is None or not session.csrf_ok(form.get("csrf")):
            stale = gettext("The form is out of date or did not come from this site (CSRF).")
            raise Refused(403, stale)
        return form

    def _locale(self, person: Person, raw: str) -> str:
        if not _LOCALE.fullmatch(raw):
            raise Refused(404, gettext("No such locale."))
        if not roles_in(person, raw):
            refusal = gettext("You have no role for %(locale)s in people.yaml.")
            raise Refused(403, refusal % {"locale": raw})
        return raw

    # --- pages ---------------------------------------------------------------------------

    def _page(
        self, name: str, status: int = 200, session: Session | None = None, **context: Any
    ) -> HTMLResponse:
        language = ui.current()
        html = (
            self.pages[language]
            .get_template(name)
            .render(
                csrf=session.csrf if session else "",
                states=STATES,
                lang=language,
                **context,
            )
        )
        return HTMLResponse(html, status_code=status)

    async def _refused(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        session = self._session(request)
        return self._page("error.html", exc.status, session, message=exc.message, person=None)

    async def _sign_in_first(self, request: Request, exc: Exception) -> Response:
        target = request.url.path if request.method == "GET" else "/"
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    async def login_form(self, request: Request) -> Response:
        if self._proxied_person(request, load_people(self.project())) is not None:
            return RedirectResponse(_local(request.query_params.get("next")), status_code=303)
        session = self._session(request)
        fresh = session is None
        session = session or self.sessions.new()
        response = self._page(
            "login.html", session=session, next=_local(request.query_params.get("next")), error=None
        )
        if fresh:
            self._set_cookie(response, session)
        return response

    async def login(self, request: Request) -> Response:
        session = self._session(request)
        form = await self._form(request, session)
        assert session is not None
        person_id = str(form.get("person", "")).strip()
        password = str(form.get("password", ""))
        target = _local(str(form.get("next", "")))
        client = request.client.host if request.client else "?"
        keys = (f"ip:{client}", f"person:{person_id}")
        if not all(self.limit.allowed(k) for k in keys):
            log.warning("sign-in refused (too many attempts): %r from %s", person_id, client)
            return self._page(
                "login.html",
                429,
                session,
                next=target,
                error=gettext("Too many attempts: wait a few minutes."),
            )
        ok = await run_in_threadpool(self._check_password, person_id, password)
        if not ok:
            for k in keys:
                self.limit.failed(k)
            log.warning("sign-in failed: %r from %s", person_id, client)
            return self._page(
                "login.html",
                401,
                session,
                next=target,
                error=gettext("Unknown user or wrong password."),
            )
        for k in keys:
            self.limit.succeeded(k)
        self.sessions.end(session.token)  # a new token once signed in (no session fixation)
        signed_in = self.sessions.new(person_id)
        log.info("signed in: %s from %s", person_id, client)
        response = RedirectResponse(target, status_code=303)
        self._set_cookie(response, signed_in)
        return response

    def _check_password(self, person_id: str, password: str) -> bool:
        """The password is the person's (the same work when the person is unknown)."""
        people = load_people(self.project())
        stored = Credentials.read(self.config.credentials).hashes.get(person_id)
        if person_id not in people.persons or stored is None:
            self.passwords.verify(_DUMMY_HASH, password)
            return False
        return self.passwords.verify(stored, password)

    def _check_signing_password(self, session: Session, person_id: str, password: str) -> bool:
        """The password of a signing: argon2 at the first signing of the session (both
        components), then checked against what that proved (the same password, while the
        stored hash is unchanged) without argon2's cost again; see :meth:`Session.signs`."""
        stored = Credentials.read(self.config.credentials).hashes.get(person_id)
        if stored is None:
            return False
        proved = session.signs(stored, password)
        if proved is not None:
            return proved
        if not self._check_password(person_id, password):
            return False
        session.proved(stored, password)
        return True

    def _has_password(self, person_id: str) -> bool:
        return person_id in Credentials.read(self.config.credentials).hashes

    async def logout(self, request: Request) -> Response:
        session = self._session(request)
        await self._form(request, session)
        assert session is not None
        self.sessions.end(session.token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(
            self.cookie,
            path="/",
            secure=self.config.secure_cookies,
            httponly=True,
            samesite="strict",
        )
        return response

    async def home(self, request: Request) -> Response:
        session, person, people = self._signed_in(request)

        def build() -> list[tuple[str, list[str], dict[str, int]]]:
            project = self.project()
            rows = []
            for locale in locales_of(person):
                if not (project.locales_dir / locale / "LC_MESSAGES").is_dir():
                    continue
                kept = self.reviews.get(project, locale, people)
                rows.append((locale, sorted(roles_in(person, locale)), summary(kept.items)))
            return rows

        rows = await run_in_threadpool(build)
        return self._page("home.html", session=session, person=person, rows=rows)

    async def queue(self, request: Request) -> Response:
        session, person, people = self._signed_in(request)
        locale = self._locale(person, request.path_params["locale"])
        params = request.query_params
        article = params.get("article") or None
        state = params.get("state") or None
        query = params.get("q", "")[:200]
        if article is not None and not _CATALOG.fullmatch(article):
            raise Refused(404, gettext("No such article."))
        if state is not None and state not in STATES:
            raise Refused(404, gettext("No such state."))
        try:
            page = int(params.get("page", "1"))
        except ValueError:
            raise Refused(404, gettext("No such page.")) from None

        return await self._queue_page(session, person, people, locale, article, state, query, page)

    async def _queue_page(
        self,
        session: Session,
        person: Person,
        people: People,
        locale: str,
        article: str | None,
        state: str | None = None,
        query: str = "",
        page: int = 1,
        status: int = 200,
    ) -> Response:
        reviews = REVIEWER in roles_in(person, locale)

        def build() -> Any:
            kept = self.reviews.get(self.project(), locale, people)
            review = kept.review
            if article is not None and article not in {c.name for c in review.catalogs}:
                raise Refused(404, gettext("No such article."))
            view = queue_page(review, article, state, query, page, items=kept.items)
            if article is not None and reviews:
                view.bulk = bulk(review, article, session.opened, kept.items)
            return view

        view = await run_in_threadpool(build)
        message, session.flash = session.flash, None
        listed, session.listed = session.listed, []
        return self._page(
            "queue.html",
            status,
            session,
            person=person,
            view=view,
            flash=message,
            listed=listed,
        )

    def _item(self, kept: Kept, entry: str) -> Item:
        item = kept.by_id.get(entry) if _ENTRY.fullmatch(entry) else None
        if item is None:
            raise Refused(404, gettext("No such entry."))
        return item

    async def entry(self, request: Request) -> Response:
        session, person, people = self._signed_in(request)
        locale = self._locale(person, request.path_params["locale"])
        entry = request.path_params["entry"]
        view = await run_in_threadpool(self._entry_view, locale, entry, person, people)
        session.opened.add((locale, view.item.id, view.item.hash))  # shown: see bulk approval
        message, session.flash = session.flash, None
        return self._page(
            "entry.html", session=session, person=person, view=view, flash=message, error=None
        )

    def _entry_view(self, locale: str, entry: str, person: Person, people: People) -> Any:
        project = self.project()
        kept = self.reviews.get(project, locale, people)
        if "places" not in kept.memo:
            kept.memo["places"] = places(project, locale)
        return entry_view(kept.review, self._item(kept, entry), person, kept.memo["places"])

    async def in_context(self, request: Request) -> Response:
        """The entry in its page, as the chosen country would publish it: the preview render
        of that one page (drafts marked, the country's disclaimer, noindex, the preview
        banner), the entry's text in ``<mark id="entry">``, under the page's own CSP."""
        session, person, people = self._signed_in(request)
        locale = self._locale(person, request.path_params["locale"])
        entry, country = request.path_params["entry"], request.path_params["country"]
        if not _COUNTRY.fullmatch(country):
            raise Refused(404, gettext("No such country."))

        def build() -> PreviewPage:
            project = self.project()
            item = self._item(self.reviews.get(project, locale, people), entry)
            place = next((p for p in places(project, locale) if p.code == country), None)
            if item.catalog == SITE_DOMAIN or place is None:
                refusal = gettext("No page of %(country)s shows this entry.")
                raise Refused(404, refusal % {"country": country})
            key = (item.entry.msgctxt or None, item.entry.msgid)
            try:
                return preview_page(project, place.code, place.locale, item.catalog, key)
            except I18nError as exc:
                raise Refused(404, exc.message) from None

        page = await run_in_threadpool(build)
        headers = {"Content-Security-Policy": f"{page.csp}; frame-ancestors 'none'"}
        return HTMLResponse(page.html, headers=headers)

    async def image(self, request: Request) -> Response:
        """An image of ``source/images/`` as a page in context refers to it (``../../images/``
        from ``/l/<locale>/e/<entry>/in/<CC>``), checked as ``i18n render`` checks it."""
        _, person, _ = self._signed_in(request)
        self._locale(person, request.path_params["locale"])
        name = request.path_params["name"]
        if not _IMAGE.fullmatch(name):
            raise Refused(404, gettext("No such image."))
        try:
            data = (await run_in_threadpool(image_files, self.project())).get(f"images/{name}")
        except I18nError as exc:
            raise Refused(404, exc.message) from None
        if data is None:
            raise Refused(404, gettext("No such image."))
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return Response(data, media_type=kind)

    # --- actions -------------------------------------------------------------------------

    async def act(self, request: Request) -> Response:
        session, person, people = self._signed_in(request)
        form = await self._form(request, session)
        locale = self._locale(person, request.path_params["locale"])
        entry, action = request.path_params["entry"], request.path_params["action"]
        if not _ENTRY.fullmatch(entry) or action not in ACTIONS:
            raise Refused(404, gettext("No such entry or action."))
        need = ACTIONS[action]
        if not need & roles_in(person, locale):
            refusal = NO_ROLE.get(action, N_("Your roles for %(locale)s do not allow this."))
            raise Refused(403, gettext(refusal) % {"locale": locale})
        try:
            if action in SIGNED:
                await self._password_again(session, person, str(form.get("password", "")))
            work = {
                "edit": self.actions.edit,
                "approve": self.actions.approve,
                "reject": self.actions.reject,
                "revoke": self.actions.revoke,
                "comment": self.actions.comment,
            }[action]
            message = await run_in_threadpool(work, locale, entry, person, people, form)
        except I18nError as exc:
            status = exc.status if isinstance(exc, Status) else 409
            view = await run_in_threadpool(self._entry_view, locale, entry, person, people)
            return self._page(
                "entry.html",
                status,
                session,
                person=person,
                view=view,
                flash=None,
                error=exc.message,
            )
        session.flash = message
        return RedirectResponse(f"/l/{locale}/e/{entry}", status_code=303)

    async def _password_again(self, session: Session, person: Person, password: str) -> None:
        """21 CFR 11.200(a)(1): a signature needs the password again (both components at the
        first signing of a session; we ask at every signing)."""
        key = f"sign:{person.id}"
        if not await run_in_threadpool(self._has_password, person.id):
            no_password = gettext(
                "You have no signing password yet: nothing was signed. Ask an administrator "
                "to set one (i18n serve --add-user %(id)s)."
            )
            raise Status(403, no_password % {"id": person.id})
        if not self.limit.allowed(key):
            self.sessions.end(session.token)
            raise Status(429, gettext("Too many wrong passwords: you were signed out."))
        if not await run_in_threadpool(self._check_signing_password, session, person.id, password):
            self.limit.failed(key)
            raise Status(403, gettext("Wrong password: nothing was signed."))
        self.limit.succeeded(key)

    async def approve_article(self, request: Request) -> Response:
        """Approve every entry of an article awaiting review, in one signing: only once the
        reviewer has opened each of them that has QA findings (at its current text), with the
        password again; entries the reviewer wrote, or with blocking findings, are left out
        and listed (four eyes; an override needs a reason, one entry at a time)."""
        session, person, people = self._signed_in(request)
        form = await self._form(request, session)
        locale = self._locale(person, request.path_params["locale"])
        article = request.path_params["article"]
        if not _CATALOG.fullmatch(article):
            raise Refused(404, gettext("No such article."))
        if REVIEWER not in roles_in(person, locale):
            raise Refused(403, gettext(NO_ROLE["approve"]) % {"locale": locale})
        back = f"/l/{locale}?article={quote(article)}"
        try:
            await self._password_again(session, person, str(form.get("password", "")))
            report, note = await run_in_threadpool(
                self.actions.approve_article, locale, article, person, people, session.opened
            )
        except I18nError as exc:
            status = exc.status if isinstance(exc, Status) else 409
            if status != 409:
                raise Refused(status, exc.message) from None
            session.flash = exc.message  # shown on the article's queue, with what to open
            session.listed = exc.listed if isinstance(exc, Status) else []
            return await self._queue_page(session, person, people, locale, article, status=409)
        done, out = len(report.approved), len(report.refused)
        signed = ngettext(
            "Approved and signed %(n)d entry of %(article)s as %(name)s.",
            "Approved and signed %(n)d entries of %(article)s as %(name)s.",
            done,
        ) % {"n": done, "article": article, "name": person.name}
        left = ngettext("%(n)d left out (listed below).", "%(n)d left out (listed below).", out)
        session.flash = signed + (" " + left % {"n": out} if out else "") + note
        session.listed = [(item.id, why) for item, why in report.refused]
        return RedirectResponse(back, status_code=303)


_PEER = "i18n.peer"  # scope key: the address of the connection's other end
_STARTED = "i18n.started"  # scope key: a session begun by single sign-on in this request


class _RememberPeer:
    """Keeps the address of the connection's other end (the proxy, behind one) before
    X-Forwarded-For replaces it: single sign-on believes only the proxies."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            client = scope.get("client")
            scope[_PEER] = client[0] if client else ""
        await self.app(scope, receive, send)


def _among(address: str, networks: tuple[str, ...]) -> bool:
    """Whether ``address`` is one of ``networks`` (addresses or CIDR networks)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


def _local(target: str | None) -> str:
    """A redirect target on this site only (no ``//host``, no scheme)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    if "\\" in target:
        return "/"
    return target


# verified against when the person is unknown, so that both answers take the same time
_DUMMY_HASH = Passwords().hash("no such person, no such password")


def _pages(language: str) -> Environment:
    """The templates, speaking ``language`` (Jinja2's i18n extension, newstyle gettext: a
    translation is never escaped, the values put into it always are)."""
    pages = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    pages.install_gettext_translations(ui.translations(language), newstyle=True)  # type: ignore
    pages.filters["label"] = ui.label
    return pages


def create_app(config: ServerConfig) -> Starlette:
    return Server(config).app()
