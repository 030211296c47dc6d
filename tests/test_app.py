"""The web app without a browser: its `/ask` API through gradio_client, and the parts that keep the page
safe (escaping, sanitized upload names, zip-slip-proof unpacking, no server paths shown)."""
from __future__ import annotations

import dataclasses
import re
import zipfile

import pytest

from assistant import Answer, Citation, Evidence
from assistant.answer.citations import MARKER
from assistant.web import launch, render
from assistant.web.api import AskApi
from assistant.web.backend_choice import BackendChoice
from assistant.web.chat import ChatTab, example_questions
from ingest import uploads
from ingest.records import HEADER_INDEX, paragraph_id
from support import free_port, running_app

QUESTION = "Which Uzbek president did Blinken meet?"


@pytest.fixture(scope="module")
def client(seeded):
    from gradio_client import Client

    with running_app(seeded) as url:
        yield Client(url, verbose=False)


@pytest.mark.timeout(180)
def test_ask_api_answers_with_citations(client):
    answer = client.predict(QUESTION, [], "extractive", 5, api_name="/ask")
    assert not answer["abstained"]
    assert any("Mirziyoyev" in c["text"] for c in answer["citations"])
    assert {str(c["n"]) for c in answer["citations"]} == set(MARKER.findall(answer["answer"]))


@pytest.mark.timeout(180)
def test_ask_api_follow_up_uses_history(client):
    first = client.predict(QUESTION, [], "extractive", 5, api_name="/ask")
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["answer"]}]
    follow_up = client.predict("Who was the acting foreign minister he met there?", history, "extractive", 5,
                               api_name="/ask")
    assert follow_up["standalone_question"]  # rewritten from the conversation
    assert "Saidov" in follow_up["answer"]


@pytest.mark.timeout(180)
def test_ask_api_abstains_off_topic(client):
    answer = client.predict("What is the capital of Australia?", [], "extractive", 5, api_name="/ask")
    assert answer["abstained"] and not answer["citations"]


@pytest.mark.timeout(180)
def test_ask_api_takes_filters_and_as_of_like_the_chat(client):
    assert client.predict(QUESTION, [], "extractive", 5, {"until": "1990-12-31"}, None, api_name="/ask")["abstained"]
    assert not client.predict(QUESTION, [], "extractive", 5, None, "2024-06-01", api_name="/ask")["abstained"]
    with pytest.raises(Exception, match="unknown filter"):
        client.predict(QUESTION, [], "extractive", 5, {"publisher": "x"}, None, api_name="/ask")


def test_ask_api_refuses_malformed_filters_and_days_in_one_line(fresh, tmp_path):
    import gradio as gr

    (tmp_path / "beetles.txt").write_text("Beetles glow at night in the forests of Borneo, a survey found.\n")
    assert fresh.ingest([tmp_path / "beetles.txt"]).ok
    api = AskApi(fresh, BackendChoice(["extractive"], "extractive"))
    question = "Where do beetles glow at night?"
    assert not api.ask(question, [], "extractive", 5, {"source": None}, "")["abstained"]
    assert api.ask(question, [], "extractive", 5, {"doc_id": "another-document"}, None)["abstained"]
    for filters, as_of, message in [("since 2024", None, "filters must be an object"),
                                    ({"since": 2024}, None, "filter 'since' must be a string"),
                                    ({"since": "2024-02-30"}, None, "since must be a real date"),
                                    (None, 20240601, "as_of must be a date"),
                                    (None, "last week", "as_of must be a real date")]:
        with pytest.raises(gr.Error, match=message):
            api.ask(question, [], "extractive", 5, filters, as_of)
        with pytest.raises(gr.Error, match=message):
            list(api.ask_stream(question, [], "extractive", 5, filters, as_of))


def test_ui_events_are_not_public_api(client):
    assert set(client.view_api(print_info=False, return_format="dict")["named_endpoints"]) == {"/ask", "/ask_stream"}


def citation(n: int, text: str, title: str = "T") -> Citation:
    return Citation(n=n, paragraph_id=f"doc-1#p{n}", doc_id="doc-1", title=title, author="A <u>", date="2023-02-28",
                    source="https://example.org/?a=1&b=<x>", paragraph_index=n - 1, char_start=0, char_end=len(text),
                    page=None, text=text, score=0.5)


def test_answer_markers_become_chips_and_text_is_escaped():
    answer = Answer(question="q", answer="It <script>x()</script> glows [1]. And [2].", abstained=False,
                    backend="extractive", citations=[citation(1, "p1", "<img src=x>"), citation(2, "p2")])
    rendered = render.answer_html(answer, show_scores=True)
    assert "<script>" not in rendered and "<img" not in rendered and "<u>" not in rendered
    assert "&lt;script&gt;" in rendered and "&lt;img src=x&gt;" in rendered
    assert rendered.count('class="chip" data-pid="doc-1#p1"') == 2  # in the text and in the sources list
    assert 'data-pid="doc-1#p2"' in rendered and "score 0.500" in rendered
    assert "[1]" not in rendered


def test_abstained_answer_offers_closest_paragraphs():
    answer = Answer(question="q", answer="The corpus does not contain an answer.", abstained=True,
                    backend="extractive", closest=[citation(1, "nearby <i>text</i>")])
    rendered = render.answer_html(answer)
    assert 'data-state="abstained"' in rendered and "Closest paragraphs" in rendered
    assert "nearby &lt;i&gt;text&lt;/i&gt;" in rendered and "score" not in rendered


def test_article_highlights_the_cited_paragraph(seeded):
    doc = seeded.documents()[0]
    paragraphs = seeded.paragraphs(doc.doc_id)
    rendered = render.article_html(doc, paragraphs, paragraphs[2].paragraph_id)
    assert rendered.count('class="para cited"') == 1
    assert rendered.count('class="para') == len(paragraphs)
    assert f'class="para cited" id="{paragraphs[2].paragraph_id}"' in rendered


def test_citation_panel_shows_title_date_and_source_name_not_the_server_path(seeded):
    doc = dataclasses.replace(seeded.documents()[0], source="/srv/library/uploads/notes <1>.txt",
                              location="/srv/library/uploads/notes <1>.txt", date="2023-03-01")
    paragraphs = seeded.paragraphs(doc.doc_id)
    rendered = render.article_html(doc, paragraphs, paragraph_id(doc.doc_id, HEADER_INDEX))
    assert f"<h3>{render.esc(doc.title)}</h3>" in rendered and "2023-03-01" in rendered
    assert "<code>notes &lt;1&gt;.txt</code>" in rendered and "/srv/library" not in rendered
    assert rendered.startswith('<div class="article-head para cited">')  # the metadata is what is cited
    assert render.source_name("https://example.org/a/b") == "https://example.org/a/b"
    assert render.source_name("C:\\corpus\\a.txt") == "a.txt" and render.source_name("Reuters") == "Reuters"


def test_chips_name_their_document_for_the_citation_panel():
    rendered = render.chip(1, citation(1, "p1"))
    assert 'data-pid="doc-1#p1" data-doc="doc-1"' in rendered


def test_example_questions_come_from_the_newest_titles(seeded):
    documents = seeded.documents()
    newest = max(documents, key=lambda d: d.ingested_at)
    questions = [q for [q] in example_questions(documents)]
    assert len(questions) == min(3, len(documents))
    assert questions[0] == f"What does “{render.clip(newest.title, 60)}” say?"
    assert example_questions([]) == []


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\boot.ini", "boot.ini"),
    ("<img src=x onerror=alert(1)>.txt", "_img src_x onerror_alert_1_.txt"),
    (".hidden.md", "hidden.md"),
    ("..", "upload"),
    ("notes.txt", "notes.txt"),
])
def test_safe_name(name, expected):
    assert uploads.safe_name(name) == expected


def test_zip_is_unpacked_inside_the_target_only(tmp_path):
    archive = tmp_path / "upload.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("articles/one.txt", "one")
        zf.writestr("../../escaped.txt", "evil")
        zf.writestr("/abs/path.txt", "evil")
        zf.writestr("__MACOSX/._one.txt", "junk")
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    target = tmp_path / "uploads" / "upload"
    files, left_out = uploads.extract_zip(archive, target)
    assert left_out == [("link.txt", "skipped", "symbolic link in the archive, not extracted")]
    assert sorted(p.relative_to(target.resolve()).as_posix() for p in files) == \
        ["abs/path.txt", "articles/one.txt", "escaped.txt"]
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "uploads" / "escaped.txt").exists()


def test_uploads_go_to_the_managed_folder_and_bad_zips_fail(tmp_path):
    good = tmp_path / "in" / "a note.txt"
    good.parent.mkdir()
    good.write_text("hello")
    bad = tmp_path / "in" / "broken.zip"
    bad.write_bytes(b"not a zip")
    placed, failures = uploads.place_uploads([str(good), str(bad)], tmp_path / "uploads")
    assert placed == [(tmp_path / "uploads" / "a note.txt").resolve()]
    assert [(f.location, f.status) for f in failures] == [("broken.zip", "failed")]


def test_lookup_marks_the_matched_span(seeded):
    result = seeded.lookup("he had meetings with Uzbek president, Shawkat Mirziyoyev", 3)
    rendered = render.lookup_html(result)
    assert "verdict-quoted" in rendered
    assert "<mark>he had meetings with Uzbek president, Shawkat Mirziyoyev</mark>" in rendered


def test_auth_guards_the_app(seeded):
    import httpx
    from gradio_client import Client

    with running_app(seeded, auth="reader:s3cret") as url:
        assert httpx.get(url + "config").status_code == 401
        answer = Client(url, auth=("reader", "s3cret"), verbose=False).predict(QUESTION, [], "extractive", 5,
                                                                               api_name="/ask")
        assert answer["citations"]


def test_malformed_auth_is_refused(seeded):
    with pytest.raises(ValueError, match="user:pass"):
        launch(seeded, "127.0.0.1", free_port(), auth="no-colon", block=False)


class StreamingAssistant:
    """Just enough of `Assistant` for the chat tab: one document, and a stream of evidence, draft and answer."""
    settings = None

    def documents(self):
        return ["one document"]

    def stream(self, question, **_):
        yield Evidence("checking", [citation(1, "p1")])
        yield "A draft"
        yield " grows [1]."
        yield Answer(question=question, answer="It grows [1].", abstained=False, backend="extractive",
                     citations=[citation(1, "p1")])


def test_streamed_updates_leave_the_question_box_alone():
    """The box is emptied once, when the question is taken; what the reader types next while the answer
    streams is theirs and stays."""
    tab = ChatTab(StreamingAssistant(), BackendChoice(["extractive"], "extractive"))
    updates = list(tab.respond(QUESTION, [], "auto", 5, False, ""))
    assert updates[0][2] == ""
    assert len(updates) > 2 and all(box != "" for _, _, box in updates[1:])


class AbstainingAssistant(StreamingAssistant):
    """The chat tab's view of an abstention after the source check: `verdict` is its last Evidence status."""

    def __init__(self, verdict: str):
        self.verdict = verdict

    def stream(self, question, **_):
        yield Evidence("checking", [citation(1, "Beetles glow at night.", "Glowing beetles")])
        yield Evidence(self.verdict, [])
        yield Answer(question=question, answer="The library does not say.", abstained=True, backend="extractive")


@pytest.mark.parametrize("verdict, shown", [("rejected", True), ("kept", False)])
def test_an_abstention_keeps_the_evidence_on_screen_only_when_the_check_rejected_it(verdict, shown):
    tab = ChatTab(AbstainingAssistant(verdict), BackendChoice(["extractive"], "extractive"))
    turns = list(tab.respond(QUESTION, [], "auto", 5, False, ""))[-1][1]
    assert turns[-1]["html"].startswith('<div class="evidence" data-state="rejected">') is shown
    assert ("Glowing beetles" in turns[-1]["html"]) is shown  # the sources chosen, under the verdict


def test_sources_name_a_header_citation_as_the_article_details_not_paragraph_zero():
    header = dataclasses.replace(citation(1, "The article was written by A."), paragraph_id="doc-1#header",
                                 paragraph_index=HEADER_INDEX, author=None, date=None)
    rendered = render.answer_html(Answer(question="q", answer="By A [1]. It glows [2].", abstained=False,
                                         backend="extractive", citations=[header, citation(2, "p2")]))
    assert "article details" in rendered and "¶0" not in rendered and "¶2" in rendered


def test_lookup_match_without_author_or_date_has_no_dangling_separator():
    from assistant import LookupMatch, LookupResult
    from ingest.records import Paragraph

    bare = Paragraph(paragraph_id="doc-1#p0", doc_id="doc-1", title="T", author=None, date=None, source="notes.txt",
                     paragraph_index=0, char_start=0, char_end=9, text="It glows.")
    match = LookupMatch.from_paragraph(bare, 1.0, (0, 8))
    rendered = render.lookup_html(LookupResult(query="It glows", verdict="quoted", matches=[match]))
    assert "<span class='src-meta'>¶1 · score 1.000</span>" in rendered


def test_evidence_sets_each_quote_apart_from_its_title():
    rendered = render.evidence_html(Evidence("kept", [citation(1, "It glows.", "Beetles")]))
    assert '</q> — <span class="src-title">Beetles</span>' in rendered


@pytest.mark.parametrize("status", ["added", "updated", "revised", "skipped", "duplicate", "removed", "failed"])
def test_every_ingest_result_has_its_colour(status):
    from assistant.web.server import STATIC

    css = (STATIC / "style.css").read_text(encoding="utf-8")
    assert f".status-{status}" in css


def test_an_out_of_window_abstention_points_chat_readers_to_the_as_of_setting():
    from assistant.api import EMPTY_WINDOW_TEXT

    assert "Settings > As of" in EMPTY_WINDOW_TEXT  # a reader of the chat has no flags to pass


COMPARISON = ('Caliber.az (2023-02-27) says: "Among the 32 abstentions were all five Central Asian states" [1]. '
              'financialexpress says: "Turkmenistan was absent, and the other four <b>abstained</b>" [2].')


def answer_of(text: str, cited: int) -> Answer:
    return Answer(question="q", answer=text, abstained=False, backend="extractive",
                  citations=[citation(n, f"p{n}") for n in range(1, cited + 1)])


def paragraphs_of(rendered: str) -> list[str]:
    return re.findall(r'<p class="answer-part">(.*?)</p>', rendered)


def test_each_side_of_a_disagreement_is_its_own_paragraph_with_its_chip():
    rendered = render.answer_html(answer_of(COMPARISON, 2))
    first, second = paragraphs_of(rendered)
    assert first.startswith("Caliber.az (2023-02-27) says: &quot;Among") and "all five Central Asian states" in first
    assert second.startswith("financialexpress says:") and "Turkmenistan was absent" in second
    assert first.count('class="chip"') == 1 and 'data-pid="doc-1#p1"' in first and first.endswith("</button>.")
    assert second.count('class="chip"') == 1 and 'data-pid="doc-1#p2"' in second
    assert "&lt;b&gt;abstained&lt;/b&gt;" in second and "<b>abstained" not in rendered and "[1]" not in rendered


def test_a_summary_of_three_or_more_sentences_reads_one_sentence_a_paragraph():
    text = ("Blinken met Mirziyoyev in Tashkent [1] (according to Caliber.az, 2023-02-27). He met Mr. Saidov too.[2] "
            "The visit came before the G20 meeting [2][3]. Mr. Blinken spoke about China [3].")
    parts = paragraphs_of(render.answer_html(answer_of(text, 3)))
    assert [re.sub(r"<button.*?</button>", "#", p) for p in parts] == [
        "Blinken met Mirziyoyev in Tashkent # (according to Caliber.az, 2023-02-27).", "He met Mr. Saidov too.#",
        "The visit came before the G20 meeting ##.", "Mr. Blinken spoke about China #."]


@pytest.mark.parametrize("text", ["It glows [1].", "By A [1]. It glows violet at night [2].",
                                  "It glows [1], and it hums [2] when frightened."])
def test_a_short_answer_stays_one_paragraph(text):
    rendered = render.answer_html(answer_of(text, 2))
    assert "<p" not in rendered and rendered.startswith('<div class="answer">') and "[1]" not in rendered


def test_a_witness_after_the_answer_is_set_apart():
    text = 'Blinken met Mirziyoyev [1]. But Caliber.az says: "He met the acting foreign minister" [2].'
    first, second = paragraphs_of(render.answer_html(answer_of(text, 2)))
    assert first.startswith("Blinken met") and second.startswith("But Caliber.az says:")


def test_no_raw_line_break_is_left_for_markdown_to_read():
    rendered = render.answer_html(answer_of("It glows [1].\n\n**bold** and *more*\nnext line [2].", 2))
    assert "\n" not in rendered and "**bold**" in rendered and "<br>" in rendered
    assert len(paragraphs_of(rendered)) == 2  # the writer's own blank line parts it
