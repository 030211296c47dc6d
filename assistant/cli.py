"""`assistant` command line: what can be typed (the parser) and the dispatch to assistant/commands.py,
where each command does its work through the `Assistant` facade. A user error is one `error: ...`
line and exit status 2 (`--debug` shows its traceback); anything else is a bug and shows its own.
Nothing heavy is imported here, so `assistant --help` answers at once."""
from __future__ import annotations

import argparse
import os
import sys

from assistant import commands
from assistant.answer.retrieval import DEFAULT_METHOD, METHODS
from assistant.backends import BACKEND_CHOICES
from assistant.errors import USER_ERRORS


class Parser(argparse.ArgumentParser):
    """Bad input is one `error: ...` line and exit status 2, as for every other user error (argparse
    would print the whole usage block first); subcommand parsers are made of this class too."""

    def error(self, message: str):
        self.exit(2, f"error: {message}\n")


def _common(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("store and models")
    g.add_argument("--store", help="store folder (default: data/ or $ASSISTANT_STORE)")
    g.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 ($ASSISTANT_CHROMA_URL)")
    g.add_argument("--database-url", help="keep the registry and lexical index in PostgreSQL, shared by replicas: "
                                          "postgresql://USER:PASSWORD@HOST:PORT/DB, with --chroma-url "
                                          "($ASSISTANT_DATABASE_URL)")
    g.add_argument("--config", help="TOML settings file (default: ~/.config/grounded-assistant/config.toml)")
    g.add_argument("--embedder", help="embedding model: minilm (packaged) or a local sentence-transformers path")
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error (bugs always show it)")


def _answering(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", choices=BACKEND_CHOICES,
                        help="answer backend (default: llama when installed, else extractive)")
    parser.add_argument("--model", help="GGUF path (llama) or model name (ollama/openai)")
    parser.add_argument("--base-url", help="server URL for ollama/openai backends")
    parser.add_argument("--k", type=int, help="paragraphs retrieved per question (default 5)")
    f = parser.add_argument_group("filters")
    f.add_argument("--doc", help="only this doc_id")
    f.add_argument("--source", help="only this source")
    f.add_argument("--author", help="only this author")
    f.add_argument("--since", help="only documents dated on or after YYYY-MM-DD")
    f.add_argument("--until", help="only documents dated on or before YYYY-MM-DD")


def _as_of(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--as-of", metavar="YYYY-MM-DD",
                        help='the day asked on: "recently" counts back from it; older articles are dated '
                             "(default today)")


def _evaluating(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--corpus", required=True, help="folder of articles to ingest (skipped when already in --store)")
    parser.add_argument("--questions", required=True, help="JSONL: question, paragraph_text, answers, answerable")
    parser.add_argument("--k", type=int, default=10, help="paragraphs retrieved per question (default 10)")
    parser.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD,
                        help=f"retrieval method (default {DEFAULT_METHOD})")
    parser.add_argument("--backend", choices=BACKEND_CHOICES,
                        help="also answer each question and score answers, citations and abstention")
    parser.add_argument("--limit", type=int, help="evaluate N questions spread evenly over the file")
    parser.add_argument("--min-confidence", type=float,
                        help="leave out sources the model judges below this; none left: abstain (default: the "
                             "setting, 0.5; 0: no check); the report's confidence_curve replays stricter ones")
    parser.add_argument("--json", action="store_true", help="print one JSON object with every figure")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="assistant", description="Grounded Q&A over your articles, every claim cited to its paragraph.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update articles (files, folders, globs)")
    p.add_argument("paths", nargs="+")
    p.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    _common(p)

    p = sub.add_parser("ask", help="answer a question with cited paragraphs")
    p.add_argument("question", nargs="?")
    p.add_argument("--questions", help="JSONL file of {\"question\": ...} lines: one answer per line")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")
    p.add_argument("--stream", action="store_true", help="print tokens as they are generated")
    _answering(p)
    _as_of(p)
    _common(p)

    p = sub.add_parser("chat", help="interactive conversation with follow-up questions")
    _answering(p)
    _as_of(p)
    _common(p)

    p = sub.add_parser("list", help="list documents")
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("remove", help="remove a document by doc_id")
    p.add_argument("doc_id")
    _common(p)

    p = sub.add_parser("lookup", help="find the paragraphs a quote or claim comes from")
    p.add_argument("text")
    p.add_argument("--k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    _common(p)

    p = sub.add_parser("eval", help="retrieval / answer metrics on a question set")
    _evaluating(p)
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day every question is asked on "
                                                         "(default: each question's own `date`, else today)")
    _common(p)

    p = sub.add_parser("doctor", help="check the store; --repair rebuilds its derived indexes")
    p.add_argument("--repair", action="store_true",
                   help="finish interrupted writes, drop orphan vectors, re-embed missing ones, rebuild the lexical index")
    _common(p)

    p = sub.add_parser("migrate", help="copy a store's library into the server store without re-embedding")
    p.add_argument("--from", dest="from_store", required=True, metavar="STORE", help="the store folder to copy")
    p.add_argument("--from-chroma-url", help="the Chroma server holding the source store's vectors, if not its folder")
    _common(p)

    p = sub.add_parser("serve", help="start the web chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p.add_argument("--auth", help="user:pass (or $ASSISTANT_AUTH)")
    p.add_argument("--allow-unauthenticated", action="store_true",
                   help="permit a non-loopback --host without --auth")
    p.add_argument("--ingest-default", action="store_true",
                   help="first ingest $ASSISTANT_CORPUS or ../shared/corpus when present")
    p.add_argument("--backends", help="the backends web callers may pick, comma-separated (default: all); "
                                      '"auto" always means --backend')
    _answering(p)
    _common(p)
    return parser


COMMANDS = {"ingest": commands.ingest, "ask": commands.ask, "chat": commands.chat, "list": commands.list_documents,
            "remove": commands.remove, "lookup": commands.lookup, "eval": commands.evaluate, "doctor": commands.doctor,
            "migrate": commands.migrate, "serve": commands.serve}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except USER_ERRORS as exc:
        if args.debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `assistant list --json | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
