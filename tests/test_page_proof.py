"""i18n check reads a page as a browser shows it: the disclaimer must be seen (not hidden by
an attribute, ARIA or an inline style, on it or an ancestor), there is one disclaimer box, and
text dressed as a disclaimer is screened like any other."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import copy_project

PAGE = "site/de/de/mechanical-thrombectomy-for-dvt.html"
BOX = '<aside class="disclaimer"'


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from click.testing import CliRunner

    from i18n.cli import cli

    root = copy_project(tmp_path_factory.mktemp("proof") / "proj")
    result = CliRunner().invoke(cli, ["render", "--project", str(root), "--country", "DE"])
    assert result.exit_code == 0 and (root / PAGE).is_file(), result.output
    return root


@pytest.mark.parametrize(
    ("name", "edit", "finding"),
    [
        ("hidden attribute", (BOX, BOX + " hidden"), "<aside> has the hidden attribute"),
        ("aria-hidden", (BOX, BOX + ' aria-hidden="true"'), 'aria-hidden="true"'),
        ("display none", (BOX, BOX + ' style="display: none"'), "display: none"),
        ("zero height", (BOX, BOX + ' style="height:0;overflow:hidden"'), "height:0"),
        ("hidden ancestor", ("<main", '<main style="visibility:hidden"'), "visibility:hidden"),
        ("inside a template", (BOX, "<template>" + BOX), "inside <template>"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_a_hidden_disclaimer_fails_check(
    rendered: Path, tmp_path: Path, run, name: str, edit: tuple[str, str], finding: str
) -> None:
    import shutil

    root = Path(shutil.copytree(rendered, tmp_path / "proj"))
    page = root / PAGE
    html = page.read_text("utf-8")
    assert edit[0] in html
    page.write_text(html.replace(edit[0], edit[1], 1), "utf-8")
    result = run(root, "check", "--country", "DE")
    assert result.exit_code == 1, result.output
    assert "violation: disclaimer-hidden" in result.stdout and finding in result.stdout


def test_a_claim_dressed_as_a_disclaimer_is_screened(rendered: Path, tmp_path: Path, run) -> None:
    import shutil

    root = Path(shutil.copytree(rendered, tmp_path / "proj"))
    page = root / PAGE
    html = page.read_text("utf-8")
    fake = '<p class="disclaimer">Die Behandlung heilt garantiert.</p>'
    page.write_text(html.replace("</main>", fake + "</main>", 1), "utf-8")
    result = run(root, "check", "--country", "DE")
    assert result.exit_code == 1, result.output
    assert "violation: disclaimer-imitated" in result.stdout
    assert "violation: claim-page" in result.stdout


def test_the_rendered_page_passes(rendered: Path, run) -> None:
    assert run(rendered, "check", "--country", "DE").exit_code == 0


def test_the_country_picker_and_foreign_links_are_proven(
    rendered: Path, tmp_path: Path, run
) -> None:
    """site/index.html is published too; and no page may reach a host that is not the site's,
    an allowed one, or one the English articles link to."""
    import shutil

    root = Path(shutil.copytree(rendered, tmp_path / "proj"))
    picker = root / "site" / "index.html"
    html = picker.read_text("utf-8")
    added = '<p>Unsere Katheter heilen garantiert.</p><a href="https://evil.example/order">x</a>'
    picker.write_text(html.replace("</body>", added + "</body>", 1), "utf-8")
    page = root / PAGE
    page.write_text(
        page.read_text("utf-8").replace(
            "</main>", '<img src="https://tracker.example/p.gif" alt=""></main>', 1
        ),
        "utf-8",
    )
    result = run(root, "check", "--country", "DE")
    assert result.exit_code == 1, result.output
    assert "link-foreign" in result.stdout and "tracker.example" in result.stdout
    everything = run(root, "check")
    assert "violation: claim-page site/index.html" in everything.stdout
    assert "violation: link-foreign site/index.html" in everything.stdout

    pyproject = root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text("utf-8") + 'allowed_hosts = ["tracker.example", "evil.example"]\n',
        "utf-8",
    )
    allowed = run(root, "check", "--country", "DE")
    assert "link-foreign" not in allowed.stdout


@pytest.mark.parametrize(
    ("added", "finding"),
    [
        ("<script>document.title='x'</script>", "violation: script-unknown"),
        ('<script src="https://cdn.example/x.js"></script>', "violation: script-external"),
    ],
)
def test_a_script_the_render_did_not_write_fails_check(
    rendered: Path, tmp_path: Path, run, added: str, finding: str
) -> None:
    import shutil

    root = Path(shutil.copytree(rendered, tmp_path / "proj"))
    page = root / PAGE
    page.write_text(page.read_text("utf-8").replace("</main>", added + "</main>", 1), "utf-8")
    result = run(root, "check", "--country", "DE")
    assert result.exit_code == 1 and finding in result.stdout, result.stdout
