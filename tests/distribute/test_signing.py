"""Signed and encrypted copies, verified by pyHanko's own validator against a test CA."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from plugins.pki import ThrowawayCA, encipherment_only, expired_window
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError

from briefbook.core.errors import BriefbookError
from briefbook.distribute.editions import Reader, make_editions
from briefbook.distribute.finish import CopyFinish
from briefbook.distribute.signing import CopyProtection, load_key

KEY_PASSWORD = b"test key password"
READERS = [Reader("张三", 1), Reader("李四", 2), Reader("王五", 3)]


@pytest.fixture(scope="module")
def ca() -> ThrowawayCA:
    return ThrowawayCA.create()


@pytest.fixture(scope="module")
def key_file(ca, tmp_path_factory) -> Path:
    return ca.issue_p12(tmp_path_factory.mktemp("pki") / "signer.p12", KEY_PASSWORD)


def validate(data: bytes, ca: ThrowawayCA, password: str | None = None):
    """pyHanko's validation of the one signature in ``data``, the test CA as the only root."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    if password is not None:
        reader.decrypt(password.encode())
    assert len(reader.embedded_signatures) == 1
    context = ValidationContext(trust_roots=[ca.trust_root()])
    return validate_pdf_signature(reader.embedded_signatures[0], context)


def test_signed_copies_validate_and_cover_the_whole_file(tmp_path, ca, key_file, sheet_brief,
                                                        sheet_pdf):
    from pyhanko.sign.validation import SignatureCoverageLevel

    finish = CopyFinish.new(CopyProtection(load_key(key_file, KEY_PASSWORD)))
    entries = make_editions(sheet_brief, READERS, tmp_path, base=sheet_pdf, finish=finish)
    for entry in entries:
        data = (tmp_path / entry["file"]).read_bytes()
        status = validate(data, ca)
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert status.bottom_line
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
        assert "编辑部签章" in status.signing_cert.subject.human_friendly
        assert entry["signed"].startswith("O=briefbook test PKI") or "编辑部签章" in entry["signed"]
        text = PdfReader(io.BytesIO(data)).pages[0].extract_text()
        assert f"{entry['name']} 第{entry['copy']:03d}份" in text  # still the stamped copy
    # the test's own root is what makes it trusted: an empty trust store does not
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    reader = PdfFileReader(io.BytesIO((tmp_path / entries[0]["file"]).read_bytes()))
    untrusted = validate_pdf_signature(reader.embedded_signatures[0],
                                       ValidationContext(trust_roots=[]))
    assert untrusted.intact and not untrusted.trusted


def test_a_byte_changed_in_the_signed_range_fails_validation(tmp_path, ca, key_file,
                                                             sheet_brief, sheet_pdf):
    finish = CopyFinish.new(CopyProtection(load_key(key_file, KEY_PASSWORD)))
    entry = make_editions(sheet_brief, READERS[:1], tmp_path, base=sheet_pdf, finish=finish)[0]
    data = bytearray((tmp_path / entry["file"]).read_bytes())
    assert validate(bytes(data), ca).intact
    start = data.index(b"stream", 200) + 40  # inside the first stream's data: signed bytes
    signature_at = data.index(b"/ByteRange")
    assert start < signature_at
    data[start] ^= 0x01
    status = validate(bytes(data), ca)
    assert not status.intact and not status.bottom_line


def test_encrypted_signed_copies_open_only_with_their_password(tmp_path, ca, key_file,
                                                               sheet_brief, sheet_pdf):
    import pikepdf

    out, passwords = tmp_path / "out", tmp_path / "private" / "passwords.csv"
    finish = CopyFinish.new(CopyProtection(load_key(key_file, KEY_PASSWORD), encrypt=True),
                            passwords)
    entries = make_editions(sheet_brief, READERS, out, base=sheet_pdf, finish=finish)
    assert stat.S_IMODE(passwords.stat().st_mode) == 0o600
    rows = [line.split(",") for line in passwords.read_text(encoding="utf-8").splitlines()]
    assert rows[0] == ["copy", "name", "file", "password", "owner_password"]
    by_file = {row[2]: row for row in rows[1:]}
    assert sorted(by_file) == sorted(e["file"] for e in entries)
    manifest = (out / "editions.json").read_text(encoding="utf-8")
    for entry in entries:
        _copy, name, file, password, owner = by_file[entry["file"]]
        assert len(password) == 20 and password != owner
        data = (out / file).read_bytes()
        for secret in (password, owner):  # in neither the manifest nor any copy
            assert secret not in manifest
            assert all(secret.encode() not in (out / e["file"]).read_bytes() for e in entries)
        reader = PdfReader(io.BytesIO(data))
        assert reader.is_encrypted
        with pytest.raises(FileNotDecryptedError):
            reader.pages[0].extract_text()
        assert reader.decrypt("wrong password").value == 0
        reader = PdfReader(io.BytesIO(data))
        assert reader.decrypt(password).value == 1  # the user password
        assert f"{name} 第{entry['copy']:03d}份" in reader.pages[0].extract_text()
        with pytest.raises(pikepdf.PasswordError):
            pikepdf.open(io.BytesIO(data))
        with pikepdf.open(io.BytesIO(data), password=password) as pdf:
            info = pdf.encryption
            assert (info.R, info.bits) == (6, 256)  # AES-256, the PDF 2.0 handler
            assert info.stream_method.name == info.string_method.name == "aesv3"
        status = validate(data, ca, password=password)  # what the reader has
        assert status.intact and status.valid and status.trusted, status.pretty_print_details()
        assert entry["encrypted"] == "AES-256"
    assert json.loads(manifest)["outputs"][0].keys().isdisjoint({"password", "owner_password"})


def test_encrypted_copy_without_signing(tmp_path, sheet_brief, sheet_pdf):
    passwords = tmp_path / "pw.csv"
    finish = CopyFinish.new(CopyProtection(encrypt=True), passwords)
    entry = make_editions(sheet_brief, READERS[:1], tmp_path / "out", base=sheet_pdf,
                          finish=finish)[0]
    password = passwords.read_text(encoding="utf-8").splitlines()[1].split(",")[3]
    reader = PdfReader(tmp_path / "out" / entry["file"])
    assert reader.is_encrypted and reader.decrypt(password).value == 1
    assert "/Sig" not in str(reader.trailer["/Root"].get("/AcroForm", {}))
    assert "signed" not in entry


# --- bad input ---------------------------------------------------------------------------------

BRIEFBOOK = [sys.executable, "-m", "briefbook.cli"]


def run(*args, env=None):
    return subprocess.run([*BRIEFBOOK, *map(str, args)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, **(env or {})})


def _folder(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@pytest.fixture(scope="module")
def previous_run(tmp_path_factory, sheet_brief, sheet_pdf):
    """An editions folder from an earlier, good run; bad runs must leave it as it is."""
    folder = tmp_path_factory.mktemp("previous")
    make_editions(sheet_brief, READERS[:2], folder / "out", base=sheet_pdf)
    (folder / "readers.csv").write_text("name\n赵六\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("case, message", [
    ("wrong-password", "cannot open the signing key: wrong password"),
    ("expired", "expired on"),
    ("not-yet-valid", "is not valid before"),
    ("no-digital-signature", "is not for signing: its key usage lacks digitalSignature"),
    ("not-a-key", "not a PKCS#12"),
])
def test_bad_signing_keys_fail_before_anything_is_written(previous_run, ca, sheet_brief, case,
                                                          message):
    import datetime as dt

    from plugins.pki import NOW

    key = previous_run / f"{case}.p12"
    if case == "expired":
        ca.issue_p12(key, KEY_PASSWORD, **expired_window())
    elif case == "not-yet-valid":
        ca.issue_p12(key, KEY_PASSWORD, not_before=NOW + dt.timedelta(days=3))
    elif case == "no-digital-signature":
        ca.issue_p12(key, KEY_PASSWORD, usage=encipherment_only())
    elif case == "not-a-key":
        key.write_bytes(b"-----BEGIN CERTIFICATE-----\nnot really\n")
    else:
        ca.issue_p12(key, b"another password")
    out = previous_run / "out"
    before = _folder(out)
    env = {"BRIEFBOOK_SIGN_PASSWORD": KEY_PASSWORD.decode()}
    result = run("editions", sheet_brief, "--readers", previous_run / "readers.csv", "--out", out,
                 "--sign", key, env=env)
    assert result.returncode == 1, result.stderr
    assert message in result.stderr and str(key) in result.stderr
    assert "hint:" in result.stderr and "Traceback" not in result.stderr
    assert _folder(out) == before  # previous copies and manifest kept, nothing added
    if case in ("wrong-password", "expired"):  # render vets the key the same way (one call)
        target = previous_run / "book.pdf"
        result = run("render", sheet_brief, "-o", target, "--sign", key, env=env)
        assert result.returncode == 1 and message in result.stderr
        assert not target.exists()


def test_passwords_file_inside_the_editions_folder_is_refused(previous_run, sheet_brief):
    out = previous_run / "out"
    before = _folder(out)
    result = run("editions", sheet_brief, "--readers", previous_run / "readers.csv", "--out", out,
                 "--encrypt", "--passwords", out / "passwords.csv")
    assert result.returncode == 1
    assert "inside the editions folder" in result.stderr and "Traceback" not in result.stderr
    assert _folder(out) == before
    result = run("editions", sheet_brief, "--readers", previous_run / "readers.csv", "--out", out,
                 "--encrypt")
    assert result.returncode == 1 and "--encrypt needs --passwords" in result.stderr


def test_cli_signs_render_and_encrypts_editions_without_printing_passwords(tmp_path, ca,
                                                                             key_file,
                                                                             sheet_brief):
    password_file = tmp_path / "key-password.txt"
    password_file.write_bytes(KEY_PASSWORD + b"\n")
    book = tmp_path / "book.pdf"
    result = run("render", sheet_brief, "-o", book, "--sign", key_file,
                 "--sign-password-file", password_file)
    assert result.returncode == 0, result.stderr
    status = validate(book.read_bytes(), ca)
    assert status.bottom_line, status.pretty_print_details()

    readers = tmp_path / "readers.csv"
    readers.write_text("name\n张三\n李四\n", encoding="utf-8")
    passwords = tmp_path / "secret" / "passwords.csv"
    result = run("editions", sheet_brief, "--readers", readers, "--out", tmp_path / "out",
                 "--sign", key_file, "--sign-password-file", password_file, "--encrypt",
                 "--passwords", passwords, "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert str(passwords) in result.stdout and "0600" in result.stdout
    for row in passwords.read_text(encoding="utf-8").splitlines()[1:]:
        copy, _name, file, password, owner = row.split(",")
        assert password not in result.stdout + result.stderr
        assert owner not in result.stdout + result.stderr
        assert validate((tmp_path / "out" / file).read_bytes(), ca, password=password).bottom_line
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "editions.json", "summary-sheet-001.pdf", "summary-sheet-002.pdf"]


def test_wrong_key_password_in_process(key_file):
    with pytest.raises(BriefbookError, match="wrong password"):
        load_key(key_file, b"nope")
    assert load_key(key_file, KEY_PASSWORD).subject.startswith(("O=", "CN="))


def test_a_run_failing_while_signing_keeps_previous_copies_and_passwords(tmp_path, key_file,
                                                                          sheet_brief, sheet_pdf,
                                                                          monkeypatch):
    from briefbook.distribute import signing

    out, passwords = tmp_path / "out", tmp_path / "passwords.csv"
    key = load_key(key_file, KEY_PASSWORD)
    make_editions(sheet_brief, READERS, out, base=sheet_pdf,
                  finish=CopyFinish.new(CopyProtection(key, encrypt=True), passwords))
    before = _folder(out)
    old_passwords = passwords.read_bytes()
    calls = []
    real = signing.sign_file

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise BriefbookError("signing failed (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(signing, "sign_file", flaky)
    with pytest.raises(BriefbookError, match="simulated"):
        make_editions(sheet_brief, READERS, out, base=sheet_pdf,
                      finish=CopyFinish.new(CopyProtection(key, encrypt=True), passwords))
    assert _folder(out) == before  # old copies and manifest, no staging folder
    assert passwords.read_bytes() == old_passwords
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "passwords.csv"]
