"""Every benchmark, one after the other: `make bench` (or `python bench/run_all.py`).

Each script runs in its own process (so one's loaded models and threads do not skew the next) and
prints its own table; a failing script does not stop the rest. Exits 1 when any script failed or
missed its target.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ["ingest.py", "retrieval.py", "verifier.py", "generation.py", "abstention.py", "scale.py", "scale_server.py", "concurrency.py",
           "replicas.py"]
OUTPUTS = ["bench/out/*.json", "docs/scale.png"]


def main() -> int:
    statuses = {}
    for name in SCRIPTS:
        script = ROOT / "bench" / name
        if not script.is_file():
            statuses[name] = "not present, skipped"
            continue
        print(f"\n=== bench/{name}", flush=True)
        started = time.perf_counter()
        code = subprocess.run([sys.executable, str(script)], cwd=ROOT).returncode
        statuses[name] = f"exit {code} after {time.perf_counter() - started:.0f} s"
    print("\n=== summary")
    for name, status in statuses.items():
        print(f"bench/{name}: {status}")
    written = sorted(str(p.relative_to(ROOT)) for pattern in OUTPUTS for p in ROOT.glob(pattern))
    print("outputs: " + ", ".join(written))
    return 0 if all(s.startswith("exit 0") or s.endswith("skipped") for s in statuses.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
