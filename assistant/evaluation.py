"""`assistant eval`: retrieval and answer metrics on a question set (owned by the eval work)."""
from __future__ import annotations


def add_arguments(parser) -> None:
    """Declare the eval subcommand's flags (light: no heavy imports)."""
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--questions", required=True)


def run(args, make_assistant) -> int:
    raise NotImplementedError("assistant eval is not implemented yet")
