"""Citation markers checked against the paragraphs they point to.

Each sentence's [n] markers are verified (word overlap and embedding similarity with the cited
paragraph). A marker whose paragraph does not support the sentence is re-pointed to one that does
or dropped; a sentence no paragraph supports is removed. Numbers outside the prompt never survive.
Surviving paragraphs are renumbered 1..n in order of first use.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from assistant import prompting
from ingest import split

MARKER = re.compile(r"\[\s*(\d+(?:\s*[,;]\s*\d+)*)\s*\]")
# "claim. [1]" -> "claim [1]." so a marker stays with the sentence it follows
MARKER_AFTER_STOP = re.compile(r"([.!?])((?:\s*\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\])+)")
ABSTAIN_PHRASES = re.compile(
    r"NOT_FOUND|\b(?:sources?|context|corpus|documents?|passages?|texts?)\s+(?:do|does|did)\s+not\s+"
    r"(?:contain|provide|mention|say|include|specify|state|answer)|\bno information\b|\bcannot (?:be )?answer",
    re.IGNORECASE)
SUPPORT_THRESHOLD = 0.5


@dataclass
class Verified:
    text: str
    cited: list[int]  # 0-based hit indexes in order of first use; marker [i+1] in text -> cited[i]
    removed_sentences: int
    repointed: int
    abstained: bool


def support_scores(sentences: list[str], paragraphs: list[str], encode) -> np.ndarray:
    """sentences x paragraphs support in [0, 1]: the mean of word recall and embedding similarity."""
    if not sentences or not paragraphs:
        return np.zeros((len(sentences), len(paragraphs)))
    words = [prompting.content_words(p) for p in paragraphs]
    lexical = np.array([[len(s & w) / len(s) if s else 0.0 for w in words]
                        for s in map(prompting.content_words, sentences)])
    vectors = encode(sentences + paragraphs)
    dense = np.clip(vectors[:len(sentences)] @ vectors[len(sentences):].T, 0.0, 1.0)
    return 0.5 * lexical + 0.5 * dense


def verify(raw: str, paragraphs: list[str], encode, threshold: float = SUPPORT_THRESHOLD) -> Verified:
    """`paragraphs[i]` is what marker [i+1] refers to in `raw`."""
    text = MARKER_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), raw.strip())
    if not text or ABSTAIN_PHRASES.search(text) and not MARKER.search(text):
        return Verified("", [], 0, 0, abstained=True)
    sentences = [text[s:e] for s, e in split.sentences(text)]
    claims = [MARKER.sub("", s).strip() for s in sentences]
    cited_numbers = [[int(n) for m in MARKER.finditer(s) for n in re.split(r"[,;]", m.group(1))] for s in sentences]
    keep = [i for i, c in enumerate(claims) if prompting.content_words(c) and not ABSTAIN_PHRASES.search(c)]
    scores = support_scores([claims[i] for i in keep], paragraphs, encode)

    order: list[int] = []
    out, repointed = [], 0
    for row, i in enumerate(keep):
        valid = list(dict.fromkeys(n - 1 for n in cited_numbers[i] if 1 <= n <= len(paragraphs)))
        supported = [j for j in valid if scores[row, j] >= threshold]
        if not supported:
            best = int(np.argmax(scores[row]))
            if scores[row, best] < threshold:
                continue
            supported, repointed = [best], repointed + 1
        order.extend(j for j in supported if j not in order)
        markers = "".join(f"[{order.index(j) + 1}]" for j in supported)
        claim = claims[i]
        stop = claim[-1] if claim[-1] in ".!?" else "."
        out.append(f"{claim.rstrip('.!?').rstrip()} {markers}{stop}")
    removed = len(sentences) - len(out)
    return Verified(" ".join(out), order, removed, repointed, abstained=not out)
