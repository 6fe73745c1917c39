"""SSH signatures (SSHSIG), as ``ssh-keygen -Y sign`` and git's SSH signing write them.

The format is OpenSSH's PROTOCOL.sshsig: a binary blob (magic, version, public key, namespace,
reserved, hash algorithm, signature), armored as base64 between BEGIN/END lines. The signature
covers ``"SSHSIG" || namespace || reserved || hash algorithm || H(message)``, each an SSH string.
Keys: Ed25519, ECDSA (NIST P-256/384/521) and RSA (at least 2048 bits, signing rsa-sha2-512).
A private key is read from a file or used through ssh-agent; it is never written anywhere.

>>> key = PublicKey.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8HGuCCmxtfmQzqtfTDnHzGQzsf"
...                       "Q8uFNmtzWPONXRJY anna@laptop")
>>> key.type, key.fingerprint
('ssh-ed25519', 'SHA256:0bgd0sTUgJybwsTfgRq0hz910ZVZpzUcHoqaalgdsWY')
>>> allowed_signers_line("anna.keller", key, "i18n-approval")[:55]
'anna.keller namespaces="i18n-approval" ssh-ed25519 AAAA'
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import functools
import hashlib
import re
import socket
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from i18n.errors import I18nError

MAGIC = b"SSHSIG"
VERSION = 1
SIGN_HASH = "sha512"
HASHES = {"sha512": hashlib.sha512, "sha256": hashlib.sha256}
BEGIN = "-----BEGIN SSH SIGNATURE-----"
END = "-----END SSH SIGNATURE-----"
ECDSA_HASH = {
    "ecdsa-sha2-nistp256": hashes.SHA256,
    "ecdsa-sha2-nistp384": hashes.SHA384,
    "ecdsa-sha2-nistp521": hashes.SHA512,
}
RSA_HASH = {"rsa-sha2-512": hashes.SHA512, "rsa-sha2-256": hashes.SHA256}  # never SHA-1
KEY_TYPES = ("ssh-ed25519", "ssh-rsa", *ECDSA_HASH)
RSA_MIN_BITS = 2048
# allowed_signers principals and namespaces are comma-separated patterns: no *?!," or spaces
NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]*")
# ssh-agent protocol (draft-miller-ssh-agent)
AGENT_FAILURE, AGENTC_REQUEST_IDENTITIES, AGENT_IDENTITIES_ANSWER = 5, 11, 12
AGENTC_SIGN_REQUEST, AGENT_SIGN_RESPONSE, AGENT_RSA_SHA2_512 = 13, 14, 4
AGENT_MAX_REPLY = 256 * 1024


class SigningError(I18nError):
    """No signature could be made: the key file or the agent (named as the path) failed."""


class BadSignature(Exception):
    """A signature that does not verify; ``reason`` says why."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _string(data: bytes) -> bytes:
    """An SSH wire string: uint32 length, then the bytes."""
    return struct.pack(">I", len(data)) + data


def _strings(*items: bytes) -> bytes:
    """SSH wire strings, one after another."""
    return b"".join(_string(item) for item in items)


def _mpint(n: int) -> bytes:
    """A non-negative SSH mpint: minimal big-endian, a leading zero byte if the top bit is set."""
    return _string(n.to_bytes((n.bit_length() + 8) // 8, "big") if n else b"")


def _read_strings(data: bytes, count: int | None = None) -> list[bytes]:
    """The SSH strings ``data`` is made of (exactly ``count`` if given); ValueError if bad."""
    found, pos = [], 0
    while pos < len(data) and (count is None or len(found) < count):
        size = int.from_bytes(data[pos : pos + 4], "big")
        found.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    if pos > len(data) or (count is not None and len(found) < count):
        raise ValueError("truncated data")
    if pos < len(data):
        raise ValueError("trailing data")
    return found


def _read_mpints(data: bytes, count: int) -> list[int]:
    """Non-negative SSH mpints; ValueError if bad."""
    raws = _read_strings(data, count)
    if any(raw and raw[0] & 0x80 for raw in raws):
        raise ValueError("negative integer")
    return [int.from_bytes(raw, "big") for raw in raws]


def _wire(key: Any) -> bytes:
    """The SSH wire encoding (blob) of a cryptography public key."""
    text = key.public_bytes(serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH)
    return base64.b64decode(text.split()[1])


@functools.lru_cache(maxsize=256)
def _load_blob(blob: bytes) -> tuple[str, Any]:
    """(key type, cryptography key) of a public key blob; refuses anything not canonical."""
    try:
        key_type = (_read_strings(blob) or [b""])[0].decode("ascii", "replace")
    except ValueError as e:
        raise ValueError(f"invalid key data ({e})") from e
    if key_type not in KEY_TYPES:
        raise ValueError(f"unsupported key type {key_type[:40]!r}")
    try:
        key = serialization.load_ssh_public_key(
            f"{key_type} {base64.b64encode(blob).decode()}".encode()
        )
    except (
        ValueError,
        UnsupportedAlgorithm,
        NotImplementedError,
    ) as e:  # e.g. an EC key sent as a compressed point, which cryptography does not load
        raise ValueError(f"invalid {key_type} key data") from e
    if _wire(key) != blob:
        raise ValueError(f"invalid {key_type} key data")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < RSA_MIN_BITS:
        raise ValueError(f"RSA key of {key.key_size} bits (at least {RSA_MIN_BITS} needed)")
    return key_type, key


@dataclass(frozen=True)
class PublicKey:
    """An OpenSSH public key, equal to another when their wire encodings (blobs) are equal."""

    blob: bytes
    comment: str = field(default="", compare=False)
    type: str = field(init=False, compare=False)
    key: Any = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        key_type, key = _load_blob(self.blob)
        object.__setattr__(self, "type", key_type)
        object.__setattr__(self, "key", key)

    @classmethod
    def parse(cls, line: str) -> PublicKey:
        """One ``type base64 [comment]`` line, as in a ``.pub`` file; ValueError if bad."""
        text = line.strip()
        if "\n" in text or "\r" in text:
            raise ValueError("more than one line")
        parts = text.split(None, 2)
        if len(parts) < 2:
            raise ValueError("expected 'key-type base64-data [comment]'")
        if parts[0] not in KEY_TYPES:
            raise ValueError(f"unsupported key type {parts[0][:40]!r}")
        try:
            blob = base64.b64decode(parts[1], validate=True)
        except binascii.Error as e:
            raise ValueError("key data is not base64") from e
        key = cls(blob, parts[2] if len(parts) > 2 else "")
        if key.type != parts[0]:
            raise ValueError(f"key type {parts[0]} does not match its data ({key.type})")
        return key

    @property
    def fingerprint(self) -> str:
        """``SHA256:...`` as ``ssh-keygen -l`` prints it."""
        digest = base64.b64encode(hashlib.sha256(self.blob).digest()).decode()
        return "SHA256:" + digest.rstrip("=")

    @functools.cached_property
    def line(self) -> str:
        """``type base64``, without the comment."""
        return f"{self.type} {base64.b64encode(self.blob).decode()}"


@functools.lru_cache(maxsize=256)
def blob_key(blob: bytes) -> PublicKey:
    """The key of a blob, made once (a ledger's lines carry a few keys many times)."""
    return PublicKey(blob)


@functools.lru_cache(maxsize=256)
def public_key(line: str) -> PublicKey:
    """:meth:`PublicKey.parse`, made once per line; ValueError if bad."""
    return PublicKey.parse(line)


class Signer(Protocol):
    """Makes SSH signatures (``string type || string signature``) with one key."""

    @property
    def public_key(self) -> PublicKey: ...

    def sign_data(self, data: bytes) -> bytes: ...


def _load_private_key(path: Path, passphrase: bytes | None) -> Any:
    """A cryptography private key from an OpenSSH private key file, or SigningError."""
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SigningError(f"cannot read the signing key: {e.strerror or e}", path) from e
    try:
        return serialization.load_ssh_private_key(data, passphrase)
    except TypeError as e:
        if passphrase is None:
            raise SigningError("the signing key needs a passphrase; none was given", path) from e
        return _load_private_key(path, None)  # a passphrase given for a key without one
    except UnsupportedAlgorithm as e:
        need = "; install the 'bcrypt' package" if "bcrypt" in str(e) else ""
        raise SigningError(f"cannot use the signing key ({e}){need}", path) from e
    except ValueError as e:
        if passphrase is not None and "checksum" in str(e):
            raise SigningError("wrong passphrase for the signing key", path) from e
        raise SigningError(f"not an OpenSSH private key ({e})", path) from e


class FileSigner:
    """Signs with an OpenSSH private key file (``ssh-keygen`` writes them)."""

    def __init__(self, path: str | Path, passphrase: bytes | None = None):
        self.path = Path(path)
        self._key = _load_private_key(self.path, passphrase)
        try:
            self.public_key = PublicKey(_wire(self._key.public_key()))
        except ValueError as e:
            raise SigningError(f"cannot sign with this key: {e}", self.path) from e

    def __repr__(self) -> str:
        return f"FileSigner({str(self.path)!r}, {self.public_key.fingerprint})"

    def sign_data(self, data: bytes) -> bytes:
        """Ed25519, ECDSA (r and s as mpints) or rsa-sha2-512."""
        key, key_type = self._key, self.public_key.type
        if isinstance(key, ed25519.Ed25519PrivateKey):
            return _strings(b"ssh-ed25519", key.sign(data))
        if isinstance(key, ec.EllipticCurvePrivateKey):
            r, s = decode_dss_signature(key.sign(data, ec.ECDSA(ECDSA_HASH[key_type]())))
            return _strings(key_type.encode(), _mpint(r) + _mpint(s))
        return _strings(b"rsa-sha2-512", key.sign(data, padding.PKCS1v15(), hashes.SHA512()))


def _agent_call(
    socket_path: str | Path, request: bytes, expect: int, what: str, timeout: float
) -> bytes:
    """Send one request to the ssh-agent; the payload of its reply, or SigningError."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(timeout)
            sock.connect(str(socket_path))
            sock.sendall(_string(request))
            with sock.makefile("rb") as stream:
                header = stream.read(4)
                length = struct.unpack(">I", header)[0] if len(header) == 4 else 0
                reply = stream.read(length) if 0 < length <= AGENT_MAX_REPLY else b""
    except OSError as e:
        raise SigningError(f"cannot talk to the ssh-agent: {e.strerror or e}", socket_path) from e
    if len(reply) != length or not reply:
        raise SigningError("the ssh-agent sent a broken reply", socket_path)
    if reply[0] != expect:
        how = "refused" if reply[0] == AGENT_FAILURE else f"sent message {reply[0]} for"
        raise SigningError(f"the ssh-agent {how} {what}", socket_path)
    return reply[1:]


def agent_keys(socket_path: str | Path, timeout: float = 10.0) -> list[PublicKey]:
    """The keys the agent holds, in its order; key types this module cannot use are left out."""
    request = bytes([AGENTC_REQUEST_IDENTITIES])
    reply = _agent_call(socket_path, request, AGENT_IDENTITIES_ANSWER, "listing keys", timeout)
    keys = []
    try:
        if len(reply) < 4:
            raise ValueError("truncated data")
        items = _read_strings(reply[4:], 2 * int.from_bytes(reply[:4], "big"))
        for blob, comment in zip(items[::2], items[1::2], strict=True):
            with contextlib.suppress(ValueError):
                keys.append(PublicKey(blob, comment.decode("utf-8", "replace")))
    except ValueError as e:
        raise SigningError(f"malformed key list from the ssh-agent: {e}", socket_path) from e
    return keys


class AgentSigner:
    """Signs through the ssh-agent listening at ``socket_path`` (``SSH_AUTH_SOCK``)."""

    def __init__(self, public_key: PublicKey, socket_path: str | Path, timeout: float = 60.0):
        self.public_key, self.socket_path, self.timeout = public_key, socket_path, timeout

    def sign_data(self, data: bytes) -> bytes:
        """Ask the agent; RSA keys ask for rsa-sha2-512."""
        flags = struct.pack(">I", AGENT_RSA_SHA2_512 if self.public_key.type == "ssh-rsa" else 0)
        request = bytes([AGENTC_SIGN_REQUEST]) + _strings(self.public_key.blob, data) + flags
        what = f"signing with {self.public_key.fingerprint} (is it added with ssh-add?)"
        reply = _agent_call(self.socket_path, request, AGENT_SIGN_RESPONSE, what, self.timeout)
        try:
            [signature] = _read_strings(reply, 1)
        except ValueError as e:
            raise SigningError(
                f"malformed signature from the ssh-agent: {e}", self.socket_path
            ) from e
        return signature


def _signed_data(namespace: bytes, reserved: bytes, hash_algorithm: str, message: bytes) -> bytes:
    """What the key signs: the message's hash wrapped with namespace and hash algorithm."""
    digest = HASHES[hash_algorithm](message).digest()
    return MAGIC + _strings(namespace, reserved, hash_algorithm.encode(), digest)


def _check_signature(key: PublicKey, data: bytes, signature: bytes) -> None:
    """BadSignature unless ``signature`` (type and bytes) is ``key``'s over ``data``."""
    try:
        sig_name, raw = _read_strings(signature, 2)
    except ValueError as e:
        raise BadSignature(f"malformed signature field: {e}") from e
    sig_type = sig_name.decode("ascii", "replace")
    public = key.key
    try:
        if isinstance(public, ed25519.Ed25519PublicKey) and sig_type == "ssh-ed25519":
            public.verify(raw, data)
        elif isinstance(public, ec.EllipticCurvePublicKey) and sig_type == key.type:
            r, s = _read_mpints(raw, 2)
            public.verify(encode_dss_signature(r, s), data, ec.ECDSA(ECDSA_HASH[sig_type]()))
        elif isinstance(public, rsa.RSAPublicKey) and sig_type in RSA_HASH:
            size = (public.key_size + 7) // 8  # OpenSSH pads a short signature the same way
            public.verify(raw.rjust(size, b"\0"), data, padding.PKCS1v15(), RSA_HASH[sig_type]())
        else:
            raise BadSignature(f"a {sig_type[:40]!r} signature does not fit a {key.type} key")
    except (InvalidSignature, ValueError) as e:
        raise BadSignature("the signature does not match the message and key") from e


def sign(message: bytes, signer: Signer, namespace: str) -> bytes:
    """The binary SSHSIG blob of ``message`` (sha512) in ``namespace``, checked before return."""
    if not namespace:
        raise ValueError("an SSH signature needs a namespace")
    ns = namespace.encode()
    data = _signed_data(ns, b"", SIGN_HASH, message)
    signature = signer.sign_data(data)
    try:
        _check_signature(signer.public_key, data, signature)
    except BadSignature as e:
        raise SigningError(f"the signer made a signature that does not verify: {e.reason}") from e
    fields = _strings(signer.public_key.blob, ns, b"", SIGN_HASH.encode(), signature)
    return MAGIC + struct.pack(">I", VERSION) + fields


def verify(message: bytes, blob: bytes, namespace: str) -> PublicKey:
    """The key whose signature ``blob`` is over ``message`` in ``namespace``, or BadSignature.

    Whether that key may sign is the caller's decision.
    """
    if blob[: len(MAGIC)] != MAGIC or len(blob) < 10:
        raise BadSignature("not an SSH signature")
    try:
        key_blob, ns, reserved, hash_name, signature = _read_strings(blob[10:], 5)
    except ValueError as e:
        raise BadSignature(f"malformed SSH signature: {e}") from e
    version = int.from_bytes(blob[6:10], "big")
    if version != VERSION:
        raise BadSignature(f"unsupported SSH signature version {version}")
    if ns != namespace.encode():
        raise BadSignature(f"signed for namespace {ns[:60]!r}, not {namespace!r}")
    hash_algorithm = hash_name.decode("ascii", "replace")
    if hash_algorithm not in HASHES:
        raise BadSignature(f"unsupported hash algorithm {hash_algorithm[:40]!r}")
    try:
        key = blob_key(key_blob)
    except ValueError as e:
        raise BadSignature(f"unusable public key: {e}") from e
    _check_signature(key, _signed_data(ns, reserved, hash_algorithm, message), signature)
    return key


def armor(blob: bytes) -> str:
    """The ``-----BEGIN SSH SIGNATURE-----`` text of a blob, base64 wrapped at 70 columns."""
    text = base64.b64encode(blob).decode()
    return "\n".join([BEGIN, *(text[i : i + 70] for i in range(0, len(text), 70)), END]) + "\n"


def dearmor(text: str) -> bytes:
    """The blob inside an armored signature; BadSignature if it is not one."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 3 or lines[0] != BEGIN or lines[-1] != END:
        raise BadSignature("not an armored SSH signature")
    try:
        return base64.b64decode("".join(lines[1:-1]), validate=True)
    except binascii.Error as e:
        raise BadSignature("the armored SSH signature is not valid base64") from e


def allowed_signers_line(principal: str, key: PublicKey, namespace: str) -> str:
    """One line of an OpenSSH allowed_signers file, for ``ssh-keygen -Y verify -f``."""
    for what, value in (("principal", principal), ("namespace", namespace)):
        if not NAME_RE.fullmatch(value):
            raise ValueError(f"{what} {value!r}: only letters, digits and ._@+- are allowed")
    return f'{principal} namespaces="{namespace}" {key.line}'
