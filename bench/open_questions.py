"""Open questions side by side: summaries, comparisons, "latest on", "which ... and who", present-tense
and "how much" questions over the seed corpus and the whole news-rtqa library, graded by nuggets
(bench/open_grader.py) for the default backend, `extractive` and the plain chain (bench/answers.py).

Each case is asked as of its own `as_of`, against the store of its corpus: `--seed-store` for the seed
cases, `--news-store` for the news-rtqa ones (a corpus without a store is left out). Each store ingests
its folder first (`--seed-corpus`, `--news-corpus`; unchanged files are skipped, so a full store costs
seconds). Each answer is written to bench/out/open-NAME.jsonl as it comes, then one table.

    python bench/open_questions.py --seed-store /tmp/seed-store --news-store /tmp/news-store
    python bench/open_questions.py --check     # the cases against the articles: no store, no model
"""
from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.answers import MODES, answer  # noqa: E402
from bench.open_grader import CaseGrade, by, grade, states, summary  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions" / "open.jsonl"
SHARED = ROOT.parent / "shared"
CORPORA = {"seed": SHARED / "corpus", "news-rtqa": SHARED / "eval" / "news-rtqa" / "articles"}
KINDS = ("summary", "comparison", "latest", "which-who", "current", "fact", "unanswerable")
DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
DATE_LINE = re.compile(r"^Date: (\d{4}-\d{2}-\d{2})$", re.M)


def load_cases(path: Path) -> list[dict]:
    from assistant.evaluation import load_questions

    return load_questions(path)


# ---- checking the cases against the articles ---------------------------------------------------------
def problems(cases: list[dict], corpora: dict[str, Path]) -> list[str]:
    """What is wrong with the case file: fields, kinds, days, and every nugget alternative stated in the
    case's source articles (folded as the grader folds), no source dated after the case's `as_of`."""
    found, seen = [], set()
    for case in cases:
        where = case.get("id", "?")
        if where in seen:
            found.append(f"{where}: id used twice")
        seen.add(where)
        missing = {"id", "corpus", "question", "as_of", "kind", "nuggets", "wrong", "min_articles", "sources"} - set(case)
        if missing:
            found.append(f"{where}: missing {sorted(missing)}")
            continue
        if case["kind"] not in KINDS or case["corpus"] not in corpora or not DAY.match(case["as_of"]):
            found.append(f"{where}: kind, corpus or as_of is not one of the known ones")
            continue
        if case["nuggets"] and not case["sources"] or case["nuggets"] and case["min_articles"] < 1:
            found.append(f"{where}: a case with nuggets names its sources and cites at least one article")
        texts = []
        for name in case["sources"]:
            path = corpora[case["corpus"]] / name
            if not path.is_file():
                found.append(f"{where}: no source {path}")
                continue
            texts.append(path.read_text(encoding="utf-8"))
            dated = DATE_LINE.search(texts[-1])
            if dated and dated.group(1) > case["as_of"]:
                found.append(f"{where}: {name} is dated {dated.group(1)}, after as_of {case['as_of']}")
        text = "\n\n".join(texts)
        found += [f"{where}: nugget {s!r} is not in its sources" for group in case["nuggets"] for s in group
                  if texts and not states(text, s)]
    return found


# ---- the run ---------------------------------------------------------------------------------------
def open_store(store: str, corpus: Path):
    from assistant import Assistant
    from vectorstore.embedding import get_embeddings

    assistant = Assistant(store=store)
    get_embeddings(assistant.settings.embedder)  # timings below are the long-running process's
    report = assistant.ingest([str(corpus)])
    if not report.ok:
        print(f"warning: ingest {corpus}: {report.summary()}", file=sys.stderr)
    files = {d.doc_id: Path(d.location.split("#", 1)[0]).name for d in assistant.documents()}
    return assistant, files


def run(args) -> int:
    corpora = {"seed": Path(args.seed_corpus), "news-rtqa": Path(args.news_corpus)}
    stores = {name: store for name, store in (("seed", args.seed_store), ("news-rtqa", args.news_store)) if store}
    if not stores:
        print("error: give --seed-store and/or --news-store (a store folder per corpus)", file=sys.stderr)
        return 2
    cases = [c for c in load_cases(Path(args.questions)) if c["corpus"] in stores]
    if args.limit:
        cases = cases[:args.limit]
    opened = {name: open_store(stores[name], corpora[name]) for name in dict.fromkeys(c["corpus"] for c in cases)}
    modes = args.modes.split(",")
    unknown = set(modes) - set(MODES)
    if unknown:
        print(f"error: unknown mode(s) {sorted(unknown)}; modes are {', '.join(MODES)}", file=sys.stderr)
        return 2
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    with open(out / f"open-{args.name}.jsonl", "w", encoding="utf-8") as log:
        for i, case in enumerate(cases, 1):
            assistant, files = opened[case["corpus"]]
            for mode in modes:  # side by side, case by case: machine noise hits every mode alike
                started = time.perf_counter()
                given = answer(assistant, mode, {"question": case["question"], "date": case["as_of"]})
                seconds = time.perf_counter() - started
                cited = [files.get(c.doc_id, c.doc_id) for c in given.citations]
                graded = grade(case, given.answer, given.abstained, cited)
                log.write(json.dumps({"mode": mode, "id": case["id"], "corpus": case["corpus"], "kind": case["kind"],
                                      "question": case["question"], "as_of": case["as_of"], "answer": given.answer,
                                      "abstained": given.abstained, "cited": [c.paragraph_id for c in given.citations],
                                      "cited_files": cited, "seconds": round(seconds, 3), "grade": graded.to_dict()},
                                     ensure_ascii=False) + "\n")
                log.flush()
            print(f"{i}/{len(cases)} {case['id']}", file=sys.stderr, flush=True)
    return summarize(args.name, out)


def summarize(name: str, out: Path) -> int:
    rows: dict[str, list[dict]] = {}
    with open(out / f"open-{name}.jsonl", encoding="utf-8") as log:
        for line in log:
            row = json.loads(line)
            rows.setdefault(row["mode"], []).append(row)
    result = {}
    for mode, mode_rows in rows.items():
        grades = [CaseGrade(**r["grade"]) for r in mode_rows]
        result[mode] = {**summary(grades, [r["seconds"] for r in mode_rows]),
                        "by_corpus": by(grades, "corpus"), "by_kind": by(grades, "kind"),
                        "failed": [g.id for g in grades if not g.passed]}
    (out / f"open-{name}.json").write_text(json.dumps(result, indent=2))
    print_table(name, result)
    return 0


def print_table(name: str, modes: dict) -> None:
    print(f"\n{name}: | mode | cases passing | seed | news-rtqa | nuggets found | wrong facts stated (cases) | "
          "min-articles met (answered) | abstained: answerable, unanswerable | p50 s |")
    for mode, f in modes.items():
        corpus = {c: f"{p}/{n}" for c, (p, n) in f["by_corpus"].items()}
        share = "n/a" if f["nuggets_found_share"] is None else f"{f['nuggets_found_share']:.2f}"
        print(f"| {mode} | {f['passed']}/{f['cases']} | {corpus.get('seed', '-')} | {corpus.get('news-rtqa', '-')} | "
              f"{share} | {f['wrong_stated']} ({f['cases_with_wrong']}) | {f['min_articles_met']}/{f['answered']} | "
              f"{f['abstained_answerable']}, {f['abstained_unanswerable']}/{f['unanswerable']} | {f['seconds_p50']} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--name", default="open", help="names the output files: bench/out/open-NAME.*")
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--seed-store", help="store of the seed corpus (reused: ingest skips what is there)")
    parser.add_argument("--news-store", help="store of the whole news-rtqa library (one store, all 2,068 articles)")
    parser.add_argument("--seed-corpus", default=str(CORPORA["seed"]), help="folder the seed store ingests")
    parser.add_argument("--news-corpus", default=str(CORPORA["news-rtqa"]), help="folder the news store ingests")
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--limit", type=int, help="the first N cases of the corpora given a store")
    parser.add_argument("--check", action="store_true",
                        help="only check the case file against the articles (nuggets in their sources, dates)")
    parser.add_argument("--summarize", action="store_true",
                        help="only print the table of the answers already in bench/out/open-NAME.jsonl")
    args = parser.parse_args()
    if args.check:
        corpora = {"seed": Path(args.seed_corpus), "news-rtqa": Path(args.news_corpus)}
        cases = load_cases(Path(args.questions))
        found = problems(cases, corpora)
        print("\n".join(found) or f"{len(cases)} cases: every nugget is in its sources")
        return 1 if found else 0
    if args.summarize:
        return summarize(args.name, ROOT / "bench" / "out")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
