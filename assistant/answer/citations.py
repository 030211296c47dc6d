"""Citation markers checked against the paragraphs they point to.

Each sentence's [n] markers are checked by the verifier (assistant/verify/verifier.py): supported,
contradicted or unsupported by the cited paragraph. A contradicted claim is corrected from the
paragraph (replaced by the sentence that refutes it, cited) so it never reaches the user; a marker
whose paragraph does not support the claim is re-pointed to one that does or dropped; a sentence no
paragraph supports is removed, and with it numbers, dates and names that were not in the sources.
Surviving paragraphs are renumbered 1..n in order of first use, each with the sentence that
supports it (its quote).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.verify import actions, verifier
from ingest.text import clause_of, content_words, sentences

# ---- the [n] marker: every module reads it through these -------------------------------------------
_NUMBERS = r"\d+(?:\s*[,;]\s*\d+)*"  # "1", "1, 3", "2;4"
ANY_MARKER = rf"\[\s*{_NUMBERS}\s*\]"  # one marker, uncaptured: the piece longer patterns are built from
MARKER = re.compile(rf"\[\s*({_NUMBERS})\s*\]")  # one marker; group 1 holds its numbers
# "claim. [1]" -> "claim [1]." so a marker stays with the sentence it follows
MARKER_AFTER_STOP = re.compile(rf"([.!?])((?:\s*{ANY_MARKER})+)")
MARKER_GROUP = re.compile(rf"((?:{ANY_MARKER}\s*)+)")
BETTER_BY = 0.15  # support score by which another source must beat the cited one to take its marker
ABSTAIN_PHRASES = re.compile(
    r"NOT_FOUND|\b(?:sources?|context|corpus|documents?|passages?|texts?)\s+(?:do|does|did)\s+not\s+"
    r"(?:contain|provide|mention|say|include|specify|state|answer)|\bno information\b|\bcannot (?:be )?answer",
    re.IGNORECASE)


def marker_numbers(numbers: str) -> list[int]:
    """The numbers of a marker's group 1: "1, 3" -> [1, 3]."""
    return [int(n) for n in re.split(r"[,;]", numbers)]


def first_marker_citing(text: str, n: int) -> re.Match | None:
    """The first marker in `text` that holds the number n, alone or with others ("[2]", "[1, 2]")."""
    return next((m for m in MARKER.finditer(text) if n in marker_numbers(m[1])), None)


def without_markers(text: str) -> str:
    """`text` with its markers and the spaces before them gone: "It grows [1]." -> "It grows."."""
    return re.sub(rf"\s*{ANY_MARKER}", "", text)


@dataclass
class Verified:
    text: str
    cited: list[int]  # 0-based hit indexes in order of first use; marker [i+1] in text -> cited[i]
    removed_sentences: int
    repointed: int
    abstained: bool
    corrected: int = 0  # contradicted claims replaced by the sentence of the paragraph that refutes them
    quotes: dict[int, tuple[int, int]] = field(default_factory=dict)  # hit index -> supporting span


def verify(raw: str, paragraphs: list[str], encode, threshold: float = verifier.SUPPORT_THRESHOLD) -> Verified:
    """`paragraphs[i]` is what marker [i+1] refers to in `raw`.

    A sentence citing several sources mid-way ("A [1], while B [2].") is checked clause by clause:
    each marker group vouches for the text since the previous group.
    """
    text = _markers_after_claims(raw.strip())
    if not text or ABSTAIN_PHRASES.search(text) and not MARKER.search(text):
        return Verified("", [], 0, 0, abstained=True)
    said = [text[s:e] for s, e in sentences(text)]
    clauses = [_clauses(s) for s in said]
    claims = list(dict.fromkeys([c for cs in clauses for c, _ in cs] + [_claim(s) for s in said]))
    pairs = [(c, p) for c in claims for p in paragraphs]
    verdicts = {(c, j): _unless_obeyed(c, paragraphs[j], verdict) for (c, j), verdict in
                zip(((c, j) for c in claims for j in range(len(paragraphs))), verifier.check_many(pairs, encode, threshold))}
    state = _State(paragraphs, verdicts)
    out, out_cited = [], set()
    for sentence, parts in zip(said, clauses):
        claim = _claim(sentence)
        if not content_words(claim) or ABSTAIN_PHRASES.search(claim):
            continue
        rendered = [shown for clause, numbers in parts for shown in state.vouch(clause, numbers, claim)]
        if not any(cited for _, cited in rendered):  # no marker held up: one paragraph for the whole?
            whole = state.best(claim)
            if whole is None:
                continue
            rendered = [whole]
        cited = {j for _, js in rendered for j in js}
        shown = _render(rendered, state.order)
        if cited <= out_cited and _said(_claim(shown), out):
            continue  # a correction quoted the paragraph's next sentence too: the draft's own copy goes
        out.append(shown)
        out_cited |= cited
    return Verified(" ".join(out), state.order, len(said) - len(out), state.repointed, abstained=not out,
                    corrected=state.corrected, quotes=state.quotes)


def _unless_obeyed(claim: str, paragraph: str, verdict: verifier.Verdict) -> verifier.Verdict:
    """A claim that only repeats an instruction the document gives its reader is not supported by it."""
    if actions.action(claim, verdict, paragraph) == actions.OBEYED:
        return replace(verdict, label=verifier.UNSUPPORTED, reason="instruction")
    return verdict


class _State:
    """What verification has decided so far: the paragraphs cited in order of first use and the
    supporting span of each."""

    def __init__(self, paragraphs: list[str], verdicts: dict):
        self.paragraphs, self.verdicts = paragraphs, verdicts
        self.order: list[int] = []
        self.quotes: dict[int, tuple[int, int]] = {}
        self.repointed = self.corrected = 0

    def vouch(self, clause: str, numbers: list[int], claim: str) -> list[tuple[str, list[int]]]:
        """The clause as it may be shown, with the paragraphs that support it (nothing: drop it). A
        cited paragraph that contradicts it adds its own words, cited: the other side is shown."""
        valid = list(dict.fromkeys(n - 1 for n in numbers if 1 <= n <= len(self.paragraphs)))
        contradicting = [j for j in valid if self.verdicts[(clause, j)].label == verifier.CONTRADICTED]
        supported = [j for j in valid if j not in contradicting and self._supported(clause, claim, j)]
        better = self._clearly_better(clause, supported)
        if better is not None:
            supported = [better]
            self.repointed += 1
        for j in supported:
            self._cite(j, self._span(clause, claim, j))
        shown = [(clause, supported)] if supported else []
        shown += [self._correct(j, self.verdicts[(clause, j)]) for j in contradicting]
        if shown:
            return shown
        if not numbers:
            return [(clause, [])]
        found = self.best(clause)
        if found is not None:
            self.repointed += 1
        return [found] if found else []

    def best(self, text: str) -> tuple[str, list[int]] | None:
        """The paragraph that supports `text` best; else one that contradicts it, whose words replace it."""
        ranked = sorted(range(len(self.paragraphs)), key=lambda j: -self.verdicts[(text, j)].score)
        for j in ranked:
            verdict = self.verdicts[(text, j)]
            if verdict.supported:
                self._cite(j, (verdict.start, verdict.end))
                return text, [j]
        for j in ranked:
            verdict = self.verdicts[(text, j)]
            if verdict.label == verifier.CONTRADICTED:
                return self._correct(j, verdict)
        return None

    def _clearly_better(self, clause: str, cited: list[int]) -> int | None:
        """An uncited paragraph that supports the clause by BETTER_BY more than every cited one: the
        model wrote the right words under the wrong number ("by compressing and cooling it [1]", the
        words of source 2)."""
        if not cited:
            return None
        bar = max(self.verdicts[(clause, j)].score for j in cited) + BETTER_BY
        others = [j for j in range(len(self.paragraphs)) if j not in cited and self.verdicts[(clause, j)].supported
                  and self.verdicts[(clause, j)].score >= bar]
        return max(others, key=lambda j: self.verdicts[(clause, j)].score, default=None)

    def _supported(self, clause: str, claim: str, j: int) -> bool:
        return self.verdicts[(clause, j)].supported or self.verdicts[(claim, j)].supported \
            and self.verdicts[(claim, j)].label != verifier.CONTRADICTED

    def _span(self, clause: str, claim: str, j: int) -> tuple[int, int]:
        verdict = self.verdicts[(clause, j)]
        verdict = verdict if verdict.supported else self.verdicts[(claim, j)]
        return verdict.start, verdict.end

    def _correct(self, j: int, verdict) -> tuple[str, list[int]]:
        self.corrected += 1
        self._cite(j, (verdict.start, verdict.end))
        return Sentence(clause_of(self.paragraphs[j][verdict.start:verdict.end])), [j]

    def _cite(self, j: int, span: tuple[int, int]) -> None:
        if j not in self.order:
            self.order.append(j)
        old = self.quotes.get(j, span)  # a paragraph cited twice quotes what both rest on
        self.quotes[j] = (min(old[0], span[0]), max(old[1], span[1]))


def _claim(sentence: str) -> str:
    return MARKER.sub("", sentence).strip()


def _said(claim: str, out: list[str]) -> bool:
    """`claim` (markers gone) is word for word in what is already shown."""
    words = " ".join(claim.rstrip(" .!?").split())
    return bool(words) and words in " ".join(_claim(" ".join(out)).split())


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
        numbers = marker_numbers(match.group(1))
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


class Sentence(str):
    """A paragraph's own sentence put in place of a contradicted clause: it stands as a sentence of its own."""


def _render(clauses: list[tuple[str, list[int]]], order: list[int]) -> str:
    pieces = []
    for text, cited in clauses:
        own_sentence = isinstance(text, Sentence)
        text = text.rstrip().rstrip(".!?").rstrip() if text is clauses[-1][0] else text.rstrip()
        markers = "".join(f"[{order.index(j) + 1}]" for j in cited)
        if pieces and own_sentence and pieces[-1][-1:] not in (".", "!", "?"):
            pieces[-1] = pieces[-1].rstrip(",;: ") + "."  # "... in Botswana [1]. Though Lucara ... [2]."
        pieces.append(f"{text} {markers}" if markers else text)
    stop = "?" if clauses[-1][0].rstrip().endswith("?") else "!" if clauses[-1][0].rstrip().endswith("!") else "."
    return " ".join(pieces).replace(" ,", ",") + stop
