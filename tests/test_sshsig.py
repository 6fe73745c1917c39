"""SSH signatures (i18n.formats.sshsig) against OpenSSH as the oracle: ``ssh-keygen -Y verify``
accepts what we sign, we accept what ``ssh-keygen -Y sign`` writes, and ``ssh-agent`` signs for
us. The blob is taken apart here with a reader of its own (PROTOCOL.sshsig), not the module's.
"""

from __future__ import annotations

import base64
import os
import re
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from i18n.errors import I18nError
from i18n.formats.sshsig import (
    AgentSigner,
    BadSignature,
    FileSigner,
    PublicKey,
    SigningError,
    agent_keys,
    allowed_signers_line,
    armor,
    dearmor,
    sign,
    verify,
)

KINDS = {
    "ed25519": ["-t", "ed25519"],
    "ecdsa": ["-t", "ecdsa", "-b", "256"],
    "rsa": ["-t", "rsa", "-b", "2048"],
}
SSH_TYPES = {"ed25519": "ssh-ed25519", "ecdsa": "ecdsa-sha2-nistp256", "rsa": "ssh-rsa"}
NS = "i18n-approval"
MESSAGE = b'{"event": "approve", "hash": "0f3a", "reviewer": "anna.keller"}\n'


def keygen(folder: Path, kind: str, name: str, passphrase: str = "") -> Path:
    """A new key pair made by ssh-keygen: ``folder/name`` and ``folder/name.pub``."""
    path = folder / name
    subprocess.run(
        ["ssh-keygen", "-q", *KINDS[kind], "-N", passphrase, "-C", f"{name}@test", "-f", path],
        check=True,
        capture_output=True,
    )
    return path


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One key of each kind, a second Ed25519 key and a passphrase-protected one (made once:
    RSA key generation is slow on a shared machine)."""
    folder = tmp_path_factory.mktemp("keys")
    made = {kind: keygen(folder, kind, kind) for kind in KINDS}
    made["other"] = keygen(folder, "ed25519", "other")
    made["locked"] = keygen(folder, "ed25519", "locked", passphrase="correct horse")
    return made


def pub(key: Path) -> PublicKey:
    return PublicKey.parse(key.with_suffix(".pub").read_text())


def ssh_keygen_verify(
    folder: Path, message: bytes, armored: str, key: PublicKey, namespace: str = NS
) -> subprocess.CompletedProcess[bytes]:
    """``ssh-keygen -Y verify`` with an allowed_signers file made by allowed_signers_line."""
    (folder / "allowed_signers").write_text(allowed_signers_line("anna.keller", key, NS) + "\n")
    (folder / "message.sig").write_text(armored)
    command = ["ssh-keygen", "-Y", "verify", "-f", folder / "allowed_signers", "-I"]
    command += ["anna.keller", "-n", namespace, "-s", folder / "message.sig"]
    return subprocess.run(command, input=message, capture_output=True)


def ssh_keygen_sign(key: Path, message_file: Path, *options: str) -> str:
    subprocess.run(
        ["ssh-keygen", "-Y", "sign", "-f", key, "-n", NS, *options, message_file],
        check=True,
        capture_output=True,
    )
    return Path(f"{message_file}.sig").read_text()


def split_blob(blob: bytes) -> tuple[int, list[bytes]]:
    """(version, [public key, namespace, reserved, hash algorithm, signature])."""
    assert blob[:6] == b"SSHSIG"
    fields = strings(blob[10:])
    assert len(fields) == 5
    return int.from_bytes(blob[6:10], "big"), fields


def join_blob(version: int, fields: list[bytes]) -> bytes:
    return b"SSHSIG" + version.to_bytes(4, "big") + b"".join(ssh_string(f) for f in fields)


def strings(data: bytes) -> list[bytes]:
    """The SSH strings ``data`` is made of."""
    found, pos = [], 0
    while pos < len(data):
        size = int.from_bytes(data[pos : pos + 4], "big")
        found.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    assert pos == len(data)
    return found


def ssh_string(data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + data


def first_string(data: bytes) -> bytes:
    return strings(data)[0]


# -- round trips with OpenSSH ----------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_ssh_keygen_verifies_what_we_sign(kind: str, keys: dict[str, Path], tmp_path: Path) -> None:
    signer = FileSigner(keys[kind])
    assert signer.public_key == pub(keys[kind]) and signer.public_key.type == SSH_TYPES[kind]
    armored = armor(sign(MESSAGE, signer, NS))
    done = ssh_keygen_verify(tmp_path, MESSAGE, armored, signer.public_key)
    assert done.returncode == 0, done.stderr
    assert signer.public_key.fingerprint.encode() in done.stdout + done.stderr
    # the oracle is not a rubber stamp: it refuses a changed message and another namespace
    assert ssh_keygen_verify(tmp_path, MESSAGE + b"x", armored, signer.public_key).returncode
    assert ssh_keygen_verify(tmp_path, MESSAGE, armored, signer.public_key, "other").returncode
    assert verify(MESSAGE, dearmor(armored), NS) == signer.public_key


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("hashalg", ["sha512", "sha256"])
def test_we_verify_what_ssh_keygen_signs(
    kind: str, hashalg: str, keys: dict[str, Path], tmp_path: Path
) -> None:
    (tmp_path / "message").write_bytes(MESSAGE)
    armored = ssh_keygen_sign(keys[kind], tmp_path / "message", "-O", f"hashalg={hashalg}")
    blob = dearmor(armored)
    assert split_blob(blob)[1][3] == hashalg.encode()
    assert armor(blob) == armored  # the same text, byte for byte
    key = verify(MESSAGE, blob, NS)
    assert key == pub(keys[kind]) and key != pub(keys["other"])
    with pytest.raises(BadSignature):
        verify(MESSAGE + b" ", blob, NS)


@pytest.mark.parametrize("kind", ["ed25519", "rsa"])
def test_deterministic_signatures_equal_ssh_keygens(
    kind: str, keys: dict[str, Path], tmp_path: Path
) -> None:
    """Ed25519 and RSA PKCS#1 v1.5 signatures are deterministic: ours must be the same text."""
    (tmp_path / "message").write_bytes(MESSAGE)
    theirs = ssh_keygen_sign(keys[kind], tmp_path / "message")
    assert armor(sign(MESSAGE, FileSigner(keys[kind]), NS)) == theirs
    if kind == "rsa":
        assert first_string(split_blob(dearmor(theirs))[1][4]) == b"rsa-sha2-512"


def test_armor_wraps_at_70_columns(keys: dict[str, Path]) -> None:
    text = armor(sign(MESSAGE, FileSigner(keys["rsa"]), NS))
    lines = text.splitlines()
    assert lines[0] == "-----BEGIN SSH SIGNATURE-----" and text.endswith("SIGNATURE-----\n")
    assert {len(line) for line in lines[1:-2]} == {70} and 0 < len(lines[-2]) <= 70
    assert dearmor(text.replace("\n", "\r\n")) == dearmor(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "-----BEGIN SSH SIGNATURE-----\n-----END SSH SIGNATURE-----\n",
        "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH!!\n-----END SSH SIGNATURE-----\n",
        "-----BEGIN PGP SIGNATURE-----\nU1NIU0lH\n-----END PGP SIGNATURE-----\n",
    ],
)
def test_dearmor_refuses_what_is_not_an_armored_signature(text: str) -> None:
    with pytest.raises(BadSignature):
        dearmor(text)


# -- tampering -------------------------------------------------------------------------------


def test_changed_message_or_namespace_is_refused(keys: dict[str, Path]) -> None:
    blob = sign(MESSAGE, FileSigner(keys["ed25519"]), NS)
    assert verify(MESSAGE, blob, NS) == pub(keys["ed25519"])
    with pytest.raises(BadSignature):
        verify(MESSAGE.replace(b"anna", b"anne"), blob, NS)
    with pytest.raises(BadSignature, match="namespace"):
        verify(MESSAGE, blob, "git")
    version, fields = split_blob(blob)  # the namespace rewritten in the blob too
    with pytest.raises(BadSignature, match="does not match"):
        verify(MESSAGE, join_blob(version, [fields[0], b"git", *fields[2:]]), "git")


@pytest.mark.parametrize("kind", KINDS)
def test_every_flipped_byte_is_refused(kind: str, keys: dict[str, Path]) -> None:
    blob = sign(MESSAGE, FileSigner(keys[kind]), NS)
    for i in range(len(blob)):
        for flip in (0x01, 0x80):
            changed = blob[:i] + bytes([blob[i] ^ flip]) + blob[i + 1 :]
            with pytest.raises(BadSignature):
                verify(MESSAGE, changed, NS)
    for cut in (0, 6, 10, len(blob) // 2, len(blob) - 1):
        with pytest.raises(BadSignature):
            verify(MESSAGE, blob[:cut], NS)
    with pytest.raises(BadSignature, match="trailing"):
        verify(MESSAGE, blob + b"\0", NS)


def test_another_keys_signature_spliced_in_is_refused(keys: dict[str, Path]) -> None:
    ours = split_blob(sign(MESSAGE, FileSigner(keys["ed25519"]), NS))[1]
    theirs = split_blob(sign(MESSAGE, FileSigner(keys["other"]), NS))[1]
    for fields in ([ours[0], *theirs[1:]], [theirs[0], *ours[1:]]):
        with pytest.raises(BadSignature, match="does not match"):
            verify(MESSAGE, join_blob(1, fields), NS)
    rsa_fields = split_blob(sign(MESSAGE, FileSigner(keys["rsa"]), NS))[1]
    with pytest.raises(BadSignature, match="does not fit"):
        verify(MESSAGE, join_blob(1, [ours[0], *rsa_fields[1:]]), NS)


def test_a_short_rsa_signature_is_padded_as_openssh_does(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    """An RSA signature with its leading zero byte left out (some signers do) is accepted, by
    ssh-keygen and by us; one byte too long is not."""
    signer = FileSigner(keys["rsa"])
    for n in range(5000):  # about 1 in 256 signatures starts with a zero byte
        message = b"%d" % n
        version, fields = split_blob(sign(message, signer, NS))
        sig_type, raw = strings(fields[4])
        if raw[0] == 0:
            break
    else:
        pytest.fail("no RSA signature with a leading zero byte")
    short = join_blob(version, [*fields[:4], ssh_string(sig_type) + ssh_string(raw[1:])])
    assert verify(message, short, NS) == signer.public_key
    assert ssh_keygen_verify(tmp_path, message, armor(short), signer.public_key).returncode == 0
    long = join_blob(version, [*fields[:4], ssh_string(sig_type) + ssh_string(b"\0" + raw)])
    with pytest.raises(BadSignature):
        verify(message, long, NS)


def test_a_negative_ecdsa_integer_is_refused_as_by_openssh(
    keys: dict[str, Path], tmp_path: Path
) -> None:
    """r with its top bit set is written with a leading zero byte; without it, it is a negative
    mpint, which ssh-keygen refuses, and so do we."""
    signer = FileSigner(keys["ecdsa"])
    for n in range(200):  # r has its top bit set in about half the signatures
        message = b"%d" % n
        version, fields = split_blob(sign(message, signer, NS))
        sig_type, raw = strings(fields[4])
        r, s = strings(raw)
        if r[0] == 0:
            break
    else:
        pytest.fail("no ECDSA signature whose r has its top bit set")
    negative = ssh_string(sig_type) + ssh_string(ssh_string(r[1:]) + ssh_string(s))
    blob = join_blob(version, [*fields[:4], negative])
    assert ssh_keygen_verify(tmp_path, message, armor(blob), signer.public_key).returncode
    with pytest.raises(BadSignature):
        verify(message, blob, NS)


def test_version_and_hash_algorithm_are_checked(keys: dict[str, Path]) -> None:
    version, fields = split_blob(sign(MESSAGE, FileSigner(keys["ed25519"]), NS))
    with pytest.raises(BadSignature, match="version 2"):
        verify(MESSAGE, join_blob(2, fields), NS)
    for name in (b"sha1", b"md5", b"sha384", b""):
        with pytest.raises(BadSignature, match="hash algorithm"):
            verify(MESSAGE, join_blob(version, [*fields[:3], name, fields[4]]), NS)
    with pytest.raises(BadSignature, match="not an SSH signature"):
        verify(MESSAGE, b"SSHSIX" + join_blob(version, fields)[6:], NS)


# -- ssh-agent -------------------------------------------------------------------------------


@pytest.fixture
def agent() -> Iterator[str]:
    """A private ssh-agent for one test (a short socket path: UNIX sockets allow ~100 bytes);
    killed by its pid afterwards, whatever the test did."""
    with tempfile.TemporaryDirectory(prefix="sshsig-") as folder:
        socket_path = os.path.join(folder, "agent.sock")
        process = subprocess.Popen(
            ["ssh-agent", "-D", "-a", socket_path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while not os.path.exists(socket_path):
                assert process.poll() is None and time.monotonic() < deadline, "no ssh-agent"
                time.sleep(0.02)
            yield socket_path
        finally:
            process.kill()
            process.wait(timeout=10)


def ssh_add(socket_path: str, key: Path) -> None:
    env = {**os.environ, "SSH_AUTH_SOCK": socket_path}
    subprocess.run(["ssh-add", key], env=env, check=True, capture_output=True)


def test_agent_lists_its_keys_and_signs(agent: str, keys: dict[str, Path], tmp_path: Path) -> None:
    assert agent_keys(agent) == []
    for kind in KINDS:
        ssh_add(agent, keys[kind])
    listed = agent_keys(agent)
    assert listed == [pub(keys[kind]) for kind in KINDS]
    assert [key.comment for key in listed] == [f"{kind}@test" for kind in KINDS]
    for key in listed:
        blob = sign(MESSAGE, AgentSigner(key, agent), NS)
        done = ssh_keygen_verify(tmp_path, MESSAGE, armor(blob), key)
        assert done.returncode == 0, done.stderr
        assert verify(MESSAGE, blob, NS) == key
        if key.type == "ssh-rsa":  # the agent was asked for SHA-512, not SHA-1
            assert first_string(split_blob(blob)[1][4]) == b"rsa-sha2-512"
    ed25519 = pub(keys["ed25519"])  # deterministic: the agent and the file sign alike
    assert sign(MESSAGE, AgentSigner(ed25519, agent), NS) == sign(
        MESSAGE, FileSigner(keys["ed25519"]), NS
    )


def test_agent_without_the_key_or_without_an_agent(
    agent: str, keys: dict[str, Path], tmp_path: Path
) -> None:
    ssh_add(agent, keys["ed25519"])
    other = pub(keys["other"])
    with pytest.raises(
        SigningError, match=re.escape(f"refused signing with {other.fingerprint}")
    ) as err:
        sign(MESSAGE, AgentSigner(other, agent), NS)
    assert err.value.path == agent and isinstance(err.value, I18nError)
    missing = str(tmp_path / "no-agent.sock")
    with pytest.raises(SigningError, match="cannot talk to the ssh-agent") as err:
        agent_keys(missing)
    assert str(err.value).startswith(missing + ": ")


@pytest.mark.parametrize(
    "reply",
    [
        b"",  # closed without a word
        b"\0\0",  # half a length
        (1 << 20).to_bytes(4, "big"),  # a length past the limit
        ssh_string(b"\x05"),  # SSH_AGENT_FAILURE
        ssh_string(b"\x0c" + (1).to_bytes(4, "big")),  # one key announced, none sent
        ssh_string(b"\x0c\0\0"),  # no key count
    ],
)
def test_a_broken_agent_reply_is_a_signing_error(reply: bytes) -> None:
    with tempfile.TemporaryDirectory(prefix="sshsig-") as folder:
        socket_path = os.path.join(folder, "fake.sock")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
            server.bind(socket_path)
            server.listen(1)

            def answer() -> None:
                connection, _ = server.accept()
                with connection:
                    connection.recv(1024)
                    connection.sendall(reply)

            thread = threading.Thread(target=answer, daemon=True)
            thread.start()
            with pytest.raises(SigningError, match="ssh-agent") as err:
                agent_keys(socket_path, timeout=10)
            thread.join(timeout=10)
    assert err.value.path == socket_path


# -- FileSigner errors -----------------------------------------------------------------------


def test_file_signer_errors_name_the_key_file(keys: dict[str, Path], tmp_path: Path) -> None:
    cases = [
        (tmp_path / "missing", None, "cannot read"),
        (tmp_path, None, "cannot read"),  # a folder
        (keys["ed25519"].with_suffix(".pub"), None, "not an OpenSSH private key"),
        (keys["locked"], None, "needs a passphrase"),
        (keys["locked"], b"wrong", "wrong passphrase"),
    ]
    for path, passphrase, reason in cases:
        with pytest.raises(SigningError, match=reason) as err:
            FileSigner(path, passphrase)
        assert str(err.value).startswith(f"{path}: ")


def test_file_signer_with_the_right_passphrase(keys: dict[str, Path], tmp_path: Path) -> None:
    signer = FileSigner(keys["locked"], b"correct horse")
    assert signer.public_key == pub(keys["locked"])
    assert "correct horse" not in repr(signer) and signer.public_key.fingerprint in repr(signer)
    armored = armor(sign(MESSAGE, signer, NS))
    assert ssh_keygen_verify(tmp_path, MESSAGE, armored, signer.public_key).returncode == 0
    # a passphrase given for a key that has none is not in the way
    assert FileSigner(keys["ed25519"], b"unneeded").public_key == pub(keys["ed25519"])


def test_sign_needs_a_namespace(keys: dict[str, Path]) -> None:
    with pytest.raises(ValueError, match="namespace"):
        sign(MESSAGE, FileSigner(keys["ed25519"]), "")


# -- public keys -----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [*KINDS, "other"])
def test_public_key_matches_ssh_keygen(kind: str, keys: dict[str, Path]) -> None:
    pub_file = keys[kind].with_suffix(".pub")
    listing = subprocess.run(
        ["ssh-keygen", "-l", "-E", "sha256", "-f", pub_file], check=True, capture_output=True
    )
    key_type, data, comment = pub_file.read_text().split()
    key = PublicKey.parse(pub_file.read_text())
    assert key.fingerprint == listing.stdout.split()[1].decode()
    assert key.blob == base64.b64decode(data) and key.line == f"{key_type} {data}"
    assert key.type == key_type and key.comment == comment
    assert key == PublicKey.parse(f"  {key_type} {data}  \n") == PublicKey(key.blob)
    assert len({key, PublicKey.parse(f"{key_type} {data} another comment")}) == 1
    assert key != pub(keys["other" if kind != "other" else "ed25519"])


def test_bad_public_key_lines_are_refused(keys: dict[str, Path]) -> None:
    key_type, data, _ = keys["ed25519"].with_suffix(".pub").read_text().split()
    blob = base64.b64decode(data)
    rsa_data = keys["rsa"].with_suffix(".pub").read_text().split()[1]
    small_rsa = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    small = small_rsa.public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH
    )
    bad = {
        "": "expected",
        key_type: "expected",
        f"{key_type} {data[:-4]}": "invalid|truncated",
        f"{key_type} {data}!": "not base64",
        f"{key_type} {base64.b64encode(blob + b'x').decode()}": "invalid",
        f"{key_type} {base64.b64encode(blob[:-1]).decode()}": "invalid|truncated",
        f"ssh-rsa {data}": "does not match",
        f"{key_type} {rsa_data}": "does not match",
        f"ssh-dss {data}": "unsupported key type",
        f"sk-ssh-ed25519@openssh.com {data}": "unsupported key type",
        f'from="10.0.0.1" {key_type} {data}': "unsupported key type",
        f"{key_type} {data} a\n{key_type} {data} b": "more than one line",
        small.decode(): "1024 bits",
    }
    rsa_type, exponent, modulus = strings(base64.b64decode(rsa_data))
    for e, n in [(b"\0" + exponent, modulus), (exponent, b"\0" + modulus)]:  # not minimal
        wire = ssh_string(rsa_type) + ssh_string(e) + ssh_string(n)
        bad[f"ssh-rsa {base64.b64encode(wire).decode()}"] = "invalid"
    for line, reason in bad.items():
        with pytest.raises(ValueError, match=reason):
            PublicKey.parse(line)


def test_allowed_signers_line_refuses_patterns(keys: dict[str, Path]) -> None:
    key = pub(keys["ed25519"])
    assert allowed_signers_line("anna.keller@example.com", key, NS) == (
        f'anna.keller@example.com namespaces="{NS}" {key.line}'
    )
    for principal, namespace in [("*", NS), ("a,b", NS), ("a b", NS), ("", NS), ("a", 'x",y')]:
        with pytest.raises(ValueError):
            allowed_signers_line(principal, key, namespace)


def test_allowed_signers_namespace_restriction_holds(keys: dict[str, Path], tmp_path: Path) -> None:
    """A key listed for one namespace is refused by ssh-keygen for another, even with a good
    signature in that other namespace: the line's namespaces= option is in force."""
    signer = FileSigner(keys["ed25519"])
    armored = armor(sign(MESSAGE, signer, "git"))
    assert verify(MESSAGE, dearmor(armored), "git") == signer.public_key
    assert ssh_keygen_verify(tmp_path, MESSAGE, armored, signer.public_key, "git").returncode
