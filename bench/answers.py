"""Answers side by side on one question set, with the same metrics for each way of answering:

- default: the local model, evidence-first prompt, source check, verifier (what `ask` does);
- extractive: no LLM, the question's best sentences, verified the same way;
- plain: a plain "top paragraphs + one prompt" chain on the same local model: the whole top
  paragraphs, the same system prompt, the reply taken as it comes (no check, no verification).

Right = not abstained, a gold answer in the answer and in a cited paragraph. "contradicted" counts
the answer sentences the verifier finds contradicting a paragraph they cite. Each answer is written
to bench/out/answers-NAME.jsonl as it comes (a long run can be read while it goes), then one table.

    python bench/answers.py --name news --corpus ../shared/eval/news-rtqa/articles \
        --questions ../shared/eval/news-rtqa/questions.jsonl --store /tmp/news-store
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("default", "extractive", "plain")
PLAIN_K = 3  # whole paragraphs: more would make the plain prompt's first token wait tens of seconds


@dataclass(frozen=True)
class WholeParagraph:
    """A source the plain chain gives the model: the whole paragraph."""
    hit: object

    @property
    def paragraph(self):
        return self.hit.paragraph

    @property
    def text(self) -> str:
        return self.hit.paragraph.text


def plain_answer(assistant, question: str, as_of=None):
    from assistant.answer import prompting
    from assistant.answer.citations import ABSTAIN_PHRASES, MARKER, marker_numbers
    from assistant.types import Answer, Citation

    hits = assistant.retrieve(question, PLAIN_K, as_of=as_of)
    started = time.perf_counter()
    raw = assistant.backend("llama").chat_model.invoke(prompting.messages(question, map(WholeParagraph, hits))).content
    numbers = [n for group in MARKER.findall(raw) for n in marker_numbers(group)]
    cited = list(dict.fromkeys(n for n in numbers if 1 <= n <= len(hits)))
    abstained = not raw.strip() or bool(ABSTAIN_PHRASES.search(raw)) and not cited
    return Answer(question=question, answer=raw.strip(), abstained=abstained, backend="plain",
                  citations=[] if abstained else [Citation.from_hit(n, hits[n - 1]) for n in cited],
                  timings={"total": time.perf_counter() - started})


def answer(assistant, mode: str, question: dict):
    """`question["date"]`, when the set has one (news-rtqa), is the day it was asked: `as_of`."""
    as_of = question.get("date")
    if mode == "plain":
        return plain_answer(assistant, question["question"], as_of)
    return assistant.ask(question["question"], backend="llama" if mode == "default" else mode, as_of=as_of)


def recount(row: dict, encode) -> int:
    """Contradicted sentences of a logged answer, counted again with the current verifier: its
    markers, in order of first use, name the cited texts the outcome kept in that order."""
    from types import SimpleNamespace

    from assistant.answer.citations import MARKER, marker_numbers
    from assistant.evaluation import contradicted_sentences

    if row["outcome"]["abstained"]:
        return 0
    numbers = dict.fromkeys(n for group in MARKER.findall(row["answer"]) for n in marker_numbers(group))
    citations = [SimpleNamespace(n=n, text=text) for n, text in zip(numbers, row["outcome"]["cited"])]
    return contradicted_sentences(SimpleNamespace(answer=row["answer"], citations=citations), encode)


def summary(rows: list[dict], encode) -> dict:
    from dataclasses import replace

    from assistant.metrics import AnswerOutcome, answer_metrics

    outcomes = [replace(AnswerOutcome(**{k: tuple(v) if isinstance(v, list) else v for k, v in r["outcome"].items()}),
                        contradicted=recount(r, encode)) for r in rows]
    figures = answer_metrics(outcomes)
    answered = [o for o in outcomes if o.answerable and not o.abstained]
    figures["wrong_answerable"] = len(answered) - figures["right"]
    figures["answered_unanswerable"] = figures["unanswerable"] - figures["abstained_unanswerable"]
    totals = [r["timings"].get("total") for r in rows if r["timings"].get("total") is not None]
    firsts = [r["timings"]["first_token"] for r in rows if "first_token" in r["timings"]]
    figures["total_s_p50"] = round(statistics.median(totals), 2) if totals else None
    figures["first_token_s_p50"] = round(statistics.median(firsts), 2) if firsts else None
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", required=True, help="names the output files: bench/out/answers-NAME.*")
    parser.add_argument("--corpus")
    parser.add_argument("--questions")
    parser.add_argument("--store", help="store folder (reused: ingest skips what is there)")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--limit", type=int)
    parser.add_argument("--summarize", action="store_true",
                        help="only print the table of the answers already in bench/out/answers-NAME.jsonl "
                             "(a run cut short, or the metrics changed)")
    args = parser.parse_args()
    out = ROOT / "bench" / "out"
    if args.summarize:
        return summarize(args.name, out)
    if not (args.corpus and args.questions and args.store):
        parser.error("--corpus, --questions and --store are required to answer")

    from dataclasses import asdict

    from assistant import Assistant
    from assistant.evaluation import load_questions, outcome, resolve_gold
    from vectorstore.embedding import get_embeddings

    assistant = Assistant(store=args.store)
    get_embeddings(assistant.settings.embedder)  # timings below are the long-running process's
    report = assistant.ingest([args.corpus])
    if not report.ok:
        print(f"warning: ingest: {report.summary()}", file=sys.stderr)
    questions = resolve_gold(load_questions(args.questions, args.corpus, args.limit), assistant)
    modes = args.modes.split(",")
    out.mkdir(parents=True, exist_ok=True)
    rows: dict[str, list[dict]] = {m: [] for m in modes}
    with open(out / f"answers-{args.name}.jsonl", "w", encoding="utf-8") as log:
        for i, q in enumerate(questions, 1):
            for mode in modes:  # side by side, question by question: machine noise hits every mode alike
                given = answer(assistant, mode, q)
                scored = outcome(q, given, assistant.encode)
                row = {"mode": mode, "id": q.get("id"), "question": q["question"], "answer": given.answer,
                       "cited": [c.paragraph_id for c in given.citations], "timings": given.timings,
                       "right": scored.right, "outcome": asdict(scored)}
                rows[mode].append(row)
                log.write(json.dumps(row, ensure_ascii=False) + "\n")
                log.flush()
            print(f"{i}/{len(questions)}", file=sys.stderr, flush=True)
    return summarize(args.name, out)


def summarize(name: str, out: Path) -> int:
    rows: dict[str, list[dict]] = {}
    with open(out / f"answers-{name}.jsonl", encoding="utf-8") as log:
        for line in log:
            row = json.loads(line)
            rows.setdefault(row["mode"], []).append(row)
    from vectorstore.embedding import encode

    result = {"questions": max(map(len, rows.values())),
              "modes": {m: summary(r, lambda texts: encode("minilm", texts)) for m, r in rows.items()}}
    (out / f"answers-{name}.json").write_text(json.dumps(result, indent=2))
    print_table(name, result["modes"])
    return 0


def print_table(name: str, modes: dict) -> None:
    print(f"\n{name}: | mode | right | wrong | abstained (answerable) | abstained (unanswerable) | "
          "citation precision | contradicted sentences | first token p50 s | total p50 s |")
    for mode, f in modes.items():
        precision = "n/a" if f["citation_precision"] is None else f"{f['citation_precision']:.2f}"
        print(f"| {mode} | {f['right']}/{f['answerable']} | {f['wrong_answerable']} | {f['abstained_answerable']} | "
              f"{f['abstained_unanswerable']}/{f['unanswerable']} | {precision} | {f['contradicted_sentences']} | "
              f"{f['first_token_s_p50']} | {f['total_s_p50']} |")


if __name__ == "__main__":
    sys.exit(main())
