"""Editions on Dask vs the local executor: 10,000 copies, as a ratio in one run.

Run: ``.venv/bin/python benchmarks/dask_bench.py [--copies N] [--brief PATH]`` (part of
``make bench``). Prints a Markdown section (pasted into benchmarks/RESULTS.md).

In one run of this script, on this machine:
- local: ``briefbook editions BRIEF --readers N.csv -j 2`` in a new process (the baseline);
- dask: the same command with ``--executor dask --scheduler ADDR``, ADDR a two-worker
  ``LocalCluster`` (one thread each, 127.0.0.1) started by this script before the timing and
  stopped after — so the cluster's start is not timed, but its workers' first imports are,
  as the local pool's are.
Both are timed from outside with ``perf_counter``; the client's peak memory comes from
``os.wait4``, each Dask worker's peak and current RSS from ``client.run`` (``getrusage``,
psutil) after the run. Then every copy and the two ``editions.json`` are compared by sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
CLI = [sys.executable, "-m", "briefbook.cli"]


def timed(args: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (KB) of a new process (stderr to a file: see render_bench)."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        stderr.seek(0)
        if os.waitstatus_to_exitcode(status):
            raise SystemExit(f"{' '.join(args)} failed:\n{stderr.read().decode(errors='replace')}")
    return wall, usage.ru_maxrss


def digests(folder: Path) -> dict[str, str]:
    out = {}
    for path in sorted(folder.iterdir()):
        with open(path, "rb") as handle:
            out[path.name] = hashlib.file_digest(handle, "sha256").hexdigest()
    return out


def worker_memory() -> dict:
    import psutil

    return {"peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "rss_mb": psutil.Process().memory_info().rss / 1024 / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10_000)
    parser.add_argument("--brief", type=Path, default=ROOT / "briefs" / "summary-sheet.yaml")
    parser.add_argument("--keep", action="store_true", help="keep the copies (in /tmp)")
    options = parser.parse_args()

    from distributed import Client

    from briefbook.distribute.dask_run import local_cluster

    load = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="briefbook-dask-bench-"))
    try:
        readers = work / "readers.csv"
        readers.write_text("name,copy\n" + "".join(f"读者{i:05d},{i}\n"
                                                   for i in range(1, options.copies + 1)),
                           encoding="utf-8")
        base = [*CLI, "editions", str(options.brief), "--readers", str(readers), "-j", "2"]
        local_s, local_kb = timed([*base, "--out", str(work / "local")])
        cluster = local_cluster(2, quiet=True)
        try:
            with Client(cluster, set_as_default=False) as client:
                dask_s, client_kb = timed([*base, "--out", str(work / "dask"), "--executor",
                                           "dask", "--scheduler", cluster.scheduler_address])
                memory = client.run(worker_memory)
        finally:
            cluster.close(timeout=30)
        local, remote = digests(work / "local"), digests(work / "dask")
        copies = [name for name in local if name.endswith(".pdf")]
        size = (work / "local" / copies[0]).stat().st_size
        same = local == remote
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(f"## `briefbook editions` on Dask: {options.copies:,} copies of "
          f"`{options.brief.relative_to(ROOT) if options.brief.is_relative_to(ROOT) else options.brief}`\n")
    print(f"- machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {load:.1f} before the run, {os.getloadavg()[0]:.1f} after")
    print(f"- each copy {size / 1024:.0f} KB; every copy and editions.json byte-identical "
          f"between the two executors: {'yes' if same else 'NO'} ({len(copies):,} copies)\n")
    print("| executor | wall | per copy | vs local | peak RSS |")
    print("|---|---|---|---|---|")
    print(f"| local, `-j 2` (baseline) | {local_s:.1f} s | {local_s / options.copies * 1000:.1f} ms"
          f" | 1.00 | parent and largest worker: {local_kb / 1024:.0f} MB |")
    print(f"| dask, LocalCluster of 2 workers | {dask_s:.1f} s | "
          f"{dask_s / options.copies * 1000:.1f} ms | {dask_s / local_s:.2f} | client "
          f"{client_kb / 1024:.0f} MB |")
    print()
    for address, mem in sorted(memory.items()):
        print(f"- Dask worker {address}: peak RSS {mem['peak_mb']:.0f} MB, "
              f"RSS after the run {mem['rss_mb']:.0f} MB")
    if not same:
        raise SystemExit("the executors' outputs differ")


if __name__ == "__main__":
    main()
