"""How ingest, retrieval, the lexical index and start-up grow with the library: `python bench/scale.py`.

For each size (default 1k, 10k, 100k paragraphs; corpora from bench/scale_corpus.py, written with
their stores under ~/.cache/grounded-assistant/bench/scale-<n>/ and reused by later runs):
- ingest: sizes up to --real-encoder-up-to run the real ingest and the bare SentenceTransformer on
  the same texts in the same run (ratio raw time / ingest time). Larger sizes cannot be encoded in a
  benchmark's time on a 2-core CPU (about 6 paragraphs/s there), so they run the real ingest pipeline
  with precomputed vectors (each paragraph's SQuAD source vector plus seeded noise, each long
  paragraph's sentences its vector plus noise again: fit for latency, not retrieval quality) to
  measure everything but the encoder, time ingest's own encoder on a sample's paragraphs and their
  sentences in one call, as ingest encodes them, and report ingest throughput as an ESTIMATE:
  n / (n / that rate in paragraphs/s + pipeline seconds); the raw encoder encodes the sample's
  paragraphs alone.
- the re-scorer's mpnet vectors are written from the MiniLM vectors (the same vector twice) instead
  of encoding every paragraph with mpnet (5x slower again); a query costs the same dot products.
- retrieval: p50/p95 of `Assistant.retrieve` (the default hybrid, and dense), of our first stage
  given a precomputed query vector (no model inference), and of the raw Chroma query
  (`collection.query`, precomputed embedding, same n_results), interleaved per question.
- lexical index: the time to build the FTS5 index (every paragraph with its context, vectorstore/fts.py)
  and the token counts beside it (vectorstore/term_counts.py) from scratch, their size, and the time
  to load BM25 into memory (vectorstore/bm25.py).
- start-up: wall time and peak RSS of a fresh `assistant ask ... --backend extractive --json`.
`--library STORE` adds a real library as one more row (news-rtqa: the store `bench/ingest.py --store`
kept, its ingest figures from that run's --library-ingest JSON, its own questions): the same retrieval,
index and start-up measurements, plotted as a point of its own beside the synthetic curve.
Prints a table, merges its rows into bench/out/scale.json and draws docs/scale.png from all rows there.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path.home() / ".cache" / "grounded-assistant" / "bench"
SQUAD_QUESTIONS = ROOT.parent / "shared" / "eval" / "squad2-dev" / "questions.jsonl"
NEWS_QUESTIONS = ROOT.parent / "shared" / "eval" / "news-rtqa" / "questions.jsonl"
K = 10
NOISE = 0.4  # approximate vectors keep cosine ~0.93 to their source paragraph, like a light paraphrase
ENCODER_SAMPLE = 256
CHROMA_PAGE = 5000
TARGETS = {"retrieval_p95_ms_at_100k": 100, "ours_vs_raw_chroma": 3.0, "startup_s_at_100k": 10}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000",
                        help="comma-separated paragraph counts ('' for none)")
    parser.add_argument("--real-encoder-up-to", type=int, default=1000,
                        help="largest size ingested with the real encoder (larger ones: estimate)")
    parser.add_argument("--questions", type=int, default=60, help="retrieval questions per size")
    parser.add_argument("--startup-runs", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached corpora and stores")
    parser.add_argument("--library", type=Path, help="a real library's store to measure as one more row")
    parser.add_argument("--library-questions", type=Path, default=NEWS_QUESTIONS)
    parser.add_argument("--library-ingest", type=Path, default=ROOT / "bench" / "out" / "ingest-news-rtqa.json",
                        help="the library's figures from bench/ingest.py --out")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "scale.json")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "scale.png")
    args = parser.parse_args()

    rows = {}
    for n in [int(s) for s in args.sizes.split(",") if s]:
        print(f"--- {n} paragraphs", file=sys.stderr, flush=True)
        folder = CACHE / f"scale-{n}"
        ingest_row = build(n, folder, real=n <= args.real_encoder_up_to, rebuild=args.rebuild)
        rows[n] = {"paragraphs": n, **ingest_row, **retrieval_latency(folder / "store", args.questions),
                   **fts_build(folder / "store"), **startup(folder / "store", args.startup_runs),
                   "store_mb": _mb(folder / "store")}
    if args.library:
        row = library_row(args.library, args.library_questions, args.library_ingest, args.questions, args.startup_runs)
        rows[row["paragraphs"]] = row
    result = _merge(args.out, rows)
    _print_table(result)
    if args.plot:
        from bench.scale_plot import plot

        plot(result["sizes"], args.plot)
        print(f"written to {_rel(args.out)} and {_rel(args.plot)}")
    return 0


# ---- corpus, store and ingest -------------------------------------------------------------------
def build(n: int, folder: Path, real: bool, rebuild: bool) -> dict:
    """The store of n paragraphs (cached), and the ingest figures measured when it was built."""
    from bench import scale_corpus

    figures = folder / "ingest.json"
    if figures.is_file() and not rebuild:
        return json.loads(figures.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    bases = scale_corpus.base_paragraphs()
    articles = scale_corpus.articles(n, bases)
    scale_corpus.write(folder / "corpus", articles)
    paragraphs = [p for _, ps in articles for p in ps]
    texts = [p.text for p in paragraphs]
    row = _ingest_real(folder, texts) if real else _ingest_precomputed(folder, paragraphs, bases)
    from vectorstore.store import Store

    store = Store(folder / "store")
    if store.count() != n:
        raise SystemExit(f"{n}-paragraph corpus ingested as {store.count()} paragraphs; the corpus builder "
                         "must keep every paragraph whole and distinct")
    _write_rescore_cache(store, row.pop("vectors"))
    figures.write_text(json.dumps(row, indent=2) + "\n")
    return row


def library_row(store_path: Path, questions: Path, ingest_figures: Path, limit: int, startup_runs: int) -> dict:
    """A real library: its ingest figures as bench/ingest.py measured them, the rest measured here."""
    from assistant.evaluation import load_questions

    registry = sqlite3.connect(store_path / "registry.sqlite3")
    n = registry.execute("select count(*) from paragraphs").fetchone()[0]
    registry.close()
    ingested = json.loads(ingest_figures.read_text()) if ingest_figures.is_file() else {}
    first = load_questions(questions, limit=1, answerable_only=True)[0]["question"]
    return {"paragraphs": n, "library": store_path.name, "documents": ingested.get("documents"),
            "ingest_pps": ingested.get("ingest_paragraphs_per_s"), "raw_pps": ingested.get("raw_paragraphs_per_s"),
            "ingest_ratio": ingested.get("ratio"), "ingest_estimated": False,
            **retrieval_latency(store_path, limit, questions), **fts_build(store_path),
            **startup(store_path, startup_runs, first), "store_mb": _mb(store_path)}


def _raw_encoder():
    from vectorstore.embedding import get_embeddings

    model = get_embeddings("minilm")._client
    model.encode(["warm up the model"] * 64, batch_size=64)

    def encode(texts: list[str]) -> tuple[np.ndarray, float]:
        started = time.perf_counter()
        vectors = model.encode(texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True,
                               show_progress_bar=False)
        return vectors, time.perf_counter() - started

    return encode


def _ingest_real(folder: Path, texts: list[str]) -> dict:
    """Real ingest and the bare encoder on the same texts, raw first and last, the faster raw counts."""
    from assistant import Assistant

    encode = _raw_encoder()
    vectors, raw_before = encode(texts)
    started = time.perf_counter()
    report = Assistant(store=folder / "store", backend="extractive").ingest([folder / "corpus"])
    ingest_s = time.perf_counter() - started
    raw_s = min(raw_before, encode(texts)[1])
    n = len(texts)
    return {"documents": report.summary()["added"], "ingest_s": round(ingest_s, 2), "raw_encode_s": round(raw_s, 2),
            "ingest_pps": round(n / ingest_s, 1), "raw_pps": round(n / raw_s, 1),
            "ingest_ratio": round(raw_s / ingest_s, 3), "ingest_estimated": False,
            "vectors": dict(zip(texts, vectors))}


def _ingest_precomputed(folder: Path, paragraphs, bases) -> dict:
    """The real pipeline (read, clean, split, near-duplicate checks, Chroma + SQLite writes) with
    vectors derived from each paragraph's source and each sentence's paragraph; the encoder is timed
    on a sample."""
    from ingest.pipeline import ingest
    from vectorstore import embedding, sentences
    from vectorstore.store import Store

    encode = _raw_encoder()
    rng = np.random.default_rng(len(paragraphs))
    base_vectors = _base_vectors(bases, encode)
    vectors = dict(zip((p.text for p in paragraphs), _noisy(base_vectors[[p.base for p in paragraphs]], rng)))
    owners = {}  # a sentence shared by copies of a paragraph is stored once: its vector from the first
    for p in paragraphs:
        for sentence in sentences.of(p.text):
            owners.setdefault(sentence, p.text)
    encoded = dict(zip(owners, _noisy(np.stack([vectors[t] for t in owners.values()]), rng))) | vectors
    sample = [p.text for p in paragraphs[::max(1, len(paragraphs) // ENCODER_SAMPLE)][:ENCODER_SAMPLE]]
    _, sample_s = encode(sample)
    raw_pps = len(sample) / sample_s
    started = time.perf_counter()
    embedding.encode("minilm", sample + list(dict.fromkeys(s for t in sample for s in sentences.of(t))))
    ingest_pps = len(sample) / (time.perf_counter() - started)
    started = time.perf_counter()
    report = ingest([folder / "corpus"], Store(folder / "store"), lambda texts: np.stack([encoded[t] for t in texts]))
    pipeline_s = time.perf_counter() - started
    n = len(paragraphs)
    ingest_s = n / ingest_pps + pipeline_s
    return {"documents": report.summary()["added"], "ingest_s": round(ingest_s, 2), "raw_encode_s": round(n / raw_pps, 2),
            "pipeline_s_without_encoder": round(pipeline_s, 2), "encoder_sample": len(sample),
            "sentences": len(owners), "ingest_pps": round(n / ingest_s, 1), "raw_pps": round(raw_pps, 1),
            "ingest_ratio": round((n / raw_pps) / ingest_s, 3), "ingest_estimated": True, "vectors": vectors}


def _noisy(sources: np.ndarray, rng) -> np.ndarray:
    """Each source vector plus seeded noise, normalized: cosine ~0.93 to its source."""
    noisy = sources + rng.normal(scale=NOISE / np.sqrt(sources.shape[1]), size=sources.shape)
    return (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)


def _base_vectors(bases, encode) -> np.ndarray:
    """MiniLM vectors of the SQuAD source paragraphs, encoded once and cached."""
    cache = CACHE / "base-minilm.npz"
    texts = [text for _, text in bases]
    if cache.is_file():
        saved = np.load(cache)
        if saved["texts"].tolist() == texts:
            return saved["vectors"]
    vectors, _ = encode(texts)
    cache.parent.mkdir(parents=True, exist_ok=True)
    np.savez(cache, texts=np.array(texts), vectors=vectors)
    return vectors


def _write_rescore_cache(store, vectors: dict) -> None:
    """The re-scorer's vector file (assistant/answer/rerank.py's format) with each MiniLM vector doubled to
    768 dimensions, so the first query does not spend hours encoding the library with mpnet."""
    versions = {d.doc_id: d.content_hash for d in store.documents()}
    paragraphs = sorted(store.paragraphs(), key=lambda p: p.paragraph_id)
    doubled = np.stack([np.concatenate([vectors[p.text], vectors[p.text]]) / np.sqrt(2) for p in paragraphs])
    from vectorstore import rescore_vectors

    rescore_vectors.write_file(Path(store.path), [p.paragraph_id for p in paragraphs],
                               [versions[p.doc_id] for p in paragraphs], list(doubled.astype(np.float32)))


# ---- measurements -------------------------------------------------------------------------------
def retrieval_latency(store_path: Path, limit: int, questions_file: Path = SQUAD_QUESTIONS, **server) -> dict:
    """Ours (hybrid, dense) and the raw Chroma query, interleaved question by question (`server`:
    database_url and chroma_url for the server store)."""
    from assistant import Assistant
    from assistant.evaluation import load_questions
    from assistant.metrics import latency_summary
    from assistant.answer.retrieval import Retriever

    assistant = Assistant(store=store_path, backend="extractive", **server)
    questions = [q["question"] for q in load_questions(questions_file, limit=limit, answerable_only=True)]
    vectors = assistant.encode(questions)
    collection = assistant.store.collection
    # our first stage (dense + BM25 + fusion + paragraph fetch) given the same precomputed vector as
    # the raw query: the part of our latency that is not model inference
    first_stage = Retriever(assistant.store, dict(zip(questions, vectors)).__getitem__, "weighted")
    runs = {
        "hybrid": lambda i: assistant.retrieve(questions[i], k=K),
        "dense": lambda i: assistant.retrieve(questions[i], k=K, method="dense"),
        "first_stage": lambda i: first_stage.search(questions[i], K),
        "raw": lambda i: collection.query(query_embeddings=[vectors[i].tolist()], n_results=K,
                                          include=["metadatas", "distances"]),
    }
    for run in runs.values():
        run(0)  # models loaded, re-scorer synced, caches warm
    assistant.store.load_lexical_index()  # as a process asking more than once holds it
    seconds = {name: [] for name in runs}
    for i in range(len(questions)):
        names = list(runs) if i % 2 == 0 else list(reversed(runs))
        for name in names:
            started = time.perf_counter()
            runs[name](i)
            seconds[name].append(time.perf_counter() - started)
    out = {"questions": len(questions)}
    for name, values in seconds.items():
        summary = latency_summary(values)
        out[f"{name}_p50_ms"], out[f"{name}_p95_ms"] = summary["p50_ms"], summary["p95_ms"]
    out["hybrid_vs_raw"] = round(out["hybrid_p50_ms"] / out["raw_p50_ms"], 1)
    out["dense_vs_raw"] = round(out["dense_p50_ms"] / out["raw_p50_ms"], 1)
    out["first_stage_vs_raw"] = round(out["first_stage_p50_ms"] / out["raw_p50_ms"], 1)
    return out


def fts_build(store_path: Path) -> dict:
    """Build the store's FTS5 index (its schema, each paragraph with its context, as ingest writes it)
    and its token counts from scratch in a scratch file: seconds and MB; and the seconds to load BM25
    into memory from the store itself."""
    from vectorstore import fts, term_counts
    from vectorstore.bm25 import Bm25Index
    from vectorstore.lexical import CONTEXT_WEIGHT

    source = sqlite3.connect(store_path / "registry.sqlite3")
    rows = list(fts.rows(source))
    started = time.perf_counter()
    Bm25Index.load(source, CONTEXT_WEIGHT)
    load_seconds = time.perf_counter() - started
    source.close()
    with tempfile.TemporaryDirectory(prefix="bench-fts-") as scratch:
        db = sqlite3.connect(Path(scratch) / "fts.sqlite3")
        started = time.perf_counter()
        with db:
            db.execute(fts.SCHEMA)
            db.executemany(fts.INSERT, rows)
        seconds = time.perf_counter() - started
        db.executescript(term_counts.SCHEMA + "create table meta(key text primary key, value text not null);")
        started = time.perf_counter()
        with db:
            term_counts.write(db, rows)
        count_seconds = time.perf_counter() - started
        db.close()
        size = (Path(scratch) / "fts.sqlite3").stat().st_size
    return {"fts_build_s": round(seconds, 2), "counts_build_s": round(count_seconds, 2),
            "bm25_load_s": round(load_seconds, 2), "fts_mb": round(size / 1e6, 1),
            "registry_mb": round((store_path / "registry.sqlite3").stat().st_size / 1e6, 1)}


# Runs the command and reports its peak RSS: measured from a fresh small process, since a child forked
# from this one (grown by the 100k store) would count this one's memory as its own until its exec.
PEAK_RSS = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stderr=subprocess.DEVNULL); "
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)); sys.exit(r.returncode)")


def startup(store_path: Path, runs: int, question: str = "When did Beyonce start becoming popular?",
            flags: tuple[str, ...] = ()) -> dict:
    """A fresh process from exec to a printed answer: median wall time (with ~20 ms of the helper
    that measures it) and the peak RSS. `flags`: the server store's --database-url and --chroma-url."""
    script = ROOT / ".venv" / "bin" / "assistant"  # a worktree without its own venv runs this checkout's code
    command = [*([str(script)] if script.is_file() else [sys.executable, "-m", "assistant"]), "ask", question,
               "--backend", "extractive", "--json", "--store", str(store_path), *flags]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    walls, peaks = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-I", "-S", "-c", PEAK_RSS, *command], capture_output=True, env=env)
        walls.append(time.perf_counter() - started)
        if done.returncode != 0 or "answer" not in json.loads(done.stdout):
            raise SystemExit(f"`{' '.join(command)}` failed (status {done.returncode})")
        peaks.append(int(done.stderr) / 1024)
    return {"startup_s": round(float(np.median(walls)), 2), "startup_rss_mb": round(max(peaks), 1)}


# ---- output -------------------------------------------------------------------------------------
def _merge(out: Path, rows: dict) -> dict:
    """Rows of this run replace the same sizes of earlier runs, so sizes can be run separately."""
    import platform

    previous = json.loads(out.read_text()) if out.is_file() else {}
    sizes = {int(r["paragraphs"]): r for r in previous.get("sizes", [])} | rows
    result = {"sizes": [sizes[n] for n in sorted(sizes)], "k": K, "targets": TARGETS,
              "machine": {"python": platform.python_version(), "cpus": len(os.sched_getaffinity(0))},
              "command": "python bench/scale.py " + " ".join(sys.argv[1:])}
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    return result


def _mb(folder: Path) -> float:
    return round(sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1e6, 1)


def _rel(path: Path) -> str:
    return str(path.resolve().relative_to(ROOT)) if path.resolve().is_relative_to(ROOT) else str(path)


def _print_table(result: dict) -> None:
    print("| paragraphs | ingest p/s ours | raw encoder | ratio | retrieval p50/p95 ms ours (hybrid) | dense | "
          "first stage, no models | raw Chroma | hybrid/raw | first stage/raw | FTS + counts build s | BM25 load s | "
          "lexical / store MB | "
          "start-up s | start-up RSS MB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in result["sizes"]:
        est = " (est.)" if r["ingest_estimated"] else ""
        name = f" ({r['library']})" if "library" in r else ""
        ratio = "n/a" if r["ingest_ratio"] is None else f"{r['ingest_ratio']:.2f}{est}"
        print(f"| {r['paragraphs']:,}{name} | {r['ingest_pps']}{est} | {r['raw_pps']} | {ratio} | "
              f"{r['hybrid_p50_ms']:.0f} / {r['hybrid_p95_ms']:.0f} | {r['dense_p50_ms']:.0f} / {r['dense_p95_ms']:.0f} | "
              f"{r['first_stage_p50_ms']:.1f} / {r['first_stage_p95_ms']:.1f} | "
              f"{r['raw_p50_ms']:.1f} / {r['raw_p95_ms']:.1f} | {r['hybrid_vs_raw']}x | {r['first_stage_vs_raw']}x | "
              f"{r['fts_build_s']} + {r.get('counts_build_s', '?')} | {r.get('bm25_load_s', '?')} | "
              f"{r['fts_mb']} / {r['store_mb']} | {r['startup_s']} | {r['startup_rss_mb']:.0f} |")


if __name__ == "__main__":
    raise SystemExit(main())
