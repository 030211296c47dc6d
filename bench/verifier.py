"""The verifier on true claims and their automatic perturbations.

From gold paragraphs of ../shared/eval/squad2-dev and ../shared/eval/news-rtqa: the true claim is the
gold paragraph's sentence holding the answer; each perturbation changes its meaning one way:
- negation: "not" inserted after the first auxiliary or copula, or a "not"/"n't"/"never" removed;
- number: the first figure (not a year) changed;
- date: the first date shifted by a day (or a year, for a bare year);
- entity: the first name (person, place, organisation, ...) swapped for another of the same kind
  from the same article.
Targets (issue 20): >= 0.95 of true claims `supported`, >= 0.95 of perturbed ones not `supported`.

    python bench/verifier.py [--per-set 300]
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared" / "eval"
SETS = {"squad2-dev": SHARED / "squad2-dev", "news-rtqa": SHARED / "news-rtqa"}
KINDS = ("negation", "number", "date", "entity")
AUXILIARY = re.compile(r"\b(is|are|was|were|has|have|had|can|could|will|would|should|does|did|do|must|may)\b")
NEGATION = re.compile(r"\s+(?:not|never)\b|n't\b")
YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
FIGURE = re.compile(r"(?<![\w.])(\d+(?:,\d{3})*(?:\.\d+)?)(?![\w])")


def gold_sentence(paragraph: str, answers: list[str]) -> str | None:
    from ingest import split

    for start, end in split.sentences(paragraph):
        sentence = paragraph[start:end]
        if any(a and a in sentence for a in answers) and len(sentence.split()) >= 5:
            return sentence
    return None


def negate(sentence: str) -> str | None:
    if NEGATION.search(sentence):
        return NEGATION.sub("", sentence, count=1)
    match = AUXILIARY.search(sentence)
    return sentence[:match.end()] + " not" + sentence[match.end():] if match else None


def change_number(sentence: str, rng: random.Random) -> str | None:
    for match in FIGURE.finditer(sentence):
        if YEAR.fullmatch(match.group(1)):
            continue
        value = float(match.group(1).replace(",", ""))
        changed = value + rng.choice([1, 2, 3]) if value < 10 else value * rng.choice([1.5, 2, 0.5])
        shown = f"{changed:,.0f}" if "," in match.group(1) else f"{changed:g}"
        return sentence[:match.start()] + shown + sentence[match.end():]
    return None


def shift_date(sentence: str) -> str | None:
    from assistant.verify.dates import DATE_PATTERNS

    for pattern in DATE_PATTERNS[:-1]:
        match = pattern.search(sentence)
        if match and match.groupdict().get("day"):
            day = int(match.group("day"))
            start, end = match.span("day")
            return sentence[:start] + str(day + 1 if day < 28 else day - 1) + sentence[end:]
    match = YEAR.search(sentence)
    return sentence[:match.start()] + str(int(match.group(1)) + 1) + sentence[match.end():] if match else None


def swap_entity(sentence: str, article: str) -> str | None:
    from assistant.verify.language import NAME_LABELS, parse

    names = [(e.text, e.label_, e.start_char, e.end_char) for e in parse(sentence).ents if e.label_ in NAME_LABELS]
    if not names:
        return None
    text, label, start, end = names[0]
    others = sorted({e.text for e in parse(article[:20000]).ents
                     if e.label_ == label and e.text not in sentence and text not in e.text and e.text not in text})
    return sentence[:start] + others[0] + sentence[end:] if others else None


def pairs_for(name: str, folder: Path, per_set: int, rng: random.Random) -> list[dict]:
    questions = [json.loads(line) for line in open(folder / "questions.jsonl", encoding="utf-8") if line.strip()]
    questions = [q for q in questions if q["answerable"]]
    rng.shuffle(questions)
    pairs, seen = [], set()
    for q in questions:
        if len(seen) >= per_set:
            break
        sentence = gold_sentence(q["paragraph_text"], q["answers"])
        if sentence is None or sentence in seen:
            continue
        seen.add(sentence)
        article = (folder / "articles" / q["article_file"]).read_text(encoding="utf-8")
        pairs.append({"set": name, "kind": "true", "claim": sentence, "paragraph": q["paragraph_text"]})
        for kind, perturbed in (("negation", negate(sentence)), ("number", change_number(sentence, rng)),
                                ("date", shift_date(sentence)), ("entity", swap_entity(sentence, article))):
            if perturbed and perturbed != sentence:
                pairs.append({"set": name, "kind": kind, "claim": perturbed, "paragraph": q["paragraph_text"]})
    return pairs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-set", type=int, default=300, help="gold sentences per evaluation set")
    args = parser.parse_args()

    from assistant.verify import verifier
    from vectorstore.embedding import encode, get_embeddings

    rng = random.Random(7)
    pairs = [p for name, folder in SETS.items() for p in pairs_for(name, folder, args.per_set, rng)]
    embed = lambda texts: encode("minilm", texts)  # noqa: E731
    get_embeddings("minilm")  # a long-running process's encoder for batches
    verifier.check("warm up", "Warm up the models.", embed)
    started = time.perf_counter()
    verdicts = [verifier.check(p["claim"], p["paragraph"], embed) for p in pairs]
    per_pair_ms = 1000 * (time.perf_counter() - started) / len(pairs)
    counts: dict = defaultdict(lambda: defaultdict(int))
    for pair, verdict in zip(pairs, verdicts):
        for key in ((pair["set"], pair["kind"]), ("all", pair["kind"])):
            counts[key]["n"] += 1
            counts[key][verdict.label] += 1
    rows = []
    for (set_name, kind), c in sorted(counts.items()):
        good = c["supported"] if kind == "true" else c["n"] - c["supported"]
        rows.append({"set": set_name, "kind": kind, "pairs": c["n"], "right": round(good / c["n"], 3),
                     "supported": c["supported"], "contradicted": c["contradicted"], "unsupported": c["unsupported"]})
    result = {"per_set": args.per_set, "pairs": len(pairs), "ms_per_pair": round(per_pair_ms, 1), "rows": rows,
              "misses": [{"kind": p["kind"], "claim": p["claim"], "label": v.label, "reason": v.reason}
                         for p, v in zip(pairs, verdicts)
                         if (p["kind"] == "true") != (v.label == verifier.SUPPORTED)][:60]}
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "verifier.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"{len(pairs)} pairs, {per_pair_ms:.1f} ms per pair")
    print("| set | claim | pairs | right (true: supported; perturbed: not supported) | contradicted | unsupported |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['set']} | {r['kind']} | {r['pairs']} | {r['right']:.3f} | {r['contradicted']} | {r['unsupported']} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
