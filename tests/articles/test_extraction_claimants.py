"""Who makes a claim: reporting clauses, "according to", labels and carried-over speakers."""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

import pytest

from articles.extraction.claimants import (
    ClaimantResolver,
    find_attribution,
    label_only,
    speaker_label,
)
from articles.extraction.segmentation import split_sentences


@pytest.mark.parametrize(
    ("sentence", "name", "title"),
    [
        (
            "Syrian Deputy Foreign Minister Faisal Mekdad said Moscow produced results.",
            "Faisal Mekdad",
            "Syrian Deputy Foreign Minister",
        ),
        (
            "State Department spokesman Admiral John Kirby repeated the claim, claiming it.",
            "John Kirby",
            "State Department spokesman Admiral",
        ),
        ("Russian intelligence estimates 3,500 militants, Kabulov explained.", "Kabulov", ""),
        (
            "Russian Armed Forces Chief of General Staff Gen. Valery Gerasimov estimates 50,000.",
            "Valery Gerasimov",
            "Russian Armed Forces Chief of General Staff Gen.",
        ),
        (
            'According to Putin\'s special representative for Afghanistan, Zamir Kabulov, "camps".',
            "Zamir Kabulov",
            "",
        ),
        (
            "They see it as a foothold, according to the intelligence chief Col. Gen. Igor Sergun.",
            "Igor Sergun",
            "intelligence chief Col. Gen.",
        ),
        ('"We never saw it," said Mayor Tom Bell, who lives there.', "Tom Bell", "Mayor"),
        (
            '"It was huge," Governor Eduardo Lima told reporters on Friday.',
            "Eduardo Lima",
            "Governor",
        ),
        (
            "Tom Rees, who chairs the Eastside Traders' Association, said footfall fell 30%.",
            "Tom Rees",
            "",
        ),
        (
            "Syria's ambassador to Russia, Riad Haddad, said strikes are precise.",
            "Riad Haddad",
            "",
        ),
        (
            "On Thursday, Army Chief of Staff Gen. Ali Abdullah Ayoud issued a statement, saying:",
            "Ali Abdullah Ayoud",
            "Army Chief of Staff Gen.",
        ),
        ("Kirby lied saying Russian air strikes target opposition groups.", "Kirby", ""),
        ("Media reports said officials are discussing a no-fly zone.", "Media reports", ""),
        (
            "The World Health Organization said last week that stocks are low.",
            "World Health Organization",
            "",
        ),
        ("Power was cut to 840,000 customers, the state utility said.", "state utility", ""),
        (
            "The rate rose to 4.4%, according to the Office for National Statistics (ONS).",
            "Office for National Statistics",
            "",
        ),
        ("Economists polled by Reuters had expected the rate to hold.", "Economists", ""),
    ],
)  # fmt: skip
def test_find_attribution(sentence, name, title):
    attribution = find_attribution(sentence)
    assert attribution is not None
    assert (attribution.name, attribution.title) == (name, title)


@pytest.mark.parametrize(
    "sentence",
    [
        "The entire free world supports Putin's righteous mission.",
        "Fact: All opposition groups are terrorists.",
        "Rents have risen 38% since 2019.",
    ],
)
def test_sentences_without_a_speaker(sentence):
    assert find_attribution(sentence) is None


def resolve_all(body: str) -> list[tuple[str, str]]:
    resolver = ClaimantResolver(body)
    resolved = []
    for sentence in split_sentences(body):
        attribution = resolver.resolve(sentence, sentence.text, None)
        resolved.append((sentence.text[:20], attribution.name if attribution else ""))
    return resolved


def test_quotation_in_the_next_paragraphs_keeps_the_speaker_until_the_author_speaks():
    body = (
        "State Department spokesman John Kirby spoke on Monday. Kirby lied saying strikes "
        "target “opposition groups,” not ISIS.\n\n"
        "“Greater than 90% of the strikes have not been against ISIL.”\n\n"
        "“They’ve been largely against opposition groups.”\n\n"
        "Fact: All “opposition groups” are terrorists."
    )
    assert [name for _, name in resolve_all(body)] == [
        "",
        "John Kirby",
        "John Kirby",
        "John Kirby",
        "",
    ]


def test_saying_with_a_colon_hands_the_speaker_to_the_quoted_paragraph():
    body = (
        "On Thursday, Gen. Ali Abdullah Ayoud issued a statement, saying:\n\n"
        '"Today the Syrian armed forces started a wide-scale attack."\n\n'
        "Russian air power made the current offensive possible."
    )
    assert [name for _, name in resolve_all(body)] == ["Ali Abdullah Ayoud"] * 2 + [""]


def test_he_said_refers_back_to_the_last_named_person():
    body = (
        "Russian intelligence estimates around 3,500 militants, Kabulov explained.\n\n"
        'He called "the rise of this group a high priority threat".'
    )
    assert [name for _, name in resolve_all(body)] == ["Kabulov", "Kabulov"]


def test_surname_is_widened_to_the_full_name_used_earlier():
    body = "Zamir Kabulov is the envoy. Militants are rising, Kabulov explained."
    assert resolve_all(body)[1][1] == "Zamir Kabulov"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("OKAFOR: We treated 1,146 patients.", ("Okafor", 8)),
        ("AMINA OKAFOR: Good morning.", ("Amina Okafor", 14)),
        ("Amina Okafor: Good morning.", ("Amina Okafor", 14)),
        ("Q: How bad is it?", ("", 3)),
        ("Fact: All opposition groups are terrorists.", None),
        ("The goal: destroying fundamental freedoms.", None),
    ],
)
def test_speaker_label(line, expected):
    assert speaker_label(line) == expected


def test_label_on_a_line_of_its_own():
    assert label_only("RACHEL MARTIN, HOST:") == "Rachel Martin"
    assert label_only("On Thursday, he issued a statement, saying:") is None
