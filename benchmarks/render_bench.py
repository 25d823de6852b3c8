"""Render benchmark: cold, warm, bare WeasyPrint, no-change build, editions, growth.

Run: ``.venv/bin/python benchmarks/render_bench.py [--runs N] [--quick]`` (``make bench``).
Prints a Markdown report (the source of benchmarks/RESULTS.md). Only public tools:
``time.perf_counter`` inside this process, ``resource.getrusage`` for peak memory, and new
processes timed from outside with ``perf_counter`` (plus their ``ru_maxrss``).

- cold: a NEW process running ``briefbook render BRIEF -o …``; chart cache warm (the usual
  case) and, separately, empty (matplotlib imported and charts drawn).
- warm: the 2nd+ ``Renderer.render`` in one process.
- bare: the SAME final HTML through ``HTML(string=…).write_pdf()`` with the same stylesheet,
  font configuration and URL fetcher, in this process — the baseline.
- build: ``briefbook build`` in a new process when nothing changed.
- editions: N stamped copies of the full book with ``--jobs 2`` (new process).
- growth: the full example's sections repeated ×1, ×4, ×8 (warm render, pages, time; ×16 is over the brief budgets of issue 14).
- fonts: cold renders of the full example with the bundled faces and, alternating in the same
  run, with the faces of the release before the plus/supplement faces (taken from git into a
  temporary folder, selected with ``BRIEFBOOK_FONTS_DIR``): time and PDF size ratios.
  ``--fonts-only`` runs just this part.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
BRIEF = ROOT / "briefs" / "full-book.yaml"
CLI = [sys.executable, "-m", "briefbook.cli"]


def median(values: list[float]) -> float:
    return statistics.median(values)


def spread(values: list[float]) -> str:
    return f"{median(values):.2f} s (min {min(values):.2f}, max {max(values):.2f}, n={len(values)})"


def run_process(args: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall seconds of a new process and its peak RSS in KB (from wait4's rusage).

    stderr goes to a temporary file, not a pipe: nobody reads a pipe while wait4 waits, so
    a child writing more than the pipe holds (64 KB) would block forever.
    """
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        err = stderr.read().decode(errors="replace")
    if proc.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{err}")
    return wall, usage.ru_maxrss


def machine() -> list[str]:
    import weasyprint

    hb = _c_version("libharfbuzz.so.0", "hb_version_string")
    mem_kb = int(next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal")))
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    subset = "yes" if _has_hb_subset() else "NO (fontTools fallback, much slower)"
    return [
        f"- CPU: {os.cpu_count()} cores ({cpu})",
        f"- RAM: {mem_kb / 1024 / 1024:.1f} GiB",
        f"- OS: {platform.platform()}",
        f"- Python {platform.python_version()}, WeasyPrint {weasyprint.__version__}, "
        f"Pango {_c_version('libpango-1.0.so.0', 'pango_version_string')}, "
        f"HarfBuzz {hb}, libharfbuzz-subset: {subset}",
    ]


def _c_version(library: str, function: str) -> str:
    import ctypes

    try:
        call = getattr(ctypes.CDLL(library), function)
    except (OSError, AttributeError):
        return "?"
    call.restype = ctypes.c_char_p
    return call().decode()


def _has_hb_subset() -> bool:
    import ctypes.util

    return ctypes.util.find_library("harfbuzz-subset") is not None


def bare_and_warm(brief: Path, runs: int) -> dict:
    """Warm renders and the bare-WeasyPrint baseline on the same HTML, interleaved."""
    from weasyprint import HTML

    from briefbook.core import resources
    from briefbook.project import load_project
    from briefbook.render import Renderer
    from briefbook.render.engine.pdf import weasyprint_warnings

    renderer = Renderer(load_project(ROOT))
    first_start = time.perf_counter()
    pdf = renderer.render(brief)
    first = time.perf_counter() - first_start
    book = renderer.book(brief)
    html = renderer.html(book)
    generated = renderer.charts(book)
    writer = renderer.writer

    def bare() -> bytes:
        writer.fetcher.generated = dict(generated)
        with weasyprint_warnings():
            return HTML(string=html, base_url=str(resources.TEMPLATES_DIR) + "/",
                        url_fetcher=writer.fetcher).write_pdf(
                stylesheets=writer.stylesheets, font_config=writer.font_config)

    warm, base = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = renderer.render(brief)
        warm.append(time.perf_counter() - start)
        start = time.perf_counter()
        bare_pdf = bare()
        base.append(time.perf_counter() - start)
    from pypdf import PdfReader
    import io

    return {"first": first, "warm": warm, "bare": base, "bytes": len(pdf),
            "pages": len(PdfReader(io.BytesIO(pdf)).pages), "same": bare_pdf == pdf,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def grown_brief(factor: int, folder: Path) -> Path:
    """The full example with its sections repeated ``factor`` times."""
    import yaml

    data = yaml.safe_load(BRIEF.read_text(encoding="utf-8"))
    sections = data.get("sections") or []
    grown = []
    for i in range(factor):
        for section in sections:
            copy = dict(section)
            if i and "heading" in copy:
                copy["heading"] = f"{copy['heading']}（{i + 1}）"
            if i and "id" in copy:
                copy["id"] = f"{copy['id']}-{i + 1}"
            grown.append(copy)
    data["sections"] = grown
    target = folder / f"grown-x{factor}.yaml"
    target.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return target


def growth(runs: int, factors=(1, 4, 8)) -> list[tuple[int, int, list[float]]]:
    from briefbook.project import load_project
    from briefbook.render import Renderer

    from pypdf import PdfReader
    import io

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        renderer = Renderer(load_project(ROOT))
        for factor in factors:
            brief = grown_brief(factor, Path(tmp))
            pdf = renderer.render(brief)  # warm-up
            times = []
            for _ in range(max(1, runs if factor < 8 else min(runs, 3))):
                start = time.perf_counter()
                renderer.render(brief)
                times.append(time.perf_counter() - start)
            rows.append((factor, len(PdfReader(io.BytesIO(pdf)).pages), times))
    return rows


def earlier_fonts(folder: Path) -> str:
    """Write the four faces of the release before ``charsets.json`` existed into ``folder``."""
    added = subprocess.run(["git", "log", "--format=%H", "--diff-filter=A", "-1", "--",
                            "assets/fonts/charsets.json"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.strip()
    if not added:
        raise SystemExit("cannot find the commit that added assets/fonts/charsets.json")
    from briefbook.core.fonts import FACES

    folder.mkdir(parents=True, exist_ok=True)
    for face in FACES:
        data = subprocess.run(["git", "show", f"{added}^:assets/fonts/{face}"], cwd=ROOT,
                              capture_output=True, check=True).stdout
        (folder / face).write_bytes(data)
    return added[:10] + "^"


def fonts_side_by_side(runs: int, out: Path, env: dict) -> list[str]:
    """Cold renders with the bundled faces vs the earlier faces, alternating."""
    from briefbook.core.fonts import face_files

    old_dir = out / "earlier-fonts"
    rev = earlier_fonts(old_dir)
    old_env = {**env, "BRIEFBOOK_FONTS_DIR": str(old_dir)}
    new_pdf, old_pdf = out / "fonts-new.pdf", out / "fonts-old.pdf"
    new_cmd = [*CLI, "render", str(BRIEF), "-o", str(new_pdf)]
    old_cmd = [*CLI, "render", str(BRIEF), "-o", str(old_pdf)]
    run_process(new_cmd, env)  # warm-up: page cache, chart cache
    run_process(old_cmd, old_env)
    new_t, old_t = [], []
    for _ in range(runs):
        old_t.append(run_process(old_cmd, old_env)[0])
        new_t.append(run_process(new_cmd, env)[0])
    new_size, old_size = new_pdf.stat().st_size, old_pdf.stat().st_size
    new_mb = sum(p.stat().st_size for p in face_files()) / 1e6
    old_mb = sum(p.stat().st_size for p in old_dir.glob("*.otf")) / 1e6
    return [
        f"## Fonts: bundled faces vs the faces before `{rev}` (cold render, full example)",
        "",
        "| faces | fonts in repo | cold render median | min | max | n | PDF |",
        "|---|---|---|---|---|---|---|",
        f"| earlier (4 faces) | {old_mb:.1f} MB | {median(old_t):.2f} s | {min(old_t):.2f} | "
        f"{max(old_t):.2f} | {len(old_t)} | {old_size / 1024:,.0f} KB |",
        f"| bundled ({len(face_files())} faces) | {new_mb:.1f} MB | {median(new_t):.2f} s | "
        f"{min(new_t):.2f} | {max(new_t):.2f} | {len(new_t)} | {new_size / 1024:,.0f} KB |",
        "",
        f"Ratios bundled ÷ earlier: time {median(new_t) / median(old_t):.3f}, "
        f"PDF size {new_size / old_size:.3f} (PDF bytes identical: "
        f"{'yes' if new_pdf.read_bytes() == old_pdf.read_bytes() else 'no'}).",
        "",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--readers", type=int, default=1000)
    parser.add_argument("--quick", action="store_true", help="fewer runs, 100 readers, no ×8")
    parser.add_argument("--fonts-only", action="store_true",
                        help="only the bundled-vs-earlier fonts comparison")
    args = parser.parse_args()
    runs = 2 if args.quick else args.runs
    readers = 100 if args.quick else args.readers
    out = Path(tempfile.mkdtemp(prefix="briefbook-bench-"))
    try:
        report(args, runs, readers, out)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def report(args, runs: int, readers: int, out: Path) -> None:
    cache = out / "cache"
    env = {**os.environ, "BRIEFBOOK_CACHE": str(cache)}
    lines = ["# Render benchmark", "", *machine(), ""]
    if args.fonts_only:
        print("\n".join(lines + fonts_side_by_side(runs, out, env)))
        return

    # Cold: a new process per run. First with the chart cache filled (the common case),
    # then with it emptied before each run.
    render_cmd = [*CLI, "render", str(BRIEF), "-o", str(out / "cold.pdf")]
    run_process(render_cmd, env)  # warm-up: page cache, chart cache
    cold = [run_process(render_cmd, env) for _ in range(runs)]
    cold_nocache = []
    for _ in range(runs):
        shutil.rmtree(cache, ignore_errors=True)
        cold_nocache.append(run_process(render_cmd, env))

    measured = bare_and_warm(BRIEF, runs)
    warm, bare = measured["warm"], measured["bare"]
    cold_t = [t for t, _ in cold]
    cold_nc = [t for t, _ in cold_nocache]
    lines += [
        f"## Full example: `{BRIEF.relative_to(ROOT)}` — {measured['pages']} pages, "
        f"{measured['bytes'] / 1024:,.0f} KB "
        f"(bare output byte-identical: {'yes' if measured['same'] else 'NO'})",
        "",
        "| measurement | median | min | max | n | vs bare WeasyPrint |",
        "|---|---|---|---|---|---|",
    ]

    def row(name: str, values: list[float]) -> str:
        ratio = median(values) / median(bare) - 1
        return (f"| {name} | {median(values):.2f} s | {min(values):.2f} | {max(values):.2f} | "
                f"{len(values)} | {ratio:+.0%} |")

    lines += [
        row("bare WeasyPrint, same HTML, in process (baseline)", bare),
        row("warm render (2nd+ in one process)", warm),
        row("cold render, new process, charts cached", cold_t),
        row("cold render, new process, empty chart cache", cold_nc),
        "",
        f"First render in the benchmark process: {measured['first']:.2f} s. "
        f"Peak memory (ru_maxrss): benchmark process {measured['maxrss_mb']:.0f} MB; "
        f"cold render process median {median([m for _, m in cold]) / 1024:.0f} MB.",
        "",
    ]

    # No-change build, new process.
    dist = out / "dist"
    build_cmd = [*CLI, "build", "--out", str(dist), "--jobs", "2"]
    run_process(build_cmd, env)  # first build renders everything
    nochange = [run_process(build_cmd, env)[0] for _ in range(runs)]
    sys.path.insert(0, str(ROOT / "src"))
    from briefbook.distribute.build import build
    from briefbook.project import load_project

    inproc = []
    for _ in range(runs):
        start = time.perf_counter()
        result = build(load_project(ROOT), None, dist, jobs=2)
        inproc.append(time.perf_counter() - start)
        assert not result.built
    imports = [run_process([sys.executable, "-c", "import briefbook.cli"], env)[0]
               for _ in range(runs)]
    lines += [
        "## `briefbook build` with nothing changed (3 example briefs)",
        "",
        f"- new process: {spread(nochange)}",
        f"- of which `import briefbook.cli` alone: {spread(imports)}",
        f"- the build itself (hashing inputs, reading the manifest), in process: "
        f"{median(inproc) * 1000:.0f} ms",
        "",
    ]

    # Editions.
    csv = out / "readers.csv"
    surnames = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
    given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
    csv.write_text("name,copy\n" + "".join(
        f"{surnames[i % 20]}{given[(i // 20) % 20]}{given[(i // 400) % 20]},{i + 1}\n"
        for i in range(readers)), encoding="utf-8")
    ed_times = []
    for i in range(1 if readers >= 500 else runs):
        target = out / f"editions-{i}"
        ed_times.append(run_process([*CLI, "editions", str(BRIEF), "--readers", str(csv),
                                     "--out", str(target), "--jobs", "2"], env)[0])
    copies = sorted((out / "editions-0").glob("*.pdf"))
    per_copy = sum(p.stat().st_size for p in copies) / len(copies) - measured["bytes"]
    lines += [
        f"## `briefbook editions`: {readers} readers of the full example, `--jobs 2`",
        "",
        f"- whole command (render once + stamp sheets + {readers} copies): {spread(ed_times)}",
        f"- per copy: {median(ed_times) / readers * 1000:.0f} ms wall; each copy adds "
        f"{per_copy / 1024:.0f} KB to the base PDF",
        "",
    ]

    # Growth.
    factors = (1, 4) if args.quick else (1, 4, 8)
    rows = growth(runs, factors)
    base_time = median(rows[0][2])
    base_pages = rows[0][1]
    lines += [
        "## Growth: the full example's sections repeated (warm render)",
        "",
        "| content | pages | median | n | time ÷ ×1 | pages ÷ ×1 | s per page |",
        "|---|---|---|---|---|---|---|",
    ]
    for factor, pages, times in rows:
        lines.append(f"| ×{factor} | {pages} | {median(times):.2f} s | {len(times)} | "
                     f"{median(times) / base_time:.1f} | {pages / base_pages:.1f} | "
                     f"{median(times) / pages:.3f} |")
    lines.append("")
    lines += fonts_side_by_side(runs, out, env)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
