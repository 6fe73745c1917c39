"""Settings: every ``[tool.i18n]`` key typed, defaulted and checked in one place
(i18n/model/settings.py), read from pyproject.toml with the line of each problem
(i18n/formats/pyproject.py), and used by the stages through ``Project.settings``."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest

from i18n.errors import I18nError
from i18n.formats.lock import TIMEOUT_ENV, lock_timeout
from i18n.formats.pyproject import key_line, read_settings, settings_from_toml, table_line
from i18n.model.settings import DEFAULTS, InvalidSetting, Settings
from i18n.pipeline.extract import _pot_header
from i18n.pipeline.providers.http import RequestPolicy
from i18n.pipeline.translate import Options, _settings
from i18n.project import Project


def write(root: Path, text: str) -> Path:
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    return root


def error_of(text: str) -> I18nError:
    with pytest.raises(I18nError) as info:
        settings_from_toml(text)
    return info.value


# --- defaults ---------------------------------------------------------------------------------


def test_defaults() -> None:
    s = Settings()
    assert s == DEFAULTS
    assert (s.source_language, s.project_name, s.bugs_address) == ("en", "INVAMED articles", "")
    assert (s.fuzzy_threshold, s.memory_threshold, s.memory_cutoff) == (70.0, None, 70.0)
    assert (s.provider, s.endpoint, s.microsoft_region) == ("pseudo", None, None)
    assert (s.request_timeout, s.retries, s.backoff, s.max_backoff) == (30.0, 4, 0.5, 60.0)
    assert (s.max_requests, s.concurrency) == (5000, 8)
    assert (s.expiry_warning_days, s.site_url, s.lock_timeout) == (
        60,
        "https://www.invamed.example",
        60.0,
    )
    assert s.timezone == "UTC"


def test_every_setting_says_what_it_means() -> None:
    for key in Settings.names():
        assert len(Settings.doc(key)) > 20, key
    assert Settings.names()[0] == "source_language" and len(Settings.names()) == 26


def test_a_project_without_pyproject_or_table_has_the_defaults(tmp_path: Path) -> None:
    assert read_settings(tmp_path) == DEFAULTS
    assert read_settings(write(tmp_path, '[project]\nname = "x"\n')) == DEFAULTS
    assert Project(tmp_path).settings == DEFAULTS


# --- checks -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("fuzzy_threshold", "high", "fuzzy_threshold must be a number from 0 to 100, got 'high'"),
        ("fuzzy_threshold", 101, "fuzzy_threshold must be a number from 0 to 100, got 101"),
        ("fuzzy_threshold", True, "fuzzy_threshold must be a number from 0 to 100, got True"),
        ("memory_threshold", -1, "memory_threshold must be a number from 0 to 100, got -1"),
        ("project_name", ["a"], "project_name must be a string, got ['a']"),
        ("bugs_address", 3, "bugs_address must be a string, got 3"),
        ("microsoft_region", {}, "microsoft_region must be a string, got {}"),
        ("provider", "babelfish", "provider must be one of memory, pseudo, google, deepl"),
        ("endpoint", "localhost:5000", "endpoint must be an http(s) URL, got 'localhost:5000'"),
        ("site_url", "www.x.example", "site_url must be an http(s) URL, got 'www.x.example'"),
        ("site_url", "ftp://x.example", "site_url must be an http(s) URL"),
        ("site_url", "https://", "site_url must be an http(s) URL"),
        ("request_timeout", 0, "request_timeout must be a number of seconds >= 0.001, got 0"),
        ("request_timeout", math.inf, "request_timeout must be a number of seconds >= 0.001"),
        ("backoff", math.nan, "backoff must be a number of seconds >= 0, got nan"),
        ("max_backoff", "1", "max_backoff must be a number of seconds >= 0, got '1'"),
        ("retries", -1, "retries must be a whole number >= 0, got -1"),
        ("retries", 2.5, "retries must be a whole number >= 0, got 2.5"),
        ("max_requests", False, "max_requests must be a whole number >= 0, got False"),
        ("concurrency", 0, "concurrency must be a whole number >= 1, got 0"),
        ("expiry_warning_days", "soon", "expiry_warning_days must be a whole number of days"),
        ("lock_timeout", -1, "lock_timeout must be a number of seconds >= 0, got -1"),
        ("source_language", "xx", "must be a known language or locale code, got 'xx'"),
        ("source_language", 1, "source_language must be a string, got 1"),
    ],
)
def test_a_bad_value_is_refused(key: str, value: object, message: str) -> None:
    with pytest.raises(InvalidSetting) as info:
        Settings(**{key: value})
    assert info.value.key == key
    assert message in str(info.value)
    with pytest.raises(InvalidSetting):
        Settings.from_table({key: value})
    with pytest.raises(InvalidSetting):
        DEFAULTS.replace(**{key: value})


def test_good_values_are_typed() -> None:
    s = Settings.from_table(
        {
            "source_language": "en-GB",
            "fuzzy_threshold": 80,
            "memory_threshold": 0,
            "request_timeout": 5,
            "lock_timeout": 0,
            "provider": "libre",
            "endpoint": "http://localhost:5000",
            "site_url": "https://example.org/articles/",
        }
    )
    assert s.source_language == "en_GB"
    assert isinstance(s.fuzzy_threshold, float) and s.fuzzy_threshold == 80
    assert s.memory_cutoff == 0.0  # a threshold of 0 is a value, not "unset"
    assert isinstance(s.request_timeout, float) and s.lock_timeout == 0.0
    assert (s.provider, s.endpoint) == ("libre", "http://localhost:5000")
    assert s.site_url == "https://example.org/articles/"


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULTS.concurrency = 2  # type: ignore[misc]


def test_an_unknown_key_suggests_the_close_one() -> None:
    with pytest.raises(InvalidSetting) as info:
        Settings.from_table({"fuzzy_treshold": 80})
    assert info.value.key == "fuzzy_treshold"
    assert str(info.value) == "unknown key 'fuzzy_treshold' (did you mean 'fuzzy_threshold'?)"
    with pytest.raises(InvalidSetting) as info:
        Settings.from_table({"colour": "blue"})
    assert "unknown key 'colour' (known keys: source_language, project_name" in str(info.value)
    with pytest.raises(InvalidSetting, match="did you mean 'max_requests'"):
        DEFAULTS.replace(max_request=3)


def test_the_first_problem_in_file_order_is_named() -> None:
    err = error_of('[tool.i18n]\nretries = "x"\nconcurrency = 0\n')
    assert (err.line, "retries" in err.message) == (2, True)
    err = error_of('[tool.i18n]\nconcurrency = 0\nretries = "x"\n')
    assert (err.line, "concurrency" in err.message) == (2, True)


# --- reading pyproject.toml: one error, the file, the line, the key -------------------------------


def test_errors_name_the_file_line_and_key(tmp_path: Path) -> None:
    write(tmp_path, '[project]\nname = "x"\n\n[tool.i18n]\nfuzzy_threshold = "high"\n')
    with pytest.raises(I18nError) as info:
        read_settings(tmp_path)
    assert str(info.value) == (
        "pyproject.toml:5: [tool.i18n] fuzzy_threshold must be a number from 0 to 100, got 'high'"
    )


def test_invalid_toml_keeps_its_message(tmp_path: Path) -> None:
    write(tmp_path, "[tool.i18n]\nsource_language = en\n")
    with pytest.raises(I18nError) as info:
        read_settings(tmp_path)
    assert (info.value.path, info.value.line) == ("pyproject.toml", 2)
    assert info.value.message.startswith("invalid TOML: Invalid value")


def test_a_table_that_is_not_a_table(tmp_path: Path) -> None:
    err = error_of('[project]\nname = "x"\n[tool]\ni18n = "yes"\n')
    assert (err.line, err.message) == (4, "[tool.i18n] must be a table, got 'yes'")


TEXT = """\
# fuzzy_threshold: mentioned in a comment first
[project]
name = "x"
dependencies = [
    "retries",
]

[tool.other]
concurrency = 3

[tool.i18n]
source_language = "en"
"project_name" = "Articles"
'bugs_address' = "a@b.example"
retries = [
    1,
]
site_url = \"\"\"
concurrency = 5
\"\"\"
fuzzy_threshold = 80  # same key text as the comment on line 1
provider.name = "deepl"

[tool.i18n.extra]
a = 1

[tool.zzz]
endpoint = 1
"""


@pytest.mark.parametrize(
    ("key", "line"),
    [
        ("source_language", 12),
        ("project_name", 13),  # quoted keys
        ("bugs_address", 14),
        ("retries", 15),  # a multi-line value: the line of its key, not of the "retries" above
        ("site_url", 18),
        ("concurrency", None),  # only in another table, and inside a string
        ("fuzzy_threshold", 21),
        ("provider", 22),  # a dotted key
        ("extra", 24),  # a sub-table
    ],
)
def test_the_line_of_each_key(key: str, line: int | None) -> None:
    assert key_line(TEXT, key) == (line or table_line(TEXT))
    assert table_line(TEXT) == 11


def test_lines_of_dotted_and_inline_tables() -> None:
    assert key_line('[tool]\ni18n.retries = "x"\n', "retries") == 2
    assert key_line('tool.i18n.retries = "x"\n', "retries") == 1
    assert key_line('[tool]\nname = 1\ni18n = { retries = "x" }\n', "retries") == 3
    assert key_line("[tool.i18n]\n\"re\\u0074ries\" = 'x'\n", "retries") == 2  # an escape
    assert key_line("[tool.i18n]\r\nretries = 'x'\r\n", "retries") == 2
    assert key_line('[project]\nname = "x"\n', "retries") is None


def test_errors_from_whole_files_point_at_the_key() -> None:
    text = TEXT.replace("retries = [\n    1,\n]", "retries = 1")
    err = error_of(text)  # now site_url comes first, a multi-line string
    assert (err.path, err.line) == ("pyproject.toml", 16)
    assert err.message == "[tool.i18n] site_url must be an http(s) URL, got 'concurrency = 5\\n'"
    text = text.replace('site_url = """\nconcurrency = 5\n"""\n', "")
    err = error_of(text.replace('provider.name = "deepl"', 'provider = "babelfish"'))
    assert (err.path, err.line) == ("pyproject.toml", 17)
    assert err.message.startswith("[tool.i18n] provider must be one of memory, pseudo, ")
    err = error_of(TEXT)  # retries is a list and comes first
    assert (err.line, err.message) == (
        15,
        "[tool.i18n] retries must be a whole number >= 0, got [1]",
    )


# --- where the settings are used ------------------------------------------------------------------


def test_overrides_win_over_the_file(tmp_path: Path) -> None:
    write(tmp_path, "[tool.i18n]\nconcurrency = 3\nmax_requests = 10\n")
    project = Project(tmp_path, {"concurrency": 2, "max_requests": None})
    assert (project.settings.concurrency, project.settings.max_requests) == (2, 10)
    assert project.settings is project.settings  # read once
    with pytest.raises(InvalidSetting, match="concurrency must be a whole number >= 1, got 0"):
        _ = Project(tmp_path, {"concurrency": 0}).settings


def test_translate_options_win_over_the_file(tmp_path: Path) -> None:
    write(tmp_path, "[tool.i18n]\nconcurrency = 3\nmax_requests = 10\nrequest_timeout = 2\n")
    project = Project(tmp_path)
    assert _settings(project, Options("de")) == RequestPolicy(
        timeout=2.0, retries=4, backoff=0.5, max_backoff=60.0, max_requests=10, concurrency=3
    )
    chosen = _settings(project, Options("de", concurrency=1, max_requests=0))
    assert (chosen.concurrency, chosen.max_requests) == (1, 0)


def test_the_lock_timeout_environment_variable_wins(tmp_path: Path, monkeypatch) -> None:
    project = Project(write(tmp_path, "[tool.i18n]\nlock_timeout = 2.5\n"))
    monkeypatch.delenv(TIMEOUT_ENV, raising=False)
    assert lock_timeout(project) == 2.5
    monkeypatch.setenv(TIMEOUT_ENV, "0")
    assert lock_timeout(project) == 0.0
    monkeypatch.setenv(TIMEOUT_ENV, "soon")
    with pytest.raises(I18nError, match="I18N_LOCK_TIMEOUT must be a number of seconds >= 0"):
        lock_timeout(project)


def test_the_pot_header_uses_the_project_settings(tmp_path: Path) -> None:
    write(tmp_path, '[tool.i18n]\nproject_name = "Demo"\nbugs_address = "l10n@x.example"\n')
    header = _pot_header(Project(tmp_path), "site")
    assert header["Project-Id-Version"] == "Demo site"
    assert header["Report-Msgid-Bugs-To"] == "l10n@x.example"
