"""Which key signed each ledger line, as this machine verified it before
(``.cache/i18n/verified/<locale>.json``): a command verifies only the lines it has not.

What the record keeps is the cryptographic verdict alone, and only when it is positive: a
line's digest (SHA-256 of its bytes, :attr:`i18n.formats.ledger.Line.digest`) -> the public
key whose valid SSHSIG signature (namespace ``i18n-ledger``) the line carries. The line's
bytes decide that verdict and nothing else does, so the record does not depend on
people.yaml or the settings: whether the key is the named signer's, a sample key, whether
the person held the role on the day, four eyes and the chain are decided afresh on every
run from the key (:mod:`i18n.pipeline.signoff`; it is cheap). A line whose signature did not
verify is not kept, and is verified again next time. The record is kept under the verifying
code's key (:func:`i18n.formats.runcache.code_key`): changed code starts afresh.

The record is *sealed* (:meth:`i18n.formats.runcache.RunRecord.load_sealed`) with this
machine user's cache key, kept outside the project (:mod:`i18n.formats.localkey`): whoever
can write the project, and so its git-ignored ``.cache/``, cannot add a line to it, nor
change a line's key; a record that is not sealed by the key is empty, and every line is
verified as if there were none. Without a trustworthy key the record is neither read nor
written. ``i18n check`` uses it too: it only vouches for this machine user's own earlier
verification (a CI runner has no record, so its check verifies every line).
"""

from __future__ import annotations

import contextlib
from functools import cache

from i18n.formats.ledger import Ledger
from i18n.formats.runcache import RunRecord, code_key
from i18n.formats.sshsig import PublicKey, public_key
from i18n.project import Project

LIBRARIES = ("cryptography",)


@cache
def verifying_code() -> str:
    """The key of the record: this package's code and the crypto library's version."""
    return code_key("verified", LIBRARIES)


class Signatures:
    """The keys that signed a ledger's lines, by line digest (see the module's doc)."""

    def __init__(self, record: RunRecord | None = None) -> None:
        self.record = record
        self.known: dict[str, str] = {}  # line digest -> key (``type base64``)
        self.new: dict[str, str] = {}
        if record is not None:
            self.known = _by_digest(record.entries)

    @classmethod
    def open(cls, project: Project, locale: str) -> Signatures:
        """The project's record for ``locale`` (empty without this machine's cache key)."""
        path = project.cache_dir / "verified" / f"{locale}.json"
        return cls(RunRecord.load_sealed(path, verifying_code(), project.root))

    def key(self, digest: str) -> PublicKey | None:
        """The key whose valid signature the line ``digest`` carries, if verified before."""
        line = self.known.get(digest) or self.new.get(digest)
        if line is None:
            return None
        try:
            return public_key(line)
        except ValueError:  # a key this code no longer accepts: verify the line again
            return None

    def knows(self, digest: str) -> bool:
        """Whether the line ``digest`` was verified before (see :meth:`key`)."""
        return digest in self.known or digest in self.new

    def add(self, digest: str, key: PublicKey) -> None:
        """Line ``digest`` carries a valid signature by ``key`` (just verified)."""
        self.new[digest] = key.line

    def save(self, ledger: Ledger) -> None:
        """Write the record when lines were verified since it was read: the keys of the
        ledger's lines as it is now (a line no longer in it is dropped)."""
        if self.record is None or not self.new:
            return
        both = {**self.known, **self.new}
        entries: dict[str, list[str]] = {}
        for line in ledger.lines:
            key = both.get(line.digest)
            if key is not None:
                entries.setdefault(key, []).append(line.digest)
        with contextlib.suppress(OSError):  # a read-only checkout verifies every time
            self.record.save({key: sorted(set(digests)) for key, digests in entries.items()})
        self.known, self.new = both, {}


def _by_digest(entries: dict[str, object]) -> dict[str, str]:
    """The record's ``{key: [line digest, ...]}`` turned around (nothing if malformed)."""
    out: dict[str, str] = {}
    for key, digests in entries.items():
        if not isinstance(digests, list) or not all(isinstance(d, str) for d in digests):
            return {}
        out.update(dict.fromkeys(digests, key))
    return out
