"""The evaluation's figures: pure functions over plain values, so each can be checked by hand on a
tiny set (`assistant eval` gathers the values, assistant/evaluation.py)."""
from __future__ import annotations

import re
import statistics
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass, replace

RECALL_AT = (1, 5, 10)
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
POSSESSIVE = re.compile(r"(?<=\w)['’]s\b")


def normalize_answer(text: str) -> str:
    """SQuAD's normalization, accents folded besides: news sites write "Nikola Jokic" for the gold "Nikola Jokić"."""
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text.lower())
                   if ch not in set(string.punctuation) and not unicodedata.combining(ch))
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
    folded ("Jokic" for "Jokić", as news sites write it), typographic punctuation a word break and a
    possessive the word itself ("“Lunchables", "Botswana's" hold "Lunchables", "Botswana")."""
    needle = normalize_answer(_fold(needle))
    return bool(needle) and f" {needle} " in f" {normalize_answer(_fold(haystack))} "


def _fold(text: str) -> str:
    text = POSSESSIVE.sub("", unicodedata.normalize("NFKD", text))
    return "".join(" " if unicodedata.category(c).startswith("P") and c not in string.punctuation else c
                   for c in text if not unicodedata.combining(c))


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
