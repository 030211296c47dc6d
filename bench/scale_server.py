"""The server store's retrieval latency and start-up beside the embedded one's, at scale.

`python bench/scale_server.py --sizes 1000,10000` (and 100000 where there is time).

For each size, bench/scale.py's cached store of n paragraphs (precomputed vectors; built by it when
missing, under ~/.cache/grounded-assistant/bench/scale-<n>/) is copied by `assistant migrate` into a
server store (a database of its own in a throw-away PostgreSQL cluster, as tests/servers.py runs it,
and one `chroma run`; nothing re-embedded, the re-scorer's vectors included; the copy is timed). Then both stores are measured
with scale.py's own measurements, one store after the other: retrieval p50/p95 over the same
questions (hybrid, dense, our first stage given a precomputed vector, the raw Chroma query,
interleaved per question), and the start-up of a new process to its first printed answer (`assistant
ask ... --json`: a new replica's cold start), wall time and peak RSS.
Prints a table and writes bench/out/scale-server.json."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import scale  # noqa: E402
from bench.replicas import assistant, env, servers  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="comma-separated paragraph counts")
    parser.add_argument("--questions", type=int, default=60, help="retrieval questions per size")
    parser.add_argument("--startup-runs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale-server.json")
    args = parser.parse_args()

    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-server-") as scratch_dir:
        scratch = Path(scratch_dir)
        with servers(scratch) as (cluster, chroma_url):
            for n in [int(s) for s in args.sizes.split(",") if s]:
                print(f"--- {n} paragraphs", file=sys.stderr, flush=True)
                folder = scale.CACHE / f"scale-{n}"
                started = time.perf_counter()
                scale.build(n, folder, real=n <= 1000, rebuild=False)
                print(f"embedded store ready in {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
                embedded = folder / "store"
                database_url, local = cluster.create(f"scale_{n}"), scratch / f"local-{n}"
                flags = ("--database-url", database_url, "--chroma-url", chroma_url, "--store", str(local))
                started = time.perf_counter()
                subprocess.run(assistant("migrate", "--from", str(embedded), *flags), env=env(), check=True,
                               stdout=subprocess.DEVNULL)
                migrate_s = round(time.perf_counter() - started, 1)
                for name, store, server in (("embedded", embedded, {}),
                                            ("server", local, {"database_url": database_url, "chroma_url": chroma_url})):
                    print(f"measuring the {name} store", file=sys.stderr, flush=True)
                    rows.append({"paragraphs": n, "store": name, "migrate_s": migrate_s if server else None,
                                 **scale.retrieval_latency(store, args.questions, **server),
                                 **scale.startup(store, args.startup_runs, flags=flags[:4] if server else ())})
    result = {"sizes": rows, "k": scale.K, "command": "python bench/scale_server.py " + " ".join(sys.argv[1:])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print("| paragraphs | store | migrate s | retrieval p50 / p95 ms (hybrid) | dense | first stage, no models | "
          "raw Chroma | start-up s | start-up RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['paragraphs']:,} | {r['store']} | {r['migrate_s'] or ''} | "
              f"{r['hybrid_p50_ms']:.0f} / {r['hybrid_p95_ms']:.0f} | {r['dense_p50_ms']:.0f} / {r['dense_p95_ms']:.0f} | "
              f"{r['first_stage_p50_ms']:.1f} / {r['first_stage_p95_ms']:.1f} | "
              f"{r['raw_p50_ms']:.1f} / {r['raw_p95_ms']:.1f} | {r['startup_s']} | {r['startup_rss_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
