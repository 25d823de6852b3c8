"""Run as a script by test_parallel.py (in a subprocess, so a hang is a timeout, not a stuck
suite): ``run_jobs`` over tasks of which one kills its worker process outright."""

import os
import sys
import time

from briefbook.core.errors import BriefbookError
from briefbook.core.proc import run_jobs


def work(task: int) -> int:
    if task == 3:
        os._exit(9)  # as the OOM killer would: no exception, no cleanup
    time.sleep(0.05)
    return task


if __name__ == "__main__":
    results = []
    try:
        for result in run_jobs(work, range(8), jobs=2):
            results.append(result)
    except BriefbookError as exc:
        print(f"BriefbookError: {exc}")
        sys.exit(3)
    print("finished", sorted(results))
