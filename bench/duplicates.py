"""What the near-duplicate policy keeps and drops on a folder of articles, without the encoder.

Runs the real ingest (readers, cleaning, splitting, sketches, the revised/duplicate decision, Chroma
and SQLite writes) into a scratch store with a stand-in embedder (seeded random unit vectors), so a
2,068-article news folder takes minutes, not the hour MiniLM would. Prints the counts per status
and every `revised` and `duplicate` decision with its reason; writes bench/out/duplicates-NAME.json.

    python bench/duplicates.py --name news-rtqa ../shared/eval/news-rtqa/articles
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--name", default="corpus", help="names the output file")
    args = parser.parse_args()

    from ingest.pipeline import ingest
    from vectorstore.store import Store

    rng = np.random.default_rng(7)

    def stand_in(texts: list[str]) -> np.ndarray:
        vectors = rng.standard_normal((len(texts), 384)).astype(np.float32)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        report = ingest([args.folder], Store(scratch), stand_in)
        seconds = time.perf_counter() - started
    decided = [r.to_dict() for r in report.results if r.status in ("revised", "duplicate")]
    result = {"folder": str(args.folder), "summary": report.summary(), "seconds": round(seconds, 1),
              "paragraphs_written": sum(r.paragraphs for r in report.results if r.wrote), "decisions": decided}
    out = ROOT / "bench" / "out" / f"duplicates-{args.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result["summary"]), f"{result['paragraphs_written']} paragraphs written in {seconds:.0f} s")
    for d in decided:
        print(f"{d['status']:9s} {Path(d['location']).name}: {d.get('reason')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
