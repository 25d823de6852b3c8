"""What ``editions`` does to each copy besides the visible stamp: trace dots, signing, encryption.

Takes: a run key (fresh per run), optional ``CopyProtection`` (signing key, encryption) and,
with encryption, the passwords file's path. Gives: per copy, the content that draws its
trace dots under the page (``under``), the manifest fields (``trace`` code, ``signed``,
``encrypted``) and the in-place signing/encryption of the stamped file (``protect``); per run,
the passwords file staged with mode 0600 and moved in with the copies (``stage_secrets`` /
``commit_secrets``), or removed when the run fails (``discard_secrets``).

Picklable: one instance travels with every worker task.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from briefbook.distribute import trace
from briefbook.distribute.signing import (CopyProtection, check_passwords_target, protect_file,
                                          stage_passwords, take_passwords)
from briefbook.errors import BriefbookError


@dataclass
class CopyFinish:
    trace_key: bytes
    protection: CopyProtection = field(default_factory=CopyProtection)
    passwords: Path | None = None
    _staged: Path | None = field(default=None, repr=False)

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
        """Refuse a passwords file inside the editions folder (before any rendering)."""
        if self.passwords is not None:
            self.passwords = check_passwords_target(self.passwords, out_dir)

    def under(self, copy: int, width_pt: float, height_pt: float) -> tuple[bytes, dict]:
        code = trace.copy_code(self.trace_key, copy)
        return trace.dot_content(code, width_pt, height_pt), {"trace": trace.code_text(code)}

    def protect(self, path: Path) -> dict:
        return protect_file(path, self.protection) if self.protection else {}

    def stage_secrets(self, entries: list[dict], out_dir: Path) -> Path | None:
        rows = take_passwords(entries)  # always: passwords never reach editions.json
        if not self.protection.encrypt:
            return None
        self.check(out_dir)
        self._staged = stage_passwords(self.passwords, rows)
        return self._staged

    def commit_secrets(self, staged: Path | None) -> None:
        if staged is not None:
            os.replace(staged, self.passwords)
            self._staged = None

    def discard_secrets(self) -> None:
        if self._staged is not None:
            with contextlib.suppress(FileNotFoundError):
                self._staged.unlink()
            self._staged = None


__all__ = ["CopyFinish"]
