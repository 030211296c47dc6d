"""The 339-article news-rtqa library the answer and retrieval runs use: the 39 gold articles plus 300
others drawn with seed 7 (9,095 paragraphs once ingested), as a folder of links to the shared articles.
The whole library (2,068 articles) takes 14 minutes to ingest on 2 cores; this one, two.

    python bench/news_subset.py OUT_DIR
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "news-rtqa"
OTHERS, SEED = 300, 7


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    questions = [json.loads(line) for line in open(SHARED / "questions.jsonl", encoding="utf-8")]
    gold = sorted({q["article_file"] for q in questions if q.get("article_file")})
    others = sorted({p.name for p in (SHARED / "articles").iterdir()} - set(gold))
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    for name in gold + random.Random(SEED).sample(others, OTHERS):
        if not (out / name).exists():
            (out / name).symlink_to(SHARED / "articles" / name)
    print(f"{len(gold)} gold + {OTHERS} other articles linked in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
