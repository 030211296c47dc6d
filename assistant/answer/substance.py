"""Does a verified draft answer its question, or only look like it?

Verification checks each claim against its paragraph, but a claim can pass without answering:
"Victoria soon losing manufacturing plants [1]." repeats the question ("What type of manufacturing
plant is Victoria soon losing?"), and "... a different version of the vitamin D receptor [1]" shares
so many words with its paragraph that one invented term ("vitamin", nowhere in it) slips through.
The words a draft adds to its question are its answer (the first name of someone the question
names is none: "... by Joseph Black ... by James Watt" for "discovered by Black ... by Watt"): it must
add some, and the common nouns among them must come from the paragraphs it cites (names, figures and
dates are the verifier's).
Such a draft is replaced by the evidence quote (assistant/answer/compose.py).
"""
from __future__ import annotations

from assistant.answer.citations import MARKER
from assistant.verify import language
from assistant.verify.names import name_in
from ingest.text import content_words, inflection_stem, prefix_stem, tokenize


def shortfall(question: str, answer: str, cited_texts: list[str]) -> str | None:
    """Why `answer` does not answer `question` ("echo", "invented: vitamin"), or None when it may.
    Not for yes/no questions: their answer is the question's own statement, affirmed or denied."""
    asked = {inflection_stem(w) for w in content_words(question)}
    doc = language.parse(MARKER.sub("", answer))
    named = {t.i for e in doc.ents if e.label_ in language.NAME_LABELS and name_in(e.text, question) for t in e}
    added = [t for t in doc if t.i not in named  # "Joseph Black" adds nothing to "discovered by Black"
             and (t.is_alpha and content_words(t.lower_) and inflection_stem(t.lower_) not in asked
                  or t.like_num and t.lower_ not in question.lower())]
    if not added:
        return "echo"
    source_words = {w for text in cited_texts for w in tokenize(text)}
    source_stems = {prefix_stem(w) for w in source_words}
    invented = [t.text for t in added
                if t.pos_ == "NOUN" and t.lower_ not in source_words and prefix_stem(t.lower_) not in source_stems]
    return f"invented: {', '.join(invented)}" if invented else None
