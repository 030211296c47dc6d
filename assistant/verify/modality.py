"""What a span states as having happened, read with spaCy's parse (assistant/language.py): a claim of
an outcome or a done deed is not supported by a span that only expects it, nor a role by a relation.

Word overlap and embeddings rate "Team A won the final" close to "Team A set to face Team B in the
final on Sunday": the same names, the same final. Three rules tell them apart:
- modality: the claim's event is stated by the span only as an expectation, a plan or a possibility
  ("set to", "will", "is expected to", "could", "favourite to", "plans to", "chance of winning");
- outcome: the claim says who won (lost, was elected) and the span states no outcome at all, only who
  takes part ("A faces B in the final" says nothing of a winner);
- role: the claim gives someone a role ("X is chief of staff") that the span gives to someone else in
  relation to them ("X's chief of staff", "chief of staff to X").
Each returns (reason, detail) for an unsupported verdict; deciding it is assistant/verifier.py's.
"""
from __future__ import annotations

from assistant.verify.language import parse
from assistant.verify.names import name_in

# words whose complement is expected, planned or possible, not done: "set to face", "expected to be
# elected", "favourite to win", "chance of winning", "hopes for a victory", "predict Brazil wins"
EXPECTING = frozenset("""set expect plan aim hope schedule slate poise tip tout predict forecast project
anticipate favourite favorite likely unlikely intend want seek try attempt vow pledge promise threaten
propose prepare look eye need ready eager strive aspire bid chance odds prospect possibility
likelihood quest ambition hopeful poised bet""".split())
# the same, governing a noun or a gerund through a preposition: "chance of winning", "hopes for victory"
NOUN_EXPECTING = frozenset("""chance odds prospect possibility likelihood hope bid quest ambition plan favourite
favorite attempt""".split())
# what makes a noun's event a possibility: "a possible victory", "the expected winner"
POSSIBLE = frozenset("""possible potential likely probable expected predicted projected prospective
would-be hoped-for planned scheduled upcoming""".split())
CONDITIONS = frozenset({"if", "unless", "whether"})
# links up the parse through which an expectation governs an event
GOVERNING_LINKS = frozenset({"xcomp", "ccomp", "relcl", "acl", "advcl", "pcomp", "pobj", "prep", "conj"})
MAX_DEPTH = 4
# a claim of one of these says how something ended; a span must state some outcome to support it (not
# with words a preview uses otherwise: "has the edge", "the loss of key players", "lift sanctions")
OUTCOME_VERBS = frozenset("""win beat defeat clinch triumph lose elect reelect re-elect overcome prevail
eliminate""".split())
OUTCOME_WORDS = OUTCOME_VERBS | frozenset("""winner victory victorious rout thrash crown loser concede swear
inaugurate""".split())
LIGHT_VERBS = frozenset({"be", "have", "do", "get"})
ROLE_VERBS = {"be": "attr", "become": "attr", "remain": "attr", "name": "oprd", "appoint": "oprd",
              "elect": "oprd", "make": "oprd"}  # the dependency of the role under each verb
RELATING_PREPOSITIONS = frozenset({"to", "for", "under", "of"})  # "chief of staff to X"


def unstated_event(claim: str, span: str) -> tuple[str, str] | None:
    """(reason, detail) where the claim states as done what the span only expects ("modality"), or
    an outcome the span does not state at all ("outcome"); else None."""
    for event, stated, expected in _readings(claim, span):
        if stated:
            continue
        if expected:
            marker = _expectation(expected[0])
            return "modality", f"the claim says '{event.text}', the source only expects it ('{marker}')"
        if _lemma(event) in OUTCOME_VERBS:
            return "outcome", f"the claim says '{event.text}', the source does not say how it ended"
    return None


def states_events(claim: str, span: str) -> bool:
    """The span states each of the claim's events as done, by whom the claim says: where the span that
    best matches a claim's words only expects its outcome, another sentence may state it."""
    readings = _readings(claim, span)
    return bool(readings) and all(stated for _, stated, _ in readings)


def _readings(claim: str, span: str) -> list:
    """(event, its occurrences stated as fact, its occurrences only expected) for each event the
    claim states as fact; an occurrence with a subject or object of its own counts where those are
    the claim's ("B won the semi-final and A faces B in the final" does not say A won anything, "A
    reached the final after beating C" does not say A won the final)."""
    doc, readings = parse(span), []
    for event in _events(parse(claim)):
        lemma, subject, what = _lemma(event), _subject(event), _object_words(event)
        outcome = lemma in OUTCOME_VERBS
        found = [t for t in doc if (_lemma(t) == lemma or outcome and _lemma(t) in OUTCOME_WORDS)
                 and _same_doer(subject, _subject(t)) and _same_object(what, t)]
        expected = [t for t in found if _expectation(t) is not None]
        readings.append((event, [t for t in found if t not in expected], expected))
    return readings


def unstated_role(claim: str, span: str) -> tuple[str, str] | None:
    """("role", detail) where the claim makes someone the holder of a role the span gives only in
    relation to them ("X's chief of staff", "chief of staff to X"); else None."""
    found = _claimed_role(parse(claim))
    if found is None:
        return None
    holder, role = found
    occurrences = [t for t in parse(span) if t.lemma_.lower() == role.lemma_.lower()]
    if not occurrences or any(_holds(t, holder) for t in occurrences):
        return None
    related = next((t for t in occurrences if _relates(t, holder)), None)
    if related is None:
        return None
    phrase = related.doc[related.left_edge.i:related.right_edge.i + 1].text
    title = role.doc[role.i:role.right_edge.i + 1].text
    return "role", f"the source says '{phrase}', not that {holder} is {title}"


# ---- events and their modality -----------------------------------------------------------------
def _events(doc):
    """The claim's main events stated as fact: its root verb, the verbs joined to it, the clause it
    reports ("X said A won"), without "be", "have" and other light verbs."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    candidates = roots + [c for r in roots for c in r.children if c.dep_ in ("conj", "ccomp")]
    return [t for t in candidates if t.pos_ == "VERB" and _lemma(t) not in LIGHT_VERBS and _expectation(t) is None]


def _subject(event) -> str:
    """The words of who does the event (of the verb it is joined to, for "faced B and won")."""
    for node in (event, event.head) if event.dep_ == "conj" else (event,):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None and subject.pos_ != "PRON":
            return " ".join(t.text for t in subject.subtree)
    return ""


def _object_words(event) -> set[str]:
    """The words naming what the event is done to: "won the Champions League final" -> champions,
    league, final."""
    return {t.lower_ for c in event.children if c.dep_ == "dobj" for t in c.subtree
            if t.pos_ in ("NOUN", "PROPN", "ADJ")}


def _same_object(claimed: set[str], occurrence) -> bool:
    """The occurrence has no object of its own, or its words say what the claim's object does
    ("beat Dortmund 2-0 in the final" for "won the final")."""
    if not claimed or not any(c.dep_ == "dobj" for c in occurrence.children):
        return True
    return bool(claimed & {t.lower_ for t in occurrence.subtree})


def _same_doer(claimed: str, stated: str) -> bool:
    """Either side names no one (an infinitive, a pronoun, a noun: "A is expected to win", "his
    victory"), or both name the same."""
    return not claimed or not stated or name_in(claimed, stated) or name_in(stated, claimed)


def _expectation(token) -> str | None:
    """The word that makes `token`'s event expected, planned, conditional or possible ("will",
    "set", "favourite", "if"), else None: the event is stated as fact."""
    marker = _own_marker(token)
    if marker or _headline_future(token):
        return marker or "to"
    node = token
    for _ in range(MAX_DEPTH):
        link, head = node.dep_, node.head
        if head.i == node.i or link not in GOVERNING_LINKS:
            return None
        if link in ("relcl", "acl", "advcl") and not _infinitive(node):
            return None  # "the favourite, who won last year": a relative clause of fact
        if _is(head, NOUN_EXPECTING if link in ("pobj", "prep", "pcomp") else EXPECTING):
            return head.text
        if link == "xcomp" and head.lemma_ == "go" and head.tag_ == "VBG":  # "is going to win"
            return head.text
        if link in ("xcomp", "conj"):  # "will try to win", "will face B and win"
            marker = _own_marker(head)
            if marker:
                return marker
        if _headline_future(head):
            return "to"
        node = head
    return None


def _own_marker(token) -> str | None:
    """A modal ("could win"), a condition ("if A wins") or a possibility ("a possible victory")."""
    for child in token.children:
        if child.tag_ == "MD" and child.dep_ in ("aux", "auxpass") or \
                child.dep_ == "mark" and child.lower_ in CONDITIONS or \
                child.dep_ == "amod" and child.lower_ in POSSIBLE and token.pos_ == "NOUN":
            return child.text
    return None


def _headline_future(node) -> bool:
    """A headline's infinitive with no verb above it: "Team A to face Team B in final"."""
    return _infinitive(node) and (node.dep_ == "ROOT" or node.head.pos_ == "PROPN" and node.dep_ in ("relcl", "acl"))


def _infinitive(token) -> bool:
    return any(c.dep_ == "aux" and c.tag_ == "TO" for c in token.children)


def _is(token, words: frozenset) -> bool:
    """`token` is one of `words`, by lemma or by form (the small model lemmatizes "hopes" as "hop")."""
    lower = token.lower_
    return _lemma(token) in words or lower in words or lower.rstrip("sd") in words or lower[:-1] in words


def _lemma(token) -> str:
    return token.lemma_.lower()


# ---- roles and relations -----------------------------------------------------------------------
def _claimed_role(doc):
    """(holder, role token) where the claim makes a named holder the role itself ("X is chief of
    staff", "X was named chief of staff"); None where the role is itself relational in the claim
    ("X is Y's chief of staff") or the holder is no name."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or _lemma(root) not in ROLE_VERBS:
        return None
    role = next((c for c in root.children if c.dep_ == ROLE_VERBS[_lemma(root)] and c.pos_ == "NOUN"), None)
    subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if role is None or subject is None or not any(t.pos_ == "PROPN" for t in subject.subtree):
        return None
    if any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in ("to", "for", "under") for c in role.children):
        return None
    return " ".join(t.text for t in subject.subtree if t.pos_ == "PROPN"), role


def _holds(role, holder: str) -> bool:
    """The span gives `role` to `holder`: in apposition ("Wiles, the chief of staff"), as a title
    ("Chief of Staff Susie Wiles"), or through a verb ("Wiles is/was named chief of staff")."""
    near = [role.head] if role.dep_ in ("appos", "compound", "nmod") else []
    near += [c for c in role.children if c.dep_ in ("appos", "compound", "nmod") and c.pos_ == "PROPN"]
    verb = role.head
    if role.dep_ == "attr":
        near += [c for c in verb.children if c.dep_ == "nsubj"]
    elif role.dep_ == "oprd":
        near += [c for c in verb.children if c.dep_ in ("dobj", "nsubjpass")]
    elif role.dep_ == "pobj" and verb.lower_ == "as":  # "serves as chief of staff"
        near += [c for c in verb.head.children if c.dep_ in ("nsubj", "nsubjpass", "dobj")]
    return any(name_in(holder, _name(n)) for n in near if n.i != role.i)


def _name(token) -> str:
    """A name's own words, not what hangs on it ("Wiles, chief of staff to Trump" is not Trump)."""
    own = [c for c in token.children if c.dep_ in ("compound", "flat")] + [token]
    return " ".join(t.text for t in sorted(own, key=lambda t: t.i))


def _relates(role, holder: str) -> bool:
    """The span relates `role` to `holder`: "X's chief of staff", "chief of staff to X" (where the
    parser may hang "to X" on the name the role is in apposition to)."""
    hung = [c for c in role.head.children if c.dep_ == "prep" and c.i > role.i] if role.dep_ == "appos" else []
    for child in list(role.children) + hung:
        if child.dep_ == "poss" and name_in(holder, " ".join(t.text for t in child.subtree)):
            return True
        if child.dep_ == "prep" and child.lower_ in RELATING_PREPOSITIONS:
            objects = [o for o in child.children if o.dep_ == "pobj" and o.pos_ == "PROPN"]
            if any(name_in(holder, " ".join(t.text for t in o.subtree)) for o in objects):
                return True
    of = [o for c in role.children if c.dep_ == "prep" and c.lower_ == "of"
          for o in c.children if o.dep_ == "pobj" and o.pos_ == "NOUN"]
    return any(_relates(o, holder) for o in of)  # "chief of staff to X": "to X" may hang on "staff"
