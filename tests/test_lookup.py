"""Citation lookup: each verdict, the span offsets, the CLI output."""
from __future__ import annotations

import json

import pytest

from assistant.cli import main
from assistant.lookup import align, normalize, quote_pieces
from assistant.types import LOOKUP_FIELDS
from support.fakes import FakeEncoder

QUOTE = "Beijing could not play a dual game on Russian aggression"


@pytest.fixture(scope="module")
def sanctions_paragraph(seeded):
    """The seed paragraph about sanctions on Chinese companies (read from the store, not copied here)."""
    found = [p for p in seeded.paragraphs() if "sanctions on Chinese companies" in p.text]
    assert len(found) == 1
    return found[0]


# ---- normalization and alignment, no store -----------------------------------------------------
def test_normalize_maps_every_character_back_to_the_original():
    text = "“Café”  —\u00a0ﬁne\n\tDone’s"
    normalized, origin = normalize(text)
    assert normalized == '"cafe" - fine done\'s'
    assert len(origin) == len(normalized) + 1 and origin[-1] == len(text)
    start = normalized.index("fine")
    assert text[origin[start]:origin[start + 3] + 1] == "ﬁne"  # one ligature char -> two normalized chars
    assert text[origin[normalized.index("cafe")]:origin[normalized.index('"', 1)]] == "Café"


def test_quote_pieces_drop_surrounding_quote_marks_and_split_at_ellipses():
    assert quote_pieces("  “He said … in Ukraine.”  ") == ["he said", "in ukraine."]
    assert quote_pieces("one [...] two...three") == ["one", "two", "three"]
    assert quote_pieces("“ … ”") == []


def test_align_spans_whole_words_even_with_left_out_words_and_typos():
    text = "before. he said that beijing could not play a dual game on russian aggression in ukraine. after"
    start, end, similarity = align("he said beijng could not play a game on aggression in ukraine", text)
    assert text[start:end] == "he said that beijing could not play a dual game on russian aggression in ukraine"
    assert 0.85 < similarity < 1
    assert align("completely unrelated words about cooking", text) is None


# ---- verdicts over the seed corpus ---------------------------------------------------------------
def test_exact_quote_is_quoted_with_its_span(seeded, sanctions_paragraph):
    result = seeded.lookup(QUOTE)
    assert result.verdict == "quoted"
    best = result.matches[0]
    assert best.paragraph_id == sanctions_paragraph.paragraph_id
    assert best.text == sanctions_paragraph.text
    assert best.text[best.match_start:best.match_end] == QUOTE
    assert best.score == 1.0


def test_quote_with_curly_quotes_typo_and_odd_spacing_is_quoted_with_the_original_span(seeded, sanctions_paragraph):
    variant = "“Beijing couldn’t play a dual  game on Russian agression”"
    result = seeded.lookup(variant)
    assert result.verdict == "quoted"
    best = result.matches[0]
    assert best.paragraph_id == sanctions_paragraph.paragraph_id
    assert best.text[best.match_start:best.match_end] == QUOTE
    assert 0.85 <= best.score < 1.0


def test_quote_with_left_out_words_and_ellipsis_spans_what_it_stands_for(seeded, sanctions_paragraph):
    text = sanctions_paragraph.text
    full = text[text.index("He said"):text.index("Ukraine.") + len("Ukraine.")]
    for quote in ("He said Beijing could not play a game on aggression in Ukraine.",
                  "He said Beijing … on Russian aggression in Ukraine."):
        result = seeded.lookup(quote)
        assert result.verdict == "quoted", quote
        best = result.matches[0]
        assert best.text[best.match_start:best.match_end] == full, quote


def test_passage_of_several_sentences_is_quoted_whole(seeded, sanctions_paragraph):
    text = sanctions_paragraph.text
    passage = text[:text.index("Ukraine.") + len("Ukraine.")]
    assert passage.count(". ") >= 2
    best = seeded.lookup(passage.replace("’", "'")).matches[0]
    assert (best.paragraph_id, best.match_start, best.match_end) == (sanctions_paragraph.paragraph_id, 0, len(passage))


def test_quote_lookup_does_not_need_the_embedding_model(seeded, monkeypatch):
    monkeypatch.setattr(seeded, "encode", FakeEncoder(error=AssertionError("a quote should be found without encoding")))
    assert seeded.lookup(QUOTE).verdict == "quoted"


def test_paraphrase_is_supported_without_a_span(seeded, sanctions_paragraph):
    result = seeded.lookup("Blinken threatened to sanction Chinese firms that help Russia's war")
    assert result.verdict == "supported"
    best = result.matches[0]
    assert best.paragraph_id == sanctions_paragraph.paragraph_id
    assert best.match_start is None and best.match_end is None
    assert 0.5 <= best.score <= 1.0
    assert [m.score for m in result.matches] == sorted((m.score for m in result.matches), reverse=True)


def test_sentence_from_nowhere_is_not_found(seeded):
    result = seeded.lookup("My grandmother bakes banana bread with walnuts every Sunday.")
    assert result.verdict == "not_found"
    assert result.matches == []


def test_k_limits_the_matches(seeded):
    assert len(seeded.lookup("Secretary Blinken", k=5).matches) > 1
    assert len(seeded.lookup("Secretary Blinken", k=1).matches) == 1


def test_empty_lookup_is_a_user_error(seeded):
    with pytest.raises(ValueError):
        seeded.lookup("   ")


# ---- command line ----------------------------------------------------------------------------------
def test_cli_lookup_json_has_the_paragraph_fields_span_and_verdict(seeded, sanctions_paragraph, capsys):
    assert main(["lookup", QUOTE, "--json", "--k", "3", "--store", str(seeded.settings.store)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["query"] == QUOTE and data["verdict"] == "quoted"
    best = data["matches"][0]
    assert tuple(best) == LOOKUP_FIELDS
    assert {k: best[k] for k in sanctions_paragraph.to_dict()} == sanctions_paragraph.to_dict()
    assert best["text"][best["match_start"]:best["match_end"]] == QUOTE


def test_cli_lookup_plain_shows_verdict_and_highlighted_span(seeded, capsys):
    assert main(["lookup", QUOTE, "--store", str(seeded.settings.store)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "quoted"
    assert f"»{QUOTE}«" in out
    assert main(["lookup", "My grandmother bakes banana bread with walnuts.", "--store",
                 str(seeded.settings.store)]) == 0
    assert capsys.readouterr().out.strip() == "not_found"
