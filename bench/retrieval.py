"""Retrieval quality and latency per method: `python bench/retrieval.py` (squad2-dev by default).

Ingests --corpus into --store (kept between runs outside the repo, so a second run skips the ingest
and the mpnet paragraph vectors), then for the answerable questions (--limit N spread evenly over
the file; 0 = all) measures R@1/@5/@10 and MRR of every retrieval method at two grains: the gold
paragraph, and the gold article (any paragraph of the file the gold paragraph is in: what a reader
opening the source needs). Per-question latency is measured beside the raw Chroma query
(`collection.query` with a precomputed embedding, n_results=10) our retrieval is built on, on the
same store in the same run. Each method is warmed (models loaded, vectors synced) before its clock
starts. `--as-of-question-date` asks each question as of its own date (news: "this week" is the
quiz's week, and the recency prior counts from it).

    python bench/retrieval.py --name news-rtqa --corpus ../shared/eval/news-rtqa/articles \
        --questions ../shared/eval/news-rtqa/questions.jsonl --store ~/.cache/.../news --limit 0 --as-of-question-date

On the server store (PostgreSQL + a Chroma server: docs/deploy.md) add `--database-url URL --chroma-url
URL`; `assistant migrate --from STORE` first copies an embedded bench store there without re-embedding:

    python bench/retrieval.py --name squad2-dev-server --database-url postgresql://... --chroma-url http://...

Prints a table and writes bench/out/retrieval[-NAME].json.
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
    from assistant.answer.retrieval import DEFAULT_METHOD, METHODS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--name", default="squad2-dev", help="the set's name in the table and output file")
    parser.add_argument("--corpus", type=Path, default=SQUAD / "articles")
    parser.add_argument("--questions", type=Path, default=SQUAD / "questions.jsonl")
    parser.add_argument("--as-of-question-date", action="store_true", help="ask each question as of its `date`")
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE)
    parser.add_argument("--database-url", help="the server store's PostgreSQL (with --chroma-url)")
    parser.add_argument("--chroma-url", help="the Chroma server holding the vectors")
    parser.add_argument("--limit", type=int, default=1000, help="answerable questions, spread evenly (0 = all)")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--out", type=Path, help="default bench/out/retrieval.json (squad2-dev) or retrieval-NAME.json")
    args = parser.parse_args()
    suffix = "" if args.name == "squad2-dev" else f"-{args.name}"
    args.out = args.out or ROOT / "bench" / "out" / f"retrieval{suffix}.json"

    from tqdm import tqdm

    from assistant import Assistant
    from assistant.evaluation import load_questions
    from assistant.metrics import gold_rank, latency_summary, retrieval_metrics

    assistant = Assistant(store=args.store, backend="extractive", database_url=args.database_url,
                          chroma_url=args.chroma_url)
    report = assistant.ingest([args.corpus])
    if not report.ok:
        print(f"ingest: {report.summary()}", file=sys.stderr)
    answerable = load_questions(args.questions, limit=args.limit, answerable_only=True)
    files = {d.doc_id: Path(d.location).name for d in assistant.documents()}

    rows = []
    for method in args.methods:
        assistant.retrieve("warm up", k=K, method=method)
        ranks, article_ranks, seconds = [], [], []
        for q in tqdm(answerable, desc=method, unit="q", file=sys.stderr):
            as_of = q.get("date") if args.as_of_question_date else None
            started = time.perf_counter()
            hits = assistant.retrieve(q["question"], k=K, method=method, as_of=as_of)
            seconds.append(time.perf_counter() - started)
            ranks.append(gold_rank([h.paragraph.text for h in hits], q["paragraph_text"]))
            article_ranks.append(article_rank([files.get(h.paragraph.doc_id) for h in hits], q))
        rows.append({"method": method, **retrieval_metrics(ranks), **latency_summary(seconds),
                     "article": retrieval_metrics(article_ranks)})

    vectors = assistant.encode([q["question"] for q in answerable])
    collection, seconds = assistant.store.collection, []
    for vector in vectors:
        started = time.perf_counter()
        collection.query(query_embeddings=[vector.tolist()], n_results=K, include=["metadatas", "distances"])
        seconds.append(time.perf_counter() - started)
    raw = {"method": "raw Chroma query (precomputed embedding)", **latency_summary(seconds)}

    result = {"name": args.name, "store": "server" if args.database_url else "embedded",
              "questions": len(answerable), "paragraphs": assistant.store.count(), "k": K,
              "default_method": DEFAULT_METHOD, "methods": rows, "raw_chroma": raw,
              "machine": {"python": platform.python_version(), "cpus": _cpus()},
              "command": "python bench/retrieval.py " + " ".join(sys.argv[1:])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2))
    _print_table(result)
    return 0


def article_rank(hit_files: list[str | None], question: dict) -> int | None:
    """1-based rank of the first hit from the gold paragraph's file (`article_file`); None when absent."""
    gold = question.get("article_file")
    return next((i for i, name in enumerate(hit_files, 1) if gold and name == gold), None)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


def _print_table(result: dict) -> None:
    print(f"{result['name']}: {result['questions']} answerable questions, {result['paragraphs']} paragraphs, "
          f"default {result['default_method']}")
    print("| method | R@1 | R@5 | R@10 | MRR | article R@1 | article R@5 | article MRR | p50 ms | p95 ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for row in result["methods"]:
        article = row["article"]
        print(f"| {row['method']} | {row['recall@1']:.3f} | {row['recall@5']:.3f} | {row['recall@10']:.3f} | "
              f"{row['mrr']:.3f} | {article.get('recall@1', 0):.3f} | {article.get('recall@5', 0):.3f} | "
              f"{article.get('mrr', 0):.3f} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} |")
    raw = result["raw_chroma"]
    print(f"| {raw['method']} | | | | | | | | {raw['p50_ms']:.1f} | {raw['p95_ms']:.1f} |")


if __name__ == "__main__":
    raise SystemExit(main())
