"""Signed and encrypted copies: a PAdES signature (pyHanko) and AES-256 per-reader passwords.

Takes: a PKCS#12 key file and its password (``load_key``), a finished PDF. Gives: the PDF
signed with a PAdES baseline (B-B) signature over the whole file (``sign_file``), optionally
encrypted first with AES-256 (PDF 2.0 security handler, revision 6) under a fresh random
reader password (``protect_file``).

Order: encrypt, then sign. An incremental update cannot add encryption to a signed file
(encrypting rewrites every string and stream, which breaks the signed byte range), while
pyHanko signs an encrypted file in an incremental update using the file's own encryption, and
its validator checks that signature after opening the file with the password. The copy stays
one rewrite (the stamped, encrypted body) plus the signature's revision on top of it, so
cutting it at the first ``%%EOF`` still gives only a marked copy, never an unmarked book.

Bad input is refused before anything is rendered (``load_key``): a key or password file that
is not a regular file (a FIFO, a device) or is too large (both are read with
``fileio.read_bounded``), a wrong password or a file that is not PKCS#12, a certificate not
yet valid or expired, a certificate whose key usage does not include digitalSignature. The
key's password is read from a file
(``--sign-password-file``) or the ``BRIEFBOOK_SIGN_PASSWORD`` environment variable — never
from the command line, where other users of the machine could see it. Reader passwords are
returned to the caller, which writes them to a separate file (``write_passwords``, mode 0600);
they never go into a PDF, ``editions.json`` or the terminal.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from briefbook.core.errors import BriefbookError
from briefbook.core.fileio import read_bounded

if TYPE_CHECKING:
    from pyhanko.sign.signers import SimpleSigner

PASSWORD_ENV = "BRIEFBOOK_SIGN_PASSWORD"
SIGNATURE_FIELD = "BriefbookSignature"
MAX_KEY_FILE = 1 << 20  # a PKCS#12 file is a few KB; refuse anything absurd
MAX_PASSWORD_FILE = 64 << 10  # its first line is the password; a few bytes in practice


@dataclass(frozen=True)
class SigningKey:
    """A validated PKCS#12 key: picklable (bytes), so it can travel to worker processes."""

    p12: bytes
    password: bytes
    subject: str
    not_after: str

    def signer(self) -> SimpleSigner:
        # imported here: pyhanko costs ~0.5 s; only --sign needs it
        from pyhanko.sign import signers

        signer = signers.SimpleSigner.load_pkcs12_data(self.p12, other_certs=(),
                                                       passphrase=self.password or None)
        if signer is None:  # load_key checked this; a changed file would land here
            raise BriefbookError("the signing key could not be loaded")
        return signer


@dataclass(frozen=True)
class CopyProtection:
    """What to do to each copy after stamping: sign it, encrypt it, or both."""

    key: SigningKey | None = None
    encrypt: bool = False

    def __bool__(self) -> bool:
        return self.key is not None or self.encrypt


def read_password(password_file: Path | None) -> bytes:
    """The key password: the file's first line (trailing newline dropped), else the
    environment variable, else empty (an unprotected key file)."""
    if password_file is not None:
        # Bounded, and never a FIFO or device (/dev/zero would grow without end, a FIFO hang).
        text = read_bounded(Path(password_file), MAX_PASSWORD_FILE, "the key's password file",
                            hint="its first line is the password; give a regular file")
        return text.splitlines()[0] if text.strip() else b""
    return os.environ.get(PASSWORD_ENV, "").encode("utf-8")


def load_key(path: Path, password: bytes, *, now: dt.datetime | None = None) -> SigningKey:
    """Open and vet a PKCS#12 signing key; a ``BriefbookError`` says what is wrong."""
    # imported here: cryptography's X.509 and PKCS#12 cost ~0.1 s; only --sign needs them
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    path = Path(path)
    hint_pw = (f"put the password in a file and pass --sign-password-file FILE, or set "
               f"{PASSWORD_ENV}")
    # Bounded, and never a FIFO or device: /dev/zero would grow without end, a FIFO hang.
    data = read_bounded(path, MAX_KEY_FILE, "a PKCS#12 signing key (.p12/.pfx)",
                        hint="a PKCS#12 file is a few KB; give the .p12 file itself")
    try:
        key, cert, _others = pkcs12.load_key_and_certificates(data, password or None)
    except (ValueError, TypeError) as exc:
        raise BriefbookError("cannot open the signing key: wrong password, or not a PKCS#12 "
                             "(.p12/.pfx) file", where=str(path), hint=hint_pw) from exc
    if key is None or cert is None:
        raise BriefbookError("the PKCS#12 file holds no private key with its certificate",
                             where=str(path),
                             hint="export the key together with its certificate (.p12)")
    now = now or dt.datetime.now(dt.UTC)
    subject = cert.subject.rfc4514_string()
    if now < cert.not_valid_before_utc:
        raise BriefbookError(f"the certificate ({subject}) is not valid before "
                             f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC", where=str(path),
                             hint="check the machine's clock or use a current certificate")
    if now > cert.not_valid_after_utc:
        raise BriefbookError(f"the certificate ({subject}) expired on "
                             f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC", where=str(path),
                             hint="renew the certificate; signatures made with an expired "
                                  "certificate do not validate")
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.digital_signature:
        raise BriefbookError(f"the certificate ({subject}) is not for signing: its key usage "
                             "lacks digitalSignature", where=str(path),
                             hint="use a document-signing certificate (key usage "
                                  "digitalSignature, nonRepudiation)")
    return SigningKey(data, password, subject, cert.not_valid_after_utc.isoformat())


def key_from_options(key_file: Path | None, password_file: Path | None) -> SigningKey | None:
    """The CLI's ``--sign KEY.p12`` / ``--sign-password-file FILE``, vetted; None unsigned."""
    if key_file is None:
        if password_file is not None:
            raise BriefbookError("--sign-password-file is only used with --sign KEY.p12")
        return None
    return load_key(key_file, read_password(password_file))


def new_password() -> str:
    """A reader password: 20 characters from an unambiguous alphabet (~100 bits)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRTUVWXY346789"
    return "".join(secrets.choice(alphabet) for _ in range(20))


def encrypt_file(src: Path, dst: Path, user_password: str, owner_password: str) -> None:
    """Rewrite ``src`` as ``dst`` encrypted with AES-256 (R6); printing allowed, changes not."""
    # imported here: pikepdf (~0.1 s) is needed only with --encrypt
    import pikepdf

    with pikepdf.open(src) as pdf:
        permissions = pikepdf.Permissions(modify_annotation=False, modify_assembly=False,
                                          modify_form=False, modify_other=False)
        pdf.save(dst, encryption=pikepdf.Encryption(user=user_password, owner=owner_password,
                                                    R=6, aes=True, allow=permissions),
                 deterministic_id=False)


def sign_file(src: Path, dst: Path, key: SigningKey, *, password: str | None = None) -> None:
    """Write ``dst``: ``src`` plus an incremental PAdES B-B signature over the whole file.
    ``password`` opens an encrypted ``src`` (its owner password)."""
    # imported here: pyhanko costs ~0.5 s; only --sign needs it
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    meta = signers.PdfSignatureMetadata(field_name=SIGNATURE_FIELD, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason="briefbook edition")
    with open(src, "rb") as inf, open(dst, "wb") as outf:
        writer = IncrementalPdfFileWriter(inf, strict=False)
        if password is not None:
            writer.encrypt(password.encode("utf-8"))
        signers.PdfSigner(meta, signer=key.signer()).sign_pdf(writer, output=outf)


def protect_file(path: Path, protection: CopyProtection) -> dict:
    """Encrypt and/or sign the file at ``path`` in place (through temporary files beside it).

    Returns what the manifest and the passwords file need: ``signed``/``encrypted`` flags and,
    when encrypted, the ``password`` and ``owner_password`` (the caller keeps these out of the
    manifest)."""
    path = Path(path)
    info: dict = {}
    owner = None
    current = path
    made: list[Path] = []
    try:
        if protection.encrypt:
            user, owner = new_password(), new_password()
            current = _temp_beside(path, made)
            encrypt_file(path, current, user, owner)
            info.update(encrypted="AES-256", password=user, owner_password=owner)
        if protection.key is not None:
            signed = _temp_beside(path, made)
            sign_file(current, signed, protection.key, password=owner)
            current = signed
            info["signed"] = protection.key.subject
        if current != path:
            os.replace(current, path)
    finally:
        for tmp in made:
            with contextlib.suppress(FileNotFoundError):
                tmp.unlink()
    return info


def sign_bytes(pdf: bytes, key: SigningKey) -> bytes:
    """``pdf`` signed (for ``render --sign``)."""
    with tempfile.TemporaryDirectory(prefix="briefbook-sign-") as folder:
        src, dst = Path(folder) / "in.pdf", Path(folder) / "out.pdf"
        src.write_bytes(pdf)
        sign_file(src, dst, key)
        return dst.read_bytes()


def _temp_beside(path: Path, made: list[Path]) -> Path:
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    made.append(Path(name))
    return Path(name)


SECRET_KEYS = ("password", "owner_password")


def take_passwords(entries: list[dict]) -> list[dict]:
    """Remove the passwords from manifest entries; return them as rows for the passwords file."""
    rows = []
    for entry in entries:
        secret = {k: entry.pop(k) for k in SECRET_KEYS if k in entry}
        if secret:
            rows.append({"copy": entry["copy"], "name": entry["name"], "file": entry["file"],
                         **secret})
    return sorted(rows, key=lambda r: r["copy"])


def check_passwords_target(target: Path, out_dir: Path) -> Path:
    """The passwords file must not be inside the editions folder (which is handed out)."""
    target, out_dir = Path(target).resolve(), Path(out_dir).resolve()
    if target == out_dir or out_dir in target.parents:
        raise BriefbookError("the passwords file would be inside the editions folder, which is "
                             "what gets distributed", where=str(target),
                             hint="write it elsewhere, e.g. --passwords ~/private/passwords.csv")
    if target.is_dir():
        raise BriefbookError("is a folder; --passwords names a file", where=str(target))
    return target


def stage_passwords(target: Path, rows: list[dict]) -> Path:
    """Write the passwords CSV to a 0600 temporary file beside ``target``; the caller renames
    it into place (with the copies) or removes it."""
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["copy", "name", "file", "password", "owner_password"])
    for row in rows:
        out.writerow([row["copy"], row["name"], row["file"], row["password"],
                      row["owner_password"]])
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise BriefbookError(f"cannot write the passwords file ({exc.strerror})",
                             where=str(target)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:  # mkstemp: mode 0600
            handle.write(buf.getvalue())
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return Path(name)


__all__ = ["CopyProtection", "PASSWORD_ENV", "SigningKey", "load_key", "protect_file",
           "read_password", "sign_bytes", "sign_file", "stage_passwords", "take_passwords"]
