"""Copies benchmark: size and time of traceable / signed / encrypted copies vs mark-only ones,
and how often ``trace`` names the right copy.

Run: ``.venv/bin/python benchmarks/copies_bench.py [--copies N] [--rounds R]`` (``make bench``).
Prints a Markdown report (the source of benchmarks/COPIES.md). Everything in one process,
``--jobs 1``, the base PDF rendered once and shared, variants alternated round by round; the
baseline is *mark only*: the visible stamp without the trace dots (editions before issue 16).
The signing key is a throw-away EC P-256 key under a throw-away CA made here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def throwaway_key(folder: Path):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    from briefbook.distribute.signing import load_key

    now = dt.datetime.now(dt.timezone.utc)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench root")])
    usage = x509.KeyUsage(True, True, False, False, False, False, False, False, False)
    cert = (x509.CertificateBuilder().subject_name(
        x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "bench signer")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30)).add_extension(usage, critical=True)
        .sign(ca_key, hashes.SHA256()))
    p12 = folder / "bench.p12"
    p12.write_bytes(pkcs12.serialize_key_and_certificates(
        b"bench", key, cert, None, serialization.BestAvailableEncryption(b"pw")))
    return load_key(p12, b"pw")


def variants(key, folder: Path):
    from briefbook.distribute.finish import CopyFinish
    from briefbook.distribute.signing import CopyProtection

    class MarkOnly(CopyFinish):
        def under(self, copy, width_pt, height_pt):
            return b"", {}

    return {
        "mark only (baseline)": lambda: MarkOnly.new(),
        "traceable (default)": lambda: CopyFinish.new(),
        "traceable + signed": lambda: CopyFinish.new(CopyProtection(key)),
        "traceable + encrypted": lambda: CopyFinish.new(CopyProtection(encrypt=True),
                                                        folder / "pw.csv"),
        "traceable + signed + encrypted": lambda: CopyFinish.new(
            CopyProtection(key, encrypt=True), folder / "pw.csv"),
    }


def measure(brief: Path, base: bytes, copies: int, rounds: int, key, folder: Path) -> list[str]:
    from briefbook.distribute.editions import Reader, make_editions

    readers = [Reader(f"读者{i}", i) for i in range(1, copies + 1)]
    made = variants(key, folder)
    make_editions(brief, readers[:1], folder / f"warm-{brief.stem}", base=base)  # parse base once
    times: dict[str, list[float]] = {name: [] for name in made}
    sizes: dict[str, float] = {}
    for round_ in range(rounds):
        order = list(made.items()) if round_ % 2 == 0 else list(made.items())[::-1]
        for name, finish in order:
            out = folder / f"{brief.stem}-{round_}-{len(times[name])}-{abs(hash(name))}"
            start = time.perf_counter()
            entries = make_editions(brief, readers, out, base=base, finish=finish())
            times[name].append(time.perf_counter() - start)
            sizes[name] = statistics.mean((out / e["file"]).stat().st_size for e in entries)
    base_t = statistics.median(times["mark only (baseline)"])
    base_s = sizes["mark only (baseline)"]
    lines = [f"### {brief.name}: {copies} copies, {rounds} rounds, base PDF {len(base) / 1024:.0f} KB",
             "", "| variant | mean copy size | vs mark only | editions time (median) | vs mark only |",
             "|---|---|---|---|---|"]
    for name in made:
        t = statistics.median(times[name])
        lines.append(f"| {name} | {sizes[name] / 1024:.1f} KB | {sizes[name] / base_s:.3f}× | "
                     f"{t:.2f} s | {t / base_t:.2f}× |")
    return lines + [""]


def trace_rates(brief: Path, base: bytes, copies: int, folder: Path) -> list[str]:
    import pypdfium2 as pdfium
    import pikepdf

    from briefbook.distribute.editions import Reader, make_editions
    from briefbook.distribute.trace import trace_file
    from briefbook.core.errors import BriefbookError

    out = folder / f"trace-{brief.stem}"
    entries = make_editions(brief, [Reader(f"读者{i}", i) for i in range(1, copies + 1)], out,
                            base=base)
    counts = {"PDF": [0, 0], "PDF, stamp + metadata removed": [0, 0], "JPEG q80, 150 dpi": [0, 0],
              "PNG, 150 dpi": [0, 0], "JPEG q80, 100 dpi": [0, 0], "JPEG q50, 150 dpi": [0, 0]}

    def attempt(kind: str, path: Path, copy: int) -> None:
        counts[kind][1] += 1
        try:
            counts[kind][0] += trace_file(path, out).entry["copy"] == copy
        except BriefbookError:
            pass

    for entry in entries:
        pdf_path = out / entry["file"]
        attempt("PDF", pdf_path, entry["copy"])
        stripped = folder / "stripped.pdf"
        with pikepdf.open(pdf_path) as pdf:
            for page in pdf.pages:
                ops = [(o, op) for o, op in pikepdf.parse_content_stream(page)
                       if not (str(op) == "Do" and o and str(o[0]) == "/BBStamp")]
                page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(ops))
            if "/Metadata" in pdf.Root:
                del pdf.Root.Metadata
            del pdf.trailer["/Info"]
            pdf.save(stripped)
        attempt("PDF, stamp + metadata removed", stripped, entry["copy"])
        document = pdfium.PdfDocument(str(pdf_path))
        for page in document:
            for dpi, kind, suffix, options in (
                    (150, "JPEG q80, 150 dpi", "jpg", {"quality": 80}),
                    (150, "PNG, 150 dpi", "png", {"compress_level": 1}),
                    (100, "JPEG q80, 100 dpi", "jpg", {"quality": 80}),
                    (150, "JPEG q50, 150 dpi", "jpg", {"quality": 50})):
                image = page.render(scale=dpi / 72).to_pil().convert("RGB")
                target = folder / f"page.{suffix}"
                image.save(target, **options)
                attempt(kind, target, entry["copy"])
        document.close()
    lines = [f"### trace on {brief.name}: {copies} copies × {entries[0]['pages']} page(s)", "",
             "| input | traced correctly |", "|---|---|"]
    lines += [f"| {kind} | {ok} / {n} ({100 * ok / n:.0f} %) |" for kind, (ok, n) in counts.items()]
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from briefbook.project import load_project
    from briefbook.render import Renderer

    renderer = Renderer(load_project(ROOT))
    sheet, book = ROOT / "briefs" / "summary-sheet.yaml", ROOT / "briefs" / "full-book.yaml"
    sheet_pdf, book_pdf = renderer.render(sheet), renderer.render(book)
    with tempfile.TemporaryDirectory(prefix="copies-bench-") as tmp:
        folder = Path(tmp)
        key = throwaway_key(folder)
        report = ["## Copies: trace dots, signing, encryption", ""]
        report += measure(sheet, sheet_pdf, args.copies, args.rounds, key, folder)
        report += measure(book, book_pdf, max(2, args.copies // 4), args.rounds, key, folder)
        report += trace_rates(sheet, sheet_pdf, args.copies, folder)
        report += trace_rates(book, book_pdf, 2, folder)
    print("\n".join(report))


if __name__ == "__main__":
    main()
