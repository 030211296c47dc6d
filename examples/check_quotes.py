"""Check where each quote or claim in a file comes from (one per line).

    python examples/check_quotes.py QUOTES.txt [STORE]

Prints one line per quote: the verdict (quoted, supported, not_found), then the best source.
STORE defaults to $ASSISTANT_STORE.
"""
import sys

from assistant import Assistant


def main() -> None:
    path, store = sys.argv[1], (sys.argv[2:] or [None])[0]
    assistant = Assistant(store=store)
    with open(path, encoding="utf-8") as fh:
        quotes = [line.strip() for line in fh if line.strip()]
    for quote in quotes:
        result = assistant.lookup(quote)
        best = result.matches[0] if result.matches else None
        where = f" -> {best.title} (paragraph {best.paragraph_index})" if best else ""
        print(f"{result.verdict}\t{quote}{where}")


if __name__ == "__main__":
    main()
