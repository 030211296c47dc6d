"""Deterministic scale corpora of N paragraphs built from the squad2-dev paragraphs.

SQuAD has 1,204 paragraphs; a 100k corpus needs each one about 83 times, and ingest refuses exact
and near-duplicate documents. So every article mixes 10-30 paragraphs drawn (seeded) from the whole
set, and every copy of a paragraph after the first has its sentences rotated and a copy marker
appended: no two paragraphs are identical, no two articles share more than a few paragraphs.
Each paragraph remembers which SQuAD paragraph it came from (`base`), so a benchmark can derive
approximate vectors from the base paragraph's vector without encoding it.
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

SQUAD_ARTICLES = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "squad2-dev" / "articles"
SEED = 20230301
MIN_CHARS, MAX_CHARS = 80, 1900  # inside ingest's 60..2000 so each paragraph stays exactly one paragraph
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
FILES_PER_FOLDER = 1000


@dataclass(frozen=True)
class ScaleParagraph:
    text: str
    base: int  # index into base_paragraphs()


def base_paragraphs(articles: Path = SQUAD_ARTICLES) -> list[tuple[str, str]]:
    """(article title, paragraph text) of every one-line SQuAD paragraph within the length bounds."""
    out = []
    for path in sorted(articles.glob("*.txt")):
        title, body = path.read_text(encoding="utf-8").split("\n\n", 1)
        out += [(title, p.strip()) for p in body.split("\n\n")
                if MIN_CHARS <= len(p.strip()) <= MAX_CHARS and "\n" not in p.strip()]  # line breaks get cleaned
    return out


def articles(n: int, bases: list[tuple[str, str]]) -> list[tuple[str, list[ScaleParagraph]]]:
    """n paragraphs as (title, paragraphs) articles of 10-30 paragraphs each; same n, same output."""
    rng = random.Random(f"{SEED}-{n}")
    order: list[int] = []
    while len(order) < n:
        round_ = list(range(len(bases)))
        rng.shuffle(round_)
        order += round_
    copies: dict[int, int] = {}
    paragraphs = []
    for base in order[:n]:
        copy = copies[base] = copies.get(base, -1) + 1
        paragraphs.append(ScaleParagraph(_variant(bases[base][1], copy), base))
    out, start = [], 0
    while start < n:
        size = min(rng.randint(10, 30), n - start)
        chunk = paragraphs[start:start + size]
        out.append((f"Scale article {len(out):06d}: {bases[chunk[0].base][0]}", chunk))
        start += size
    return out


def _variant(text: str, copy: int) -> str:
    if copy == 0:
        return text
    sentences = SENTENCE.split(text)
    shift = copy % len(sentences)
    rotated = " ".join(sentences[shift:] + sentences[:shift])
    return f"{rotated} (copy {copy})"


def write(folder: Path, built: list[tuple[str, list[ScaleParagraph]]]) -> None:
    """One .txt per article (title line, blank line, paragraphs), FILES_PER_FOLDER per subfolder."""
    for i, (title, paragraphs) in enumerate(built):
        path = folder / f"{i // FILES_PER_FOLDER:03d}" / f"article-{i:06d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(title + "\n\n" + "\n\n".join(p.text for p in paragraphs) + "\n", encoding="utf-8")
