"""Packaged-model assembly, one helper for every model the project unpacks (unit layer)."""
from __future__ import annotations

import hashlib

import pytest

from assistant.answer.rerank import RescorerUnavailable, mpnet_path
from assistant.models import ModelUnavailable, join_parts


def parts(tmp_path, *chunks: bytes):
    for i, chunk in enumerate(chunks):
        (tmp_path / f"part{i}").write_bytes(chunk)
    return [tmp_path / f"part{i}" for i in range(len(chunks))]


def test_parts_are_joined_in_order_and_checked(tmp_path):
    sha = hashlib.sha256(b"abcdef").hexdigest()
    target = join_parts(parts(tmp_path, b"abc", b"def"), tmp_path / "cache" / "model.bin", (sha[:8], sha[-4:]), "x")
    assert target.read_bytes() == b"abcdef"


@pytest.mark.parametrize("error", [ModelUnavailable, RescorerUnavailable])
def test_a_wrong_digest_leaves_nothing_behind_and_names_the_fix(tmp_path, error):
    with pytest.raises(error, match="reinstall the part packages"):
        join_parts(parts(tmp_path, b"abc"), tmp_path / "cache" / "model.bin", ("0" * 64, ""), "the part packages",
                   error)
    assert list((tmp_path / "cache").iterdir()) == []


def test_the_rescorer_model_is_found_in_the_configured_model_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("ASSISTANT_MODEL_CACHE", str(tmp_path))
    (tmp_path / "all-mpnet-base-v2").mkdir()
    (tmp_path / "all-mpnet-base-v2" / "model.safetensors").write_bytes(b"")
    assert mpnet_path() == tmp_path / "all-mpnet-base-v2"
