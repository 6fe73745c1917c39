"""Every rendered page of the sample, published and preview, is valid HTML by the Nu HTML
Checker (vnu.jar from the npm package vnu-jar, run with the machine's Java): zero errors.

One checker run covers every page plus one deliberately broken page (a preview mark inside
an attribute, the bug this test once found), which must be reported: the check can fail.
The checker's JSON report is kept in test-artifacts/vnu.json. Skipped when Java or vnu.jar is
missing, except in CI (CI=true), where that fails.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from rendered import DVT, RenderedSample
from tools import ARTIFACTS, VNU_JAR, java, require_vnu

pytestmark = pytest.mark.slow  # a Java process over the whole rendered sample

# C1 only: a short run starts faster; the checker needs a larger thread stack with it.
JAVA_OPTIONS = ["-Xss2m", "-XX:TieredStopAtLevel=1"]


def nu_check(files: list[Path]) -> list[dict]:
    proc = subprocess.run(
        [
            str(java()),
            *JAVA_OPTIONS,
            "-jar",
            str(VNU_JAR),
            "--errors-only",
            "--format",
            "json",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    try:
        report = json.loads(proc.stderr)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"vnu.jar exited {proc.returncode}: {proc.stderr[-2000:]}") from exc
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "vnu.json").write_text(json.dumps(report, indent=1, ensure_ascii=False))
    return report["messages"]


def where(message: dict, root: Path) -> str:
    path = Path(message.get("url", "").removeprefix("file:"))
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    return f"{rel}:{message.get('lastLine', '?')}"


def test_every_rendered_page_validates(rendered_sample: RenderedSample, tmp_path: Path) -> None:
    require_vnu()
    pages = rendered_sample.pages()
    published = [p for p in pages if p.is_relative_to(rendered_sample.site)]
    assert len(published) >= 40 and len(pages) - len(published) >= 100  # both sites
    site = rendered_sample.site
    # every page kind: the not-found pages (root and a locale's), a "not available in this
    # language" page, and article pages with their JSON-LD, legal footer and canonical link
    assert {site / "404.html", site / "sa/ar/404.html"} <= set(published)
    assert site / "ca/fr/chronic-venous-insufficiency.html" in published
    dvt = (site / f"ch/de/{DVT}.html").read_text(encoding="utf-8")
    assert '<script type="application/ld+json">' in dvt and 'class="legal"' in dvt
    for folder in (site, rendered_sample.preview):  # a callout: an aside named by its label
        callout = folder / "ch/de/mechanical-thrombectomy-for-dvt.html"
        assert '<aside class="callout callout-warning" role="note"' in callout.read_text("utf-8")

    page = (rendered_sample.preview / f"jp/ja/{DVT}.html").read_text(encoding="utf-8")
    assert page.count('aria-label="Breadcrumb"') == 1
    canary = tmp_path / "canary.html"
    canary.write_text(
        page.replace(
            'aria-label="Breadcrumb"', 'aria-label="<mark class="unapproved">Breadcrumb</mark>"'
        ),
        encoding="utf-8",
    )

    messages = nu_check([*pages, canary])
    problems = [
        f"{where(m, rendered_sample.root)}: {m['type']}: {m.get('message')} "
        f"[{m.get('extract', '')}]"
        for m in messages
        if m.get("url") != f"file:{canary}"
    ]
    assert problems == []
    caught = [m for m in messages if m.get("url") == f"file:{canary}"]
    assert any(m["type"] == "error" and "Stray end tag “mark”" in m["message"] for m in caught)
