"""The [n] citation marker, read in one place (assistant/citations.py) by every module that meets it."""
from __future__ import annotations

from assistant import Answer
from assistant.answer.citations import MARKER, first_marker_citing, marker_numbers, without_markers


def test_a_marker_holds_one_or_several_numbers():
    text = "A [1]. B [2, 3]. C [ 4;5 ]. D [x]. E [6."
    assert [marker_numbers(group) for group in MARKER.findall(text)] == [[1], [2, 3], [4, 5]]


def test_the_marker_citing_a_number_is_found_whole_not_inside_another():
    text = "A [12]. B [3, 1]. C [1]."
    assert first_marker_citing(text, 1)[0] == "[3, 1]"
    assert first_marker_citing(text, 2) is None


def test_markers_go_with_the_spaces_before_them():
    assert without_markers("It grows [1]. It glows [2, 3][4].") == "It grows. It glows."


def test_an_answer_says_where_its_markers_sit():
    answer = Answer(question="q", answer="It grows [1] and glows [1, 2].", abstained=False, backend="extractive")
    assert [(answer.answer[s:e], numbers) for s, e, numbers in answer.markers()] == [("[1]", [1]), ("[1, 2]", [1, 2])]
