"""Ingest throughput against the raw encoder it wraps: `python bench/ingest.py`.

Ingests ../shared/eval/squad2-dev/articles into a fresh temporary store and times encoding the very
same paragraph texts with the bare SentenceTransformer (same model, batch size, normalization).
Embedding should be nearly all of ingest's cost, so the target is ingest >= 0.85x the raw rate.
The model is loaded and warmed before either clock starts; the raw encode runs before and after
the ingest (so load drift on a shared machine hits both) and the faster run counts, so the ratio
errs on the strict side. A library too big to encode three times (news-rtqa: 2,068 articles) takes
`--raw-sample N`: the raw encoder runs on N of the same texts, drawn at random, and the ratio
compares paragraphs per second (labelled as sampled in the output).
Ingest's own encoder (vectorstore/embedding.py: batches by token count, not by characters as
sentence-transformers does) is timed on the same texts too: ingest against it is the cost of
everything but encoding. The encoder's share of the ingest wall time is reported too: unlike the
ratios it barely moves when other processes compete for the CPU. Then one more article, a revised
copy of the first, is added to the library: its time, and how many stored documents near-duplicate
detection read (the versions it is compared with, from the stored sketches; not the whole library).
Peak memory (RSS of this process: model, ingest and raw encoder) and the store's size on disk are
reported; `--store` keeps the library for later benchmarks. Prints a table and writes bench/out/ingest.json.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_ARTICLES = ROOT.parent / "shared" / "eval" / "squad2-dev" / "articles"
TARGET = 0.85


def paragraph_texts(articles: Path) -> list[str]:
    """The paragraphs ingest will store, in the store's order (cleaned and split, not embedded)."""
    from ingest.documents import build, shared_lines
    from ingest.pipeline import expand
    from ingest.readers import read

    files, _ = expand([articles])
    raws = [raw for path in files for raw in read(path)]
    chrome = shared_lines(raws)
    built = sorted((build(raw, chrome) for raw in raws), key=lambda b: (b[0].source, b[0].doc_id))
    return [p.text for _, paragraphs in built for p in paragraphs]


def timed(function, seconds: list[float]):
    """`function`, adding each call's duration to `seconds`: how much of ingest is the encoder."""
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            seconds.append(time.perf_counter() - started)
    return wrapper


def add_one(assistant, articles: Path, folder: Path) -> dict:
    """Ingest a revised copy of the first article into the filled library, counting whose texts are read."""
    first = sorted(p for p in articles.rglob("*") if p.is_file())[0]
    revised = folder / f"revised-{first.name}"
    revised.write_text(first.read_text(encoding="utf-8").rstrip() + "\n\nLate addition: officials confirmed on "
                       "Friday that the figures above were revised after a second count.\n", encoding="utf-8")
    read: list[str | None] = []
    paragraphs = assistant.store.paragraphs
    assistant.store.paragraphs = lambda doc_id=None: read.append(doc_id) or paragraphs(doc_id)
    started = time.perf_counter()
    [result] = assistant.ingest([revised]).results
    return {"add_one_s": round(time.perf_counter() - started, 3), "add_one_status": result.status,
            "add_one_documents_read": len(read), "library_documents": len(assistant.documents()) - 1}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=Path, default=DEFAULT_ARTICLES)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "ingest.json")
    parser.add_argument("--raw-sample", type=int, default=0,
                        help="time the raw encoder on this many of the texts (0: all of them)")
    parser.add_argument("--store", type=Path, help="keep the library here (default: a temporary folder)")
    args = parser.parse_args()

    import torch

    from assistant import Assistant
    from vectorstore.embedding import encode, get_embeddings

    model = get_embeddings("minilm")._client
    model.encode(["warm up the model"] * 64, batch_size=64)

    def raw_encode(texts: list[str]) -> float:
        started = time.perf_counter()
        model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
        return time.perf_counter() - started

    def own_encode(texts: list[str]) -> float:
        started = time.perf_counter()
        encode("minilm", texts)
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as scratch:
        store = args.store or Path(scratch) / "store"
        texts = paragraph_texts(args.articles)
        sample = random.Random(7).sample(texts, args.raw_sample) if 0 < args.raw_sample < len(texts) else texts
        raw_before, own_before = raw_encode(sample), own_encode(sample)
        assistant = Assistant(store=store, backend="extractive")
        assistant.encode = timed(assistant.encode, encode_s := [])
        started = time.perf_counter()
        report = assistant.ingest([args.articles])
        ingest_s = time.perf_counter() - started
        stored = [p.text for p in assistant.paragraphs()]
        if not (report.summary()["revised"] or report.summary()["duplicate"]):  # those store fewer paragraphs
            assert stored == texts, "ingest split the articles differently"
        store_mb = sum(f.stat().st_size for f in Path(store).rglob("*") if f.is_file()) / 2**20
        one = add_one(assistant, args.articles, Path(scratch))
    raw_s, own_s = min(raw_before, raw_encode(sample)), min(own_before, own_encode(sample))

    n = len(stored)
    ingest_rate, raw_rate, own_rate = n / ingest_s, len(sample) / raw_s, len(sample) / own_s
    result = {
        "articles": str(args.articles), "documents": report.summary()["added"], "paragraphs": n,
        "revised": report.summary()["revised"], "duplicate": report.summary()["duplicate"],
        "failed": report.summary()["failed"], "ingest_s": round(ingest_s, 2), "raw_encode_s": round(raw_s, 2),
        "raw_texts": len(sample), "ingest_paragraphs_per_s": round(ingest_rate, 1),
        "raw_paragraphs_per_s": round(raw_rate, 1), "ratio": round(ingest_rate / raw_rate, 3), "target_ratio": TARGET,
        "own_encoder_paragraphs_per_s": round(own_rate, 1), "ratio_to_own_encoder": round(ingest_rate / own_rate, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "store_mb": round(store_mb, 1),
        "encoder_share_of_ingest": round(sum(encode_s) / ingest_s, 3), **one,
        "machine": f"{platform.machine()}, {torch.get_num_threads()} torch threads, torch {torch.__version__}",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    print(f"{'':<28}{'seconds':>10}{'paragraphs/s':>15}")
    print(f"{'assistant ingest':<28}{ingest_s:>10.2f}{result['ingest_paragraphs_per_s']:>15.1f}")
    print(f"{'raw SentenceTransformer':<28}{raw_s:>10.2f}{result['raw_paragraphs_per_s']:>15.1f}"
          + (f"  (on {len(sample)} of the texts, drawn at random)" if len(sample) < len(texts) else ""))
    print(f"{'its own encoder':<28}{own_s:>10.2f}{result['own_encoder_paragraphs_per_s']:>15.1f}"
          "  (the same texts, batched by token count)")
    print(f"{'  of which encoder calls':<28}{sum(encode_s):>10.2f}"
          f"  ({result['encoder_share_of_ingest']:.0%} of ingest)")
    print(f"{n} paragraphs stored from {result['documents']} documents ({result['revised']} revised, "
          f"{result['duplicate']} duplicate, {result['failed']} failed); peak memory {result['peak_rss_mb']} MB, "
          f"store {result['store_mb']} MB")
    print(f"ingest/raw = {result['ratio']:.2f}x (target >= {TARGET}x), ingest/its own encoder = "
          f"{result['ratio_to_own_encoder']:.2f}x; {result['machine']}; written to {args.out}")
    print(f"adding one article ({one['add_one_status']}) to the {one['library_documents']}-document library: "
          f"{one['add_one_s']:.2f} s, stored documents read: {one['add_one_documents_read']}")
    return 0 if result["ratio"] >= TARGET and not result["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
