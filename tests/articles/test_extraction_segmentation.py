"""Sentence segmentation of news text, every sentence an exact span of the body."""

import pytest

from articles.extraction.segmentation import quotation_spans, split_sentences


def texts(body: str) -> list[str]:
    sentences = split_sentences(body)
    for sentence in sentences:
        assert body[sentence.start : sentence.end] == sentence.text
    return [sentence.text for sentence in sentences]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Gen. Valery Gerasimov spoke. Col. Gen. Igor Sergun agreed.",
            ["Gen. Valery Gerasimov spoke.", "Col. Gen. Igor Sergun agreed."],
        ),
        (
            "State Department spokesman Adm. John Kirby and Mr. Smith met Dr. Jones.",
            ["State Department spokesman Adm. John Kirby and Mr. Smith met Dr. Jones."],
        ),
        (
            "The U.S. Army disagreed. He lives in the U.S. The report said so.",
            ["The U.S. Army disagreed.", "He lives in the U.S.", "The report said so."],
        ),
        (
            "John F. Kennedy was shot in 1963. It changed everything.",
            ["John F. Kennedy was shot in 1963.", "It changed everything."],
        ),
        (
            "It is No. 5 on the list of 2.5 million entries. Fine.",
            ["It is No. 5 on the list of 2.5 million entries.", "Fine."],
        ),
        (
            "They met at 10 a.m. Police arrived later.",
            ["They met at 10 a.m.", "Police arrived later."],
        ),
        (
            "A sort of St. George and the Dragon scenario may be developing.",
            ["A sort of St. George and the Dragon scenario may be developing."],
        ),
    ],
)
def test_abbreviations_initials_and_decimals_do_not_end_sentences(body, expected):
    assert texts(body) == expected


def test_quotation_spanning_sentences_stays_with_its_attribution():
    body = '"We hit 40 targets. They were all precise," he said. Then he left.'
    assert texts(body) == ['"We hit 40 targets. They were all precise," he said.', "Then he left."]


def test_parenthetical_insertion_is_not_split():
    body = "The rate was 3.5% (down from 4.1%. It fell.) in May. Next sentence here."
    assert texts(body) == [
        "The rate was 3.5% (down from 4.1%. It fell.) in May.",
        "Next sentence here.",
    ]


def test_ellipses_end_a_sentence_only_before_a_capital():
    assert texts("They destroyed the equipment... and left. Wait... What now?") == [
        "They destroyed the equipment... and left.",
        "Wait...",
        "What now?",
    ]


def test_question_or_exclamation_followed_by_lower_case_does_not_end_a_sentence():
    assert texts('"Why now?" he asked. "Go!" she said.') == [
        '"Why now?" he asked.',
        '"Go!" she said.',
    ]


def test_sentence_broken_by_a_blank_line_is_one_sentence():
    body = (
        "Riad Haddad said \"strikes carried out by Russia's aerospace\n\n"
        "forces against the IS positions in Syria are precise and efficient. Russia helps the "
        "Syrian army to conduct ground operations.”\n\nNext paragraph starts here."
    )
    sentences = split_sentences(body)
    assert [sentence.text for sentence in sentences] == [
        body[: body.index("\n\nNext")],
        "Next paragraph starts here.",
    ]
    assert [sentence.paragraph for sentence in sentences] == [0, 1]


def test_paragraph_break_after_complete_sentence_or_heading_is_a_boundary():
    body = "A Final Comment\n\nThe army said 40 people died.\n\nsaying this in lower case."
    assert texts(body) == [
        "A Final Comment",
        "The army said 40 people died.",
        "saying this in lower case.",
    ]


def test_long_quotation_is_split_into_its_sentences():
    sentence = "This is one sentence of a long speech that goes on and on about the economy. "
    body = '"' + sentence * 8 + '"'
    assert len(split_sentences(body)) == 8


def test_quotation_spans_handle_mixed_and_unclosed_quotes():
    text = 'He said "strikes are precise.” Then “more came'
    assert quotation_spans(text) == [(8, 29), (36, len(text))]
    assert quotation_spans('position," posing a threat') == []


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Del. Ann Jones said 40 percent of voters agree. She spoke in Richmond.",
            ["Del. Ann Jones said 40 percent of voters agree.", "She spoke in Richmond."],
        ),
        (
            "Sen. Tim Kaine, Rep. Bobby Scott and Gov. Terry McAuliffe agreed. Few others did.",
            [
                "Sen. Tim Kaine, Rep. Bobby Scott and Gov. Terry McAuliffe agreed.",
                "Few others did.",
            ],
        ),
        (
            "The bananas land in Wilmington, Del. The port handles 1 million tons a year.",
            ["The bananas land in Wilmington, Del.", "The port handles 1 million tons a year."],
        ),
    ],
)
def test_legislators_titles_do_not_end_sentences_but_a_state_may(body, expected):
    assert texts(body) == expected
