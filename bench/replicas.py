"""Readers on web replicas while a writer ingests: `python bench/replicas.py`.

One PostgreSQL (a throw-away cluster, as tests/servers.py runs it) and one `chroma run` hold the seed
corpus (../shared/corpus); `assistant serve` replicas read them. Each phase (one replica, then
--replicas of them) runs --clients threads for --seconds and until --after seconds past the end of its
ingest, client i on replica i mod n, each asking through `/ask` (gradio_client, extractive backend, k=5) in turn a seed-corpus question and
a probe, while `assistant ingest` writes --articles squad2-dev articles, cut into many one-sentence-a-
paragraph files (a new set each phase), through the first replica's host.

A probe asks the exact text of the first or last paragraph of a file being ingested, filtered to that
file's document: it must come back either absent (nothing of the document: not committed yet) or
whole (that very paragraph among the citations or closest paragraphs). Another paragraph of the
document without that one is a reader seeing half a document, counted as `torn`.
Prints a table and writes bench/out/replicas.json (each replica's output beside it, replicas-replicaN.log);
exits 1 on any error or torn read."""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.concurrency import CORPUS, QUESTIONS, _free_port, _process  # noqa: E402

SQUAD_ARTICLES = ROOT.parent / "shared" / "eval" / "squad2-dev" / "articles"
START_TIMEOUT_S = 600  # models load in each replica; minutes on a busy 2-core machine


def sentence_corpus(folder: Path, articles: list[Path], per_file: int = 40) -> list[Path]:
    """Many small files from whole articles: one sentence a paragraph, `per_file` sentences a file. Short
    paragraphs are cheap to embed, and over a thousand of them make an ingest write several batches, so
    a fault or a reader can land between two of them."""
    from ingest.split import sentences

    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for article in articles:
        text = article.read_text(encoding="utf-8")
        found = [" ".join(text[s:e].split()) for s, e in sentences(text)]
        found = [s for s in found if len(s) >= 60]
        for part, start in enumerate(range(0, len(found), per_file)):
            path = folder / f"{article.stem}-{part:02d}.txt"
            path.write_text("\n\n".join(found[start:start + per_file]) + "\n", encoding="utf-8")
            files.append(path)
    return files


def probes(files: list[Path]) -> list[tuple[str, str]]:
    """(doc_id, text) of each file's first and last paragraph, as ingest cuts the file (a short first
    line becomes the document's title, not a paragraph)."""
    from ingest.documents import build
    from ingest.readers import read

    found = []
    for path in files:
        document, paragraphs = build(read(path.resolve())[0], frozenset())
        found += [(document.doc_id, paragraphs[0].text), (document.doc_id, paragraphs[-1].text)]
    return found


def probe(client, doc_id: str, text: str, timeout: float = 300) -> str:
    """"absent", "whole" or "torn": what one reader sees of the document (see the module's docstring)."""
    answer = client.submit(text, [], "extractive", 5, {"doc_id": doc_id}, None, api_name="/ask").result(timeout=timeout)
    seen = [c["text"] for c in answer["citations"] + answer["closest"] if c["doc_id"] == doc_id]
    return "absent" if not seen else "whole" if text in seen else "torn"


def load(urls: list[str], clients: int, seconds: float, checks: list[tuple[str, str]], busy=lambda: False,
         after: float = 0, limit: float = 900, timeout: float = 300) -> dict:
    """`clients` threads asking in turn a seed question and a probe, for `seconds`, and while busy() and
    `after` seconds more (never past `limit`); errors, torn reads, latency percentiles, answers per second."""
    from gradio_client import Client

    # each HTTP call of a request may take as long as the request (httpx's default, 5 s, is no deadline
    # of ours: a busy host answers a queue join late, not wrongly)
    connected = [Client(urls[i % len(urls)], verbose=False, httpx_kwargs={"timeout": timeout}) for i in range(clients)]
    latencies, errors, seen = [], [], {"absent": 0, "whole": 0, "torn": []}
    lock = threading.Lock()
    began = time.monotonic()
    idle_since: list[float] = []

    def running() -> bool:
        now = time.monotonic()
        if not idle_since and not busy():
            idle_since.append(now)
        return now - began < limit and (now - began < seconds or not idle_since or now - idle_since[0] < after)

    def ask(i: int) -> None:
        turn = i
        while running():
            turn += 1
            doc_id, text = checks[turn // 2 % len(checks)]
            start = time.perf_counter()
            try:
                if turn % 2:
                    outcome = probe(connected[i], doc_id, text, timeout)
                else:
                    answer = connected[i].submit(QUESTIONS[turn // 2 % len(QUESTIONS)], [], "extractive", 5,
                                                 api_name="/ask").result(timeout=timeout)
                    outcome = None if answer.get("answer") else "an empty answer"
            except Exception as exc:  # any failed request is the figure being measured
                outcome = f"error: {exc.__class__.__name__}: {exc}"[:200]
            with lock:
                latencies.append(time.perf_counter() - start)
                if outcome in ("absent", "whole"):
                    seen[outcome] += 1
                elif outcome == "torn":
                    seen["torn"].append({"replica": urls[i % len(urls)], "doc_id": doc_id, "text": text[:80]})
                elif outcome:
                    errors.append(outcome)

    threads = [threading.Thread(target=ask, args=(i,), daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(limit + timeout + 30)
    wall = time.monotonic() - began
    ordered = sorted(latencies)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2) if ordered else None  # noqa: E731
    return {"replicas": len(urls), "clients": clients, "requests": len(latencies), "errors": len(errors),
            "error_messages": errors[:10], "absent": seen["absent"], "whole": seen["whole"], "torn": seen["torn"],
            "p50_s": pick(0.5), "p95_s": pick(0.95), "wall_s": round(wall, 1),
            "per_s": round((len(latencies) - len(errors)) / wall, 2)}


def env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False", "PYTHONPATH": str(ROOT)}


def assistant(*args: str) -> list[str]:
    return [sys.executable, "-m", "assistant", *args]


@contextlib.contextmanager
def servers(scratch: Path):
    """(a throw-away PostgreSQL cluster, as tests/servers.py runs it: `.create(name)` makes a database,
    the URL of a `chroma run` keeping its data in scratch)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from servers import PostgresCluster, postgres_bin

    if postgres_bin() is None:
        raise SystemExit("PostgreSQL is not installed (scripts/setup.sh --test installs Debian's `postgresql`)")
    cluster = PostgresCluster()
    try:
        port = _free_port()
        chroma = [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(scratch / "chroma"),
                  "--host", "127.0.0.1", "--port", str(port)]
        with _process(chroma, port, env(), START_TIMEOUT_S):
            yield cluster, f"http://127.0.0.1:{port}"
    finally:
        cluster.remove()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=120, help="each phase's length")
    parser.add_argument("--articles", type=int, default=4, help="squad2-dev articles ingested during each phase")
    parser.add_argument("--after", type=float, default=30,
                        help="seconds each phase goes on after its ingest finished, so probes find documents whole")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "replicas.json")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)

    articles = sorted(SQUAD_ARTICLES.glob("*.txt"))
    phases = []
    with tempfile.TemporaryDirectory(prefix="bench-replicas-") as scratch_dir:
        scratch = Path(scratch_dir)
        with servers(scratch) as (cluster, chroma_url), contextlib.ExitStack() as stack:
            database_url = cluster.create("bench_replicas")
            flags = ["--database-url", database_url, "--chroma-url", chroma_url]
            subprocess.run(assistant("ingest", str(CORPUS), "--quiet", "--store", str(scratch / "r0"), *flags),
                           env=env(), check=True, stdout=subprocess.DEVNULL)
            urls = []
            for r in range(args.replicas):
                port = _free_port()
                stack.enter_context(_process(assistant("serve", "--port", str(port), "--backend", "extractive",
                                                       "--store", str(scratch / f"r{r}"), *flags), port, env(),
                                             START_TIMEOUT_S, log=args.out.with_name(f"replicas-replica{r}.log")))
                urls.append(f"http://127.0.0.1:{port}/")
            warm(urls)
            for n, replicas in enumerate(sorted({1, args.replicas})):
                picked = articles[n * args.articles:(n + 1) * args.articles]
                files = sentence_corpus(scratch / f"corpus-{n}", picked)
                print(f"--- {replicas} replica(s), {args.clients} clients, ingesting {len(files)} files",
                      file=sys.stderr, flush=True)
                writer = subprocess.Popen(assistant("ingest", str(scratch / f"corpus-{n}"), "--quiet", "--store",
                                                    str(scratch / "r0"), *flags), env=env(),
                                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
                began, finished = time.monotonic(), []

                def writing() -> bool:
                    if writer.poll() is None:
                        return True
                    finished[:] = finished or [time.monotonic()]
                    return False

                row = load(urls[:replicas], args.clients, args.seconds, probes(files), busy=writing, after=args.after)
                writer.wait()
                ended = finished[0] if finished else time.monotonic()
                row.update(files=len(files), ingest_rc=writer.returncode,
                           ingest_finished_in_s=None if writer.returncode else round(ended - began, 1))
                phases.append(row)
    result = {"backend": "extractive", "seconds": args.seconds, "phases": phases,
              "command": "python bench/replicas.py " + " ".join(sys.argv[1:])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print("| replicas | clients | requests | errors | torn | absent / whole probes | p50 s | p95 s | answers/s |")
    print("|---|---|---|---|---|---|---|---|---|")
    for r in phases:
        print(f"| {r['replicas']} | {r['clients']} | {r['requests']} | {r['errors']} | {len(r['torn'])} | "
              f"{r['absent']} / {r['whole']} | {r['p50_s']} | {r['p95_s']} | {r['per_s']} |")
    return 0 if all(not r["errors"] and not r["torn"] and r["ingest_rc"] == 0 for r in phases) else 1


def warm(urls: list[str]) -> None:
    """One question per replica once its app answers: models loaded before the clock starts."""
    from gradio_client import Client

    for url in urls:
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            try:
                Client(url, verbose=False).predict(QUESTIONS[0], [], "extractive", 5, api_name="/ask")
                break
            except Exception:  # the app listens before its first page is ready
                if time.monotonic() > deadline:
                    raise
                time.sleep(2)


if __name__ == "__main__":
    raise SystemExit(main())
