"""`assistant` command line: a thin layer over the `Assistant` facade. Imports stay lazy so
`assistant --help` answers at once."""
from __future__ import annotations

import argparse
import json
import os
import sys

from assistant.backends import BACKEND_CHOICES
from assistant.errors import USER_ERRORS, InvalidRequest, UserError

VERIFIED = "--- verified answer ---"  # `ask --stream`: ends the unverified draft


def _common(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("store and models")
    g.add_argument("--store", help="store folder (default: data/ or $ASSISTANT_STORE)")
    g.add_argument("--chroma-url", help="use a Chroma server, e.g. http://127.0.0.1:8000 ($ASSISTANT_CHROMA_URL)")
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assistant", description="Grounded Q&A over your articles, every claim cited to its paragraph.")
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
    from assistant.evaluation import add_arguments
    add_arguments(p)
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the day every question is asked on "
                                                         "(default: each question's own `date`, else today)")
    _common(p)

    p = sub.add_parser("doctor", help="check the store; --repair rebuilds its derived indexes")
    p.add_argument("--repair", action="store_true",
                   help="finish interrupted writes, drop orphan vectors, re-embed missing ones, rebuild the lexical index")
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


def _assistant(args):
    from assistant import Assistant
    from assistant.settings import Settings

    flags = {k: getattr(args, k, None)
             for k in ("store", "chroma_url", "embedder", "backend", "backends", "model", "base_url", "k",
                       "min_confidence")}
    return Assistant(settings=Settings.load(getattr(args, "config", None), **flags))


def _filters(args):
    """The filter flags (and --as-of), checked before any model loads."""
    from assistant.retrieval import as_of_date, check_request
    from vectorstore.store import Filters

    filters = Filters(doc_id=args.doc, source=args.source, author=args.author, since=args.since, until=args.until)
    check_request(filters=filters)
    as_of_date(args.as_of)
    return filters


def cmd_ingest(args) -> int:
    assistant = _assistant(args)
    progress = None
    if not args.quiet and not args.json:
        from tqdm import tqdm

        from ingest.pipeline import expand

        files, _ = expand(args.paths)  # a listing only: gives the bar its total and ETA
        bar = tqdm(desc="ingest", unit="doc", total=len(files), file=sys.stderr)
        paragraphs = 0

        def progress(result):
            nonlocal paragraphs
            paragraphs += result.paragraphs if result.status in ("added", "updated") else 0
            bar.update(1)
            bar.set_postfix(paragraphs=paragraphs, refresh=False)
            if result.status == "failed":
                bar.write(f"failed: {result.location}: {result.reason}", file=sys.stderr)
            elif result.status == "duplicate":
                bar.write(f"duplicate: {result.location}: {result.reason}", file=sys.stderr)
    report = assistant.ingest(args.paths, prune=args.prune, progress=progress)
    if progress:
        bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not args.quiet:
        print(", ".join(f"{n} {k}" for k, n in report.summary().items()) +
              f"; {assistant.store.count()} paragraphs in the store")
    return 0 if report.ok else 1


def _print_answer(answer, as_json: bool) -> None:
    if as_json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
        return
    print(answer.answer)
    listed = answer.citations or answer.closest
    if listed:
        print("\nClosest paragraphs:" if answer.abstained else "\nSources:")
        for c in listed:
            label = f"[{c.n}]" if not answer.abstained else "-"
            shown = c.text if answer.abstained else c.quote
            print(f"{label} {c.title} ({c.source}, paragraph {c.paragraph_index}): "
                  f"{shown[:240]}{'…' if len(shown) > 240 else ''}")


EVIDENCE_STATUS = {"checking": "Evidence (checking it answers the question):",
                   "kept": "Evidence kept by the check:",
                   "rejected": "The check rejected this evidence: it does not answer the question."}


def _evidence_text(event) -> str:
    """The quotes the answer will be drawn from, shown before it; then what the check made of them."""
    lines = [EVIDENCE_STATUS[event.status]]
    if event.status != "rejected":
        lines += [f"  [{c.n}] \u201c{c.quote}\u201d \u2014 {c.title} ({c.source}{', ' + c.date if c.date else ''})"
                  for c in event.citations]
    return "\n".join(lines) + "\n"


def cmd_ask(args) -> int:
    assistant = _assistant(args)
    filters = _filters(args)
    if args.questions:
        return _ask_batch(assistant, args, filters)
    if not args.question:
        raise InvalidRequest("give a QUESTION or --questions FILE")
    if args.stream:
        from assistant.types import Answer, Evidence

        draft = sys.stderr if args.json else sys.stdout  # the JSON answer alone goes to stdout
        for event in assistant.stream(args.question, backend=args.backend, k=args.k, filters=filters,
                                      evidence=True, as_of=args.as_of):
            if isinstance(event, Answer):
                print(f"\n\n{VERIFIED}", file=draft, flush=True)
                _print_answer(event, args.json)
            elif isinstance(event, Evidence):
                print(_evidence_text(event), file=draft, flush=True)
            else:
                print(event, end="", flush=True, file=draft)
        return 0
    _print_answer(assistant.ask(args.question, backend=args.backend, k=args.k, filters=filters, as_of=args.as_of),
                  args.json)
    return 0


def _ask_batch(assistant, args, filters) -> int:
    from tqdm import tqdm

    from assistant.evaluation import read_questions

    for item in tqdm(read_questions(args.questions), desc="ask", unit="q", file=sys.stderr):
        text = item["question"] if isinstance(item, dict) else str(item)
        answer = assistant.ask(text, backend=args.backend, k=args.k, filters=filters, as_of=args.as_of)
        print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
    return 0


def cmd_chat(args) -> int:
    assistant = _assistant(args)
    history: list[dict] = []
    print("Ask about the library; empty line or Ctrl-D to quit.", file=sys.stderr)
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        answer = assistant.ask(question, backend=args.backend, k=args.k, filters=_filters(args), history=history,
                               as_of=args.as_of)
        _print_answer(answer, False)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def cmd_list(args) -> int:
    docs = _assistant(args).documents()
    if args.json:
        print(json.dumps([d.to_dict() for d in docs], ensure_ascii=False, indent=2))
    else:
        for d in docs:
            print(f"{d.doc_id}\t{d.paragraphs} paragraphs\t{d.date or '-'}\t{d.title}")
        print(f"{len(docs)} documents", file=sys.stderr)
    return 0


def cmd_remove(args) -> int:
    if not _assistant(args).remove(args.doc_id):
        raise InvalidRequest(f"no document {args.doc_id!r} (see `assistant list`)")
    print(f"removed {args.doc_id}")
    return 0


def cmd_serve(args) -> int:
    import app

    auth = args.auth or os.environ.get("ASSISTANT_AUTH")
    if args.host not in ("127.0.0.1", "localhost", "::1") and not auth:
        if not args.allow_unauthenticated:
            raise UserError(f"refusing to serve on {args.host} without --auth user:pass "
                            "(or pass --allow-unauthenticated to expose the library to anyone who can reach it)")
        print(f"warning: serving on {args.host} without authentication", file=sys.stderr)
    assistant = _assistant(args)
    if args.ingest_default:
        from assistant.settings import default_corpus

        corpus = default_corpus()
        if corpus:
            report = assistant.ingest([corpus])
            print(f"default corpus {corpus}: {report.summary()}", file=sys.stderr)
    app.serve(assistant, host=args.host, port=args.port, auth=auth)
    return 0


def cmd_lookup(args) -> int:
    from assistant.lookup import print_result

    print_result(_assistant(args).lookup(args.text, k=args.k), args.json)
    return 0


def cmd_eval(args) -> int:
    from assistant.evaluation import run

    return run(args, _assistant)


def cmd_doctor(args) -> int:
    from assistant.doctor import run

    return run(_assistant(args), repair_store=args.repair)


COMMANDS = {"doctor": cmd_doctor, "lookup": cmd_lookup, "eval": cmd_eval, "ingest": cmd_ingest, "ask": cmd_ask, "chat": cmd_chat, "list": cmd_list, "remove": cmd_remove,
            "serve": cmd_serve}


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
