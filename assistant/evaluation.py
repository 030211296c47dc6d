"""`assistant eval`: retrieval and answer metrics on a SQuAD-style question set.

`run` gathers what the assistant retrieved and answered for each question and feeds it to the pure
metrics of assistant/metrics.py; the command line (assistant/cli.py) passes it plain values.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from assistant.answer.citations import MARKER, marker_numbers, without_markers
from assistant.answer.compose import without_attribution
from assistant.errors import InvalidRequest, MissingPath
from assistant.verify import verifier
from assistant.metrics import (RECALL_AT, AnswerOutcome, answer_metrics, confidence_curve, gold_rank,
                               latency_summary, retrieval_metrics)
from assistant.answer.retrieval import DEFAULT_METHOD
from ingest.records import header_paragraph
from ingest.text import sentences
from vectorstore.embedding import get_embeddings

CURVE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)


# ---- the question set -----------------------------------------------------------------------------
def read_questions(path: str | Path) -> list:
    """The lines of a JSONL question file; a missing file or a line that is not JSON is the user's to fix."""
    if not Path(path).is_file():
        raise MissingPath(f"no questions file at {path}")
    questions = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                questions += [json.loads(line)] if line.strip() else []
            except json.JSONDecodeError as exc:
                raise InvalidRequest(f"{path}, line {n}: not JSON ({exc.msg})") from None
    return questions


def load_questions(path: str | Path, corpus: str | Path | None = None, limit: int | None = None,
                   answerable_only: bool = False) -> list[dict]:
    """Questions whose article is in the corpus folder (when they name one), `limit` spread evenly
    over the file so a small run still samples every article rather than the first one."""
    questions = read_questions(path)
    if corpus is not None and Path(corpus).is_dir():
        present = {p.name for p in Path(corpus).rglob("*") if p.is_file()}
        questions = [q for q in questions if q.get("article_file") is None or q["article_file"] in present]
    if answerable_only:
        questions = [q for q in questions if q["answerable"]]
    if limit and limit < len(questions):
        step = len(questions) / limit
        questions = [questions[int(i * step)] for i in range(limit)]
    return questions


def resolve_gold(questions: list[dict], assistant) -> list[dict]:
    """Question sets over corpora that must not be copied (the seed articles) name their gold
    paragraph by a `gold_snippet` it contains; a document header counts (metadata questions)."""
    if not any("gold_snippet" in q and not q.get("paragraph_text") for q in questions):
        return questions
    texts = [p.text for p in assistant.paragraphs()] + [header_paragraph(d).text for d in assistant.documents()]
    return [{**q, "paragraph_text": next((t for t in texts if q["gold_snippet"] in t), "")}
            if "gold_snippet" in q and not q.get("paragraph_text") else q for q in questions]


def outcome(question: dict, answer, encode) -> AnswerOutcome:
    """One answered question as the metrics see it, its shown sentences checked by the verifier."""
    return AnswerOutcome(
        answerable=question["answerable"], abstained=answer.abstained,
        answer=without_markers(answer.answer), cited=tuple(c.text for c in answer.citations),
        answers=tuple(question["answers"]), gold=question.get("paragraph_text", ""), confidence=answer.confidence,
        answers_all=tuple(question.get("answers_all", ())),
        contradicted=0 if answer.abstained else contradicted_sentences(answer, encode))


def contradicted_sentences(answer, encode) -> int:
    """Sentences of the answer that contradict a paragraph they cite."""
    by_n = {c.n: c.text for c in answer.citations}
    shown = [answer.answer[s:e] for s, e in sentences(answer.answer)]
    pairs = [(i, without_attribution(MARKER.sub("", sentence)), by_n[n]) for i, sentence in enumerate(shown)
             for group in MARKER.findall(sentence) for n in marker_numbers(group) if n in by_n]
    verdicts = verifier.check_many([(claim, text) for _, claim, text in pairs], encode)
    return len({i for (i, _, _), v in zip(pairs, verdicts) if v.label == verifier.CONTRADICTED})


# ---- the run -------------------------------------------------------------------------------------
def run(assistant, corpus: str | Path, questions: str | Path, *, k: int = 10, method: str = DEFAULT_METHOD,
        backend: str | None = None, limit: int | None = None, as_of: str | None = None,
        store_label: str | None = None) -> dict:
    """Ingest `corpus` (unchanged files are skipped), then for each question of the file the gold
    paragraph's rank among `k` retrieved and, with a `backend`, the answer's figures. `as_of` is the day
    every question is asked on (default: each question's own `date`, else today); `store_label` names
    the store in the report."""
    with tqdm(desc="ingest", unit="doc", file=sys.stderr) as bar:
        report = assistant.ingest([corpus], progress=lambda _: bar.update(1))
    if not report.ok:
        print(f"warning: ingest: {report.summary()}", file=sys.stderr)
    asked = resolve_gold(load_questions(questions, corpus, limit), assistant)
    k = max(k, max(RECALL_AT))
    get_embeddings(assistant.settings.embedder)  # latencies below are the long-running process's
    assistant.retrieve("warm up", k=k, method=method)  # loads models, syncs re-scorer vectors
    ranks, latencies, outcomes = [], [], []
    for q in tqdm(asked, desc="eval", unit="q", file=sys.stderr):
        day = as_of or q.get("date")  # news questions are asked on their day
        if q["answerable"]:
            started = time.perf_counter()
            hits = assistant.retrieve(q["question"], k=k, method=method, as_of=day)
            latencies.append(time.perf_counter() - started)
            ranks.append(gold_rank([h.paragraph.text for h in hits], q["paragraph_text"]))
        if backend:
            outcomes.append(outcome(q, assistant.ask(q["question"], backend=backend, as_of=day), assistant.encode))
    result = {
        "config": {"corpus": str(corpus), "questions": str(questions), "limit": limit, "k": k, "method": method,
                   "backend": backend, "as_of": as_of or "each question's date, else today",
                   "min_confidence": assistant.settings.min_confidence, "store": store_label,
                   "embedder": assistant.settings.embedder, "paragraphs": assistant.store.count()},
        "retrieval": {**retrieval_metrics(ranks), **latency_summary(latencies)},
    }
    if backend:
        result["answers"] = answer_metrics(outcomes)
        stricter = [t for t in CURVE_THRESHOLDS if t > assistant.settings.min_confidence]
        if any(o.confidence is not None for o in outcomes) and stricter:
            result["confidence_curve"] = confidence_curve(outcomes, stricter)
    return result


def print_report(result: dict, as_json: bool) -> None:
    if as_json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return
    config = result["config"]
    print(f"{config['paragraphs']} paragraphs, method {config['method']}, k {config['k']}")
    for section in ("retrieval", "answers"):
        for name, value in result.get(section, {}).items():
            shown = "n/a" if value is None else f"{value:.4f}" if isinstance(value, float) else value
            print(f"{section:9} {name:34} {shown}")
    for threshold, figures in result.get("confidence_curve", {}).items():
        print(f"min_confidence {threshold}: " + ", ".join(
            f"{name} {'n/a' if value is None else f'{value:.3f}'}" for name, value in figures.items()))
