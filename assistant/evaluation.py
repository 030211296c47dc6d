"""`assistant eval`: retrieval and answer metrics on a SQuAD-style question set.

The metrics are pure functions over plain values so they can be checked by hand on a tiny set;
`run` only gathers what the assistant retrieved and answered and feeds it to them.
"""
from __future__ import annotations

import json
import re
import statistics
import string
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from assistant.backends import BACKEND_CHOICES
from assistant.errors import InvalidRequest, MissingPath

RECALL_AT = (1, 5, 10)
CURVE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7)
MIN_GOLD_COVERAGE = 0.5  # a chunk holding at least half of the gold paragraph still counts as it
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\ufeff]")


# ---- retrieval metrics ---------------------------------------------------------------------------
def normalize_paragraph(text: str) -> str:
    """Whitespace and zero-width characters differ between the question file and what ingest keeps."""
    return " ".join(ZERO_WIDTH.sub("", text).split())


def matches_gold(retrieved: str, gold: str) -> bool:
    """Same paragraph, or one chunk of it covering most of the gold text (a split or merged paragraph)."""
    retrieved, gold = normalize_paragraph(retrieved), normalize_paragraph(gold)
    if not gold:
        return False
    if retrieved == gold or gold in retrieved:
        return True
    return retrieved in gold and len(retrieved) >= MIN_GOLD_COVERAGE * len(gold)


def gold_rank(retrieved: list[str], gold: str) -> int | None:
    """1-based rank of the first retrieved text matching the gold paragraph; None when absent."""
    return next((i for i, text in enumerate(retrieved, 1) if matches_gold(text, gold)), None)


def retrieval_metrics(ranks: list[int | None], recall_at: tuple[int, ...] = RECALL_AT) -> dict:
    """Recall@k and mean reciprocal rank over questions whose gold rank is known (None = not retrieved)."""
    n = len(ranks)
    if not n:
        return {"questions": 0}
    figures: dict = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in recall_at}
    figures["mrr"] = sum(1 / r for r in ranks if r is not None) / n
    figures["questions"] = n
    return figures


# ---- answer metrics (SQuAD's official normalization) ----------------------------------------------
def normalize_answer(text: str) -> str:
    text = "".join(ch for ch in text.lower() if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, answers: list[str]) -> float:
    return float(any(normalize_answer(prediction) == normalize_answer(a) for a in answers))


def token_f1(prediction: str, answers: list[str]) -> float:
    """Best bag-of-tokens F1 against any gold answer."""
    predicted = normalize_answer(prediction).split()
    best = 0.0
    for answer in answers:
        gold = normalize_answer(answer).split()
        common = sum((Counter(predicted) & Counter(gold)).values())
        if common:
            precision, recall = common / len(predicted), common / len(gold)
            best = max(best, 2 * precision * recall / (precision + recall))
    return best


def citation_correct(cited: str, answers: list[str], gold: str) -> bool:
    """A citation is right when the paragraph holds a gold answer or is the gold paragraph itself."""
    text = normalize_answer(cited)
    return matches_gold(cited, gold) or any(normalize_answer(a) and normalize_answer(a) in text for a in answers)


def contains(haystack: str, needle: str) -> bool:
    """`needle` as whole words of `haystack`, both normalized as SQuAD normalizes answers, accents
    folded ("Jokic" for "Jokić", as news sites write it)."""
    needle = normalize_answer(_fold(needle))
    return bool(needle) and f" {needle} " in f" {normalize_answer(_fold(haystack))} "


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


@dataclass(frozen=True)
class AnswerOutcome:
    """What the evaluation needs from one answered question."""
    answerable: bool
    abstained: bool
    answer: str  # without citation markers
    cited: tuple[str, ...]  # texts of the cited paragraphs
    answers: tuple[str, ...]  # gold answer strings
    gold: str  # gold paragraph text
    confidence: float | None = None  # the model's own P(its main source answers), when it reported one
    answers_all: tuple[str, ...] = ()  # strings that must all be in a right answer (both sides of a disagreement)
    contradicted: int = 0  # sentences shown that contradict the paragraph they cite (by the verifier)

    @property
    def right(self) -> bool:
        """Not abstained, and a gold answer is in the answer and in a cited paragraph (all of
        `answers_all` too, when given). A yes/no gold answer is the answer's first word, with the
        gold paragraph cited: no paragraph says "yes"."""
        def shown(answer: str) -> bool:
            if answer.lower() in ("yes", "no"):
                return normalize_answer(self.answer).startswith(answer.lower()) and \
                    any(matches_gold(text, self.gold) for text in self.cited)
            return contains(self.answer, answer) and any(contains(text, answer) for text in self.cited)
        return self.answerable and not self.abstained and any(map(shown, self.answers)) \
            and all(map(shown, self.answers_all))


def answer_metrics(outcomes: list[AnswerOutcome]) -> dict:
    """EM/F1 and citation precision on answerable questions, abstention behaviour on both kinds.
    An abstention on an answerable question scores 0 EM/F1; citations are judged where given."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    cited = [citation_correct(c, list(o.answers), o.gold) for o in answerable if not o.abstained for c in o.cited]
    figures = {
        "right": sum(o.right for o in answerable),
        "abstained_answerable": sum(o.abstained for o in answerable),
        "abstained_unanswerable": sum(o.abstained for o in unanswerable),
        "contradicted_sentences": sum(o.contradicted for o in outcomes),
        "exact_match": _mean(0.0 if o.abstained else exact_match(o.answer, list(o.answers)) for o in answerable),
        "f1": _mean(0.0 if o.abstained else token_f1(o.answer, list(o.answers)) for o in answerable),
        "citation_precision": _mean(cited),
        "citations": len(cited),
        "abstention_rate_unanswerable": _mean(o.abstained for o in unanswerable),
        "false_abstention_rate_answerable": _mean(o.abstained for o in answerable),
        "answerable": len(answerable),
        "unanswerable": len(unanswerable),
    }
    return figures


def confidence_curve(outcomes: list[AnswerOutcome], thresholds) -> dict:
    """What a stricter `min_confidence` would have done to the same answers: an answer whose
    confidence (its best source's judgement) is below the threshold counts as abstained, as it would
    be. A kept answer is scored as given, though the stricter run would also have left the sources
    judged between the two thresholds out of its prompt. (A looser threshold than the run's own
    cannot be replayed: those answers were never produced.)"""
    curve = {}
    for threshold in thresholds:
        replayed = [o if o.abstained or o.confidence is None or o.confidence >= threshold
                    else replace(o, abstained=True, answer="", cited=()) for o in outcomes]
        figures = answer_metrics(replayed)
        curve[f"{threshold:g}"] = {k: figures[k] for k in (
            "false_abstention_rate_answerable", "abstention_rate_unanswerable", "citation_precision", "f1")}
    return curve


def _mean(values) -> float | None:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else None


def latency_summary(seconds: list[float]) -> dict:
    if not seconds:
        return {}
    ordered = sorted(seconds)
    return {"p50_ms": round(1000 * statistics.median(ordered), 2),
            "p95_ms": round(1000 * ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2)}


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
    from ingest.records import header_paragraph

    texts = [p.text for p in assistant.paragraphs()] + [header_paragraph(d).text for d in assistant.documents()]
    return [{**q, "paragraph_text": next((t for t in texts if q["gold_snippet"] in t), "")}
            if "gold_snippet" in q and not q.get("paragraph_text") else q for q in questions]


def outcome(question: dict, answer, encode) -> AnswerOutcome:
    """One answered question as the metrics see it, its shown sentences checked by the verifier."""
    return AnswerOutcome(
        answerable=question["answerable"], abstained=answer.abstained,
        answer=re.sub(r"\s*\[\d+\]", "", answer.answer), cited=tuple(c.text for c in answer.citations),
        answers=tuple(question["answers"]), gold=question.get("paragraph_text", ""), confidence=answer.confidence,
        answers_all=tuple(question.get("answers_all", ())),
        contradicted=0 if answer.abstained else contradicted_sentences(answer, encode))


def contradicted_sentences(answer, encode) -> int:
    """Sentences of the answer that contradict a paragraph they cite."""
    from assistant import verifier
    from assistant.citations import MARKER
    from assistant.compose import without_attribution
    from ingest.text import sentences

    by_n = {c.n: c.text for c in answer.citations}
    shown = [answer.answer[s:e] for s, e in sentences(answer.answer)]
    pairs = [(i, without_attribution(MARKER.sub("", sentence)), by_n[int(n)]) for i, sentence in enumerate(shown)
             for group in MARKER.findall(sentence) for n in re.split(r"[,;]", group) if int(n) in by_n]
    verdicts = verifier.check_many([(claim, text) for _, claim, text in pairs], encode)
    return len({i for (i, _, _), v in zip(pairs, verdicts) if v.label == verifier.CONTRADICTED})


# ---- the command ---------------------------------------------------------------------------------
def add_arguments(parser) -> None:
    """Declare the eval subcommand's flags (light: no heavy imports)."""
    from assistant.retrieval import DEFAULT_METHOD, METHODS

    parser.add_argument("--corpus", required=True, help="folder of articles to ingest (skipped when already in --store)")
    parser.add_argument("--questions", required=True, help="JSONL: question, paragraph_text, answers, answerable")
    parser.add_argument("--k", type=int, default=10, help="paragraphs retrieved per question (default 10)")
    parser.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                        help=f"retrieval method (default {DEFAULT_METHOD})")
    parser.add_argument("--backend", choices=BACKEND_CHOICES,
                        help="also answer each question and score answers, citations and abstention")
    parser.add_argument("--limit", type=int, help="evaluate N questions spread evenly over the file")
    parser.add_argument("--min-confidence", type=float,
                        help="leave out sources the model judges below this; none left: abstain (default: the "
                             "setting, 0.5; 0: no check); the report's confidence_curve replays stricter ones")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")


def run(args, make_assistant) -> int:
    from tqdm import tqdm

    from assistant.retrieval import as_of_date

    as_of_date(args.as_of)  # a bad --as-of fails before anything loads
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
        if not args.store and not getattr(args, "chroma_url", None):
            args.store = scratch
        assistant = make_assistant(args)
        with tqdm(desc="ingest", unit="doc", file=sys.stderr) as bar:
            report = assistant.ingest([args.corpus], progress=lambda _: bar.update(1))
        if not report.ok:
            print(f"warning: ingest: {report.summary()}", file=sys.stderr)
        questions = resolve_gold(load_questions(args.questions, args.corpus, args.limit), assistant)
        k = max(args.k, max(RECALL_AT))
        assistant.retrieve("warm up", k=k, method=args.method)  # loads models, syncs re-scorer vectors
        ranks, latencies, outcomes = [], [], []
        for q in tqdm(questions, desc="eval", unit="q", file=sys.stderr):
            as_of = args.as_of or q.get("date")  # news questions are asked on their day
            if q["answerable"]:
                started = time.perf_counter()
                hits = assistant.retrieve(q["question"], k=k, method=args.method, as_of=as_of)
                latencies.append(time.perf_counter() - started)
                ranks.append(gold_rank([h.paragraph.text for h in hits], q["paragraph_text"]))
            if args.backend:
                outcomes.append(outcome(q, assistant.ask(q["question"], backend=args.backend, as_of=as_of),
                                        assistant.encode))
        result = {
            "config": {"corpus": str(args.corpus), "questions": str(args.questions), "limit": args.limit,
                       "k": k, "method": args.method, "backend": args.backend,
                       "as_of": args.as_of or "each question's date, else today",
                       "min_confidence": assistant.settings.min_confidence,
                       "store": "temporary" if args.store == scratch else args.store,
                       "embedder": assistant.settings.embedder, "paragraphs": assistant.store.count()},
            "retrieval": {**retrieval_metrics(ranks), **latency_summary(latencies)},
        }
        if args.backend:
            result["answers"] = answer_metrics(outcomes)
            stricter = [t for t in CURVE_THRESHOLDS if t > assistant.settings.min_confidence]
            if any(o.confidence is not None for o in outcomes) and stricter:
                result["confidence_curve"] = confidence_curve(outcomes, stricter)
    _print(result, args.json)
    return 0


def _print(result: dict, as_json: bool) -> None:
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
