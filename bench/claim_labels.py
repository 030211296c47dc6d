"""Claims of real answers labelled right or wrong against the gold answer and the paragraph they cite:
pure functions over plain values (bench/verifier_real.py reads the logs and runs the verifier; the
rules and how far they hold are in its docstring)."""
from __future__ import annotations

import re
from collections import Counter

from assistant.answer.answer_kind import NAME, PERSON, asked_kind, holds_kind
from assistant.answer.citations import MARKER, MARKER_GROUP, marker_numbers
from assistant.answer.compose import without_attribution
from assistant.metrics import contains, matches_gold, normalize_answer
from assistant.verify.language import parse
from assistant.verify.names import is_generic, name_in
from bench.open_grader import states
from ingest.text import content_words, sentences

RIGHT, WRONG = "right", "wrong"
CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")
SAYS = re.compile(r'^[^"“”]{1,120}? says: ["“]')  # open_compare's 'financialexpress says: "...' (no "Also,")
PARTIAL = 0.5  # share of a lower-case gold answer's words a claim may hold before it counts as stating part of it
PLAIN_K = 3  # bench/answers.py's plain chain cites out of this many paragraphs


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
    """(claim, cited text) for each marker of `answer`: each sentence, clause by clause where it cites
    mid-way ('A says: "..." [1]. b says: "..." [2].' is two claims, as verification checks them).
    `cited[i]` is the text of the i-th marker number in order of first use (bench/answers.py's
    `recount`); numbers over `limit` cite nothing (the plain chain's stray markers)."""
    order = list(dict.fromkeys(n for group in MARKER.findall(answer) for n in marker_numbers(group)
                               if limit is None or 1 <= n <= limit))
    by_n = dict(zip(order, cited))
    pairs = []
    for start, end in sentences(answer):
        for clause, numbers in _clauses(without_attribution(answer[start:end])):
            claim = _bare(clause)
            if content_words(claim):
                pairs += [(claim, by_n[n]) for n in dict.fromkeys(numbers) if n in by_n]
    return list(dict.fromkeys(pairs))


def _clauses(sentence: str) -> list[tuple[str, list[int]]]:
    """[(text, cited numbers)]: the text before each marker group; text after the last joins it."""
    parts, cursor = [], 0
    for match in MARKER_GROUP.finditer(sentence):
        parts.append((sentence[cursor:match.start()], [n for g in MARKER.findall(match[1]) for n in marker_numbers(g)]))
        cursor = match.end()
    tail = sentence[cursor:]
    if parts and tail.strip(' .!?"”'):
        parts[-1] = (parts[-1][0] + tail, parts[-1][1])
    return parts


def _bare(clause: str) -> str:
    """A clause as a claim: no leading stop, no "<outlet> says:" and quotes around the source's words."""
    text = SAYS.sub("", clause.strip().lstrip(".,;:!? "))
    text = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(without_attribution(text).split())).strip(' "“”')
    return text if not text or text[-1] in ".!?" else text + "."


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


def reason_class(reason: str) -> str:
    """A label's reason without the words it quotes: "states the gold '141' ..." -> "states the gold … ..."."""
    return re.sub(r"'[^']*'|\"[^\"]*\"", "…", reason)
