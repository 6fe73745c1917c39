"""``i18n serve`` over HTTP: Starlette's TestClient (httpx) against the application, on a git
copy of the sample. Security first (no session, CSRF, roles, self-approval, XSS, path tricks,
cookie flags), then the whole path of a translation: edited in the browser by a translator,
approved by a reviewer with the password, the event signed by the server's key on behalf of
the reviewer (OpenSSH verifies it), committed with the person as author, published by
``i18n render``. Last, the real server: ``i18n serve`` in a process, two approvals at once.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html import unescape
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import REPO, TESTER, copy_project, render_as_of, snapshot
from starlette.testclient import TestClient
from tools import require_chromium

from i18n.formats.article import load_articles
from i18n.formats.country import find_country
from i18n.formats.credentials import Credentials
from i18n.formats.ledger import NAMESPACE, Ledger, signed_bytes
from i18n.formats.people import load_people
from i18n.formats.sshsig import PublicKey, allowed_signers_line, armor
from i18n.model.states import entry_id
from i18n.pipeline.review import LocaleReview
from i18n.pipeline.signoff import read_trusted
from i18n.project import Project
from i18n.server.app import Server, ServerConfig
from i18n.server.auth import Passwords, set_password
from i18n.server.config import credentials_path, service_signing

SERVICE_KEY = REPO / "source" / "sample-keys" / "review-server"
TRANSLATOR = "jonas.weber"  # translator of de (sample people.yaml)
REVIEWER = "katrin.vogel"  # reviewer of de
FR_REVIEWER = "claire.martin"  # reviewer of fr only
PASSWORDS = {
    TRANSLATOR: "translator password 1",
    REVIEWER: "reviewer password 22",
    FR_REVIEWER: "reviewer password fr",
    TESTER: "tester password 333",  # translator and reviewer of every test locale
}
ARTICLE = "mechanical-thrombectomy-for-dvt"
TITLE = entry_id(
    "de",
    ARTICLE,
    "title",
    "Mechanical Thrombectomy for Deep Vein Thrombosis: What Patients and Clinicians Should Know",
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "setup",
        "GIT_AUTHOR_EMAIL": "setup@example.org",
        "GIT_COMMITTER_NAME": "setup",
        "GIT_COMMITTER_EMAIL": "setup@example.org",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    done = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return done.stdout


@dataclass
class Site:
    root: Path
    credentials: Path
    server: Server

    def client(self) -> TestClient:
        return TestClient(self.server.app(), base_url="https://testserver")

    def ledger(self, locale: str = "de") -> bytes:
        path = self.root / "locales" / locale / "approvals.jsonl"
        return path.read_bytes() if path.exists() else b""

    def item(self, locale: str, ident: str):  # -> Item
        review = LocaleReview.open(Project(self.root), locale)
        (item,) = review.find([ident])
        return item


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Site:
    root = copy_project(tmp_path / "project")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "sample")
    credentials = tmp_path / "secrets" / "credentials.json"
    monkeypatch.setenv("I18N_CREDENTIALS", str(credentials))
    monkeypatch.setenv("I18N_SERVER_KEY", str(SERVICE_KEY))
    project = Project(root)
    people = load_people(project)
    for person, password in PASSWORDS.items():
        set_password(credentials_path(project), people, person, password)
    signing, _ = service_signing(project, people)
    return Site(root, credentials, Server(ServerConfig(root, signing, credentials)))


def visible(html: str) -> str:
    """A page's text as a reader sees it: tags (such as the glossary's marks) and the
    screen-reader-only labels left out."""
    text = re.sub(r'<span class="vh">.*?</span>', "", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", text))


def csrf(client: TestClient, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.text
    found = CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


def sign_in(client: TestClient, person: str, password: str | None = None) -> httpx.Response:
    token = csrf(client, "/login")
    data = {"csrf": token, "person": person, "password": password or PASSWORDS[person]}
    return client.post("/login", data=data, follow_redirects=False)


def signed_in(site: Site, person: str) -> TestClient:
    client = site.client()
    answer = sign_in(client, person)
    assert answer.status_code == 303, answer.text
    return client


def edit(client: TestClient, site: Site, locale: str, ident: str, text: str) -> httpx.Response:
    url = f"/l/{locale}/e/{ident}"
    data = {"csrf": csrf(client, url), "hash": site.item(locale, ident).hash, "msgstr": text}
    return client.post(url + "/edit", data=data, follow_redirects=False)


def approve(client: TestClient, locale: str, ident: str, password: str) -> httpx.Response:
    url = f"/l/{locale}/e/{ident}"
    data = {"csrf": csrf(client, url), "password": password}
    return client.post(url + "/approve", data=data, follow_redirects=False)


# --- sign-in and sessions -----------------------------------------------------------------


def test_add_user_refuses_ids_not_in_people_yaml_and_hashes_with_argon2(site: Site, run) -> None:
    before = site.credentials.read_bytes()
    refused = run(site.root, "serve", "--add-user", "no.body", input="x" * 20 + "\n" + "x" * 20)
    assert refused.exit_code == 2 and "'no.body' is not a person" in refused.output
    assert site.credentials.read_bytes() == before
    added = run(site.root, "serve", "--add-user", "lena.fischer", input="long enough pw\n" * 2)
    assert added.exit_code == 0, added.output
    assert f"added lena.fischer in {site.credentials}" in added.output
    stored = Credentials.read(site.credentials).hashes["lena.fischer"]
    assert stored.startswith("$argon2id$") and "long enough pw" not in site.credentials.read_text()
    assert oct(site.credentials.stat().st_mode & 0o777) == "0o600"


def test_the_credentials_file_may_not_live_in_the_repository(site: Site, run, monkeypatch) -> None:
    monkeypatch.setenv("I18N_CREDENTIALS", str(site.root / "credentials.json"))
    result = run(site.root, "serve", "--add-user", REVIEWER, input="long enough pw\n" * 2)
    assert result.exit_code == 2 and "inside the project" in result.output
    assert not (site.root / "credentials.json").exists()


def test_no_session_redirects_to_sign_in_and_writes_nothing(site: Site) -> None:
    client = site.client()
    before = snapshot(site.root)
    for url in ("/", "/l/de", f"/l/de/e/{TITLE}"):
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    for action in ("approve", "reject", "revoke", "edit"):
        data = {"password": PASSWORDS[REVIEWER], "reason": "x", "msgstr": "x", "csrf": "x"}
        answer = client.post(f"/l/de/e/{TITLE}/{action}", data=data, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert snapshot(site.root) == before


def test_session_cookie_flags_and_sign_out(site: Site) -> None:
    client = site.client()
    first = client.get("/login")
    assert "__Host-i18n_session=" in first.headers["set-cookie"]
    answer = sign_in(client, REVIEWER)
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("__Host-i18n_session=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "samesite=strict", "path=/"} <= flags
    old = first.cookies.get("__Host-i18n_session")
    assert client.cookies.get("__Host-i18n_session") != old  # a new session once signed in
    assert client.get("/l/de").status_code == 200
    token = client.cookies.get("__Host-i18n_session")
    client.post("/logout", data={"csrf": csrf(client, "/l/de")}, follow_redirects=False)
    replay = site.client()
    replay.cookies.set("__Host-i18n_session", token, domain="testserver.local")
    assert replay.get("/l/de", follow_redirects=False).status_code == 303  # the session ended


def test_wrong_password_and_sign_in_rate_limit(site: Site) -> None:
    client = site.client()
    for _ in range(5):
        assert sign_in(client, REVIEWER, "not the password").status_code == 401
    limited = sign_in(client, REVIEWER)  # even the right password, for a while
    assert limited.status_code == 429 and "Too many attempts" in limited.text
    assert sign_in(site.client(), "no.such.person", "whatever it is").status_code == 429  # ip


def test_a_redirect_after_sign_in_stays_on_this_site(site: Site) -> None:
    client = site.client()
    token = csrf(client, "/login?next=//evil.example/x")
    data = {"csrf": token, "person": REVIEWER, "password": PASSWORDS[REVIEWER]}
    for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
        data["next"] = target
        answer = client.post("/login", data=data, follow_redirects=False)
        assert answer.headers["location"] == "/"
        client = site.client()
        data["csrf"] = csrf(client, "/login")


def sso_site(site: Site, **config: Any) -> Site:
    """The same project served with single sign-on settings."""
    signing = site.server.config.signing
    server = Server(ServerConfig(site.root, signing, site.credentials, **config))
    return Site(site.root, site.credentials, server)


def through(site: Site, peer: str, user: str | None = None) -> TestClient:
    """A browser whose requests come from ``peer`` (the proxy's address), with the SSO
    header set to ``user``."""
    headers = {"X-Forwarded-User": user} if user is not None else {}
    return TestClient(
        site.server.app(), base_url="https://testserver", client=(peer, 4711), headers=headers
    )


def test_single_sign_on_header_is_believed_only_when_configured_and_from_a_proxy(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    """The header signs a person in only when ``trusted_proxy_header`` names it and the
    request comes from one of ``trusted_proxies``; otherwise it is ignored (with a warning
    from a stranger). An id or an e-mail of people.yaml; anything else is 403."""
    url = f"/l/de/e/{TITLE}"
    # not configured: the header is ignored, the sign-in page is shown
    plain = through(site, "127.0.0.1", REVIEWER)
    answer = plain.get(url, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")

    sso = sso_site(site, trusted_proxy_header="X-Forwarded-User", trusted_proxies=("10.1.0.0/16",))
    with caplog.at_level("WARNING", logger="i18n.serve"):
        stranger = through(sso, "192.0.2.7", REVIEWER).get(url, follow_redirects=False)
    assert stranger.status_code == 303 and stranger.headers["location"].startswith("/login")
    assert "X-Forwarded-User header from 192.0.2.7, not a trusted proxy: ignored" in caplog.text

    unknown = through(sso, "10.1.2.3", "mallory@evil.example").get(url, follow_redirects=False)
    assert unknown.status_code == 403 and "is no person of people.yaml" in unknown.text

    browser = through(sso, "10.1.2.3", "katrin.vogel@sample.invamed.example")  # by e-mail
    page = browser.get(url, follow_redirects=False)
    assert page.status_code == 200 and "Dr. med. Katrin Vogel" in page.text
    cookie = page.headers["set-cookie"]
    assert cookie.startswith("__Host-i18n_session=") and "httponly" in cookie.lower()
    assert browser.get("/login", follow_redirects=False).headers["location"] == "/"
    assert browser.get("/l/fr", follow_redirects=False).status_code == 403  # roles still apply
    # the cookie alone, without the header, is the same session
    bare = through(sso, "10.1.2.3")
    bare.cookies = browser.cookies
    assert bare.get(url).status_code == 200


def test_single_sign_on_still_signs_with_the_password(site: Site) -> None:
    """Single sign-on is not a signature: an approval asks for the person's signing password
    of the credentials file, and refuses without one."""
    sso = sso_site(site, trusted_proxy_header="X-Forwarded-User", trusted_proxies=("127.0.0.1",))
    translator = through(sso, "127.0.0.1", TRANSLATOR)
    assert edit(translator, site, "de", TITLE, "Titel über SSO").status_code == 303
    assert git(site.root, "log", "-1", "--format=%ae").strip() == (
        "jonas.weber@sample.invamed.example"
    )
    reviewer = through(sso, "127.0.0.1", REVIEWER)
    before = snapshot(site.root)
    assert approve(reviewer, "de", TITLE, "").status_code == 403
    wrong = approve(reviewer, "de", TITLE, "not the password")
    assert wrong.status_code == 403 and "Wrong password: nothing was signed." in wrong.text
    assert snapshot(site.root) == before
    assert approve(reviewer, "de", TITLE, PASSWORDS[REVIEWER]).status_code == 303
    assert site.item("de", TITLE).state == "approved"

    creds = Credentials.read(site.credentials)
    del creds.hashes[REVIEWER]
    creds.write()
    data = {"csrf": csrf(reviewer, f"/l/de/e/{TITLE}"), "password": "anything", "reason": "x"}
    none = reviewer.post(f"/l/de/e/{TITLE}/revoke", data=data)
    assert none.status_code == 403 and "You have no signing password yet" in none.text
    assert site.item("de", TITLE).state == "approved"


# --- CSRF, roles, four eyes ---------------------------------------------------------------


def test_missing_or_wrong_csrf_token_is_403_and_nothing_is_written(site: Site) -> None:
    reviewer, translator = signed_in(site, REVIEWER), signed_in(site, TRANSLATOR)
    before = snapshot(site.root)
    for token in (None, "", "wrong", csrf(translator, "/l/de")):  # another session's token too
        data = {"password": PASSWORDS[REVIEWER], "reason": "bad"}
        if token is not None:
            data["csrf"] = token
        for action in ("approve", "reject", "revoke"):
            answer = reviewer.post(f"/l/de/e/{TITLE}/{action}", data=data)
            assert answer.status_code == 403 and "CSRF" in answer.text
    data = {"msgstr": "changed", "hash": site.item("de", TITLE).hash, "csrf": "wrong"}
    assert translator.post(f"/l/de/e/{TITLE}/edit", data=data).status_code == 403
    assert reviewer.post("/logout", data={}).status_code == 403
    assert snapshot(site.root) == before


def test_a_reviewer_of_de_acting_on_fr_is_refused(site: Site) -> None:
    client = signed_in(site, REVIEWER)
    fr_title = entry_id("fr", ARTICLE, "title", site.item("de", TITLE).entry.msgid)
    before = snapshot(site.root)
    assert client.get("/l/fr").status_code == 403
    assert client.get(f"/l/fr/e/{fr_title}").status_code == 403
    token = csrf(client, "/l/de")
    for action in ("approve", "reject", "revoke", "edit"):
        data = {"csrf": token, "password": PASSWORDS[REVIEWER], "reason": "x", "msgstr": "x"}
        assert client.post(f"/l/fr/e/{fr_title}/{action}", data=data).status_code == 403
    assert snapshot(site.root) == before
    home = client.get("/")
    assert 'href="/l/de"' in home.text and 'href="/l/fr"' not in home.text


def test_roles_a_translator_cannot_sign_a_reviewer_cannot_edit(site: Site) -> None:
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    before = snapshot(site.root)
    assert approve(translator, "de", TITLE, PASSWORDS[TRANSLATOR]).status_code == 403
    assert edit(reviewer, site, "de", TITLE, "Neuer Titel").status_code == 403
    page = reviewer.get(f"/l/de/e/{TITLE}").text
    assert "Approve and sign" in page and "/edit" not in page
    assert snapshot(site.root) == before


def test_path_tricks_in_url_parameters_are_refused(site: Site) -> None:
    client = signed_in(site, REVIEWER)
    before = snapshot(site.root)
    for url in (
        "/l/..%2F..%2Fetc",
        "/l/de%2F..%2F..",
        "/l/de/e/..%2F..%2Fpyproject.toml",
        f"/l/de/e/{TITLE}%00",
        "/l/de/e/ZZZZZZZZZZ",
        "/l/de?article=../../source/people",
        "/l/de?article=site%2F..%2F..",
        "/l/de?state=../x",
        "/l/de?page=../1",
        "/static/../app.py",
        "/static/%2e%2e/app.py",
    ):
        answer = client.get(url, follow_redirects=False)
        assert answer.status_code in (403, 404), (url, answer.status_code)
        assert "import" not in answer.text and "people:" not in answer.text
    token = csrf(client, "/l/de")
    data = {"csrf": token, "password": PASSWORDS[REVIEWER]}
    for url in (f"/l/de/e/{TITLE}/..%2F..%2Fx", f"/l/../e/{TITLE}/approve", "/l/de/e/../approve"):
        assert client.post(url, data=data).status_code in (403, 404, 405), url
    assert snapshot(site.root) == before


def test_self_approval_is_refused_by_the_library_rule(site: Site) -> None:
    """The tester translates and reviews de: what they edited in the browser (committed with
    them as author) they may not approve; the four-eyes rule is the CLI's."""
    client = signed_in(site, TESTER)
    ident = entry_id("de", ARTICLE, "category", "Treatments")
    assert edit(client, site, "de", ident, "Therapien").status_code == 303
    assert git(site.root, "log", "-1", "--format=%ae").strip() == f"{TESTER}@test.invamed.example"
    before = site.ledger()
    refused = approve(client, "de", ident, PASSWORDS[TESTER])
    assert refused.status_code == 409 and "four eyes" in refused.text
    assert site.ledger() == before
    assert site.item("de", ident).state == "translated"


@pytest.mark.slow
def test_a_signature_needs_the_password_again(site: Site) -> None:
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    assert edit(translator, site, "de", TITLE, "Neuer Titel").status_code == 303
    before = site.ledger()
    for password in ("", "wrong password", PASSWORDS[TRANSLATOR]):
        answer = approve(reviewer, "de", TITLE, password)
        assert answer.status_code == 403 and "Wrong password" in answer.text
    assert site.ledger() == before
    answer = approve(reviewer, "de", TITLE, "still wrong")  # the fourth...
    answer = approve(reviewer, "de", TITLE, "and wrong")  # the fifth wrong one in a row
    answer = approve(reviewer, "de", TITLE, PASSWORDS[REVIEWER])
    assert answer.status_code == 429 and "signed out" in answer.text
    assert reviewer.get("/l/de", follow_redirects=False).status_code == 303
    assert site.ledger() == before


# --- XSS ----------------------------------------------------------------------------------

PAYLOAD = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_xss_payloads_in_msgstr_reason_and_names_are_inert(site: Site) -> None:
    people = site.root / "source" / "people.yaml"
    text = people.read_text("utf-8").replace(
        "name: Jonas Weber (sample data)", f"name: 'Jonas {PAYLOAD}'"
    )
    people.write_text(text, "utf-8")
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    assert edit(translator, site, "de", TITLE, f"Titel {PAYLOAD}").status_code == 303
    url = f"/l/de/e/{TITLE}"
    data = {"csrf": csrf(reviewer, url), "password": PASSWORDS[REVIEWER], "reason": PAYLOAD}
    assert reviewer.post(url + "/reject", data=data, follow_redirects=False).status_code == 303
    for client, page in ((reviewer, url), (reviewer, "/l/de?q=Titel"), (translator, url)):
        html = client.get(page).text
        assert "<script>" not in html and "<img src=x" not in html, page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html, page
    page = translator.get(url)
    assert "Jonas &lt;script&gt;" in page.text  # the name in the header
    assert "script-src" not in page.headers["content-security-policy"]  # no script runs at all
    assert "default-src 'none'" in page.headers["content-security-policy"]


# --- the whole path -----------------------------------------------------------------------


@pytest.mark.slow
def test_edit_approve_sign_commit_and_render(site: Site, run, tmp_path: Path) -> None:
    old = site.item("de", TITLE).msgstr
    new = old.replace("Ärzte", "Ärztinnen und Ärzte")
    assert new != old
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)

    saved = edit(translator, site, "de", TITLE, new)
    assert saved.status_code == 303
    assert site.item("de", TITLE).state == "translated"
    po = site.root / "locales" / "de" / "LC_MESSAGES" / f"{ARTICLE}.po"
    assert subprocess.run(["msgfmt", "--check", "-o", "/dev/null", po]).returncode == 0
    author = git(site.root, "log", "-1", "--format=%an <%ae>|%cn|%s").strip()
    assert author.startswith("Jonas Weber (sample data) <jonas.weber@sample.invamed.example>|")
    assert "|i18n serve (review-server)|edit de " in author
    assert git(site.root, "status", "--porcelain", "--", "locales").strip() == ""

    page = reviewer.get(f"/l/de/e/{TITLE}")
    assert new in visible(page.text) and "translated" in page.text
    signed = approve(reviewer, "de", TITLE, PASSWORDS[REVIEWER])
    assert signed.status_code == 303, signed.text
    after = reviewer.get(signed.headers["location"]).text
    assert "Approved and signed by Dr. med. Katrin Vogel" in after
    assert site.item("de", TITLE).state == "approved"

    event = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-1]
    assert (event.kind, event.signer, event.on_behalf_of) == (
        "approved",
        "review-server",
        REVIEWER,
    )
    assert event.reviewer == "Dr. med. Katrin Vogel (sample data)" and event.msgstr == new
    assert event.author == TRANSLATOR and event.author_source == "git"
    trusted = read_trusted(Project(site.root), "de", load_people(Project(site.root)))
    assert trusted.problems == []
    commit = git(site.root, "log", "-1", "--format=%ae|%cn|%s").strip()
    assert commit.startswith("katrin.vogel@sample.invamed.example|i18n serve (review-server)|")

    # OpenSSH verifies the server's signature with the allowed-signers line of its key
    key = PublicKey.parse((REPO / "source/sample-keys/review-server.pub").read_text())
    (tmp_path / "allowed").write_text(allowed_signers_line("review-server", key, NAMESPACE))
    (tmp_path / "event.sig").write_text(armor(base64.b64decode(event.signature)))
    verified = subprocess.run(
        [
            "ssh-keygen",
            "-Y",
            "verify",
            "-f",
            tmp_path / "allowed",
            "-I",
            "review-server",
            "-n",
            NAMESPACE,
            "-s",
            tmp_path / "event.sig",
        ],
        input=signed_bytes(event),
        capture_output=True,
    )
    assert verified.returncode == 0, verified.stderr

    # i18n render publishes, and i18n audit lists, the approval made in the browser
    rendered = render_as_of(site.root, "2026-11-26", "--country", "DE")
    assert rendered.exit_code in (0, 1), rendered.output
    html = (site.root / "site" / "de" / "de" / f"{ARTICLE}.html").read_text("utf-8")
    assert "Ärztinnen und Ärzte" in html
    audit = run(site.root, "audit", "--locale", "de-DE", "--article", ARTICLE, "--format", "json")
    assert audit.exit_code == 0, audit.output
    assert "Ärztinnen und Ärzte" in audit.output and "review-server" in audit.output
    checked = run(site.root, "check", "--country", "DE")
    assert "approvals.jsonl" not in checked.output, checked.output  # the ledger verifies


def test_reject_with_a_reason_makes_a_draft_with_the_reason(site: Site) -> None:
    reviewer = signed_in(site, REVIEWER)
    url = f"/l/de/e/{TITLE}"
    data = {"csrf": csrf(reviewer, url), "password": PASSWORDS[REVIEWER], "reason": "  "}
    refused = reviewer.post(url + "/reject", data=data)
    assert refused.status_code == 409 and "--reason must say" in refused.text
    data["reason"] = "Titel zu lang"
    assert reviewer.post(url + "/reject", data=data, follow_redirects=False).status_code == 303
    item = site.item("de", TITLE)
    assert item.state == "rejected" and "rejected by Dr. med. Katrin Vogel" in item.entry.tcomment
    event = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-1]
    assert (event.kind, event.reason, event.on_behalf_of) == ("rejected", "Titel zu lang", REVIEWER)
    changed = git(site.root, "show", "--name-only", "--format=%ae", "HEAD").split()
    assert changed[0] == "katrin.vogel@sample.invamed.example"
    assert {f"locales/de/LC_MESSAGES/{ARTICLE}.po", "locales/de/approvals.jsonl"} <= set(changed)
    history = reviewer.get(url).text
    assert "Titel zu lang" in history and "signed by review-server" in history


def test_the_password_is_asked_at_every_signing_and_argon2_runs_once_a_session(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every signing asks for the password; the first of a session is checked by argon2, the
    next ones against what it proved (a wrong password is still refused), until the stored
    hash changes (a new password: argon2 again, the old one refused)."""
    verified: list[str] = []
    original = Passwords.verify

    def counting(self: Passwords, stored: str, password: str) -> bool:
        verified.append(password)
        return original(self, stored, password)

    monkeypatch.setattr(Passwords, "verify", counting)
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    ids = [TITLE, entry_id("de", ARTICLE, "category", "Treatments")]
    for ident, text in zip(ids, ["Titel neu", "Therapien"], strict=True):
        assert edit(translator, site, "de", ident, text).status_code == 303
    verified.clear()
    assert approve(reviewer, "de", ids[0], PASSWORDS[REVIEWER]).status_code == 303
    assert verified == [PASSWORDS[REVIEWER]]  # argon2 at the first signing
    assert approve(reviewer, "de", ids[1], "not the password").status_code == 403
    assert approve(reviewer, "de", ids[1], PASSWORDS[REVIEWER]).status_code == 303
    assert verified == [PASSWORDS[REVIEWER]]  # not again
    assert {site.item("de", i).state for i in ids} == {"approved"}

    set_password(site.credentials, load_people(Project(site.root)), REVIEWER, "a new password 1")
    verified.clear()
    url = f"/l/de/e/{ids[0]}"
    data = {"csrf": csrf(reviewer, url), "password": PASSWORDS[REVIEWER], "reason": "neu"}
    assert reviewer.post(url + "/revoke", data=data).status_code == 403  # the old one
    data["password"] = "a new password 1"
    assert reviewer.post(url + "/revoke", data=data, follow_redirects=False).status_code == 303
    assert verified == [PASSWORDS[REVIEWER], "a new password 1"]


def test_revoke_an_approval_with_a_reason_and_the_password(site: Site) -> None:
    """A reviewer withdraws an approval in the browser as ``i18n revoke`` does: a reason and
    the password again, a signed ``revoked`` event on behalf of the person, committed; the
    entry awaits review again. A translator may not; nothing is written when refused."""
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    assert edit(translator, site, "de", TITLE, "Titel, geprüft").status_code == 303
    url = f"/l/de/e/{TITLE}"
    assert "Withdraw the approval" not in reviewer.get(url).text  # nothing to withdraw yet
    assert approve(reviewer, "de", TITLE, PASSWORDS[REVIEWER]).status_code == 303
    page = reviewer.get(url).text
    assert "Withdraw the approval" in page and f'action="{url}/revoke"' in page
    before = snapshot(site.root)
    data = {"csrf": csrf(translator, url), "password": PASSWORDS[TRANSLATOR], "reason": "x"}
    assert translator.post(url + "/revoke", data=data).status_code == 403
    data = {"csrf": csrf(reviewer, url), "password": "not the password", "reason": "Dosis"}
    assert reviewer.post(url + "/revoke", data=data).status_code == 403
    data["password"], data["reason"] = PASSWORDS[REVIEWER], "  "
    refused = reviewer.post(url + "/revoke", data=data)
    assert refused.status_code == 409 and "--reason must say why" in refused.text
    assert snapshot(site.root) == before
    data["reason"] = "Dosis in der Quelle geändert"
    done = reviewer.post(url + "/revoke", data=data, follow_redirects=False)
    assert done.status_code == 303, done.text
    assert "Approval withdrawn, signed by Dr. med. Katrin Vogel" in reviewer.get(url).text
    assert site.item("de", TITLE).state == "translated"
    event = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-1]
    assert (event.kind, event.reason, event.signer, event.on_behalf_of) == (
        "revoked",
        "Dosis in der Quelle geändert",
        "review-server",
        REVIEWER,
    )
    trusted = read_trusted(Project(site.root), "de", load_people(Project(site.root)))
    assert trusted.problems == []
    commit = git(site.root, "log", "-1", "--format=%ae|%s").strip()
    assert commit == f"katrin.vogel@sample.invamed.example|revoke de {TITLE} ({ARTICLE})"
    again = reviewer.post(url + "/revoke", data={**data, "csrf": csrf(reviewer, url)})
    assert again.status_code == 409 and "not approved: nothing to revoke" in again.text


def test_each_commit_is_pushed_in_the_background_and_a_failed_push_is_retried(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """With ``push`` set, each commit is pushed after the response; a push that fails is
    logged, the next action says "committed, not yet pushed", and the next push (once the
    remote works again) carries every commit: none is lost."""
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(site.root, "remote", "add", "origin", str(tmp_path / "missing.git"))  # fails first
    signing = site.server.config.signing
    pushed = Site(
        site.root,
        site.credentials,
        Server(ServerConfig(site.root, signing, site.credentials, push="origin")),
    )
    pusher = pushed.server.pusher
    assert pusher is not None
    translator = signed_in(pushed, TRANSLATOR)
    with caplog.at_level("ERROR", logger="i18n.serve"):
        assert edit(translator, pushed, "de", TITLE, "Titel eins").status_code == 303
        assert pusher.wait(60)
    assert "not pushed (tried again after the next commit): git push origin failed" in caplog.text
    first = git(site.root, "rev-parse", "HEAD").strip()

    git(site.root, "remote", "set-url", "origin", str(remote))
    url = f"/l/de/e/{TITLE}"
    data = {"csrf": csrf(translator, url), "hash": site.item("de", TITLE).hash}
    data["msgstr"] = "Titel zwei"
    answer = translator.post(url + "/edit", data=data)
    assert answer.status_code == 200
    assert "Saved and committed, not yet pushed to origin: the last push failed" in answer.text
    assert pusher.wait(60) and pusher.failed is None
    head = git(site.root, "rev-parse", "HEAD").strip()
    there = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-list", "main"], capture_output=True, text=True
    ).stdout.split()
    assert there[0] == head and first in there  # the commit whose push failed went too

    data = {"csrf": csrf(translator, url), "hash": site.item("de", TITLE).hash}
    data["msgstr"] = "Titel drei"
    answer = translator.post(url + "/edit", data=data)
    assert "Saved." in answer.text and "not yet pushed" not in answer.text
    assert pusher.wait(60)
    latest = subprocess.run(
        ["git", "--git-dir", str(remote), "rev-parse", "main"], capture_output=True, text=True
    ).stdout.strip()
    assert latest == git(site.root, "rev-parse", "HEAD").strip()


def test_an_edit_on_a_changed_entry_is_refused_not_lost(site: Site) -> None:
    first, second = signed_in(site, TRANSLATOR), signed_in(site, TESTER)
    url = f"/l/de/e/{TITLE}"
    seen = site.item("de", TITLE).hash  # both opened the entry
    data = {"csrf": csrf(first, url), "hash": seen, "msgstr": "Erster Titel"}
    assert first.post(url + "/edit", data=data, follow_redirects=False).status_code == 303
    data = {"csrf": csrf(second, url), "hash": seen, "msgstr": "Zweiter Titel"}
    late = second.post(url + "/edit", data=data, follow_redirects=False)
    assert late.status_code == 409 and "changed since you opened it" in late.text
    assert site.item("de", TITLE).msgstr == "Erster Titel"


def test_queue_filters_searches_and_pages(site: Site) -> None:
    client = signed_in(site, REVIEWER)
    everything = client.get("/l/de?state=untranslated").text
    assert "218 entries, page 1 of 5" in everything
    second = client.get("/l/de?state=untranslated&page=2").text
    assert "page 2 of 5" in second and 'rel="prev"' in second
    one = client.get(f"/l/de?article={ARTICLE}&q=Thrombektomie").text
    ids = set(re.findall(r"/l/de/e/([0-9a-f]{10})", one))
    assert TITLE in ids and len(ids) < 60
    assert "approved (" in one


# --- in context -----------------------------------------------------------------------------


def test_an_entry_seen_in_its_page_for_a_chosen_country(site: Site) -> None:
    """From the entry page, "see it in the page" for Switzerland: the preview of that one
    article in de_CH, rendered in memory (nothing written), with the translator's draft
    marked as unapproved and highlighted as the entry, the Swiss disclaimer, noindex and the
    preview banner, under the page's own hash-based CSP; a reviewer of fr only is refused."""
    article = load_articles(site.root)
    (thrombectomy,) = [a for a in article if a.slug == ARTICLE]
    seg = next(s for s in thrombectomy.block_segments.values() if s.kind == "heading 2")
    ident = entry_id("de", ARTICLE, seg.msgctxt, seg.msgid)
    translator = signed_in(site, TRANSLATOR)
    draft = "So geht die Thrombektomie & <b>nicht</b> anders"
    assert edit(translator, site, "de", ident, draft).status_code == 303
    before = snapshot(site.root)
    reviewer = signed_in(site, REVIEWER)
    entry_page = reviewer.get(f"/l/de/e/{ident}").text
    links = re.findall(r'href="(/l/de/e/' + ident + r'/in/[A-Z]{2})#entry"', entry_page)
    assert links == [f"/l/de/e/{ident}/in/{cc}" for cc in ("BE", "CH", "DE")], links
    page = reviewer.get(f"/l/de/e/{ident}/in/CH")
    assert page.status_code == 200, page.text
    html = page.text
    shown = "So geht die Thrombektomie &amp; &lt;b&gt;nicht&lt;/b&gt; anders"
    assert f'<mark class="entry" id="entry"><mark class="unapproved">{shown}</mark></mark>' in html
    assert html.count('id="entry"') == 1
    reference = find_country(Project(site.root), "CH").disclaimers["de"].reference
    assert reference in html and 'class="disclaimer"' in html
    assert '<meta name="robots" content="noindex">' in html and "preview-banner" in html
    assert '<html lang="de-CH"' in html
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "style-src 'sha256-" in csp
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    (style,) = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp and "mark.entry" in style
    (image,) = re.findall(r'<img src="../../images/([^"]+)"', html)
    got = reviewer.get(f"/l/de/e/images/{image}")  # where the page's relative address leads
    assert got.status_code == 200 and got.headers["content-type"].startswith("image/svg+xml")
    assert got.content == (site.root / "source" / "images" / image).read_bytes()
    for name in ("..%2Fpeople.yaml", "x.py", ".hidden.svg", "missing.svg"):
        assert reviewer.get(f"/l/de/e/images/{name}").status_code == 404, name
    assert snapshot(site.root) == before  # a preview in memory: no site folder written
    # a country whose pages do not read the de catalog; tricks in the country
    for country in ("FR", "ch", "%2e%2e", "C%2FH", "CHE"):
        assert reviewer.get(f"/l/de/e/{ident}/in/{country}").status_code == 404, country
    refused = signed_in(site, FR_REVIEWER).get(f"/l/de/e/{ident}/in/CH")
    assert refused.status_code == 403 and shown not in refused.text
    assert site.client().get(f"/l/de/e/{ident}/in/CH", follow_redirects=False).status_code == 303
    # site strings have no single page to show them in
    site_entry = next(i for i in LocaleReview.open(Project(site.root), "de").items("site"))
    assert f"/e/{site_entry.id}/in/" not in reviewer.get(f"/l/de/e/{site_entry.id}").text
    assert reviewer.get(f"/l/de/e/{site_entry.id}/in/CH").status_code == 404


# --- comments -------------------------------------------------------------------------------


def ssh_verifies(tmp_path: Path, event: Any) -> subprocess.CompletedProcess[bytes]:
    """OpenSSH's verdict on an event signed by the review server's key."""
    key = PublicKey.parse((REPO / "source/sample-keys/review-server.pub").read_text())
    (tmp_path / "allowed").write_text(allowed_signers_line("review-server", key, NAMESPACE))
    (tmp_path / "event.sig").write_text(armor(base64.b64decode(event.signature)))
    command = ["ssh-keygen", "-Y", "verify", "-f", str(tmp_path / "allowed")]
    command += ["-I", "review-server", "-n", NAMESPACE, "-s", str(tmp_path / "event.sig")]
    return subprocess.run(command, input=signed_bytes(event), capture_output=True)


def comment(client: TestClient, locale: str, ident: str, text: str, **extra: str) -> Any:
    url = f"/l/{locale}/e/{ident}"
    data = {"csrf": csrf(client, url), "text": text, **extra}
    return client.post(url + "/comment", data=data, follow_redirects=False)


def test_a_comment_thread_signed_in_the_ledger(site: Site, run, tmp_path: Path) -> None:
    """A translator asks, a reviewer answers: two signed ``commented`` events (on behalf of
    each, by the server's key; OpenSSH verifies them), each committed with its writer as
    author, shown in the history with the payload inert; the entry's state is unchanged, and
    ``i18n check`` finds nothing wrong with the ledger."""
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    state = site.item("de", TITLE).state
    url = f"/l/de/e/{TITLE}"
    before = site.ledger()
    for data in ({"text": "x"}, {"text": "x", "csrf": "forged"}):  # no token, another token
        answer = translator.post(url + "/comment", data=data, follow_redirects=False)
        assert answer.status_code == 403
    assert comment(translator, "de", TITLE, "   ").status_code == 409
    assert comment(translator, "de", TITLE, "x" * 2001).status_code == 409
    fr = signed_in(site, FR_REVIEWER)
    assert fr.get(url).status_code == 403
    data = {"csrf": csrf(fr, "/l/fr"), "text": "hi"}
    assert fr.post(url + "/comment", data=data, follow_redirects=False).status_code == 403
    assert site.ledger() == before
    question = f"Ärztinnen oder Ärzte? {PAYLOAD}"
    assert comment(translator, "de", TITLE, question).status_code == 303
    assert git(site.root, "log", "-1", "--format=%ae|%s").strip() == (
        f"jonas.weber@sample.invamed.example|comment de {TITLE} ({ARTICLE})"
    )
    assert comment(reviewer, "de", TITLE, "Beide:\nÄrztinnen und Ärzte").status_code == 303
    events = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-2:]
    assert [(e.kind, e.signer, e.on_behalf_of) for e in events] == [
        ("commented", "review-server", TRANSLATOR),
        ("commented", "review-server", REVIEWER),
    ]
    assert events[0].text == question and events[1].name == "Dr. med. Katrin Vogel (sample data)"
    for event in events:
        verified = ssh_verifies(tmp_path, event)
        assert verified.returncode == 0, verified.stderr
    assert site.item("de", TITLE).state == state  # a comment decides nothing
    html = reviewer.get(url).text
    rows = re.findall(r"<tr><td>[^<]*</td><td>commented</td>(.*?)</tr>", html, re.S)
    assert len(rows) == 2 and "Jonas Weber (sample data)" in rows[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rows[0] and "<script>" not in html
    assert "Beide:\nÄrztinnen und Ärzte" in rows[1] and "review-server" in rows[1]
    assert "no:" not in "".join(rows)  # both count (i18n check's verdict)
    trusted = read_trusted(Project(site.root), "de", load_people(Project(site.root)))
    assert trusted.problems == []
    checked = run(site.root, "check", "--country", "DE")
    assert "approvals.jsonl" not in checked.output, checked.output


# --- bulk approval ----------------------------------------------------------------------------

CVI = "chronic-venous-insufficiency"


def bulk_approve(client: TestClient, password: str) -> Any:
    data = {"csrf": csrf(client, f"/l/de?article={CVI}"), "password": password}
    return client.post(f"/l/de/a/{CVI}/approve", data=data, follow_redirects=False)


def test_a_whole_article_is_approved_only_after_its_entries_with_findings_were_opened(
    site: Site,
) -> None:
    """Four entries of an article await review: two with QA findings, one written by the
    reviewer. The queue says how many with findings are not yet opened and offers no form;
    a forged POST signs nothing (409). Once both are opened at their current text (an edit
    after opening counts as not opened), the password signs the others in one go, and the
    reviewer's own entry is left out and listed (four eyes)."""
    review = LocaleReview.open(Project(site.root), "de")
    ids = {i.entry.msgctxt: i.id for i in review.items(CVI)[:4]}
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, TESTER)
    for ctx, text in (("title", "Chronische venöse Insuffizienz"), ("description", "Kurz")):
        assert edit(translator, site, "de", ids[ctx], text).status_code == 303
    assert edit(translator, site, "de", ids["keyword"], "Kurz").status_code == 303
    assert edit(reviewer, site, "de", ids["category"], "Erkrankungen").status_code == 303
    with_findings = [ids["description"], ids["keyword"]]
    assert all(site.item("de", i).findings for i in with_findings)
    queue = reviewer.get(f"/l/de?article={CVI}").text
    assert "2 entries with findings not yet opened" in queue
    assert f'action="/l/de/a/{CVI}/approve"' not in queue
    assert all(f'href="/l/de/e/{i}"' in queue for i in with_findings)
    before = site.ledger()
    refused = bulk_approve(reviewer, PASSWORDS[TESTER])
    assert refused.status_code == 409
    assert "Nothing was signed: 2 entries with findings not yet opened" in refused.text
    assert site.ledger() == before
    assert reviewer.get(f"/l/de/e/{ids['description']}").status_code == 200
    assert "1 entry with findings not yet opened" in reviewer.get(f"/l/de?article={CVI}").text
    assert reviewer.get(f"/l/de/e/{ids['keyword']}").status_code == 200
    assert edit(translator, site, "de", ids["keyword"], "Kürzer").status_code == 303
    assert bulk_approve(reviewer, PASSWORDS[TESTER]).status_code == 409  # not what was shown
    assert site.ledger() == before
    assert reviewer.get(f"/l/de/e/{ids['keyword']}").status_code == 200
    queue = reviewer.get(f"/l/de?article={CVI}").text
    assert "not yet opened" not in queue and "Approve 4 entries and sign" in queue
    wrong = bulk_approve(reviewer, "wrong password")
    assert wrong.status_code == 403 and site.ledger() == before
    fr = signed_in(site, FR_REVIEWER)
    data = {"csrf": csrf(fr, "/l/fr"), "password": PASSWORDS[FR_REVIEWER]}
    assert fr.post(f"/l/de/a/{CVI}/approve", data=data).status_code == 403
    assert (
        translator.post(
            f"/l/de/a/{CVI}/approve", data={"csrf": csrf(translator, "/l/de"), "password": "x"}
        ).status_code
        == 403
    )  # a translator of de does not review it
    assert site.ledger() == before
    done = bulk_approve(reviewer, PASSWORDS[TESTER])
    assert done.status_code == 303, done.text
    page = reviewer.get(done.headers["location"]).text
    assert "Approved and signed 3 entries of chronic-venous-insufficiency" in page
    assert f">{ids['category']}</a>:" in page and "four eyes" in page
    events = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events
    signed = {e.msgctxt: e for e in events if e.kind == "approved" and e.catalog == CVI}
    assert sorted(signed) == ["description", "keyword", "title"]
    assert all(e.on_behalf_of == TESTER and e.author == TRANSLATOR for e in signed.values())
    assert signed["keyword"].msgstr == "Kürzer"  # the text that was opened
    assert site.item("de", ids["category"]).state == "translated"
    trusted = read_trusted(Project(site.root), "de", load_people(Project(site.root)))
    assert trusted.problems == []
    assert git(site.root, "log", "-1", "--format=%s").strip() == f"approve de {CVI}: 3 entries"


def test_a_commit_git_refuses_does_not_hide_what_was_signed(site: Site) -> None:
    """The approval is signed and in the ledger before the commit: when git refuses (here a
    hook), the reviewer is told both, not that nothing happened."""
    hook = site.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho 'commits are frozen' >&2\nexit 1\n")
    hook.chmod(0o755)
    translator, reviewer = signed_in(site, TRANSLATOR), signed_in(site, REVIEWER)
    assert edit(translator, site, "de", TITLE, "Neuer Titel").status_code == 303
    head = git(site.root, "rev-parse", "HEAD")
    answer = approve(reviewer, "de", TITLE, PASSWORDS[REVIEWER])
    assert answer.status_code == 303
    page = reviewer.get(answer.headers["location"]).text
    assert "Approved and signed by Dr. med. Katrin Vogel (sample data)." in page
    assert "saved in the files but not committed to git" in page and "frozen" in page
    assert site.item("de", TITLE).state == "approved"
    assert git(site.root, "rev-parse", "HEAD") == head


# --- kept reviews -----------------------------------------------------------------------------


def test_pages_show_what_another_program_wrote_since(site: Site, run) -> None:
    """The pages keep a locale's review between requests (reading a large locale takes
    seconds), but the files stay the source of truth: a catalog saved by a PO editor, an
    approval by ``i18n approve`` show on the next page."""
    reviewer = signed_in(site, REVIEWER)
    ident = entry_id("de", ARTICLE, "category", "Treatments")
    assert "Therapien" not in reviewer.get(f"/l/de/e/{ident}").text
    people = load_people(Project(site.root))
    review = LocaleReview.open(Project(site.root), "de", people=people)
    (item,) = review.find([ident])
    review.edit(item, ["Therapien"], people.persons[TRANSLATOR])  # as a PO editor would
    page = reviewer.get(f"/l/de/e/{ident}").text
    assert "Therapien" in page and "state-translated" in page
    assert "Therapien" in reviewer.get("/l/de?q=Therapien").text
    approved = run(site.root, "approve", "--locale", "de", ident)  # signed by the tester
    assert approved.exit_code == 0, approved.output
    assert "state-approved" in reviewer.get(f"/l/de/e/{ident}").text


def test_a_catalog_with_uncommitted_changes_is_not_changed_nor_committed(site: Site) -> None:
    """A PO editor saved the catalog and nobody committed it: a server commit of that file
    would make the signed-in person the author of someone else's text, and the four-eyes rule
    (which asks git) would then refuse them the approval of a text they never wrote, or let
    its real author approve it. So the server refuses to touch the file until it is
    committed, and says so; nothing is written."""
    project = Project(site.root)
    people = load_people(project)
    review = LocaleReview.open(project, "de", people=people)
    ident = entry_id("de", ARTICLE, "category", "Treatments")
    (item,) = review.find([ident])
    review.edit(item, ["Therapien"], people.persons[TRANSLATOR])  # as a PO editor would
    catalog = site.root / "locales" / "de" / "LC_MESSAGES" / f"{ARTICLE}.po"
    before, ledger, head = catalog.read_bytes(), site.ledger(), git(site.root, "rev-parse", "HEAD")

    translator = signed_in(site, TRANSLATOR)
    refused = edit(translator, site, "de", TITLE, "Ein anderer Titel")
    assert refused.status_code == 409, refused.text
    assert "not committed to git" in unescape(refused.text)
    assert f"locales/de/LC_MESSAGES/{ARTICLE}.po" in refused.text
    reviewer = signed_in(site, REVIEWER)
    url = f"/l/de/e/{TITLE}"
    data = {"csrf": csrf(reviewer, url), "password": PASSWORDS[REVIEWER], "reason": "zu lang"}
    assert reviewer.post(url + "/reject", data=data).status_code == 409
    assert (catalog.read_bytes(), site.ledger()) == (before, ledger)
    assert git(site.root, "rev-parse", "HEAD") == head

    git(site.root, "commit", "-q", "-m", "Therapien", "--", str(catalog))  # its author commits
    assert edit(translator, site, "de", TITLE, "Ein anderer Titel").status_code == 303
    author = git(site.root, "log", "-1", "--format=%ae").strip()
    assert author == people.persons[TRANSLATOR].email


# --- the real server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(site: Site) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO), "I18N_SERVE_LOG": "warning"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "i18n.cli",
            "serve",
            "--project",
            str(site.root),
            "--port",
            str(port),
            "--insecure-cookies",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(url + "/login", timeout=1)
            break
        except httpx.TransportError:
            time.sleep(0.1)
    yield url, proc
    if proc.poll() is None:
        proc.kill()
        proc.wait()


@pytest.mark.slow
def test_serve_prints_its_url_and_stops_on_ctrl_c(served) -> None:
    url, proc = served
    assert httpx.get(url + "/login").status_code == 200
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert f"at {url}/ (Ctrl-C stops)" in out and out.rstrip().endswith("stopped")


@pytest.mark.slow
def test_two_browsers_approving_at_once_write_whole_lines(site: Site, served) -> None:
    """Four browsers approve at the same moment: two reviewers the same entry (each signs it:
    a co-signature), one of them again from a second browser (already approved by them:
    nothing signed), and another entry. The lock makes them take turns; every line is whole
    and chained, and both signatures of the shared entry count."""
    url, _ = served
    translator = httpx.Client(base_url=url, follow_redirects=True)
    token = CSRF.search(translator.get("/login").text).group(1)
    translator.post(
        "/login", data={"csrf": token, "person": TRANSLATOR, "password": PASSWORDS[TRANSLATOR]}
    )
    ids = [TITLE, entry_id("de", ARTICLE, "category", "Treatments")]
    for ident, text in zip(ids, ["Titel neu", "Therapien"], strict=True):
        page = translator.get(f"/l/de/e/{ident}").text
        data = {
            "csrf": CSRF.search(page).group(1),
            "hash": site.item("de", ident).hash,
            "msgstr": text,
        }
        assert translator.post(f"/l/de/e/{ident}/edit", data=data).status_code == 200
    browsers = []
    for person in (REVIEWER, TESTER, REVIEWER, TESTER):
        client = httpx.Client(base_url=url, timeout=60, follow_redirects=True)
        token = CSRF.search(client.get("/login").text).group(1)
        client.post("/login", data={"csrf": token, "person": person, "password": PASSWORDS[person]})
        browsers.append((client, person))
    targets = [ids[0], ids[0], ids[0], ids[1]]
    forms = []
    for (client, person), ident in zip(browsers, targets, strict=True):
        token = CSRF.search(client.get(f"/l/de/e/{ident}").text).group(1)
        forms.append((client, ident, {"csrf": token, "password": PASSWORDS[person]}))
    before = len(site.ledger().splitlines())
    answers: list[str] = []
    start = threading.Barrier(len(forms))

    def go(client: httpx.Client, ident: str, data: dict[str, str]) -> None:
        start.wait()
        answer = client.post(f"/l/de/e/{ident}/approve", data=data)
        answers.append(f"{answer.status_code} {answer.text}")

    threads = [threading.Thread(target=go, args=form) for form in forms]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a[:3] for a in answers] == ["200"] * 4  # each followed its redirect to the entry
    assert sum("Already approved by you: nothing was signed." in a for a in answers) == 1
    assert sum("both signatures are on the record" in a for a in answers) == 1
    lines = site.ledger().splitlines()
    new = [json.loads(line) for line in lines[before:]]
    assert len(new) == 3 and {e["event"] for e in new} == {"approved"}
    shared = site.item("de", ids[0]).hash
    assert sorted(e["on_behalf_of"] for e in new if e["hash"] == shared) == [REVIEWER, TESTER]
    trusted = read_trusted(Project(site.root), "de", load_people(Project(site.root)))
    assert trusted.problems == [] and trusted.breaks == []
    assert {e.person for e in trusted.holding(ARTICLE)[shared]} == {REVIEWER, TESTER}
    assert {site.item("de", i).state for i in ids} == {"approved"}


# --- end to end in headless Chromium --------------------------------------------------------


@pytest.mark.browser
def test_in_chromium_edit_sign_out_and_approve_with_the_password(
    site: Site, served, tmp_path: Path
) -> None:
    """A person who translates and reviews edits and is refused the approval of their own
    text; a translator edits, signs out; the reviewer signs in, approves with the password
    (OpenSSH verifies the event, ``i18n render`` publishes the text), sees the entry in its
    Swiss page, rejects another entry with a reason, comments, withdraws the approval; no
    console error or CSP violation on any page."""
    require_chromium()
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait
    from test_browser import chromium, follow

    url, _ = served
    with chromium(url) as b:
        driver = b.driver

        def wait(css: str) -> Any:
            return WebDriverWait(driver, 20).until(
                expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
            )

        def sign_in_as(person: str) -> None:
            assert b.open("login") == []
            b.find("#person").send_keys(person)
            b.find("#password").send_keys(PASSWORDS[person])
            follow(b, "form.card button")
            wait("header .who")

        # four eyes: what you saved yourself you may not approve, in the browser too
        sign_in_as(TESTER)
        # (in another article: its unapproved edit withholds that article, not this one)
        conditions = entry_id("de", "chronic-venous-insufficiency", "category", "Conditions")
        assert b.open(f"l/de/e/{conditions}") == []
        b.find("#msgstr-0").clear()
        b.find("#msgstr-0").send_keys("Krankheitsbilder")
        follow(b, 'form[action$="/edit"] button')
        assert wait(".flash").text == "Saved." and b.errors() == []
        before = site.ledger()
        b.find("#approve-password").send_keys(PASSWORDS[TESTER])
        follow(b, 'form[action$="/approve"] button')
        assert "four eyes" in wait("p.error").text
        assert site.ledger() == before and site.item("de", conditions).state == "translated"
        follow(b, "header form button")  # sign out
        wait("#person")

        sign_in_as(TRANSLATOR)
        assert b.open(f"l/de?article={ARTICLE}&q=Thrombektomie") == []
        follow(b, f'a[href="/l/de/e/{TITLE}"]')
        box = b.find("#msgstr-0")
        new = box.get_attribute("value").replace("Ärzte", "Ärztinnen und Ärzte")
        box.clear()
        box.send_keys(new)
        follow(b, 'form[action$="/edit"] button')
        assert wait(".flash").text == "Saved." and b.errors() == []
        follow(b, "header form button")  # sign out
        wait("#person")
        assert "/login" in driver.current_url

        sign_in_as(REVIEWER)
        assert b.open(f"l/de/e/{TITLE}") == []
        b.find("#approve-password").send_keys(PASSWORDS[REVIEWER])
        b.screenshot("serve-entry-before-approval")
        follow(b, 'form[action$="/approve"] button')
        assert "Approved and signed by Dr. med. Katrin Vogel" in wait(".flash").text
        assert b.errors() == []
        approval = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-1]
        assert (approval.kind, approval.on_behalf_of) == ("approved", REVIEWER)
        verdict = ssh_verifies(tmp_path, approval)
        assert verdict.returncode == 0, verdict.stderr  # OpenSSH alone agrees
        rendered = render_as_of(site.root, "2026-11-26", "--country", "DE")
        assert rendered.exit_code in (0, 1), rendered.output
        page = (site.root / "site" / "de" / "de" / f"{ARTICLE}.html").read_text("utf-8")
        assert "Ärztinnen und Ärzte" in page  # what was approved in the browser is published
        driver.set_window_size(390, 844)
        b.screenshot("serve-entry-390px")
        width = b.js("return document.documentElement.scrollWidth")
        assert width <= 390, width  # nothing wider than a phone
        driver.set_window_size(1280, 900)

        # the entry in its page for Switzerland: the preview's own style and scripts run
        # under its hash CSP (no violation), its image loads, the entry is highlighted
        follow(b, f'a[href="/l/de/e/{TITLE}/in/CH#entry"]')
        mark = wait("mark#entry")
        assert "Ärztinnen und Ärzte" in mark.text and b.errors() == []
        outline = b.js("return getComputedStyle(arguments[0]).outlineStyle", mark)
        assert outline == "solid"  # the highlight's CSS was allowed by the page's CSP
        loaded = b.js("return [...document.images].every(i => i.complete && i.naturalWidth)")
        assert loaded and "disclaimer" in b.find("aside.disclaimer").get_attribute("class")
        b.screenshot("serve-in-context-ch", full_page=False)
        driver.back()

        # another entry rejected, with what the translator must fix
        assert b.open(f"l/de/e/{conditions}") == []
        b.find("#reason").send_keys("Bitte »Erkrankungen« beibehalten")
        b.find("#reject-password").send_keys(PASSWORDS[REVIEWER])
        follow(b, 'form[action$="/reject"] button')
        assert "Rejected and signed by Dr. med. Katrin Vogel" in wait(".flash").text
        assert site.item("de", conditions).state == "rejected" and b.errors() == []
        rejection = Ledger.read(site.root / "locales" / "de" / "approvals.jsonl").events[-1]
        assert (rejection.kind, rejection.reason) == (
            "rejected",
            "Bitte »Erkrankungen« beibehalten",
        )
        assert ssh_verifies(tmp_path, rejection).returncode == 0
        assert b.open(f"l/de/e/{TITLE}") == []

        # a comment in the entry's thread
        b.find("#comment-text").send_keys("Bitte Gendern prüfen <b>danke</b>")
        follow(b, 'form[action$="/comment"] button')
        assert wait(".flash").text == "Comment added." and b.errors() == []
        cells = [c.text for c in driver.find_elements(By.CSS_SELECTOR, "td.comment")]
        assert cells == ["Bitte Gendern prüfen <b>danke</b>"]  # shown as text
        assert site.item("de", TITLE).state == "approved"
        assert "Ärztinnen und Ärzte" in site.item("de", TITLE).msgstr

        # the approval withdrawn, with a reason and the password again
        b.find("#revoke-reason").send_keys("Die Quelle wird noch geändert")
        b.find("#revoke-password").send_keys(PASSWORDS[REVIEWER])
        follow(b, 'form[action$="/revoke"] button')
        assert "Approval withdrawn, signed by Dr. med. Katrin Vogel" in wait(".flash").text
        assert b.errors() == [] and site.item("de", TITLE).state == "translated"
