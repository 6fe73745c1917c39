"""Shared fixtures: every end-to-end test works on a temporary copy of the sample project."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from i18n.cli import cli
from i18n.formats.ledger import Signing
from i18n.formats.sshsig import FileSigner

REPO = Path(__file__).resolve().parent.parent

# Imported a second time under another name ("tests.conftest"), this module would make new
# test keys and point I18N_SIGNING_KEY at them, so that fixtures built later sign with a key
# no people.yaml knows: import it as ``conftest``, as pytest does.
if __name__ != "conftest":
    raise ImportError(f"import the test helpers as 'conftest', not {__name__!r}")


def copy_project(dest: Path, *, locales: bool = True, tester: bool = True) -> Path:
    """Copy the sample project (sources, and catalogs when asked) into ``dest``. With
    ``tester``, people.yaml also lists the test reviewer whose key the tests sign with
    (:data:`TESTER`, a reviewer and translator of every locale the tests use)."""
    shutil.copytree(REPO / "source", dest / "source")
    if locales and (REPO / "locales").is_dir():
        shutil.copytree(REPO / "locales", dest / "locales")
    for name in ("pyproject.toml",):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, dest / name)
    if tester:
        roles = {"reviewer": TEST_LOCALES, "translator": TEST_LOCALES}
        add_person(dest, TESTER, "Test Reviewer", roles, key=signing_key(TESTER))
    return dest


# --- people and keys ----------------------------------------------------------------------
# Every event is signed by a person of source/people.yaml. The tests sign as TESTER, with a
# key made for this test run (never a file of the repository), unless a test says otherwise.

TESTER = "test.reviewer"
TEST_LOCALES = ["ar", "de", "de_CH", "fr", "fr_CH", "it", "ja", "pt", "pt_BR", "sv", "tr"]
_KEYS = Path(tempfile.mkdtemp(prefix="i18n-test-keys-"))
atexit.register(shutil.rmtree, _KEYS, True)


def signing_key(name: str) -> Path:
    """A private key file (OpenSSH, Ed25519) made once per test run for ``name``."""
    path = _KEYS / name
    if not path.exists():
        key = ed25519.Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.OpenSSH,
            serialization.NoEncryption(),
        )
        path.write_bytes(pem)
        public = key.public_key().public_bytes(
            serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
        )
        Path(f"{path}.pub").write_bytes(public + f" {name}\n".encode())
    return path


def public_key(path: Path) -> str:
    return Path(f"{path}.pub").read_text(encoding="utf-8").strip()


class _NoAliases(yaml.SafeDumper):
    """people.yaml refuses YAML aliases: write repeated lists out."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def add_person(
    root: Path,
    pid: str,
    name: str,
    roles: dict[str, list[str]],
    *,
    key: Path | None = None,
    email: str | None = None,
    valid: dict[str, object] | None = None,
) -> Path:
    """Add a person to the project's people.yaml (comments are not kept); returns their key."""
    path = root / "source" / "people.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    key = key or signing_key(pid)
    person: dict = {"name": name, "email": email or f"{pid}@test.invamed.example", "roles": roles}
    if valid:
        person["valid"] = valid
    person["keys"] = [public_key(key)]
    data.setdefault("people", {})[pid] = person
    text = yaml.dump(data, Dumper=_NoAliases, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    return key


def signing_as_tester() -> Signing:
    """What the library signs with in tests that append events themselves."""
    return Signing(TESTER, FileSigner(signing_key(TESTER)))


# Set at import too, for session fixtures and the processes tests start (they inherit it).
os.environ["I18N_SIGNING_KEY"] = str(signing_key(TESTER))
os.environ.pop("SSH_AUTH_SOCK", None)
# The machine's cache key (i18n.formats.localkey): one per test run, never the developer's.
os.environ["I18N_CACHE_KEY"] = str(_KEYS / "cache-key")


def untrusted_cache_key(monkeypatch: pytest.MonkeyPatch, folder: Path) -> Path:
    """Point I18N_CACHE_KEY at a key file that others can read (0644): not a key to trust,
    so sealed records are neither read nor written."""
    loose = folder / "keys" / "cache-key"
    loose.parent.mkdir(parents=True)
    loose.write_bytes(os.urandom(32))
    loose.chmod(0o644)
    monkeypatch.setenv("I18N_CACHE_KEY", str(loose))
    return loose


@pytest.fixture(autouse=True)
def sign_as_tester(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Commands sign with the test reviewer's key, never with a developer's ssh-agent."""
    key = signing_key(TESTER)
    monkeypatch.setenv("I18N_SIGNING_KEY", str(key))
    monkeypatch.delenv("SSH_AUTH_SOCK", raising=False)
    return key


# --- CLDR's plural rules ---------------------------------------------------------------------
# The sample's catalogs were created with the plural rules of CLDR 45 (Babel 2.14-2.18); Babel
# 2.19 (CLDR 46) differs for fr, it, pt, es, tr and ar. Each catalog keeps its own rule, and
# `status` and `check` warn where it differs from CLDR's (tests/test_plurals.py). A test that
# counts check's warnings on the sample asks for the rules the sample was made with.

CLDR_45 = {  # (nplurals, plural) as babel.messages.plurals.PLURALS holds them
    "fr": (2, "(n > 1)"),
    "it": (2, "(n != 1)"),
    "pt": (2, "(n != 1)"),
    "es": (2, "(n != 1)"),
    "tr": (1, "0"),
    "ar": (
        6,
        "(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=0 && n%100<=2 ? 4 : 5)",
    ),
}
_MANY = "n != 0 && n % 1000000 == 0 ? 1 : 2"
CLDR_46 = {
    "fr": (3, f"(n == 0 || n == 1) ? 0 : {_MANY}"),
    "it": (3, f"(n == 1 ? 0 : {_MANY})"),
    "pt": (3, f"(n == 0 || n == 1) ? 0 : {_MANY}"),
    "es": (3, f"(n == 1 ? 0 : {_MANY})"),
    "tr": (2, "(n != 1)"),
    "ar": (
        6,
        "(n == 0 ? 0 : n == 1 ? 1 : n == 2 ? 2 : n % 100 >= 3 && n % 100 <= 10 ? 3 : "
        "n % 100 >= 11 && n % 100 <= 99 ? 4 : 5)",
    ),
}


def use_cldr(monkeypatch: pytest.MonkeyPatch, rules: dict[str, tuple[int, str]]) -> None:
    """Babel's table of gettext plural rules as that CLDR has it, whichever Babel is installed
    (every caller of ``babel.messages.plurals.get_plural`` sees it)."""
    from babel.messages import plurals

    for lang, rule in rules.items():
        monkeypatch.setitem(plurals.PLURALS, lang, rule)


@pytest.fixture
def sample_cldr(monkeypatch: pytest.MonkeyPatch) -> None:
    """CLDR's plural rules as the sample's catalogs were made with (no plural warning)."""
    use_cldr(monkeypatch, CLDR_45)


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


def render_as_of(root: Path, today: str, *args: str) -> Result:
    """``i18n render --today TODAY ARGS`` over the project's live ``site/``. Tests pin dates so
    that the sample's disclaimers never expire under them; a ``--today`` other than today is a
    look-ahead that never writes the live site, so the render writes a folder of its own that
    holds the live site before (stale pages, the previous manifest) and replaces it after."""
    live, stage = root / "site", root / "site-as-of"
    if live.exists():
        live.rename(stage)
    try:
        return CliRunner().invoke(
            cli, ["render", "--project", str(root), "--today", today, "--out", str(stage), *args]
        )
    finally:
        if stage.exists():
            stage.rename(live)


# The project's write lock and its holder record (i18n.locking), git-ignored runtime files
# every writing command creates or rewrites, and the records of the last extract and update
# (i18n.formats.runcache), a speed-up only: not project content.
LOCK_FILES = frozenset(
    {
        ".cache/i18n/write.lock",
        ".cache/i18n/write.lock.holder",
        ".cache/i18n/extract.json",
        ".cache/i18n/update.json",
    }
)


# Records every command that reads a ledger may write (i18n.pipeline.verified: which key
# signed each line, sealed with the machine's cache key), a speed-up only.
CACHE_FOLDERS = (".cache/i18n/verified/",)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` with its bytes (the lock files and the records of verified
    signatures aside): to prove a command changed nothing."""
    return {
        rel: p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and (rel := p.relative_to(root).as_posix()) not in LOCK_FILES
        and not rel.startswith(CACHE_FOLDERS)
    }


def sitemaps(site: Path) -> dict[str, str]:
    """Each sitemap the site's index (``sitemap.xml``) lists, by its path in the site, with
    its text, in the index's order (each must be a file of the site)."""
    prefix = "https://www.invamed.example/"
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert index.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex'), index
    found = {}
    for loc in re.findall(r"<loc>([^<]*)</loc>", index):
        assert loc.startswith(prefix), loc
        rel = loc.removeprefix(prefix)
        found[rel] = (site / rel).read_text(encoding="utf-8")
    return found


def sitemap_text(site: Path) -> str:
    """Every sitemap the index lists, one after another."""
    return "\n".join(sitemaps(site).values())


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


# --- the fast subset: ``pytest -m "not slow"`` (under a minute on two cores) -----------------
# Whole modules that are slow say so at their top (``pytestmark = pytest.mark.slow``): processes
# killed or racing, the Nu HTML Checker, Hypothesis against msgcat, forked workers. Every
# browser test is slow. The tables below mark single tests: each runs the CLI end to end on a
# copy of the sample, half a second or more (``pytest --durations=60``). A name that is no
# longer a test of its module stops the run, so the tables cannot go stale silently.

# Mostly end-to-end modules: every test is slow except these (a smoke test and the unit tests).
FAST_ONLY = {
    "test_regulatory.py": {
        "test_sample_passes_after_render",
        "test_page_disclaimer_removed",
        "test_claims_no_false_positive_on_sample",
        "test_builtin_risky_wording",
        "test_builtin_risky_wording_covers_every_sample_language",
        "test_language_without_claim_patterns_is_a_warning",
        "test_expiry_window_bad_value",
        "test_unknown_country",
        "test_site_not_a_directory",
        "test_corrupt_manifest_is_bad_input",
    },
    "test_render.py": {
        "test_render_py_on_the_sample_publishes_and_explains",
        "test_preview_renders_drafts_marked_into_its_own_folder",
        "test_unapproved_site_strings_withhold_the_whole_locale",
        "test_unknown_country_and_bad_options_exit_2",
        "test_bad_country_config_names_file_and_line",
        "test_a_path_like_slug_is_refused_at_load",
    },
}

# Mostly fast modules: these tests are slow (each module keeps an end-to-end test fast).
SLOW_TESTS = {
    "test_translate.py": {
        "test_pseudo_drafts_whole_sample_offline_with_markup_intact",
        "test_rate_limit_is_retried_honouring_retry_after",
        "test_hanging_server_times_out_with_a_clear_message",
        "test_ctrl_c_keeps_every_answer_received_and_the_next_run_resumes",
        "test_server_error_forever_fails_clearly_keeps_earlier_drafts_and_resumes",
        "test_dry_run_counts_without_network_and_matches_the_real_run",
        "test_missing_glossary_terms_are_noted",
        "test_mangled_sentinels_are_saved_but_flagged",
    },
    "test_review.py": {
        "test_blocking_check_refuses_approval_and_override_is_recorded",
        "test_html_review_sheet_is_self_contained_and_lists_every_item",
        "test_two_branches_appending_approvals_merge_cleanly",
        "test_reject_sends_entry_back_with_reason",
        "test_queue_formats_filters_and_ids",
    },
    "test_security.py": {
        "test_traversing_codes_in_country_yaml_are_refused",
        "test_translations_adding_data_or_javascript_links_are_refused",
        "test_traversing_command_line_values_are_refused",
        "test_disclaimer_and_country_name_payloads_are_text",
    },
    "test_po_io.py": {
        "test_generated_catalogs_read_and_write_as_polib",
        "test_wrap_is_textwraps_wrap",
    },
    "test_segments_property.py": {"test_identity_translation_renders_the_source"},
    "test_update.py": {"test_regional_catalog_is_sparse_and_merged"},
    "test_extract.py": {"test_dates_change_only_with_content"},
}


def _is_slow(module: str, name: str) -> bool:
    if module in FAST_ONLY:
        return name not in FAST_ONLY[module]
    return name in SLOW_TESTS.get(module, ())


@pytest.hookimpl(tryfirst=True)  # before ``-m`` deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    checked: set[str] = set()
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
        module = getattr(item, "module", None)
        if module is None or item.path.parent != REPO / "tests":
            continue  # a doctest
        if item.path.name not in checked:
            checked.add(item.path.name)
            named = FAST_ONLY.get(item.path.name, set()) | SLOW_TESTS.get(item.path.name, set())
            if stale := sorted(name for name in named if not hasattr(module, name)):
                raise pytest.UsageError(
                    f"tests/conftest.py names tests {item.path.name} does not have: {stale}"
                )
        if _is_slow(item.path.name, getattr(item, "originalname", item.name)):
            item.add_marker(pytest.mark.slow)
