"""Abstention and citation precision of the default (llama) backend on held-out SQuAD 2.0 questions,
with the source check off and at the default `min_confidence`: `python bench/abstention.py [--per-kind 40]`.

The questions are drawn with a fixed seed from squad2-dev, outside `sample300.jsonl` (whose questions
chose the check's prompt), half answerable and half not. Two runs of `assistant eval`: check off
(`--min-confidence 0`) and the default; the default run's report also replays each stricter threshold
on the same answers (its abstentions exactly; kept answers as given). About 7 s per question per run
on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SQUAD = ROOT.parent / "shared" / "eval" / "squad2-dev"


def held_out(per_kind: int, seed: int) -> list[dict]:
    def read(name):
        return [json.loads(line) for line in (SQUAD / name).read_text(encoding="utf-8").splitlines() if line.strip()]

    used = {q["id"] for q in read("sample300.jsonl")}
    pool = [q for q in read("questions.jsonl") if q["id"] not in used]
    rng = random.Random(seed)
    unanswerable = rng.sample([q for q in pool if not q["answerable"]], per_kind)
    answerable = rng.sample([q for q in pool if q["answerable"]], per_kind)
    return [q for pair in zip(unanswerable, answerable) for q in pair]


def evaluate(questions: Path, store: str, min_confidence: float | None) -> dict:
    """`assistant eval` at `min_confidence`, or at the setting's default when None."""
    command = [sys.executable, "-m", "assistant", "eval", "--corpus", str(SQUAD / "articles"),
               "--questions", str(questions), "--backend", "llama", "--json", "--store", store]
    if min_confidence is not None:
        command += ["--min-confidence", str(min_confidence)]
    return json.loads(subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-kind", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--store", help="a store already holding squad2-dev (default: a temporary one)")
    args = parser.parse_args()
    if not SQUAD.is_dir():
        print(f"skipped: {SQUAD} not found", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-abstention-") as scratch:
        questions = Path(scratch) / "held-out.jsonl"
        questions.write_text("".join(json.dumps(q) + "\n" for q in held_out(args.per_kind, args.seed)))
        store = args.store or str(Path(scratch) / "store")
        reports = {"check off": evaluate(questions, store, 0), "default": evaluate(questions, store, None)}
    default = reports["default"]
    rows = {"check off (0)": reports["check off"]["answers"],
            f"{default['config']['min_confidence']:g} (default)": default["answers"],
            **{f"{t} (replayed)": figures for t, figures in default.get("confidence_curve", {}).items()}}
    print(f"{'min_confidence':16} {'answered':>9} {'abstained (unanswerable)':>25} {'citation precision':>19}")
    for threshold, figures in rows.items():
        precision = figures["citation_precision"]
        print(f"{threshold:16} {1 - figures['false_abstention_rate_answerable']:>9.1%} "
              f"{figures['abstention_rate_unanswerable']:>25.1%} {'n/a' if precision is None else f'{precision:.2f}':>19}")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "abstention.json").write_text(json.dumps(
        {"per_kind": args.per_kind, "seed": args.seed, "runs": reports}, indent=2))
    print(f"wrote {out / 'abstention.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
