"""The long fuzz run (``make fuzz``): ≥ 10,000 generated inputs through the real stages.

Run:  .venv/bin/python benchmarks/fuzz_bench.py [--inputs 10000] [--seed 24] [--out DIR]

The inputs are those of the suite's fuzz test (tests/plugins/fuzz_inputs.py: briefs,
project files, metric catalogs and articles as YAML/text with big integers in every YAML
spelling, merge keys, timestamps, tags and alias chains), at larger sizes: alias chains up to
250,000 values (over the loader's 200,000 limit) and sentences of up to 150 numbers. Each
input goes through its stage as the CLI runs it (``Fuzz.run``) with a time limit; a Python
exception other than BriefbookError, an error message holding a traceback, or the time limit
is a crash.

Prints: inputs run per kind, outcomes (ok / clear error / crash), the crashes (each saved
with its input to OUT/crash-*.txt), the slowest input of each kind with its time (saved to
OUT/slowest-*.txt), the whole run's wall time and peak RSS; writes OUT/fuzz.json.
Exits 1 when there is a crash. Not part of the test suite (it takes about 14 minutes on two
shared cores: 0 crashes in 10,000 inputs, slowest input an article, 5.9 s).
"""

from __future__ import annotations

import argparse
import json
import resource
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

#: Share of the inputs per kind (an article costs ~10 briefs: two `extract` runs, an
#: ingest and a draft).
SHARES = {"brief": 0.35, "project": 0.25, "catalog": 0.30, "article": 0.10}


class TimeLimit(BaseException):
    """Raised in the stage when an input has run past ``--limit`` seconds (not an Exception,
    so ``Fuzz.run`` does not take it for a crash of its own)."""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--limit", type=float, default=120.0, help="seconds per input")
    parser.add_argument("--out", type=Path, default=ROOT / "test-artifacts" / "fuzz")
    args = parser.parse_args()

    from hypothesis import HealthCheck, given, seed, settings

    from plugins.fuzz_inputs import KINDS, Fuzz, strategy

    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.txt"):
        old.unlink()
    fuzz = Fuzz(Path(tempfile.mkdtemp(prefix="briefbook-fuzz-")))
    started = time.perf_counter()
    report: dict = {"seed": args.seed, "limit_s": args.limit, "kinds": {}, "crashes": []}

    def on_alarm(_signum, _frame):
        raise TimeLimit()

    signal.signal(signal.SIGALRM, on_alarm)
    warm = {"brief": "title: 简报\ndate: 2021-08-01\n", "project": "title: x\ntopics: [甲]\n",
            "catalog": "metrics: []\n", "article": "标题\n\n  新增10个。\n"}
    for kind in KINDS:                      # imports and first-use caches: not timed
        fuzz.run(kind, warm[kind])
    for kind in KINDS:
        budget = max(1, round(args.inputs * SHARES[kind]))
        results: Counter = Counter()
        slowest = (0.0, "")
        crashes: dict[str, tuple[str, str]] = {}
        kind_started = time.perf_counter()

        @seed(args.seed)
        @settings(max_examples=budget, database=None, deadline=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(text=strategy(kind, chain_limit=250_000, runs=(20, 50, 150)))
        def run(text):
            nonlocal slowest
            signal.setitimer(signal.ITIMER_REAL, args.limit)
            try:
                outcome = fuzz.run(kind, text)
                result, seconds, detail = outcome.result, outcome.seconds, outcome.detail
            except TimeLimit:
                result, seconds, detail = "crash", args.limit, f"time limit of {args.limit} s"
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            results[result] += 1
            if seconds > slowest[0]:
                slowest = (seconds, text)
            if result == "crash":
                key = detail.splitlines()[0][:160] if detail else "?"
                if key not in crashes or len(text) < len(crashes[key][0]):
                    crashes[key] = (text, detail)   # the shortest input for each crash

        run()
        total = sum(results.values())
        (args.out / f"slowest-{kind}.txt").write_text(slowest[1], encoding="utf-8")
        report["kinds"][kind] = {"inputs": total, **{k: results[k] for k in ("ok", "error",
                                                                            "crash")},
                                 "slowest_s": round(slowest[0], 3),
                                 "slowest_input": f"{args.out}/slowest-{kind}.txt",
                                 "slowest_bytes": len(slowest[1].encode("utf-8", "replace")),
                                 "wall_s": round(time.perf_counter() - kind_started, 1)}
        for n, (key, (text, detail)) in enumerate(sorted(crashes.items())):
            path = args.out / f"crash-{kind}-{n + 1}.txt"
            path.write_text(text + "\n\n# ---- " + detail.replace("\n", "\n# "),
                            encoding="utf-8", errors="replace")
            report["crashes"].append({"kind": kind, "error": key, "input": str(path)})
        print(f"{kind:8} {total:6,} inputs  ok {results['ok']:5,}  error {results['error']:5,}  "
              f"crash {results['crash']:3,}  slowest {slowest[0]:.3f} s "
              f"({report['kinds'][kind]['slowest_bytes']:,} bytes)  "
              f"[{report['kinds'][kind]['wall_s']} s]", flush=True)

    report["inputs"] = sum(k["inputs"] for k in report["kinds"].values())
    report["crash_count"] = sum(k["crash"] for k in report["kinds"].values())
    report["wall_s"] = round(time.perf_counter() - started, 1)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    slow_kind = max(report["kinds"], key=lambda k: report["kinds"][k]["slowest_s"])
    report["slowest"] = {"kind": slow_kind, "seconds": report["kinds"][slow_kind]["slowest_s"],
                         "input": report["kinds"][slow_kind]["slowest_input"]}
    (args.out / "fuzz.json").write_text(json.dumps(report, indent=2, ensure_ascii=False),
                                        encoding="utf-8")
    print(f"total    {report['inputs']:6,} inputs, {report['crash_count']} crash(es) "
          f"({len(report['crashes'])} distinct); slowest input: {slow_kind} "
          f"{report['slowest']['seconds']:.3f} s ({report['slowest']['input']}); "
          f"wall {report['wall_s']} s, peak RSS {report['peak_rss_mb']} MB")
    for crash in report["crashes"]:
        print(f"  CRASH {crash['kind']}: {crash['error']}  → {crash['input']}")
    return 1 if report["crash_count"] else 0


if __name__ == "__main__":
    sys.exit(main())
