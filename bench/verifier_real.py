"""The verifier on real answers: each cited claim of the answers the benchmarks logged, labelled right
or wrong against the question's gold answer and the paragraph it cites, then checked by the current
verifier. The synthetic benchmark (bench/verifier.py) perturbs gold sentences; this one holds what the
model really says, so it counts what matters: wrong claims shown as verified, right claims lost.

collect: from answer logs (bench/answers.py's answers-NAME.jsonl, bench/open_questions.py's
open-NAME.jsonl; default mode rows unless --modes says otherwise) each answer sentence with its markers
is a claim (markers and compose's attribution words stripped), paired with each paragraph it cites (the
log's own texts, else the store's: --store SET=FOLDER, opened read-only). A pair is labelled by `label`:
- right: the claim states a gold answer (assistant/metrics.py's `contains`: whole words, accents
  folded) and the paragraph holds it; a yes/no answer with the gold polarity citing the gold paragraph;
- wrong: the question has no answer in the library and the answer did not abstain; or the answer
  states none of the gold answers and the claim asserts one (it holds the kind of fact asked,
  assistant/answer/answer_kind.py, of the question's last sentence) and is the answer's first claim
  (what it asserts; what follows is context or a witness); or the
  yes/no is the opposite of the gold; for an open question, the claim states one of its `wrong` facts;
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

How the labels were checked: 15 "wrong" labels read by hand (claim, paragraph, gold); see HAND_CHECK.
"""
from __future__ import annotations

import argparse
import json
import re
import sqlite3
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.answer.answer_kind import NAME, PERSON, asked_kind, holds_kind  # noqa: E402
from assistant.answer.citations import MARKER, marker_numbers  # noqa: E402
from assistant.answer.compose import without_attribution  # noqa: E402
from assistant.verify.language import parse  # noqa: E402
from assistant.verify.names import is_generic, name_in  # noqa: E402
from assistant.metrics import contains, matches_gold, normalize_answer  # noqa: E402
from bench.open_grader import states  # noqa: E402
from ingest.text import content_words, sentences  # noqa: E402

OUTPUT = ROOT / "bench" / "verifier_real.jsonl"
OPEN_CASES = ROOT / "bench" / "questions" / "open.jsonl"
RIGHT, WRONG = "right", "wrong"
SET_NAMES = (("news", "news-rtqa"), ("squad", "squad2-dev"), ("seed", "seed"))  # answers-NAME.jsonl -> set
CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
PARTIAL = 0.5  # share of a gold answer's words a claim may hold before it counts as stating part of it
PLAIN_K = 3  # bench/answers.py's plain chain cites out of this many paragraphs
HAND_CHECK = """(filled in after reading the labels by hand)"""


# ---- labelling: pure functions over plain values -------------------------------------------------
def label(question: str, answer: str, claim: str, paragraph: str, gold: list[str], answerable: bool,
          first: bool = True, gold_paragraph: str = "") -> tuple[str | None, str]:
    """(right | wrong | None, why) for one claim of `answer` citing `paragraph`. `first`: the claim is
    the answer's first cited one (what a what/why/how answer asserts)."""
    if not answerable:
        return WRONG, "answered a question the library does not answer (gold: abstain)"
    polar = next((g.lower() for g in gold if g.lower() in ("yes", "no")), None)
    if polar:
        said = (normalize_answer(answer).split() or [""])[0]
        if said not in ("yes", "no"):
            return None, "a yes/no question answered without yes or no"
        if said != polar:
            return WRONG, f"answers {said!r}, the gold is {polar!r}"
        if matches_gold(paragraph, gold_paragraph):
            return RIGHT, f"answers {polar!r} as the gold, citing the gold paragraph"
        return None, "the gold yes/no, citing another paragraph than the gold one"
    stated = [g for g in gold if contains(claim, g)]
    if stated:
        held = [g for g in stated if contains(paragraph, g)]
        if held:
            return RIGHT, f"states the gold {held[0]!r}, which the paragraph holds"
        return None, "states a gold answer this paragraph does not hold"
    if any(contains(answer, g) for g in gold):
        return None, "context beside the answer's gold-stating sentence"
    if any(_part_of(g, claim) for g in gold):
        return None, "states part of a gold answer"
    if not first:
        return None, "context after the answer's first claim (what it asserts)"
    kind = asked_kind(asked_part(question))
    if kind is not None and not asserts(kind, claim, question):
        return None, f"hollow: no {kind} the question asks for"
    where = "the paragraph holds a gold answer" if any(contains(paragraph, g) for g in gold) \
        else "the paragraph holds no gold answer"
    return WRONG, f"asserts another {kind or 'answer'} than the gold; {where}"


def asked_part(question: str) -> str:
    """The question's last sentence: "Medina posted a 9.90 score. Which island is hosting ...?" asks
    in its second (answer_kind reads "which" only at a clause's start)."""
    spans = sentences(question)
    return question[spans[-1][0]:spans[-1][1]] if spans else question


def asserts(kind: str, claim: str, question: str) -> bool:
    """The claim holds a fact of the asked kind: answer_kind's test, or for "who" and "which" a name
    the question does not hold as the claim's subject (answer_kind reads "England won" as holding no
    person, the small parser tags no entity in it)."""
    if holds_kind(kind, claim, question):
        return True
    subjects = [t for t in parse(claim) if t.dep_ in ("nsubj", "nsubjpass") and t.pos_ == "PROPN"]
    return kind in (PERSON, NAME) and any(not is_generic(t.text) and not name_in(t.text, question) for t in subjects)


def label_open(case: dict, claim: str, paragraph: str) -> tuple[str | None, str]:
    """An open question's claim (bench/questions/open.jsonl): a wrong fact is wrong, a nugget the
    paragraph holds is right."""
    if not case.get("nuggets"):
        return WRONG, "answered an open question the library does not answer (gold: abstain)"
    wrong = next((s for group in case.get("wrong", []) for s in group if states(claim, s)), None)
    if wrong:
        return WRONG, f"states the wrong fact {wrong!r}"
    nugget = next((s for group in case["nuggets"] for s in group if states(claim, s) and states(paragraph, s)), None)
    if nugget:
        return RIGHT, f"states the nugget {nugget!r}, which the paragraph holds"
    return None, "states no nugget and no wrong fact"


def _part_of(gold: str, claim: str) -> bool:
    """The claim names the gold answer by part of it ("Mirziyoyev" for "Shawkat Mirziyoyev"), not
    another name sharing a word ("the Matilija Fire" for "Park Fire"): a run of capitalised words of
    the claim holds a gold word and no other (a lower-case gold: PARTIAL of its words are in the claim)."""
    words = normalize_answer(gold).split()
    if len(words) < 2:
        return False
    if not gold[:1].isupper():
        said = set(normalize_answer(claim).split())
        return sum(w in said for w in words) >= PARTIAL * len(words)
    runs = (normalize_answer(run).split() for run in CAPITALISED_RUN.findall(claim))
    return any(run and set(run) <= set(words) for run in runs)


def claims(answer: str, cited: list[str], limit: int | None = None) -> list[tuple[str, str]]:
    """(claim, cited text) for each marker of each sentence of `answer`. `cited[i]` is the text of the
    i-th marker number in order of first use (bench/answers.py's `recount`); numbers over `limit` cite
    nothing (the plain chain's stray markers)."""
    order = list(dict.fromkeys(n for group in MARKER.findall(answer) for n in marker_numbers(group)
                               if limit is None or 1 <= n <= limit))
    by_n = dict(zip(order, cited))
    pairs = []
    for start, end in sentences(answer):
        sentence = answer[start:end]
        numbers = dict.fromkeys(n for group in MARKER.findall(sentence) for n in marker_numbers(group) if n in by_n)
        claim = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(without_attribution(MARKER.sub("", sentence)).split()))
        claim = claim.strip(' "')
        if numbers and content_words(claim):
            pairs += [(claim, by_n[n]) for n in numbers]
    return pairs


def labelled_answer(row: dict, set_name: str) -> tuple[list[dict], Counter]:
    """The labelled pairs of one bench/answers.py row, and the reasons of the pairs left out."""
    o = row["outcome"]
    if o["abstained"]:
        return [], Counter()
    gold = list(o["answers"]) + list(o.get("answers_all", []))
    kept, left = [], Counter()
    pairs = claims(row["answer"], o["cited"], PLAIN_K if row["mode"] == "plain" else len(o["cited"]))
    for claim, paragraph in pairs:
        first = claim == pairs[0][0]
        verdict, why = label(row["question"], row["answer"], claim, paragraph, gold, o["answerable"], first, o["gold"])
        if verdict is None:
            left[why] += 1
        else:
            kept.append(_pair(set_name, row, claim, paragraph, verdict, why, gold))
    return kept, left


def labelled_open(row: dict, case: dict, texts: dict[str, str]) -> tuple[list[dict], Counter]:
    if row["abstained"]:
        return [], Counter()
    gold = [s for group in case.get("nuggets", []) for s in group]
    kept, left = [], Counter()
    for claim, paragraph in claims(row["answer"], [texts.get(pid, "") for pid in row["cited"]]):
        verdict, why = label_open(case, claim, paragraph) if paragraph else (None, "cited paragraph not in the store")
        if verdict is None:
            left[why] += 1
        else:
            kept.append(_pair(case["corpus"], row, claim, paragraph, verdict, why, gold))
    return kept, left


def _pair(set_name, row, claim, paragraph, verdict, why, gold) -> dict:
    return {"set": set_name, "id": row["id"], "mode": row["mode"], "question": row["question"], "claim": claim,
            "paragraph": paragraph, "label": verdict, "reason": why, "gold": gold}


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
    return dict(rows)


def collect(logs: list[str], stores: dict[str, Path], modes: set[str]) -> tuple[list[dict], Counter]:
    cases = {c["id"]: c for c in map(json.loads, OPEN_CASES.read_text(encoding="utf-8").splitlines()) if c}
    pairs, left = [], Counter()
    for spec in logs:
        name, _, path = spec.rpartition("=")
        path = Path(path)
        rows = [r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines()) if r["mode"] in modes]
        for row in rows:
            if "outcome" in row:
                kept, skipped = labelled_answer(row, name or set_of(path))
            else:
                case = cases[row["id"]]
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


def reason_class(reason: str) -> str:
    """A label's reason without the words it quotes: "states the gold '141' ..." -> "states the gold … ..."."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", "…", reason)


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
    gather.add_argument("--modes", default="default", help="comma-separated modes to keep (default: default)")
    sub.add_parser("measure", help="the verifier on bench/verifier_real.jsonl")
    args = parser.parse_args()
    if args.command == "collect":
        bad = [s for s in args.store if "=" not in s] + [p for p in args.logs if not Path(p.rpartition("=")[2]).is_file()]
        if bad:
            parser.error(f"not a SET=FOLDER store or not a log file: {bad[0]}")
        stores = {k: Path(v) for k, _, v in (s.partition("=") for s in args.store)}
        pairs, left = collect(args.logs, stores, set(args.modes.split(",")))
        OUTPUT.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs), encoding="utf-8")
        print(f"{len(pairs)} pairs to {OUTPUT.relative_to(ROOT)}: {dict(Counter(p['label'] for p in pairs))}")
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
