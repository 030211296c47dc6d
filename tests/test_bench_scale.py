"""The scale corpus must survive ingest whole: N paragraphs written, N distinct paragraphs stored,
no article taken for a near-duplicate of another (else the benchmark's sizes would be wrong)."""
from __future__ import annotations

from bench import scale_corpus
from bench.ingest import paragraph_texts
from ingest.near_duplicates import NearDuplicates, text_sketch


class _EmptyStore:
    """No stored documents: every candidate twin is one of this run's articles."""
    def fill_sketches(self):
        return 0

    def sketch_matches(self, sketch, n):
        return []

    def sketch(self, doc_id):
        return frozenset()

    def paragraphs(self, doc_id=None):
        return []


def test_scale_corpus_is_deterministic_distinct_and_split_as_written(tmp_path):
    bases = scale_corpus.base_paragraphs()
    n = 2 * len(bases) + 17  # every paragraph copied twice and some thrice: the variants must differ
    built = scale_corpus.articles(n, bases)
    assert built == scale_corpus.articles(n, bases)
    texts = [p.text for _, paragraphs in built for p in paragraphs]
    assert len(texts) == len(set(texts)) == n
    assert all(10 <= len(paragraphs) <= 30 for _, paragraphs in built[:-1])

    scale_corpus.write(tmp_path, built)
    assert paragraph_texts(tmp_path) == texts  # ingest's reading, cleaning and splitting keep each one whole

    twins = NearDuplicates(_EmptyStore())
    for i, (_, paragraphs) in enumerate(built):
        sketch = text_sketch(p.text for p in paragraphs)
        assert twins.versions(f"doc-{i}", sketch) == [], f"article {i} looks like a near-duplicate"
        twins.add(f"doc-{i}", sketch, f"hash-{i}", [p.text for p in paragraphs])
