"""Retrieval methods, fusion arithmetic, metadata filters and the mpnet re-scorer's vector cache,
on a fresh store holding three small articles written here."""
from __future__ import annotations

import pytest

from assistant.answer.retrieval import METHODS, phrase_overlap, rrf, sentence_cover, weighted
from ingest.text import inflection_stem
from vectorstore import fts, sentences
from vectorstore.store import Filters

ARTICLES = {
    "harbor.txt": """Harbor Council Approves New Ferry Schedule

By Jane Doe

2023-02-28

Source: Coastal Gazette

The harbor council voted on Tuesday to approve a new ferry schedule that adds three evening crossings to the island route.

Ferry operators said the additional crossings would start in April once crews have been trained on the larger vessels.
""",
    "orchard.txt": """Orchard Growers Report Record Apple Harvest

By Tom Lee

2021-09-15

Source: Valley Herald

Orchard growers in the valley reported a record apple harvest this autumn, crediting a mild spring without late frosts.

The cooperative plans to build a second cold storage warehouse to keep the surplus apples fresh through the winter.
""",
    "library.txt": """Town Library Extends Opening Hours

By Jane Doe

2022-05-02

Source: Valley Herald

The town library will stay open until nine in the evening on weekdays, the library board announced after a survey of readers.

Volunteers will staff the reading room on Saturdays so that students can prepare for their examinations.
""",
}
QUESTION = "What was decided about the evening ferry crossings, the apple harvest and the library hours?"


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    from assistant import Assistant

    folder = tmp_path_factory.mktemp("articles")
    for name, text in ARTICLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    assistant = Assistant(store=tmp_path_factory.mktemp("store"), backend="extractive")
    assert assistant.ingest([folder]).ok
    return assistant


def doc_ids(assistant, **filters) -> set[str]:
    hits = assistant.retrieve(QUESTION, k=10, filters=Filters(**filters))
    return {h.doc_id.split("-")[0] for h in hits}


def test_no_filter_reaches_every_article(library):
    assert doc_ids(library) == {"harbor", "orchard", "library"}


@pytest.mark.parametrize("filters, expected", [
    ({"source": "Valley Herald"}, {"orchard", "library"}),
    ({"author": "Jane Doe"}, {"harbor", "library"}),
    ({"since": "2022-01-01"}, {"harbor", "library"}),
    ({"until": "2022-05-02"}, {"orchard", "library"}),  # the bound itself is inside the range
    ({"since": "2022-01-01", "until": "2022-12-31"}, {"library"}),
    ({"author": "Jane Doe", "source": "Valley Herald"}, {"library"}),
    ({"source": "valley herald"}, {"orchard", "library"}),  # as a user types it
    ({"author": "JANE DOE"}, {"harbor", "library"}),
    ({"source": "Valley"}, set()),  # equal but for case, not a part of the name
    ({"since": "2024-01-01"}, set()),
])
def test_metadata_filters(library, filters, expected):
    assert doc_ids(library, **filters) == expected


def test_document_filter(library):
    orchard = next(d.doc_id for d in library.documents() if d.doc_id.startswith("orchard"))
    hits = library.retrieve(QUESTION, k=10, filters=Filters(doc_id=orchard))
    assert hits and {h.doc_id for h in hits} == {orchard}


@pytest.mark.parametrize("filters", [Filters(), Filters(source="Coastal Gazette")])
def test_a_paragraph_is_found_by_its_articles_title(library, filters):
    """"Ferry operators said ..." names neither the harbor nor its council: the lexical index holds
    its article's title beside it, and what comes back (and is cited) is the paragraph alone."""
    hits = library.retrieve("harbor council", k=5, method="bm25", filters=filters)
    operators = [h for h in hits if h.text.startswith("Ferry operators said")]
    assert operators and "council" not in operators[0].text.lower()


def test_a_filter_keeps_the_lexical_ranking_best_first(library):
    """A filter every article passes returns the unfiltered BM25 ranking (it once returned the worst
    matches first: `order by score` ascending on the negated bm25)."""
    store = library.store
    unfiltered = store.lexical_search(QUESTION, 3)
    assert [score for _, score in unfiltered] == sorted((score for _, score in unfiltered), reverse=True)
    assert store.lexical_search(QUESTION, 3, Filters(since="2000-01-01")) == unfiltered


def test_a_caption_is_indexed_with_its_neighbours_and_the_title():
    title, texts = "Harbor Council Approves New Ferry Schedule", ["A long paragraph. " * 10, "Photo: the ferry.", "x" * 120]
    assert fts.contexts(title, texts) == [title, f"{title}\n{texts[0]}\n{texts[2]}", title]


@pytest.mark.parametrize("method", METHODS)
def test_every_method_finds_the_answer_and_respects_filters(library, method):
    hits = library.retrieve("When will the additional ferry crossings start?", k=3, method=method)
    assert "start in April" in hits[0].text
    assert [h.rank_score for h in hits] == sorted((h.rank_score for h in hits), reverse=True)
    assert -1 <= hits[0].score <= 1 and hits[0].score > hits[-1].score
    filtered = library.retrieve(QUESTION, k=10, method=method, filters=Filters(source="Valley Herald"))
    assert filtered and all(h.source == "Valley Herald" for h in filtered)


def test_unknown_method_is_refused(library):
    with pytest.raises(ValueError, match="unknown retrieval method"):
        library.retrieve(QUESTION, method="magic")


def test_rrf_adds_reciprocal_ranks():
    fused = rrf([("a", 9.0), ("b", 5.0)], [("b", 0.9)])
    assert fused == pytest.approx({"a": 1 / 61, "b": 1 / 62 + 1 / 61})


def test_weighted_scales_bm25_by_the_best_and_counts_missing_as_zero():
    fused = weighted({"a": 0.8, "b": 0.4}, {"b": 10.0, "c": 5.0}, dense_weight=0.5)
    assert fused == pytest.approx({"a": 0.4, "b": 0.2 + 0.5, "c": 0.25})
    assert weighted({"a": 0.6}, {}, 0.5) == pytest.approx({"a": 0.3})


def test_phrase_overlap_counts_shared_word_pairs():
    # pairs of the question: (norman, in), (in, normandy), (the, norman); "when were", "were the" are stopwords
    assert phrase_overlap("When were the Normans in Normandy?", "Normans in Normandy lived well.") == pytest.approx(2 / 3)
    assert phrase_overlap("When were the Normans in Normandy?", "Normandy had Normans.") == 0.0
    assert phrase_overlap("Who was it?", "anything") == 0.0


def test_rescorer_vectors_follow_updates_and_removals(tmp_path):
    from assistant import Assistant
    from assistant.answer.rerank import rescorer_for

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "harbor.txt").write_text(ARTICLES["harbor.txt"], encoding="utf-8")
    (folder / "orchard.txt").write_text(ARTICLES["orchard.txt"], encoding="utf-8")
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assistant.ingest([folder])
    assistant.retrieve("ferry schedule", method="mpnet")
    rescorer = rescorer_for(assistant.store)
    assert set(rescorer._vectors) == {p.paragraph_id for p in assistant.paragraphs()}
    assert (tmp_path / "store" / "rescore-all-mpnet-base-v2.npz").is_file()

    (folder / "harbor.txt").write_text(ARTICLES["harbor.txt"].replace("start in April", "start in October"),
                                       encoding="utf-8")
    assistant.ingest([folder])
    top = assistant.retrieve("When will the additional ferry crossings start?", k=1, method="mpnet")[0]
    assert "start in October" in top.text
    harbor = top.doc_id
    assert rescorer._versions[top.paragraph_id] == assistant.store.document(harbor).content_hash

    assistant.remove(harbor)
    assistant.retrieve("apple harvest", method="mpnet")
    assert rescorer.sync() == 0 and not any(pid.startswith(harbor) for pid in rescorer._vectors)


def test_sentence_cover_is_the_best_single_sentences_share_of_the_word_weight():
    weights = {inflection_stem("ferry"): 2.0, inflection_stem("evening"): 1.0, inflection_stem("crossings"): 1.0}
    paragraph = "The council met on Tuesday. It added evening ferry crossings. Crews train in April."
    assert sentence_cover(weights, paragraph) == pytest.approx(1.0)
    assert sentence_cover(weights, "The ferry left. It came back in the evening.") == pytest.approx(0.5)
    assert sentence_cover({}, paragraph) == 0.0


def test_long_paragraphs_keep_a_vector_per_sentence_and_short_ones_none(tmp_path):
    """A long paragraph's one vector blurs its facts; its sentences are stored beside it, by their text."""
    from assistant import Assistant

    facts = ["The lighthouse on Gull Point was built of granite in 1873 by the harbour trust.",
             "Its lamp burned whale oil until the keepers switched to kerosene in 1895.",
             "A storm in 1921 cracked the lantern room, which was rebuilt with steel frames.",
             "The keeper's cottage became a museum of shipwrecks after the light was automated.",
             "Every August the museum opens the tower to visitors who climb its 112 steps.",
             "Volunteers repaint the red band around the tower every seven years.",
             "The trust sold the island to the county for one dollar in 1968."]
    long, short = " ".join(facts), "The museum is closed on Mondays and on public holidays in the winter months."
    (tmp_path / "gull.txt").write_text(f"Gull Point lighthouse\n\n{long}\n\n{short}\n", encoding="utf-8")
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    assert assistant.ingest([tmp_path / "gull.txt"]).ok and len(long) >= sentences.MIN_CHARS
    stored = assistant.store.sentence_vectors([long, short])
    assert list(stored) == [long] and stored[long].shape == (len(facts), 384)
    expected = assistant.encode(facts)
    assert all(float(a @ b) > 0.999 for a, b in zip(stored[long], expected))
    hit = assistant.retrieve("How many steps does the Gull Point tower have?", k=1)[0]
    assert hit.text == long and hit.rank_score > hit.score  # the sentence's cosine counted beside the paragraph's
