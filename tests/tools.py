"""External tools some tests drive: Debian's Chromium and ChromeDriver, the Nu HTML Checker and
axe-core.

On a developer's machine a missing tool skips the tests that need it, with the command that
installs it. In CI (``CI=true``, as ``.ci/run`` is run) a missing tool fails those tests:
``.ci/run`` installs every tool, so a skip there would hide a broken install step.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
VNU_VERSION = "26.9.27"  # keep in step with .ci/run
VNU_JAR = REPO / ".cache/vnu/node_modules/vnu-jar/build/dist/vnu.jar"
AXE_VERSION = "4.14.1"  # keep in step with .ci/run
AXE_JS = REPO / ".cache/axe/node_modules/axe-core/axe.min.js"
ARTIFACTS = REPO / "test-artifacts"  # git-ignored: screenshots and reports for people to see


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(available: bool, what: str, install: str) -> None:
    """Skip (locally) or fail (in CI) the calling test when a tool is not available."""
    if available:
        return
    message = f"not available: {what}; install with: {install}"
    if in_ci():
        pytest.fail(f"CI=true: {message}", pytrace=False)
    pytest.skip(message)


def require_chromium() -> None:
    require(
        CHROMIUM.is_file() and CHROMEDRIVER.is_file(),
        f"{CHROMIUM} and {CHROMEDRIVER}",
        "apt-get update && apt-get install -y chromium chromium-driver",
    )
    try:
        import selenium  # noqa: F401
    except ImportError:
        require(False, "the selenium package", "pip install -e '.[test]'")


def java() -> str | None:
    return shutil.which("java")


def require_vnu() -> None:
    require(java() is not None, "java", "apt-get install -y default-jre-headless")
    require(
        VNU_JAR.is_file(),
        f"the Nu HTML Checker ({VNU_JAR})",
        f"npm install --prefix .cache/vnu --ignore-scripts vnu-jar@{VNU_VERSION}",
    )


def require_axe() -> None:
    require(
        AXE_JS.is_file(),
        f"axe-core ({AXE_JS})",
        f"npm install --prefix .cache/axe --ignore-scripts axe-core@{AXE_VERSION}",
    )
