"""The two implementations of the packaged embedder give the same vectors, and a one-shot question
never waits for torch (vectorstore/embedding.py, vectorstore/bert_numpy.py)."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from support import ROOT
from vectorstore.bert_numpy import BertEncoder, Unsupported
from vectorstore.embedding import BULK, by_token_count, encode, get_embeddings, model_path

TEXTS = [
    "Who decided the vote?",
    "",
    "The council voted 7-2 on March 3, 2023, to rebuild the harbor; the mayor did not attend.",
    "Ключевые слова: Блинкен, Астана",  # the seed corpus's Russian menu text
    " ".join(["Paragraphs longer than the model's 256-token window are cut where it cuts them."] * 40),
]


def test_numpy_encoder_gives_the_sentence_transformers_vectors():
    light = BertEncoder(model_path("minilm")).encode(TEXTS)
    reference = get_embeddings("minilm")._client.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    assert light.dtype == np.float32 and light.shape == reference.shape == (len(TEXTS), 384)
    assert np.allclose(np.linalg.norm(light, axis=1), 1.0, atol=1e-5)
    assert (light * reference).sum(axis=1).min() > 0.9999
    one_at_a_time = np.vstack([BertEncoder(model_path("minilm")).encode([t]) for t in TEXTS])
    assert np.abs(one_at_a_time - light).max() < 1e-5  # padding in a batch changes nothing


def test_a_bulk_call_batched_by_token_count_gives_each_text_its_own_vector():
    texts = [f"Paragraph {i}: " + TEXTS[i % len(TEXTS)][:5 + (i * 37) % 400] for i in range(BULK + 22)]
    reference = get_embeddings("minilm")._client.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
    bulk = encode("minilm", texts)
    assert bulk.dtype == np.float32 and bulk.shape == reference.shape
    assert np.abs(bulk - reference).max() < 1e-5
    assert by_token_count(get_embeddings("minilm")._client, []).shape == (0, 384)


def test_other_architectures_are_refused(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "mpnet", "hidden_act": "gelu"}))
    with pytest.raises(Unsupported):
        BertEncoder(tmp_path)


def test_a_small_call_in_a_fresh_process_does_not_import_torch():
    script = ("import sys; from vectorstore.embedding import encode; v = encode('minilm', ['a question?']); "
              "assert v.shape == (1, 384), v.shape; "
              "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_threads_encoding_at_once_each_get_their_own_vectors():
    """The web app answers several questions at once on one model: its tokenizer's padding settings are
    shared state, so one thread's token count must not strip another's padding mid-batch."""
    from concurrent.futures import ThreadPoolExecutor

    model = get_embeddings("minilm")._client
    batches = [[f"Question {i}: " + "words of a different length " * (i % 7 + j % 5) for j in range(12)]
               for i in range(16)]
    expected = [model.encode(b, normalize_embeddings=True, convert_to_numpy=True) for b in batches]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda b: by_token_count(model, b, batch_size=4), batches * 4))
    assert all(np.allclose(g, e, atol=1e-5) for g, e in zip(got, expected * 4))
