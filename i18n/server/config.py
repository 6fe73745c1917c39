"""Where ``i18n serve`` finds its credentials file and its service key: the environment first
(``I18N_CREDENTIALS``, ``I18N_SERVER_KEY``), then ``[tool.i18n]`` (``credentials_file``,
``server_key``). Both live outside the repository: a path inside the project is refused.

>>> import tempfile
>>> from i18n.project import Project
>>> root = Path(tempfile.mkdtemp())
>>> credentials_path(Project(root), {"I18N_CREDENTIALS": str(root / "c.json")})
Traceback (most recent call last):
...
i18n.errors.I18nError: I18N_CREDENTIALS: is inside the project: keep it outside the repository
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from i18n.errors import I18nError
from i18n.formats.ledger import Signing
from i18n.formats.sshsig import FileSigner
from i18n.model.people import People, Service
from i18n.pipeline.signoff import sample_keys
from i18n.project import Project

CREDENTIALS_ENV = "I18N_CREDENTIALS"
SERVER_KEY_ENV = "I18N_SERVER_KEY"
DEFAULT_CREDENTIALS = "~/.config/i18n/credentials.json"


def _outside(project: Project, raw: str, what: str) -> Path:
    path = Path(raw).expanduser()
    if not path.is_absolute():
        raise I18nError(f"must be an absolute path (or ~/...), got {raw!r}", what)
    resolved = path.resolve()
    if resolved == project.root or project.root in resolved.parents:
        raise I18nError("is inside the project: keep it outside the repository", what)
    return path


def credentials_path(project: Project, environ: Mapping[str, str] = os.environ) -> Path:
    """The credentials file: ``I18N_CREDENTIALS``, else ``[tool.i18n] credentials_file``,
    else ``~/.config/i18n/credentials.json``."""
    if environ.get(CREDENTIALS_ENV):
        return _outside(project, environ[CREDENTIALS_ENV], CREDENTIALS_ENV)
    if project.settings.credentials_file:
        return _outside(project, project.settings.credentials_file, "[tool.i18n] credentials_file")
    return _outside(project, DEFAULT_CREDENTIALS, "[tool.i18n] credentials_file")


def service_signing(
    project: Project, people: People, environ: Mapping[str, str] = os.environ
) -> tuple[Signing, Service]:
    """The server's key (``I18N_SERVER_KEY``, else ``[tool.i18n] server_key``) and the service
    of people.yaml it belongs to. The :class:`Signing` names no person yet: each signing
    names the signed-in person (``on_behalf_of``)."""
    if environ.get(SERVER_KEY_ENV):
        path = _outside(project, environ[SERVER_KEY_ENV], SERVER_KEY_ENV)
    elif project.settings.server_key:
        path = _outside(project, project.settings.server_key, "[tool.i18n] server_key")
    else:
        raise I18nError(
            f"no server key: set {SERVER_KEY_ENV} (or [tool.i18n] server_key) to the private key "
            "of a service of source/people.yaml; see docs/serving.md"
        )
    key = FileSigner(path)
    owner = people.owner(key.public_key.line)
    if not isinstance(owner, Service):
        whose = f"{owner.id}'s, a person's" if owner else "no one's"
        raise I18nError(
            f"key {key.public_key.fingerprint} is {whose}: the server signs with the key of a "
            f"service listed under services: in {people.path}",
            path,
        )
    if key.public_key.line in sample_keys() and not project.settings.sample_keys:
        raise I18nError(
            f"key {key.public_key.fingerprint} is one of the sample's published keys: its "
            "signatures would not count ([tool.i18n] sample_keys is false)",
            path,
        )
    return Signing(owner.id, key), owner
