"""Local-model speed: time to first evidence, time to first token and generated tokens/s through our
chain vs a direct llama-cpp-python call on the same prompt, measured side by side in one run; then
the default pipeline, whose source check runs before the first token and leaves only the judged
sources. "First evidence" is when `stream(..., evidence=True)` yields the chosen quotes (what the
web chat and `ask --stream` show while the answer is checked and phrased).

Before every measured call the KV cache is reset and primed with the system prompt only, so every
side starts from the same state a running app is in (system prefix cached, sources not). The
overhead is measured with the source check off (`min_confidence=0`): the same five-source prompt
on both sides (the evidence sentences of the top five paragraphs).

    .venv/bin/python bench/generation.py [--store DIR] [--rounds 2]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUESTIONS = ["Which Uzbek president did Blinken meet?",
             "How much did Blinken pledge to the Economic Resilience Initiative?",
             "What did Blinken say about sanctions on Chinese companies?"]


def prime(llm, system: str) -> None:
    llm.reset()
    llm.create_chat_completion([{"role": "system", "content": system}, {"role": "user", "content": "Hi"}],
                               max_tokens=1, temperature=0)


def direct(llm, messages: list[dict], max_tokens: int) -> dict:
    started = time.perf_counter()
    first, tokens = None, 0
    for part in llm.create_chat_completion(messages, stream=True, temperature=0, max_tokens=max_tokens,
                                           repeat_penalty=1.1):
        if part["choices"][0]["delta"].get("content"):
            first = first or time.perf_counter()
            tokens += 1
    end = time.perf_counter()
    return {"first_token_s": first - started, "tokens": tokens, "gen_tok_s": (tokens - 1) / max(end - first, 1e-9)}


def chain(assistant, question: str) -> dict:
    from assistant.types import Answer, Evidence

    started = time.perf_counter()
    first, last, evidence, tokens = None, None, None, 0
    for event in assistant.stream(question, backend="llama", evidence=True):
        if isinstance(event, str):
            last = time.perf_counter()
            first = first or last
            tokens += 1
        elif isinstance(event, Evidence):
            evidence = evidence or time.perf_counter() - started
        elif isinstance(event, Answer):
            answer = event
    end = time.perf_counter()  # after citation verification
    return {"first_evidence_s": evidence, "first_token_s": first - started, "tokens": tokens, "gen_tok_s": (tokens - 1) / max(last - first, 1e-9),
            "check_s": answer.timings.get("check", 0.0), "verify_s": answer.timings.get("verify", 0.0),
            "sources_cited": len(answer.citations), "abstained": answer.abstained,
            "after_last_token_s": end - last, "total_s": end - started}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", help="store holding the seed corpus (default: a temp store)")
    parser.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()

    from assistant import Assistant
    from assistant.answer import prompting
    from assistant.answer.evidence import select
    from assistant.llama_chat import load_llama
    from vectorstore.embedding import get_embeddings

    store = args.store or tempfile.mkdtemp(prefix="bench-gen-")
    unchecked = Assistant(store=store, backend="llama", min_confidence=0)
    default = Assistant(store=store, backend="llama")
    get_embeddings(default.settings.embedder)  # the web app's steady state: its batch encoder loaded
    if not default.documents():
        default.ingest([args.corpus])
    model = default.backend("llama").chat_model
    llm = load_llama(model.model_path, model.n_ctx, model.threads)
    modes = ("direct", "chain", "default")
    rows = []
    for round_ in range(args.rounds):
        for i, question in enumerate(QUESTIONS):
            hits = select(question, default.retrieve(question), default.encode)
            messages = [{"role": "system" if r == "system" else "user", "content": c}
                        for r, c in prompting.messages(question, hits)]
            prompt_tokens = len(llm.tokenize(prompting.user_message(question, hits).encode()))
            shift = (round_ + i) % len(modes)
            for mode in modes[shift:] + modes[:shift]:
                prime(llm, prompting.SYSTEM)
                result = (direct(llm, messages, model.max_tokens) if mode == "direct"
                          else chain(unchecked if mode == "chain" else default, question))
                rows.append({"mode": mode, "question": question, "sources": len(hits),
                             "user_prompt_tokens": prompt_tokens, **result})
    summary = {}
    for mode in modes:
        mine = [r for r in rows if r["mode"] == mode and not r.get("abstained")]  # an abstention streams no answer
        summary[mode] = {"first_token_s_p50": statistics.median(r["first_token_s"] for r in mine),
                         "gen_tok_s_p50": statistics.median(r["gen_tok_s"] for r in mine)}
    overhead = summary["chain"]["first_token_s_p50"] / summary["direct"]["first_token_s_p50"] - 1
    screened = [r for r in rows if r["mode"] == "default"]
    summary["default"].update(first_evidence_s_p50=statistics.median(r["first_evidence_s"] for r in screened),
                              check_s_p50=statistics.median(r["check_s"] for r in screened),
                              verify_s_p50=statistics.median(r["verify_s"] for r in screened))
    report = {"threads": model.threads or os.cpu_count(), "n_ctx": model.n_ctx, "model": Path(model.model_path).name,
              "summary": summary, "chain_first_token_overhead": overhead, "runs": rows}
    labels = {"direct": "direct llama-cpp-python, 5 sources", "chain": "our chain, check off, 5 sources",
              "default": "default: check, then judged sources"}
    print(f"{'':38} {'first token p50 (s)':>20} {'gen tok/s p50':>14}")
    for mode in modes:
        print(f"{labels[mode]:38} {summary[mode]['first_token_s_p50']:>20.2f} {summary[mode]['gen_tok_s_p50']:>14.1f}")
    print(f"chain overhead on first token: {overhead:+.1%} "
          f"(user prompt ~{statistics.median(r['user_prompt_tokens'] for r in rows):.0f} tokens, 5 sources)")
    print(f"default: first evidence {summary['default']['first_evidence_s_p50']:.2f} s, "
          f"source check {summary['default']['check_s_p50']:.2f} s before the first token, "
          f"verification {summary['default']['verify_s_p50']:.2f} s after the last (p50); "
          f"{sum(r['abstained'] for r in screened)} of {len(screened)} abstained")
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "generation.json").write_text(json.dumps(report, indent=2))
    print(f"wrote {out / 'generation.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
