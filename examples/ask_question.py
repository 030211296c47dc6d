"""Ask one question and print the answer with its sources.

    python examples/ask_question.py "QUESTION" [STORE]

STORE defaults to $ASSISTANT_STORE; the backend to $ASSISTANT_BACKEND, else extractive (no LLM).
"""
import os
import sys

from assistant import Assistant


def main() -> None:
    question, store = sys.argv[1], (sys.argv[2:] or [None])[0]
    assistant = Assistant(store=store, backend=os.environ.get("ASSISTANT_BACKEND", "extractive"))
    answer = assistant.ask(question)
    print(answer.answer)
    for c in answer.citations:
        print(f"[{c.n}] {c.title} ({c.source}, paragraph {c.paragraph_index})")


if __name__ == "__main__":
    main()
