"""20 simultaneous chat requests against the running web app: `python bench/concurrency.py`.

For each store mode (embedded Chroma, and a real `chroma run` server on a free loopback port) the
seed corpus (../shared/corpus) is ingested into a fresh temporary store, `assistant serve` starts in
its own process, one warm-up question loads the models, then --clients threads (one gradio_client
`Client` each, connected beforehand) ask their question (extractive backend, k=5) at the same moment
through the app's `/ask` endpoint. Every request must come back with an answer within --timeout.
Prints a table and writes bench/out/concurrency.json; exits 1 when any request failed.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT.parent / "shared" / "corpus"
BIN = ROOT / ".venv" / "bin"
QUESTIONS = [
    "Which Uzbek president did Blinken meet?",
    "When did Blinken visit Central Asia?",
    "Which countries did Blinken visit on the trip?",
    "What did Blinken discuss in Kazakhstan?",
    "Who did Blinken meet in Astana?",
]
START_TIMEOUT_S = 180


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=300, help="seconds each request may take")
    parser.add_argument("--modes", default="embedded,server")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "concurrency.json")
    args = parser.parse_args()

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    rows = []
    for mode in args.modes.split(","):
        print(f"--- {mode} store", file=sys.stderr, flush=True)
        with tempfile.TemporaryDirectory(prefix=f"bench-concurrency-{mode}-") as scratch:
            with _chroma_server(Path(scratch) / "chroma-server", env) if mode == "server" else _nothing() as url:
                store = ["--store", str(Path(scratch) / "store")] + (["--chroma-url", url] if url else [])
                subprocess.run([str(BIN / "assistant"), "ingest", str(CORPUS), "--quiet", *store], env=env, check=True,
                               stdout=subprocess.DEVNULL)
                port = _free_port()
                with _process([str(BIN / "assistant"), "serve", "--port", str(port), *store], port, env):
                    rows.append({"mode": mode, **burst(f"http://127.0.0.1:{port}/", args.clients, args.timeout)})
    result = {"clients": args.clients, "backend": "extractive", "modes": rows,
              "command": "python bench/concurrency.py " + " ".join(sys.argv[1:])}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print("| store | requests | answered | errors | p50 s | p95 s | max s | wall s |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['mode']} | {r['requests']} | {r['answered']} | {r['errors']} | {r['p50_s']} | {r['p95_s']} | "
              f"{r['max_s']} | {r['wall_s']} |")
    print(f"written to {args.out.relative_to(ROOT) if args.out.resolve().is_relative_to(ROOT) else args.out}")
    return 0 if all(r["errors"] == 0 and r["answered"] == r["requests"] for r in rows) else 1


def burst(url: str, clients: int, timeout: float) -> dict:
    """All clients connect, then ask at the same moment; latency per request, errors by message."""
    from gradio_client import Client

    Client(url, verbose=False).submit(QUESTIONS[0], [], "extractive", 5, api_name="/ask").result(timeout=timeout)
    connected = [Client(url, verbose=False) for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    latencies: list[float] = []
    errors: list[str] = []
    answered = 0
    lock = threading.Lock()

    def ask(client, question: str) -> None:
        nonlocal answered
        start.wait()
        began = time.perf_counter()
        try:
            answer = client.submit(question, [], "extractive", 5, api_name="/ask").result(timeout=timeout)
            ok = isinstance(answer, dict) and bool(answer.get("answer"))
        except Exception as exc:  # any failure of a request is the figure being measured
            ok, answer = False, f"{exc.__class__.__name__}: {exc}"
        with lock:
            latencies.append(time.perf_counter() - began)
            answered += ok
            if not ok:
                errors.append(str(answer)[:200])

    threads = [threading.Thread(target=ask, args=(c, QUESTIONS[i % len(QUESTIONS)]), daemon=True)
               for i, c in enumerate(connected)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(timeout + 30)
    wall = time.perf_counter() - began
    ordered = sorted(latencies)
    missing = clients - len(latencies)
    return {"requests": clients, "answered": answered, "errors": len(errors) + missing,
            "error_messages": errors + ["no response"] * missing,
            "p50_s": round(ordered[len(ordered) // 2], 2) if ordered else None,
            "p95_s": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 2) if ordered else None,
            "max_s": round(ordered[-1], 2) if ordered else None, "wall_s": round(wall, 2)}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _process(command: list[str], port: int, env: dict, start_timeout: float = START_TIMEOUT_S,
             log: Path | None = None):
    """A child process that must listen on port within start_timeout seconds; terminated afterwards.
    `log`: a file for its output (a server's tracebacks say what a failed request met)."""
    output = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 (closed with the process)
    process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT if log else output)
    try:
        deadline = time.time() + start_timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.time() > deadline:
                    raise SystemExit(f"`{' '.join(command)}` did not start listening on port {port}")
                time.sleep(0.3)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if log:
            output.close()


@contextmanager
def _chroma_server(path: Path, env: dict):
    port = _free_port()
    with _process([str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
                  port, env):
        yield f"http://127.0.0.1:{port}"


@contextmanager
def _nothing():
    yield None


if __name__ == "__main__":
    raise SystemExit(main())
