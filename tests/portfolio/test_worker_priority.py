"""The background worker runs below the web's CPU priority, so pages stay fast during a rescore.

On a 2-core machine a rescore keeps both cores busy for seconds to minutes; the worker lowers its
own priority (niceness 10 by default) before it starts any thread, and the scheduler then serves
the web's processes first. Checked on a real worker process with its own database file.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ACCOUNTPLAN_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # a throwaway SQLite file of its own
    env.pop("WORKER_NICE", None)
    return subprocess.run(
        [sys.executable, "-m", "accountplan", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_worker_lowers_its_priority_and_never_raises_it(tmp_path: Path) -> None:
    assert run(tmp_path, "migrate", "--verbosity=0").returncode == 0
    start = os.getpriority(os.PRIO_PROCESS, 0)

    default = run(tmp_path, "worker", "--batch")
    assert default.returncode == 0, default.stderr
    assert f"Worker running at CPU niceness {max(start, 10)}." in default.stderr

    chosen = run(tmp_path, "worker", "--batch", "--nice", "15")
    assert f"Worker running at CPU niceness {max(start, 15)}." in chosen.stderr

    refused = run(tmp_path, "worker", "--batch", "--nice", "25")
    assert refused.returncode != 0
    assert "--nice must be between 0 and 19." in refused.stderr
