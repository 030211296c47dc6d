"""BM25 in memory (vectorstore/bm25.py) must rank as the FTS5 query does, see every write at once (by
falling back to FTS5 until a fresh copy is loaded), and come back whole for stores made before
token counts were kept."""
from __future__ import annotations

import json
import threading

import pytest

from assistant import Assistant
from assistant.cli import main
from ingest.text import query_terms
from support import ROOT
from vectorstore import term_counts
from vectorstore.lexical import BM25, LexicalIndex, lexical_query

ARTICLE = """Harbor Council Approves New Ferry Schedule

The harbor council voted on Tuesday to approve a new ferry schedule that adds three evening crossings.

Ferry operators said the crossings would start in April. The co_op crews were trained on larger vessels.
"""


def fts5_ranking(index: LexicalIndex, text: str, n: int) -> list[tuple[str, float]]:
    """The FTS5 query itself, as lexical search asks it without filters."""
    query = lexical_query(index._distinctive(query_terms(text), None))
    sql = (f"select p.paragraph_id, -{BM25} as score from paragraphs_fts join paragraphs p "
           "on p.rowid = paragraphs_fts.rowid where paragraphs_fts match ? order by score desc limit ?")
    return [(r[0], r[1]) for r in index.registry.db().execute(sql, [query, n])] if query else []


def assert_same_ranking(got, expected):
    assert [pid for pid, _ in got] == [pid for pid, _ in expected]
    assert [score for _, score in got] == pytest.approx([score for _, score in expected], rel=1e-12)


def test_in_memory_bm25_ranks_the_seed_library_as_fts5_does(seeded):
    index = LexicalIndex(seeded.store.registry)
    index.load_memory()
    assert index.current_memory() is not None
    questions = [json.loads(line)["question"] for line in (ROOT / "bench/questions/seed.jsonl").open()]
    for question in questions + ["Blinken Astana", "Central Asia C5+1 ministerial", "Kazakhstan's exports"]:
        assert_same_ranking(index.search(question, 30), fts5_ranking(index, question, 30))


def test_the_copy_loads_in_the_background_from_the_second_search(seeded):
    """A process that asks once does not pay for loading; one that asks again gets the copy."""
    index = LexicalIndex(seeded.store.registry)
    first = index.search("Blinken Astana", 5)
    assert index._memory is None and not index._loading.locked()
    assert index.search("Blinken Astana", 5) == first
    for thread in threading.enumerate():
        if thread.name == "bm25-load":
            thread.join()
    assert index.current_memory() is not None
    assert_same_ranking(index.search("Blinken Astana", 5), first)


def test_one_question_counts_as_one_search(seeded):
    """Retrieval also asks the index for its terms' frequencies (the best-sentence step): that must not
    count as a second search, or a one-shot `ask` would load the copy it never uses."""
    once = Assistant(store=seeded.store.path, backend="extractive")
    once.retrieve("Which Uzbek president did Blinken meet?")
    assert once.store._lexical._searches_without_memory == 1 and not once.store._lexical._loading.locked()


def test_a_write_is_searchable_at_once_and_from_memory_after_a_reload(tmp_path):
    assistant = Assistant(store=tmp_path / "store", backend="extractive")
    index = LexicalIndex(assistant.store.registry)
    index.load_memory()
    loaded = index.current_memory()
    assert loaded is not None and loaded.search(["ferri"], 5) == []

    (tmp_path / "harbor.txt").write_text(ARTICLE, encoding="utf-8")
    assert assistant.ingest([tmp_path / "harbor.txt"]).ok
    assert index.current_memory() is None  # the copy is stale: FTS5 answers
    stale_answer = index.search("evening ferry crossings", 5)
    assert stale_answer and "ferry schedule" in assistant.store.get([stale_answer[0][0]])[stale_answer[0][0]].text

    index.load_memory()
    memory = index.current_memory()
    assert memory is not None and memory.generation > loaded.generation
    assert_same_ranking(memory.search(["even", "ferri", "cross"], 5), stale_answer)
    # a query word FTS5 splits into a phrase ("co_op": "co op") is left to FTS5, with the same result
    assert term_counts.TOKENIZER.terms("co_op") == ("co", "op")
    phrase = index.search("co_op crews", 5)
    assert phrase and phrase == fts5_ranking(index, "co_op crews", 5)

    assistant.remove(assistant.store.documents()[0].doc_id)
    index.load_memory()
    assert index.current_memory().search(["ferri"], 5) == []


def test_a_store_without_token_counts_is_counted_on_open(tmp_path, capsys):
    store = tmp_path / "store"
    (tmp_path / "harbor.txt").write_text(ARTICLE, encoding="utf-8")
    assert Assistant(store=store, backend="extractive").ingest([tmp_path / "harbor.txt"]).ok
    old = Assistant(store=store, backend="extractive").store.registry.db()
    with old:
        old.execute("delete from paragraph_terms")
        old.execute("delete from meta where key = ?", [term_counts.GENERATION])
    reopened = Assistant(store=store, backend="extractive")
    db = reopened.store.registry.db()  # the store opens on first use
    assert "counting the words of 2 paragraphs once" in capsys.readouterr().err
    assert term_counts.missing(db) == 0 and term_counts.generation(db) >= 1
    index = LexicalIndex(reopened.store.registry)
    index.load_memory()
    assert_same_ranking(index.search("evening ferry", 5), fts5_ranking(index, "evening ferry", 5))


@pytest.mark.parametrize("word, terms", [("Running", ("run",)), ("Kazakhstan", ("kazakhstan",)),
                                          ("Metchnikoff's", ("metchnikoff", "s")), ("café", ("cafe",))])
def test_query_words_become_the_index_terms_fts5_makes(word, terms):
    assert sorted(term_counts.TOKENIZER.terms(word)) == sorted(terms)


def test_doctor_finds_missing_token_counts_and_repair_restores_them(tmp_path, capsys):
    store = tmp_path / "store"
    (tmp_path / "harbor.txt").write_text(ARTICLE, encoding="utf-8")
    assistant = Assistant(store=store, backend="extractive")
    assert assistant.ingest([tmp_path / "harbor.txt"]).ok
    with assistant.store.registry.db() as db:
        db.execute("delete from paragraph_terms where rowid = (select max(rowid) from paragraphs)")
    assert main(["doctor", "--store", str(store)]) == 1
    assert "1 without token counts" in capsys.readouterr().out
    assert main(["doctor", "--store", str(store), "--repair"]) == 0
    assert "repair: rebuilt the lexical index" in capsys.readouterr().out
    assert term_counts.missing(assistant.store.registry.db()) == 0
