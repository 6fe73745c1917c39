"""``i18n serve``: the browser review server, and ``--add-user`` for its sign-in accounts."""

from __future__ import annotations

import contextlib
import ipaddress
import os
from pathlib import Path

import click
import uvicorn

from i18n.cli.common import fail_clearly, open_project, project_option
from i18n.errors import I18nError
from i18n.formats.credentials import Credentials
from i18n.formats.people import load_people
from i18n.server.app import ServerConfig, create_app
from i18n.server.auth import set_password
from i18n.server.config import credentials_path, service_signing


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@project_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--add-user",
    "add_user",
    metavar="ID",
    help="Create or change the password of the person ID of people.yaml, then stop.",
)
@click.option(
    "--insecure-cookies",
    is_flag=True,
    help="Send the session cookie over plain http too (only with a loopback --host: for "
    "trying the server on this machine without TLS).",
)
@fail_clearly
def serve(
    project_dir: Path | None, host: str, port: int, add_user: str | None, insecure_cookies: bool
) -> None:
    """The browser review server: sign in, queue, entry, edit, approve and reject.

    Reviewers sign in with the password set by 'i18n serve --add-user ID' (argon2 hashes in
    the credentials file: I18N_CREDENTIALS or [tool.i18n] credentials_file, outside the
    repository). Approvals and rejections ask for the password again and are signed with the
    server's key (I18N_SERVER_KEY or [tool.i18n] server_key, a service of people.yaml) on
    behalf of the signed-in person. Run it behind a reverse proxy with TLS (docs/serving.md).
    """
    project = open_project(project_dir)
    people = load_people(project)
    credentials = credentials_path(project)
    if add_user is not None:
        if add_user not in people.persons:
            set_password(credentials, people, add_user, "")  # the error names the known ids
        password = click.prompt(
            f"new password for {add_user}", hide_input=True, confirmation_prompt=True
        )
        had = set_password(credentials, people, add_user, password)
        click.echo(f"{'changed' if had else 'added'} {add_user} in {credentials}")
        return
    secure = project.settings.secure_cookies and not insecure_cookies
    if not secure and not _loopback(host):
        raise I18nError(
            f"insecure cookies only on this machine (--host 127.0.0.1), not on {host}: put the "
            "server behind a reverse proxy with TLS"
        )
    signing, service = service_signing(project, people)
    users = Credentials.read(credentials).hashes
    if not users:
        click.echo(
            f"warning: no accounts in {credentials}: add one with i18n serve --add-user ID",
            err=True,
        )
    settings = project.settings
    config = ServerConfig(
        project.root,
        signing,
        credentials,
        secure_cookies=secure,
        trusted_proxy_header=settings.trusted_proxy_header,
        trusted_proxies=settings.trusted_proxies,
        push=settings.push,
    )
    shown = f"[{host}]" if ":" in host else host
    scheme = "http"
    click.echo(f"serving {project.root} at {scheme}://{shown}:{port}/ (Ctrl-C stops)")
    click.echo(
        f"signing as service {service.id} (key {signing.key.public_key.fingerprint}); "
        f"{len(users)} account(s) in {credentials}"
        + ("" if secure else "; session cookies without Secure (plain http)"),
        err=True,
    )
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(config),
            host=host,
            port=port,
            log_level=os.environ.get("I18N_SERVE_LOG", "info"),
            proxy_headers=False,  # the application reads them from trusted_proxies only
            server_header=False,
        )
    )
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn shut down cleanly, then re-raised
        server.run()
    click.echo("stopped")
