"""Shared fixtures: every end-to-end test works on a temporary copy of the sample project."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from i18n.cli import cli

REPO = Path(__file__).resolve().parent.parent


def copy_project(dest: Path, *, locales: bool = True) -> Path:
    """Copy the sample project (sources, and catalogs when asked) into ``dest``."""
    shutil.copytree(REPO / "source", dest / "source")
    if locales and (REPO / "locales").is_dir():
        shutil.copytree(REPO / "locales", dest / "locales")
    for name in ("pyproject.toml",):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    return dest


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the sample project with its committed catalogs."""
    return copy_project(tmp_path / "proj")


@pytest.fixture
def bare_project(tmp_path: Path) -> Path:
    """A copy of the sample sources only: no catalogs yet."""
    return copy_project(tmp_path / "proj", locales=False)


Runner = Callable[..., Result]


@pytest.fixture
def run() -> Runner:
    """Run the ``i18n`` CLI in-process: ``run(project, "extract")``."""

    def _run(project_dir: Path, *args: str, input: str | None = None) -> Result:
        runner = CliRunner()
        cmd, *rest = args
        return runner.invoke(cli, [cmd, "--project", str(project_dir), *rest], input=input)

    return _run


# The project's write lock and its holder record (i18n.locking), git-ignored runtime files
# every writing command creates or rewrites: not project content.
LOCK_FILES = frozenset({".cache/i18n/write.lock", ".cache/i18n/write.lock.holder"})


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (the lock files aside): to prove a command
    changed nothing."""
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and (rel := p.relative_to(root).as_posix()) not in LOCK_FILES
    }


def msgfmt_check(path: Path) -> subprocess.CompletedProcess[str]:
    """GNU gettext's own validation of a PO/POT file."""
    return subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )


@pytest.fixture(scope="session")
def rendered_sample(tmp_path_factory: pytest.TempPathFactory):  # -> rendered.RenderedSample
    """The sample rendered once per run (publish and preview): see tests/rendered.py."""
    from rendered import build

    return build(tmp_path_factory.mktemp("rendered"))
