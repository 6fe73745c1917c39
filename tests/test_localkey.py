"""The machine's cache key and the records sealed with it: a sealed record that does not
carry this key's seal is never trusted, and without a trustworthy key nothing is sealed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from i18n.formats import localkey
from i18n.formats.runcache import RunRecord, _digest


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "state" / "i18n" / "cache-key"
    monkeypatch.setenv("I18N_CACHE_KEY", str(path))
    localkey._load.cache_clear()
    yield path
    localkey._load.cache_clear()


def test_key_is_made_once_private_and_reused(key_file: Path, tmp_path: Path) -> None:
    first = localkey.local_key(tmp_path / "project")
    assert first is not None and len(first) == localkey.KEY_BYTES
    assert key_file.stat().st_mode & 0o777 == 0o600
    localkey._load.cache_clear()
    assert localkey.local_key(tmp_path / "project") == first


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_key_others_can_read_or_write_is_not_trusted(key_file: Path, mode: int) -> None:
    assert localkey.local_key() is not None
    key_file.chmod(mode)
    localkey._load.cache_clear()
    assert localkey.local_key() is None


def test_key_inside_the_project_or_a_symlink_is_refused(
    key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    inside = project / ".cache" / "cache-key"
    monkeypatch.setenv("I18N_CACHE_KEY", str(inside))
    assert localkey.local_key(project) is None
    assert not inside.exists()
    real = localkey.local_key()  # made outside any project check
    assert real is not None
    link = tmp_path / "link-key"
    link.symlink_to(inside)
    monkeypatch.setenv("I18N_CACHE_KEY", str(link))
    localkey._load.cache_clear()
    assert localkey.local_key() is None


def test_short_key_is_not_trusted(key_file: Path) -> None:
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(b"short")
    key_file.chmod(0o600)
    assert localkey.local_key() is None


def test_sealed_record_round_trip_and_forgery(key_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "project" / ".cache" / "i18n" / "verified.json"
    record = RunRecord.load_sealed(path, "k", tmp_path / "project")
    assert record.entries == {}
    record.save({"line": "SHA256:signer"})
    assert RunRecord.load_sealed(path, "k", tmp_path / "project").entries == {
        "line": "SHA256:signer"
    }
    # an attacker who can write the project but not read the key: a recomputed checksum
    # (what an unsealed record accepts) does not make the record count
    data = json.loads(path.read_text())
    data["entries"]["forged"] = "SHA256:signer"
    data["digest"] = _digest(data["entries"])
    path.write_text(json.dumps(data))
    assert RunRecord.load_sealed(path, "k", tmp_path / "project").entries == {}
    # the same forged file would pass as an unsealed record: sealing is what stops it
    assert "forged" in RunRecord.load(path, "k").entries


def test_no_key_no_sealed_record(
    key_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "project" / ".cache" / "x.json"
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes(os.urandom(localkey.KEY_BYTES))
    key_file.chmod(0o644)  # readable by others: not trusted
    record = RunRecord.load_sealed(path, "k", tmp_path / "project")
    record.save({"a": 1})
    assert not path.exists()
    assert record.entries == {"a": 1}
