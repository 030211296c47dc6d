"""The web chat in a real browser: Playwright driving Debian's Chromium against the app on a free port,
over a temp store holding ../shared/corpus (extractive backend, so answers are fast and deterministic)."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from support import running_app

pytestmark = [pytest.mark.browser, pytest.mark.timeout(300)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
ANSWER_TIMEOUT_MS = 90_000


@pytest.fixture(scope="module")
def server(tmp_path_factory, corpus_dir):
    from assistant import Assistant

    assistant = Assistant(store=tmp_path_factory.mktemp("browser-store"), backend="extractive")
    assert assistant.ingest([corpus_dir]).ok
    with running_app(assistant) as url:
        yield url


@pytest.fixture(scope="module")
def empty_server(tmp_path_factory):
    from assistant import Assistant

    with running_app(Assistant(store=tmp_path_factory.mktemp("empty-store"), backend="extractive")) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.exists(), "Chromium is missing: run `apt-get install -y chromium` (scripts/setup.sh --test does)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request, test_output):
    """A fresh page (its own chat session) on the app; a screenshot is saved when the test ends."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(server)
    page.wait_for_selector("#question textarea", timeout=ANSWER_TIMEOUT_MS)  # a busy machine loads it slowly
    yield page
    page.screenshot(path=str(test_output / f"browser-{request.node.name}.png"), full_page=True)
    page.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def ask(page, question: str) -> None:
    page.get_by_role("tab", name="Chat").click()
    page.fill("#question textarea", question)
    page.press("#question textarea", "Enter")


def upload(page, path: Path) -> None:
    page.get_by_role("tab", name="Library").click()
    page.set_input_files("#upload input[type=file]", str(path))
    page.wait_for_selector(f"#upload :text('{path.name}')")
    page.click("#add-files")
    page.wait_for_selector("#ingest-result .status", timeout=ANSWER_TIMEOUT_MS)


def test_page_loads_with_library_and_suggestions(page):
    assert "Grounded assistant" in page.title()
    page.wait_for_selector("#suggestions :text('What does “')")  # asked about the library's own titles
    page.get_by_role("tab", name="Library").click()
    page.wait_for_selector("#documents .doc-table")
    assert page.locator("#documents .doc-table tr").count() == 3  # header + the two seed articles


def test_answer_has_chips_and_chip_opens_cited_paragraph(page, test_output, corpus_dir):
    ask(page, "Which Uzbek president did Blinken meet?")
    chip = page.locator("#chat .answer .chip").first
    chip.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Mirziyoyev" in page.inner_text("#chat .answer")
    assert page.locator("#chat .sources li").count() >= 1
    chip.click()
    cited = page.locator("#citation-panel .para.cited")
    cited.wait_for(timeout=20_000)
    assert "Mirziyoyev" in cited.inner_text()
    assert page.locator("#citation-panel .para").count() > 1  # neighbouring paragraphs are shown too
    assert "Central Asia" in page.inner_text("#citation-panel .article-head")
    assert str(corpus_dir.resolve()) not in page.inner_text("#citation-panel")  # no server paths on the page
    page.wait_for_timeout(500)
    page.screenshot(path=str(test_output / "chat-citation-opened.png"))


def test_chip_opens_the_paragraph_with_its_supporting_quote_marked(page, test_output):
    ask(page, "How many countries supported the UN General Assembly resolution on Ukraine?")
    chip = page.locator("#chat .answer .chip").first
    chip.wait_for(timeout=ANSWER_TIMEOUT_MS)
    chip.click()
    quote = page.locator("#citation-panel .para.cited mark.quote")
    quote.wait_for(timeout=20_000)
    marked = quote.inner_text().strip().rstrip(".")
    assert marked and marked in page.inner_text("#chat .answer")  # the sentence the answer rests on
    assert len(marked) < len(page.inner_text("#citation-panel .para.cited"))  # a sentence, not all
    page.wait_for_timeout(500)
    page.screenshot(path=str(test_output / "chat-quote-highlighted.png"))


def test_open_answer_shows_each_outlets_account_as_a_paragraph_with_its_chip(page, test_output):
    """The seed corpus' own disagreement: each article's account of the vote is a paragraph of its own,
    cited to its article, and its chip opens that article on the quoted sentence."""
    ask(page, "Do the two articles agree on how the Central Asian countries voted on the UN resolution?")
    page.locator("#chat .answer-meta").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    sides = page.locator("#chat .answer p.answer-part")
    assert sides.count() == 2
    first, second = sides.nth(0), sides.nth(1)
    assert "says:" in first.inner_text() and "all five Central Asian states" in first.inner_text()
    assert "says:" in second.inner_text() and "Turkmenistan was absent" in second.inner_text()
    assert "Turkmenistan" not in first.inner_text() and "all five" not in second.inner_text()
    chips = [side.locator(".chip") for side in (first, second)]
    assert [c.count() for c in chips] == [1, 1]
    assert chips[0].get_attribute("data-doc") != chips[1].get_attribute("data-doc")  # two articles
    assert page.locator("#chat .sources li").count() == 2
    chips[1].click()
    quote = page.locator("#citation-panel .para.cited mark.quote")
    quote.wait_for(timeout=20_000)
    assert "Turkmenistan was absent" in quote.inner_text()
    page.mouse.move(0, 0)
    page.wait_for_timeout(500)
    page.screenshot(path=str(test_output / "open-answer.png"))


def test_follow_up_uses_the_conversation_and_clear_resets_it(page):
    ask(page, "Which Uzbek president did Blinken meet?")
    page.locator("#chat .answer .chip").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    ask(page, "Who was the acting foreign minister he met there?")
    page.wait_for_function("document.querySelectorAll('#chat .answer-meta').length == 2", timeout=ANSWER_TIMEOUT_MS)
    assert "Saidov" in page.locator("#chat .answer").last.inner_text()
    page.click("#clear")
    page.wait_for_function("document.querySelectorAll('#chat .answer-meta').length == 0")


def test_off_topic_question_shows_abstained_state(page):
    ask(page, "What is the capital of Australia?")
    abstained = page.locator("#chat [data-state=abstained]")
    abstained.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Not in the library" in abstained.inner_text()
    assert page.locator("#chat .answer").count() == 0


def test_uploaded_file_becomes_answerable(page, tmp_path):
    article = tmp_path / "harbour festival.txt"
    article.write_text("Quillmere Harbour Festival\n\nThe Quillmere Harbour Festival is held every August in the "
                       "fishing town of Brackenwick, where boat builders race hand-made dinghies across the bay.\n\n"
                       "The festival was founded in 1921 by the harbourmaster Elspeth Varrow.\n", encoding="utf-8")
    upload(page, article)
    assert page.locator("#ingest-result .status-added").count() == 1
    assert "harbour festival.txt" in page.inner_text("#ingest-result")
    page.wait_for_selector("#documents :text('Quillmere Harbour Festival')")
    ask(page, "In which town is the Quillmere Harbour Festival held?")
    page.locator("#chat .answer .chip").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Brackenwick" in page.inner_text("#chat .answer")
    page.get_by_role("tab", name="Library").click()
    page.click("#doc-choice input")
    page.get_by_role("option", name="Quillmere Harbour Festival").click()
    page.click("#delete-doc")
    page.wait_for_selector("#ingest-result :text('Deleted')")
    assert "Quillmere" not in page.inner_text("#documents")


def test_reingest_reports_each_file(page):
    page.get_by_role("tab", name="Library").click()
    page.click("#reingest")
    page.wait_for_selector("#ingest-result .status", timeout=ANSWER_TIMEOUT_MS)
    assert page.locator("#ingest-result .status-skipped").count() >= 2  # unchanged files are not re-embedded


def test_html_in_documents_is_shown_escaped(page, tmp_path):
    article = tmp_path / "<img src=x onerror=window.__xss=1>.txt"
    article.write_text("<script>window.__xss = 1</script> Zanzibar velvet beetles\n\n"
                       "The Zanzibar velvet beetle <img src=x onerror=\"window.__xss=1\"> <b>glows</b> violet "
                       "<script>window.__xss = 1</script> when it is frightened by owls at night.\n", encoding="utf-8")
    upload(page, article)
    assert "onerror_window.__xss_1" in page.inner_text("#ingest-result")  # the stored name is sanitized
    page.wait_for_selector("#documents :text('<script>window.__xss = 1</script>')")
    ask(page, "What colour does the Zanzibar velvet beetle glow?")
    chip = page.locator("#chat .answer .chip").first
    chip.wait_for(timeout=ANSWER_TIMEOUT_MS)
    chip.click()
    page.wait_for_selector("#citation-panel .para.cited")
    assert "<b>glows</b>" in page.inner_text("#citation-panel .para.cited")
    assert page.locator("#chat img[src=x], #citation-panel img, #documents script, #chat script").count() == 0
    assert page.evaluate("window.__xss") is None


def test_citation_lookup_highlights_the_quote(page):
    page.get_by_role("tab", name="Citation lookup").click()
    page.fill("#claim textarea", "he had meetings with Uzbek president, Shawkat Mirziyoyev")
    page.click("#find")
    page.wait_for_selector("#lookup-result mark", timeout=ANSWER_TIMEOUT_MS)
    assert page.get_attribute("#lookup-result [data-verdict]", "data-verdict") == "quoted"
    assert "Shawkat Mirziyoyev" in page.inner_text("#lookup-result mark")


def test_unreachable_backend_is_a_readable_error(page):
    page.click("text=Settings")
    page.click("#backend input")
    page.get_by_role("option", name="ollama").click()
    ask(page, "Which Uzbek president did Blinken meet?")
    error = page.locator("#chat .error")
    error.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "unreachable" in error.inner_text() and "Traceback" not in page.inner_text("body")


def test_empty_library_says_so(page, empty_server):
    page.goto(empty_server)
    page.wait_for_selector("#question textarea")
    page.wait_for_selector("#chat-tab-notice :text('The library is empty')")
    ask(page, "Which Uzbek president did Blinken meet?")
    page.wait_for_selector("#chat :text('The library is empty')")


HOSTILE_MARKDOWN = ("Camp notes\n\nThe expedition camps beside the Chirchiq river north of Tashkent; see the "
                    "[map](javascript:alert(document.domain)) and the photo ![x](https://example.invalid/track.png) "
                    "of the camp, or <https://example.invalid/autolink> and **bold** text.\n")


class SlowEcho:
    """A backend that streams its top source back as the draft and then pauses: the draft stays on screen."""
    name = "slow-echo"

    def stream(self, question, sources):
        yield sources[0].paragraph.text + " [1]"
        time.sleep(4)

    def confidence(self, question, passage):
        return None


@pytest.fixture(scope="module")
def drafting_server(tmp_path_factory):
    from assistant import Assistant

    class Drafting(Assistant):
        def backend(self, name=None):
            return SlowEcho()

    folder = tmp_path_factory.mktemp("hostile-docs")
    (folder / "camp.md").write_text(HOSTILE_MARKDOWN, encoding="utf-8")
    assistant = Drafting(store=tmp_path_factory.mktemp("drafting-store"), backend="extractive")
    assert assistant.ingest([folder]).ok
    with running_app(assistant) as url:
        yield url


def test_streamed_draft_is_inert_markdown(browser, drafting_server, test_output):
    """Document text in the streamed draft forms no link, image or emphasis, and makes the browser fetch nothing."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    fetched = []
    page.on("request", lambda request: fetched.append(request.url) if "example.invalid" in request.url else None)
    page.goto(drafting_server)
    page.wait_for_selector("#question textarea")
    ask(page, "Where does the expedition camp near Tashkent?")
    draft = page.locator("#chat .message-row").last
    draft.get_by_text("Chirchiq", exact=False).first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.wait_for_timeout(500)
    page.screenshot(path=str(test_output / "browser-draft-inert.png"))
    assert "[map](javascript:alert(document.domain))" in draft.inner_text()
    assert "![x](https://example.invalid/track.png)" in draft.inner_text() and "**bold**" in draft.inner_text()
    assert page.locator("#chat a, #chat img, #chat strong").count() == 0
    page.locator("#chat .answer-meta, #chat [data-state=abstained]").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert fetched == []
    page.close()


def test_evidence_is_on_screen_while_the_answer_is_phrased(browser, drafting_server, test_output):
    """The chosen quote, its title and its check status show before the (slow) answer finishes."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(drafting_server)
    page.wait_for_selector("#question textarea")
    ask(page, "Where does the expedition camp near Tashkent?")
    evidence = page.locator("#chat .evidence[data-state=kept]")
    evidence.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Chirchiq" in evidence.locator("q.evidence-quote").first.inner_text()
    assert page.locator("#chat .answer-meta").count() == 0  # the answer is still being phrased
    assert page.locator("#chat a, #chat img, #chat strong").count() == 0  # quotes are inert too
    page.screenshot(path=str(test_output / "browser-evidence-first.png"))
    page.locator("#chat .answer-meta, #chat [data-state=abstained]").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.close()


def test_a_question_typed_while_the_answer_streams_is_kept(browser, drafting_server):
    """Streamed updates leave the question box alone: the next question, typed while the draft shows, stays."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(drafting_server)
    page.wait_for_selector("#question textarea")
    ask(page, "Where does the expedition camp near Tashkent?")
    page.locator("#chat .draft").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.type("#question textarea", "And who runs it?")
    page.locator("#chat .answer-meta, #chat [data-state=abstained]").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert page.input_value("#question textarea") == "And who runs it?"
    page.close()
