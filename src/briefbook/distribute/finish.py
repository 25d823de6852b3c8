"""What ``editions`` does to each copy besides the visible stamp: trace dots, signing, encryption.

Takes: a run key (fresh per run), optional ``CopyProtection`` (signing key, encryption) and,
with encryption, the passwords file's path. Gives: per copy, the content that draws its
trace dots under the page (``under``), the manifest fields (``trace`` code, ``signed``,
``encrypted``) and the in-place signing/encryption of the stamped file (``protect``). The
passwords file is staged and committed by ``editions`` itself, inside its staging folder.

Picklable: one instance travels with every worker task.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import check_writable_target
from briefbook.distribute import trace
from briefbook.distribute.signing import CopyProtection, check_passwords_target, protect_file


@dataclass
class CopyFinish:
    trace_key: bytes
    protection: CopyProtection = field(default_factory=CopyProtection)
    passwords: Path | None = None

    @classmethod
    def new(cls, protection: CopyProtection | None = None,
            passwords: Path | None = None) -> CopyFinish:
        protection = protection or CopyProtection()
        if protection.encrypt and passwords is None:
            raise BriefbookError("--encrypt needs --passwords FILE (where the reader passwords "
                                 "go; it must be outside the editions folder)")
        if passwords is not None and not protection.encrypt:
            raise BriefbookError("--passwords is only used with --encrypt")
        return cls(secrets.token_bytes(16), protection, passwords)

    def check(self, out_dir: Path) -> None:
        """Refuse (before any rendering) a passwords file that is a link, FIFO, device or
        folder (as for -o: never written through), or inside the editions folder."""
        if self.passwords is not None:
            check_writable_target(self.passwords)
            self.passwords = check_passwords_target(self.passwords, out_dir)

    def under(self, copy: int, width_pt: float, height_pt: float) -> tuple[bytes, dict]:
        code = trace.copy_code(self.trace_key, copy)
        return trace.dot_content(code, width_pt, height_pt), {"trace": trace.code_text(code)}

    def protect(self, path: Path) -> dict:
        return protect_file(path, self.protection) if self.protection else {}


__all__ = ["CopyFinish"]
