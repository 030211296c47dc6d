"""Retrieval quality and latency per method on squad2-dev: `python bench/retrieval.py`.

Ingests ../shared/eval/squad2-dev/articles into --store (kept between runs outside the repo, so a
second run skips the ingest and the mpnet paragraph vectors), then for the answerable questions
(--limit N spread evenly over the file; 0 = all 5,928) measures R@1/@5/@10, MRR and per-question
latency of every retrieval method, and, on the same store in the same run, the raw Chroma query
(`collection.query` with a precomputed embedding, n_results=10) our retrieval is built on.
Each method is warmed (models loaded, vectors synced) before its clock starts.
Prints a table and writes bench/out/retrieval.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SQUAD = ROOT.parent / "shared" / "eval" / "squad2-dev"
DEFAULT_STORE = Path.home() / ".cache" / "grounded-assistant" / "bench-squad2-dev"
K = 10


def main() -> int:
    from assistant.retrieval import DEFAULT_METHOD, METHODS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--limit", type=int, default=1000, help="answerable questions, spread evenly (0 = all)")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "retrieval.json")
    args = parser.parse_args()

    from tqdm import tqdm

    from assistant import Assistant
    from assistant.evaluation import load_questions
    from assistant.metrics import gold_rank, latency_summary, retrieval_metrics

    assistant = Assistant(store=args.store, backend="extractive")
    report = assistant.ingest([SQUAD / "articles"])
    if not report.ok:
        print(f"ingest: {report.summary()}", file=sys.stderr)
    answerable = load_questions(SQUAD / "questions.jsonl", limit=args.limit, answerable_only=True)

    rows = []
    for method in args.methods:
        assistant.retrieve("warm up", k=K, method=method)
        ranks, seconds = [], []
        for q in tqdm(answerable, desc=method, unit="q", file=sys.stderr):
            started = time.perf_counter()
            hits = assistant.retrieve(q["question"], k=K, method=method)
            seconds.append(time.perf_counter() - started)
            ranks.append(gold_rank([h.paragraph.text for h in hits], q["paragraph_text"]))
        rows.append({"method": method, **retrieval_metrics(ranks), **latency_summary(seconds)})

    vectors = assistant.encode([q["question"] for q in answerable])
    collection, seconds = assistant.store.collection, []
    for vector in vectors:
        started = time.perf_counter()
        collection.query(query_embeddings=[vector.tolist()], n_results=K, include=["metadatas", "distances"])
        seconds.append(time.perf_counter() - started)
    raw = {"method": "raw Chroma query (precomputed embedding)", **latency_summary(seconds)}

    result = {"questions": len(answerable), "paragraphs": assistant.store.count(), "k": K,
              "default_method": DEFAULT_METHOD, "methods": rows, "raw_chroma": raw,
              "machine": {"python": platform.python_version(), "cpus": _cpus()},
              "command": "python bench/retrieval.py " + " ".join(sys.argv[1:])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    _print_table(result)
    return 0


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _print_table(result: dict) -> None:
    print(f"squad2-dev: {result['questions']} answerable questions, {result['paragraphs']} paragraphs, "
          f"default {result['default_method']}")
    print("| method | R@1 | R@5 | R@10 | MRR | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|")
    for row in result["methods"]:
        print(f"| {row['method']} | {row['recall@1']:.3f} | {row['recall@5']:.3f} | {row['recall@10']:.3f} | "
              f"{row['mrr']:.3f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} |")
    raw = result["raw_chroma"]
    print(f"| {raw['method']} | | | | | {raw['p50_ms']:.1f} | {raw['p95_ms']:.1f} |")


if __name__ == "__main__":
    raise SystemExit(main())
