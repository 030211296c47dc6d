"""What each `assistant` command does, through the `Assistant` facade; the parser and the dispatch
are in assistant/cli.py. Results are printed for people, or as JSON with --json."""
from __future__ import annotations

import json
import os
import sys
import tempfile

from tqdm import tqdm

from assistant import evaluation
from assistant import Answer, Assistant, Evidence, Filters, InvalidRequest, Settings, UserError
from assistant.answer.retrieval import as_of_date, check_request
from assistant.doctor import run as run_doctor
from assistant.evaluation import read_questions
from assistant.lookup import print_result
from assistant.settings import default_corpus
from assistant.web import launch
from ingest.pipeline import expand
from vectorstore.migrate import migrate as migrate_store
from vectorstore.store import Store

VERIFIED = "--- verified answer ---"  # `ask --stream`: ends the unverified draft


def _assistant(args) -> Assistant:
    config = getattr(args, "config", None)
    if config and not os.path.isfile(config):  # only the default config file may be absent
        raise InvalidRequest(f"config file {config} not found")
    flags = {k: getattr(args, k, None)
             for k in ("store", "chroma_url", "database_url", "embedder", "backend", "backends", "model", "base_url", "k",
                       "min_confidence")}
    return Assistant(settings=Settings.load(config, **flags))


def _filters(args, assistant: Assistant):
    """The filter flags (and --as-of), checked before any model loads: an unknown --doc is a mistyped
    id, not a question the library cannot answer."""
    filters = Filters(doc_id=args.doc, source=args.source, author=args.author, since=args.since, until=args.until)
    check_request(filters=filters)
    as_of_date(args.as_of)
    if args.doc and assistant.document(args.doc) is None:
        raise InvalidRequest(f"no document {args.doc!r} (see `assistant list`)")
    return filters


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _report_line(result) -> str:
    """A file with a reason (failed, duplicate, revised, its metadata alone updated) as the plain output
    shows it (`--json` lists every file instead)."""
    return f"{result.status}: {result.location}: {result.reason}"


def ingest(args) -> int:
    assistant = _assistant(args)
    progress = None
    if not args.quiet and not args.json:
        files, missing = expand(args.paths)  # a listing only: gives the bar its total and ETA
        bar = tqdm(desc="ingest", unit="doc", total=len(files), file=sys.stderr)
        for result in missing:  # reported by ingest too, but never passed to progress
            bar.write(_report_line(result), file=sys.stderr)
        paragraphs = 0

        def progress(result):
            nonlocal paragraphs
            paragraphs += result.paragraphs if result.wrote else 0
            bar.update(1)
            bar.set_postfix(paragraphs=paragraphs, refresh=False)
            if result.reason:
                bar.write(_report_line(result), file=sys.stderr)
    report = assistant.ingest(args.paths, prune=args.prune, progress=progress)
    if progress:
        bar.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    elif not args.quiet:
        print(", ".join(f"{n} {k}" for k, n in report.summary().items()) +
              f"; {_plural(assistant.store.count(), 'paragraph')} in the store")
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
            print(f"{label} {c.title} ({c.source}, {c.place()}): "
                  f"{shown[:240]}{'…' if len(shown) > 240 else ''}")


EVIDENCE_STATUS = {"checking": "Evidence (checking it answers the question):",
                   "kept": "Answering from this evidence:",  # with or without a check (extractive has none)
                   "rejected": "The check rejected this evidence: it does not answer the question."}


def _evidence_text(event) -> str:
    """The quotes the answer will be drawn from, shown before it; then what the check made of them."""
    lines = [EVIDENCE_STATUS[event.status]]
    if event.status != "rejected":
        lines += [f"  [{c.n}] \u201c{c.quote}\u201d \u2014 {c.title} ({c.source}{', ' + c.date if c.date else ''})"
                  for c in event.citations]
    return "\n".join(lines) + "\n"


def ask(args) -> int:
    assistant = _assistant(args)
    filters = _filters(args, assistant)
    if args.questions:
        return _ask_batch(assistant, args, filters)
    if not args.question:
        raise InvalidRequest("give a QUESTION or --questions FILE")
    if args.stream:
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
    assistant.preload_embedder()  # many questions: worth the batch encoder's start-up
    for item in tqdm(read_questions(args.questions), desc="ask", unit="q", file=sys.stderr):
        text = item["question"] if isinstance(item, dict) else str(item)
        answer = assistant.ask(text, backend=args.backend, k=args.k, filters=filters, as_of=args.as_of)
        print(json.dumps(answer.to_dict(), ensure_ascii=False), flush=True)
    return 0


def chat(args) -> int:
    assistant = _assistant(args)
    filters = _filters(args, assistant)
    assistant.preload_embedder()  # loads while the first question is typed
    history: list[dict] = []
    print("Ask about the library; empty line or Ctrl-D to quit.", file=sys.stderr)
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        answer = assistant.ask(question, backend=args.backend, k=args.k, filters=filters, history=history,
                               as_of=args.as_of)
        _print_answer(answer, False)
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer}]


def list_documents(args) -> int:
    docs = _assistant(args).documents()
    if args.json:
        print(json.dumps([d.to_dict() for d in docs], ensure_ascii=False, indent=2))
    else:
        for d in docs:
            print(f"{d.doc_id}\t{_plural(d.paragraphs, 'paragraph')}\t{d.date or '-'}\t{d.title}")
        print(_plural(len(docs), "document"), file=sys.stderr)
    return 0


def remove(args) -> int:
    if not _assistant(args).remove(args.doc_id):
        raise InvalidRequest(f"no document {args.doc_id!r} (see `assistant list`)")
    print(f"removed {args.doc_id}")
    return 0


def serve(args) -> int:
    auth = args.auth or os.environ.get("ASSISTANT_AUTH")
    if args.host not in ("127.0.0.1", "localhost", "::1") and not auth:
        if not args.allow_unauthenticated:
            raise UserError(f"refusing to serve on {args.host} without --auth user:pass "
                            "(or pass --allow-unauthenticated to expose the library to anyone who can reach it)")
        print(f"warning: serving on {args.host} without authentication", file=sys.stderr)
    assistant = _assistant(args)
    if args.ingest_default:
        corpus = default_corpus()
        if corpus:
            report = assistant.ingest([corpus])
            print(f"default corpus {corpus}: {report.summary()}", file=sys.stderr)
    launch(assistant, host=args.host, port=args.port, auth=auth)
    return 0


def lookup(args) -> int:
    print_result(_assistant(args).lookup(args.text, k=args.k), args.json)
    return 0


def evaluate(args) -> int:
    as_of_date(args.as_of)  # a bad --as-of fails before anything loads
    with tempfile.TemporaryDirectory(prefix="assistant-eval-") as scratch:
        temporary = not args.store and not args.chroma_url
        if temporary:
            args.store = scratch
        report = evaluation.run(_assistant(args), args.corpus, args.questions, k=args.k, method=args.method,
                                backend=args.backend, limit=args.limit, as_of=args.as_of,
                                store_label="temporary" if temporary else args.store)
    evaluation.print_report(report, args.json)
    return 0


def doctor(args) -> int:
    assistant = _assistant(args)
    return run_doctor(assistant.settings.store, lambda: assistant.store, assistant.encode, repair_store=args.repair,
                      database_url=assistant.settings.database_url)


def migrate(args) -> int:
    """`--from STORE` into the store the other flags name (--database-url and --chroma-url)."""
    target = _assistant(args)
    if not target.settings.database_url:
        raise InvalidRequest("migrate needs --database-url (and --chroma-url): the server store to copy into")
    if not os.path.isfile(os.path.join(args.from_store, "registry.sqlite3")):
        raise InvalidRequest(f"no store in {args.from_store} (its registry.sqlite3 is missing)")
    source = Store(args.from_store, chroma_url=args.from_chroma_url, embedder=target.settings.embedder)
    bar = tqdm(desc="migrate", unit="doc", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        bar.total = total
        bar.update(done - bar.n)

    report = migrate_store(source, target.store, progress)
    bar.close()
    for failure in report.failed:
        print(f"failed: {failure}", file=sys.stderr)
    print(report.line())
    return 0 if not report.failed else 1
