"""A BERT sentence encoder (mean pooling, normalized: all-MiniLM-L6-v2's recipe) in numpy.

Why: importing sentence-transformers pulls torch, transformers and scikit-learn, 10-15 s before the
first question can be embedded, while the packaged MiniLM's forward pass is a few matrix products.
This reads the same files (tokenizer.json, config.json, model.safetensors, max_seq_length) and gives
the same vectors as sentence-transformers (cosine > 0.9999, tests/test_embedding.py), so a store
written by either is searched by either. Models that are not a plain BERT with mean pooling are
refused (`Unsupported`) and keep the sentence-transformers path.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

BATCH = 64
# Up to this many texts, the matrix products run on one BLAS thread: a question's are too small to
# share, and on a busy machine (the local model generating beside it) OpenBLAS's waiting threads make
# one question take p50/p95 183/1041 ms instead of 36/56 (two other processes busy on 2 cores).
ONE_THREAD_UP_TO = 4


class Unsupported(ValueError):
    pass


class BertEncoder:
    def __init__(self, folder: str | Path):
        folder = Path(folder)
        config = _json(folder / "config.json")
        pooling = _json(folder / "1_Pooling" / "config.json")
        modules = [m.get("type", "") for m in _json(folder / "modules.json", [])]
        if (config.get("model_type") != "bert" or config.get("hidden_act") != "gelu"
                or config.get("position_embedding_type", "absolute") != "absolute"
                or not pooling.get("pooling_mode_mean_tokens") or sum(pooling.get(k, False) for k in pooling if
                                                                      k.startswith("pooling_mode")) != 1
                or not modules or not modules[-1].endswith("Normalize")
                or not (folder / "model.safetensors").exists() or not (folder / "tokenizer.json").exists()):
            raise Unsupported(f"{folder} is not a BERT mean-pooling sentence encoder with safetensors weights")
        from safetensors.numpy import load_file
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        self.heads, self.layers = config["num_attention_heads"], config["num_hidden_layers"]
        self.eps = config.get("layer_norm_eps", 1e-12)
        max_length = _json(folder / "sentence_bert_config.json").get("max_seq_length", 512)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length)
        self.tokenizer.no_padding()
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in load_file(folder / "model.safetensors").items()}
        self.width = self.w["embeddings.word_embeddings.weight"].shape[1]
        self.threads = ThreadpoolController()

    def encode(self, texts: list[str]) -> np.ndarray:
        """Normalized float32 vectors, one row per text (batches of similar length, as ST does)."""
        if not texts:
            return np.zeros((0, self.width), dtype=np.float32)
        if len(texts) <= ONE_THREAD_UP_TO:
            with self.threads.limit(limits=1, user_api="blas"):
                return self._encode(texts)
        return self._encode(texts)

    def _encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.width), dtype=np.float32)
        for start in range(0, len(order), BATCH):
            batch = order[start:start + BATCH]
            out[batch] = self._forward([encodings[i].ids for i in batch])
        return out

    def _forward(self, ids: list[list[int]]) -> np.ndarray:
        w, length = self.w, max(len(i) for i in ids)
        tokens = np.zeros((len(ids), length), dtype=np.int64)
        mask = np.zeros((len(ids), length), dtype=np.float32)
        for row, sequence in enumerate(ids):
            tokens[row, :len(sequence)], mask[row, :len(sequence)] = sequence, 1.0
        x = (w["embeddings.word_embeddings.weight"][tokens] + w["embeddings.position_embeddings.weight"][:length]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        bias = ((1.0 - mask) * np.finfo(np.float32).min)[:, None, None, :]
        for n in range(self.layers):
            x = self._layer(x, bias, f"encoder.layer.{n}.")
        pooled = (x * mask[:, :, None]).sum(1) / np.maximum(mask.sum(1, keepdims=True), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def _layer(self, x: np.ndarray, bias: np.ndarray, p: str) -> np.ndarray:
        batch, length, width = x.shape
        size = width // self.heads

        def heads(name: str) -> np.ndarray:
            projected = self._linear(x, p + f"attention.self.{name}").reshape(batch, length, self.heads, size)
            return np.ascontiguousarray(projected.transpose(0, 2, 1, 3))  # strided stacks miss BLAS

        q, k, v = heads("query"), heads("key"), heads("value")
        scores = q @ np.ascontiguousarray(k.transpose(0, 1, 3, 2))
        scores *= size ** -0.5
        scores += bias
        scores -= scores.max(-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(-1, keepdims=True)
        context = scores @ v
        context = context.transpose(0, 2, 1, 3).reshape(batch, length, width)
        x = self._norm(self._linear(context, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
        hidden = _gelu(self._linear(x, p + "intermediate.dense"))
        return self._norm(self._linear(hidden, p + "output.dense") + x, p + "output.LayerNorm")

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        flat = x.reshape(-1, x.shape[-1]) @ self.w[f"{name}.weight"].T  # one 2-D product, not one per row
        return (flat + self.w[f"{name}.bias"]).reshape(*x.shape[:-1], -1)

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.w[f"{name}.weight"] + self.w[f"{name}.bias"]


def _gelu(x: np.ndarray) -> np.ndarray:
    """BERT's exact GELU, x * Phi(x), in place."""
    from scipy.special import erf

    phi = erf(x * 2.0 ** -0.5)
    phi += 1.0
    phi *= 0.5
    x *= phi
    return x


def _json(path: Path, default=None):
    return json.loads(path.read_text()) if path.exists() else ({} if default is None else default)
