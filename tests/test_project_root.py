"""Every command works on the project the current folder is in (walking up, as git finds
.git), and outside a project says so: no empty site written into docs/, no PASS for zero
countries, no locales/ created under source/articles/."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from conftest import copy_project

from i18n.cli import cli


def invoke(*args: str):  # noqa: ANN201
    return CliRunner().invoke(cli, list(args))


def test_commands_find_the_project_from_a_folder_inside_it(tmp_path: Path, monkeypatch) -> None:
    root = copy_project(tmp_path / "proj")
    (root / "docs").mkdir()
    monkeypatch.chdir(root / "docs")
    result = invoke("render", "--country", "DE")
    assert result.exit_code == 0, result.output
    assert (root / "site" / "index.html").is_file() and not (root / "docs" / "site").exists()
    monkeypatch.chdir(root / "source" / "articles")
    assert invoke("extract").exit_code == 0
    assert not (root / "source" / "articles" / "locales").exists()
    checked = invoke("check", "--country", "DE")
    assert checked.exit_code == 0 and "DE Germany" in checked.stdout


def test_outside_a_project_every_command_says_so(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    for args in (["render"], ["status"], ["check"], ["extract"], ["queue"]):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "not inside an i18n project: no source/articles/, source/countries/" in (
            result.stderr
        )
    assert list(tmp_path.iterdir()) == []


def test_a_project_option_naming_no_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke("status", "--project", str(tmp_path / "empty"))
    assert result.exit_code == 2
    assert "not an i18n project: it has no source/articles/, source/countries/" in result.stderr
