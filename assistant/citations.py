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
    """`paragraphs[i]` is what marker [i+1] refers to in `raw`.

    A sentence citing several sources mid-way ("A [1], while B [2].") is checked clause by clause:
    each marker group vouches for the text since the previous group.
    """
    text = _markers_after_claims(raw.strip())
    if not text or ABSTAIN_PHRASES.search(text) and not MARKER.search(text):
        return Verified("", [], 0, 0, abstained=True)
    sentences = [text[s:e] for s, e in split.sentences(text)]
    clauses = [_clauses(s) for s in sentences]
    flat = [c for cs in clauses for c, _ in cs] + [MARKER.sub("", s).strip() for s in sentences]
    scores = support_scores(flat, paragraphs, encode)
    clause_rows = iter(range(len(flat) - len(sentences)))
    sentence_rows = iter(range(len(flat) - len(sentences), len(flat)))

    order: list[int] = []
    out, repointed = [], 0
    for sentence, parts in zip(sentences, clauses):
        whole = next(sentence_rows)
        rows = [next(clause_rows) for _ in parts]
        claim = MARKER.sub("", sentence).strip()
        if not prompting.content_words(claim) or ABSTAIN_PHRASES.search(claim):
            continue
        rendered, kept_any = [], False
        for (clause, numbers), row in zip(parts, rows):
            valid = list(dict.fromkeys(n - 1 for n in numbers if 1 <= n <= len(paragraphs)))
            supported = [j for j in valid if max(scores[row, j], scores[whole, j]) >= threshold]
            if numbers and not supported:
                best = int(np.argmax(scores[row]))
                if scores[row, best] >= threshold:
                    supported, repointed = [best], repointed + 1
            order.extend(j for j in supported if j not in order)
            kept_any = kept_any or bool(supported)
            rendered.append((clause, supported))
        if not kept_any:  # no marker held up: does any paragraph support the sentence as a whole?
            best = int(np.argmax(scores[whole]))
            if scores[whole, best] < threshold:
                continue
            repointed += 1
            order.extend([best] if best not in order else [])
            rendered = [(claim, [best])]
        out.append(_render(rendered, order))
    removed = len(sentences) - len(out)
    return Verified(" ".join(out), order, removed, repointed, abstained=not out)


MARKER_GROUP = re.compile(r"((?:\[\s*\d+(?:\s*[,;]\s*\d+)*\s*\]\s*)+)")


def _markers_after_claims(text: str) -> str:
    """Small models write "[1] Claim. [2] Claim." as often as "Claim [1]."; bring both to the latter."""
    if not MARKER_GROUP.match(text):
        return MARKER_AFTER_STOP.sub(lambda m: m.group(2) + m.group(1), text)
    pieces = MARKER_GROUP.split(text)[1:]  # [group, text, group, text, ...]
    out = []
    for group, claim in zip(pieces[::2], pieces[1::2] + [""]):
        claim = claim.strip()
        stop = claim[-1] if claim[-1:] in (".", "!", "?") else "."
        out.append(f"{claim.rstrip('.!?').rstrip()} {group.strip()}{stop}" if claim else "")
    return " ".join(o for o in out if o)


def _clauses(sentence: str) -> list[tuple[str, list[int]]]:
    """[(text, cited numbers)]: the text before each marker group; trailing text joins the last clause."""
    parts, cursor = [], 0
    for match in MARKER.finditer(sentence):
        numbers = [int(n) for n in re.split(r"[,;]", match.group(1))]
        if parts and not sentence[cursor:match.start()].strip():
            parts[-1] = (parts[-1][0], parts[-1][1] + numbers)  # "[1][2]": one group
        else:
            parts.append((sentence[cursor:match.start()], numbers))
        cursor = match.end()
    tail = sentence[cursor:]
    if not parts:
        return [(tail, [])]
    if tail.strip(" .!?"):
        parts[-1] = (parts[-1][0] + tail, parts[-1][1])
    return [(text.strip(), numbers) for text, numbers in parts]


def _render(clauses: list[tuple[str, list[int]]], order: list[int]) -> str:
    pieces = []
    for text, cited in clauses:
        text = text.rstrip().rstrip(".!?").rstrip() if text is clauses[-1][0] else text.rstrip()
        markers = "".join(f"[{order.index(j) + 1}]" for j in cited)
        pieces.append(f"{text} {markers}" if markers else text)
    stop = "?" if clauses[-1][0].rstrip().endswith("?") else "!" if clauses[-1][0].rstrip().endswith("!") else "."
    return " ".join(pieces).replace(" ,", ",") + stop
