"""The verifier on real answers: each cited claim of the answers the benchmarks logged, labelled right
or wrong against the question's gold answer and the paragraph it cites, then checked by the current
verifier. The synthetic benchmark (bench/verifier.py) perturbs gold sentences; this one holds what the
model really says, so it counts what matters: wrong claims shown as verified, right claims lost.

collect: from answer logs (bench/answers.py's answers-NAME.jsonl, bench/open_questions.py's
open-NAME.jsonl; default mode rows unless --modes says otherwise) each answer sentence with its markers
is a claim (markers and compose's attribution words stripped), paired with each paragraph it cites (the
log's own texts, else the store's: --store SET=FOLDER, opened read-only). A pair is labelled by
bench/claim_labels.py:
- right: the claim states a gold answer (assistant/metrics.py's `contains`: whole words, accents
  folded) and the paragraph holds it; a yes/no answer with the gold polarity citing the gold paragraph;
- wrong: the question has no answer in the library and the answer did not abstain; or the answer
  states none of the gold answers and the claim asserts one (it holds the kind of fact asked,
  assistant/answer/answer_kind.py, of the question's last sentence) and is the answer's first claim
  (what it asserts; what follows is context or a witness); or the yes/no is the opposite of the
  gold; for an open question, the claim states one of its `wrong` facts;
- anything else is left out, its reason counted: context beside the gold-stating sentence, a hollow
  claim (the asked kind of fact missing: answer/fact_bearing.py's business, not the verifier's), part
  of a gold name, a gold answer this paragraph does not hold.
Written to bench/verifier_real.jsonl, one pair a line: set, id, mode, question, claim, paragraph,
label, reason, gold.

measure: the verifier (`check_many`) on every pair; per label how many it passes as supported and
how many it flags (unsupported, contradicted): wrong passed = wrong claims shown as verified, right
flagged = right claims lost. Written to bench/out/verifier-real.json with the misses.

    python bench/verifier_real.py collect ../eval-wt/bench/out/answers-news-final.jsonl \\
        seed=../logs/answers-seed-before.jsonl --store news-rtqa=/work/stores/news
    python bench/verifier_real.py measure

How the labels were checked: 16 "wrong" labels read by hand against claim, paragraph and gold (all 9
of the default answers: news-rtqa whole library and the open questions; and 7 of the extractive
answers on news-rtqa, collected with --modes extractive). 13 hold: a stale fact ("Kentucky is in a
legal battle over a Ten Commandments law" from a 2005 ruling; "more than 32,000 workers" for 33,000;
"the next Winter Olympics will be held in Beijing"; the 2017 Thomas Fire as "the fifth largest"), a
misread ("The Matilija Fire is the name of the blaze" from a paragraph naming it the sixth largest;
"seven jurors were seated" for a panel of 12; "Mold" for the plant "ragweed"), another film or
state, and answers to questions the library cannot answer (true sentences, but no answer should be
shown). Most are true to their paragraph: the verifier cannot refute them by support, only by what,
who and when the question asks. Where the automatic labels err: 3 of the 16 are hollow answers
counted wrong because a "which ..." question's kind is only `name` and the claim names something
else (the AFP photographer for "which island", the FDA for the pill's name, a sentence cut at
"7 p.m." for the best picture); a sentence split at an abbreviation ("The Super Mario Bros.")
truncates a claim. Right labels rest on the gold string being in claim and paragraph: the 95 were
read through and all are true to their paragraph, but an open question's nugget may sit in stale
context (a 2022 swap proposal naming Whelan for the August 2024 swap) or in another role ("fans
believe it will be Beyoncé"): right for the verifier, not always a right answer.
"""
from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.claim_labels import RIGHT, WRONG, labelled_answer, labelled_open, reason_class  # noqa: E402

OUTPUT = ROOT / "bench" / "verifier_real.jsonl"
OPEN_CASES = ROOT / "bench" / "questions" / "open.jsonl"
UNWRITTEN_SETS = {"seed"}  # the seed articles are not committed: their paragraphs stay in ../shared/corpus
SET_NAMES = (("news", "news-rtqa"), ("squad", "squad2-dev"), ("seed", "seed"))  # answers-NAME.jsonl -> set


# ---- collect -------------------------------------------------------------------------------------
def set_of(path: Path) -> str:
    stem = path.stem.removeprefix("answers-")
    return next((name for key, name in SET_NAMES if key in stem), stem)


def store_texts(folder: Path, ids: list[str]) -> dict[str, str]:
    """Paragraph texts by id, from the store's registry opened read-only (a run may be writing it)."""
    from vectorstore.registry import PARAGRAPH_SELECT

    db = sqlite3.connect(f"file:{folder / 'registry.sqlite3'}?mode=ro", uri=True, timeout=30)
    marks = ",".join("?" * len(ids))
    rows = db.execute(PARAGRAPH_SELECT.replace("p.*", "p.paragraph_id, p.text") + f" where p.paragraph_id in ({marks})",
                      ids).fetchall() if ids else []
    db.close()
    return {pid: text for pid, text, *_ in rows}


def collect(logs: list[str], stores: dict[str, Path], modes: set[str], cases_file: Path = OPEN_CASES):
    """(labelled pairs, reasons of the pairs left out) of the logs' rows in `modes`."""
    cases = {c["id"]: c for c in map(json.loads, filter(str.strip, cases_file.read_text(encoding="utf-8").splitlines()))}
    pairs, left = [], Counter()
    for spec in logs:
        name, _, path = spec.rpartition("=")
        path = Path(path)
        rows = [r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r["mode"] in modes]
        for row in rows:
            if "outcome" in row:
                kept, skipped = labelled_answer(row, name or set_of(path))
            else:
                case = cases.get(row["id"])
                if case is None:
                    sys.exit(f"error: {path}: case {row['id']} is not in {cases_file}: give --cases")
                if case["corpus"] not in stores:
                    sys.exit(f"error: {path} cites {case['corpus']} paragraphs: give --store {case['corpus']}=FOLDER")
                kept, skipped = labelled_open(row, case, store_texts(stores[case["corpus"]], row["cited"]))
            pairs += kept
            left += skipped
    unique = {(p["set"], p["id"], p["mode"], p["claim"], p["paragraph"]): p for p in pairs}  # a question in two logs
    return list(unique.values()), left


# ---- measure -------------------------------------------------------------------------------------
def measure(pairs: list[dict]) -> dict:
    from assistant.verify import verifier
    from vectorstore.embedding import encode

    verdicts = verifier.check_many([(p["claim"], p["paragraph"]) for p in pairs], lambda texts: encode("minilm", texts))
    by_mode: dict = defaultdict(Counter)
    by_reason: dict = defaultdict(Counter)
    for p, v in zip(pairs, verdicts):
        for counts, key in ((by_mode, (p["mode"], p["label"])), (by_mode, ("all", p["label"])),
                            (by_reason, (p["label"], reason_class(p["reason"])))):
            counts[key]["pairs"] += 1
            counts[key][v.label] += 1
    figures = ("pairs", "supported", "unsupported", "contradicted")
    rows = [{"mode": mode, "label": kind, **{k: c[k] for k in figures}} for (mode, kind), c in sorted(by_mode.items())]
    reasons = [{"label": kind, "reason": why, **{k: c[k] for k in figures}} for (kind, why), c in sorted(by_reason.items())]
    misses = [{**{k: p[k] for k in ("set", "id", "mode", "label", "reason", "claim")},
               "verdict": v.label, "why": v.reason, "span": p["paragraph"][v.start:v.end]}
              for p, v in zip(pairs, verdicts) if (p["label"] == RIGHT) != v.supported]
    return {"pairs": len(pairs), "rows": rows, "reasons": reasons, "misses": misses}


def print_table(result: dict) -> None:
    print("| mode | label | pairs | supported | unsupported | contradicted |")
    print("|---|---|---|---|---|---|")
    for r in result["rows"]:
        print(f"| {r['mode']} | {r['label']} | {r['pairs']} | {r['supported']} | {r['unsupported']} | {r['contradicted']} |")
    print("\n| label | reason | pairs | supported | unsupported | contradicted |")
    print("|---|---|---|---|---|---|")
    for r in result["reasons"]:
        print(f"| {r['label']} | {r['reason']} | {r['pairs']} | {r['supported']} | {r['unsupported']} | {r['contradicted']} |")
    for r in result["rows"]:
        if r["mode"] == "all":
            shown = r["supported"] if r["label"] == WRONG else r["pairs"] - r["supported"]
            what = "wrong claims shown as verified" if r["label"] == WRONG else "right claims lost"
            print(f"{what}: {shown}/{r['pairs']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gather = sub.add_parser("collect", help="label the claims of answer logs into bench/verifier_real.jsonl")
    gather.add_argument("logs", nargs="+", help="answers-NAME.jsonl or open-NAME.jsonl, optionally SET=PATH")
    gather.add_argument("--store", action="append", default=[], help="SET=FOLDER: paragraph texts for open logs")
    gather.add_argument("--cases", type=Path, default=OPEN_CASES, help="the open questions the open logs answer")
    gather.add_argument("--output", type=Path, default=OUTPUT, help="where the pairs go (default: %(default)s)")
    gather.add_argument("--modes", default="default", help="comma-separated modes to keep (default: default)")
    sub.add_parser("measure", help="the verifier on bench/verifier_real.jsonl")
    args = parser.parse_args()
    if args.command == "collect":
        bad = [s for s in args.store if "=" not in s] + [p for p in args.logs if not Path(p.rpartition("=")[2]).is_file()]
        if bad:
            parser.error(f"not a SET=FOLDER store or not a log file: {bad[0]}")
        stores = {k: Path(v) for k, _, v in (s.partition("=") for s in args.store)}
        pairs, left = collect(args.logs, stores, set(args.modes.split(",")), args.cases)
        left.update(f"{p['set']} paragraphs are not written here" for p in pairs if p["set"] in UNWRITTEN_SETS)
        pairs = [p for p in pairs if p["set"] not in UNWRITTEN_SETS]
        args.output.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
        print(f"{len(pairs)} pairs to {args.output}: {dict(Counter(p['label'] for p in pairs))}")
        for why, n in left.most_common():
            print(f"  left out {n}: {why}")
        return 0
    if not OUTPUT.is_file():
        sys.exit(f"error: no {OUTPUT.relative_to(ROOT)}: run `collect` first")
    pairs = [json.loads(line) for line in OUTPUT.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = measure(pairs)
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "verifier-real.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_table(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
