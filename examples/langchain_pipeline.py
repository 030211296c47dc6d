"""The assistant as one step of a bigger LangChain (LCEL) pipeline.

    python examples/langchain_pipeline.py [STORE]

The pipeline takes a topic, turns it into a question, answers it with citations, and formats a
short report with one line per source. STORE defaults to $ASSISTANT_STORE; the backend to
$ASSISTANT_BACKEND, else extractive (no LLM).
"""
import os
import sys

from langchain_core.runnables import RunnableLambda

from assistant import Assistant


def report(answer: dict) -> str:
    sources = "\n".join(f"  [{c['n']}] {c['title']} ({c['source']})" for c in answer["citations"])
    return f"Q: {answer['question']}\nA: {answer['answer']}\nSources:\n{sources or '  (none)'}"


def main() -> None:
    store = (sys.argv[1:] or [None])[0]
    assistant = Assistant(store=store, backend=os.environ.get("ASSISTANT_BACKEND", "extractive"))
    pipeline = (RunnableLambda(lambda topic: f"What happened regarding {topic}?")
                | assistant.as_runnable()
                | RunnableLambda(report))
    for text in pipeline.batch(["Blinken's visit to Kazakhstan", "sanctions on Chinese companies"]):
        print(text, end="\n\n")


if __name__ == "__main__":
    main()
