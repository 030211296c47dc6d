"""The store satisfies the protocol ingest writes through (ingest/sink.py), member by member;
`OnlyTheProtocol` lets the conformance suite (test_store_conformance.py) show ingest needs nothing else."""
from __future__ import annotations

import inspect

import pytest

from ingest.sink import IngestStore
from vectorstore.store import Store

METHODS = sorted(name for name, value in vars(IngestStore).items() if inspect.isfunction(value) and name[0] != "_")
ATTRIBUTES = sorted(IngestStore.__annotations__)


@pytest.fixture
def store(tmp_path) -> Store:
    return Store(tmp_path / "store")


def test_the_protocol_lists_what_ingest_uses():
    assert ATTRIBUTES == ["write_lock"]
    assert METHODS == ["add_sentence_vectors", "document", "documents", "embeddings", "fill_sketches", "find_by_hash",
                       "paragraphs", "recover", "remove", "sketch", "sketch_matches", "write_many"]


def test_store_is_an_ingest_store(store):
    assert isinstance(store, IngestStore)


@pytest.mark.parametrize("name", METHODS)
def test_store_methods_take_what_the_protocol_passes(name):
    wanted = inspect.signature(getattr(IngestStore, name))
    have = inspect.signature(getattr(Store, name))
    assert [(p.name, p.kind, p.default) for p in have.parameters.values()] \
        == [(p.name, p.kind, p.default) for p in wanted.parameters.values()], f"Store.{name}{have} vs {wanted}"


def test_a_store_without_a_member_is_not_one(store):
    class Lacking(Store):
        sketch_matches = None  # a member removed

    lacking = object.__new__(Lacking)
    lacking.write_lock = store.write_lock
    assert not isinstance(lacking, IngestStore)


class OnlyTheProtocol:
    """The real store seen through the protocol alone: any other member used is an AttributeError."""

    def __init__(self, store: Store):
        self._store = store

    def __getattr__(self, name: str):
        if name not in METHODS + ATTRIBUTES:
            raise AttributeError(f"ingest used Store.{name}, which IngestStore does not declare")
        return getattr(self._store, name)
