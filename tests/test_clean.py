"""Chrome removal and metadata on the seed corpus and on junk written here for other site layouts."""
from __future__ import annotations

import re

import pytest

from ingest.documents import build, shared_lines
from ingest.readers import RawDocument, read

ARTICLE = [
    "The city council approved a new budget on Tuesday after a long debate about school funding and roads.",
    "Council members said the plan keeps property taxes flat while adding money for bus routes in the north.",
    "The mayor is expected to sign the budget next week, and the first changes take effect in July.",
]


def seed(corpus_dir, prefix: str) -> tuple:
    [path] = corpus_dir.glob(f"{prefix}_*")
    [raw] = read(path)
    return build(raw)


def test_caliber_article_title_date_and_body_only(corpus_dir):
    document, paragraphs = seed(corpus_dir, "000")
    assert document.title.startswith("Is Anthony Blinken")
    assert document.title.endswith("A new front is on the horizon")
    assert document.date == "2023-02-27"
    assert document.language == "en"
    assert len(paragraphs) >= 5
    for p in paragraphs:
        for junk in ("twitter", "WHAT ARE YOU LOOKING FOR", "Caliber.az ©", "Views:"):
            assert junk.lower() not in p.text.lower(), (junk, p.text)
        assert not re.search(r"[\u0400-\u04FF]", p.text), p.text
        assert p.title == document.title and p.date == "2023-02-27"


def test_financialexpress_article_headline_author_source(corpus_dir):
    document, paragraphs = seed(corpus_dir, "001")
    assert document.title == "Blinken’s Central Asia tour focused more on Russia and China than Central Asia"
    assert document.author == "Dr Pravesh Kumar Gupta"
    assert document.source == "financialexpress"
    assert paragraphs[0].text.startswith("US Secretary of State Antony Blinken visited Central Asia")
    assert all("Dr Pravesh Kumar Gupta" != p.text for p in paragraphs)


def test_paragraph_offsets_point_into_the_extracted_text(corpus_dir):
    [path] = corpus_dir.glob("001_*")
    [raw] = read(path)
    _, paragraphs = build(raw)
    for i, p in enumerate(paragraphs):
        assert raw.text[p.char_start:p.char_end] == p.text and p.paragraph_index == i


JUNK_LAYOUTS = {
    "cookie banner": ["We use cookies to give you the best experience. By using this site you accept our cookie policy.",
                      "Accept all"],
    "share bar": ["Share on Facebook", "Share on Twitter", "Share on LinkedIn", "Email"],
    "related list": ["Related articles", "Mayor names new police chief", "Bus fares to rise in spring",
                     "Library hours extended"],
    "read more": ["Read more: Council election results in full"],
    "markdown nav": ["[Home](/) | [News](/news) | [Sport](/sport) | [Contact](/contact)"],
    "markdown list nav": ["- [Home](/)\n- [World](/world)\n- [Business](/business)"],
    "newsletter": ["Sign up for our daily newsletter and never miss a story."],
}


@pytest.mark.parametrize("name", JUNK_LAYOUTS)
def test_junk_around_an_article_is_removed(name):
    junk = JUNK_LAYOUTS[name]
    blocks = ["# Council passes city budget", "By Jane Doe", "Published: March 3, 2024",
              *junk, *ARTICLE, *junk, "© 2024 Town Herald. All rights reserved."]
    document, paragraphs = build(RawDocument(text="\n\n".join(blocks), location="herald.md"))
    assert [p.text for p in paragraphs] == ARTICLE
    assert document.title == "Council passes city budget"
    assert document.author == "Jane Doe"
    assert document.date == "2024-03-03"


def test_junk_inside_the_article_is_removed():
    text = "\n\n".join(["Council passes city budget", ARTICLE[0], "Share on Facebook\nShare on Twitter",
                       ARTICLE[1], "Advertisement", "Read more: Bus fares to rise in spring", ARTICLE[2]])
    _, paragraphs = build(RawDocument(text=text, location="x.txt"))
    assert [p.text for p in paragraphs] == ARTICLE


def test_lines_repeated_across_documents_are_chrome():
    menu = "Politics   Economy   Culture   Opinion"
    raws = [RawDocument(text=f"{menu}\n\n{title}\n\n{body}\n\nTown Herald is an independent local paper since 1921.",
                        location=f"{i}.txt")
            for i, (title, body) in enumerate([("Budget passes", ARTICLE[0]), ("Buses expand", ARTICLE[1])])]
    chrome = shared_lines(raws)
    for raw, body in zip(raws, ARTICLE[:2]):
        document, paragraphs = build(raw, chrome)
        assert [p.text for p in paragraphs] == [body]


def test_menu_in_another_script_is_dropped():
    text = "\n\n".join(["Главная\nНовости\nКонтакты", "Council passes city budget", ARTICLE[0],
                        "Подписаться на рассылку новостей сегодня.", ARTICLE[1], ARTICLE[2]])
    _, paragraphs = build(RawDocument(text=text, location="x.txt"))
    assert [p.text for p in paragraphs] == ARTICLE


def test_plain_article_without_chrome_is_kept_whole():
    text = "\n\n".join(["Council passes city budget", *ARTICLE])
    document, paragraphs = build(RawDocument(text=text, location="x.txt"))
    assert [p.text for p in paragraphs] == ARTICLE and document.title == "Council passes city budget"


def test_a_saved_page_header_is_metadata_whatever_else_is_ingested_with_it():
    text = ("Ferry fares rise as fuel costs climb\nDate: 2024-07-31\nSource: herald.example\n"
            "URL: https://herald.example/news/2024/07/31/ferry-fares/\n\n" + "\n\n".join(ARTICLE))
    document, paragraphs = build(RawDocument(text=text, location="ferry.txt"))
    assert [p.text for p in paragraphs] == ARTICLE
    assert (document.title, document.date, document.source) == \
        ("Ferry fares rise as fuel costs climb", "2024-07-31", "herald.example")


def test_a_title_field_is_the_title():
    text = "Title: Ferry fares rise\nAuthor: Jane Doe\nDate: 2024-07-31\n\n" + "\n\n".join(ARTICLE)
    document, paragraphs = build(RawDocument(text=text, location="ferry.txt"))
    assert [p.text for p in paragraphs] == ARTICLE
    assert (document.title, document.author, document.date) == ("Ferry fares rise", "Jane Doe", "2024-07-31")


def test_a_short_closing_sentence_is_kept_and_the_footer_after_it_dropped():
    closing = "The mayor did not comment."
    text = "\n\n".join(["Council passes city budget", *ARTICLE, closing, "Share on Facebook\nShare on Twitter",
                       "© 2024 Town Herald. All rights reserved."])
    _, paragraphs = build(RawDocument(text=text, location="x.txt"))
    assert paragraphs[-1].text.endswith(closing) and "Share" not in paragraphs[-1].text


@pytest.mark.parametrize("sentence, shown", [
    ("“We are taking action to ban the American XL Bully.", "“We are taking action to ban the American XL Bully”"),
    ("We will not stand by,” she said.", "“We will not stand by,” she said"),
    ('He called it "a new front.', 'He called it "a new front"'),
    ("Roads closed on Monday.", "Roads closed on Monday"),
])
def test_a_quoted_sentence_keeps_its_quotation_marks_balanced(sentence, shown):
    """The splitter leaves a closing quote after the stop outside the sentence: an answer quoting the
    sentence showed an opening quote that never closed."""
    from ingest.split import clause_of

    assert clause_of(sentence) == shown
