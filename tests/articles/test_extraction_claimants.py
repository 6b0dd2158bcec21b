"""Who makes a claim: reporting clauses, "according to", labels and carried-over speakers."""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

import importlib.util
import sys
from pathlib import Path

import pytest
from django.conf import settings

from articles.extraction.claimants import (
    ClaimantResolver,
    find_attribution,
    label_only,
    speaker_label,
)
from articles.extraction.segmentation import split_sentences

ROOT = Path(__file__).resolve().parent.parent.parent


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


# --- News style: the classes of attribution that PolNeAR's articles use ------------------------


@pytest.mark.parametrize(
    ("sentence", "name"),
    [
        # A source after the quotation, with an apposition.
        (
            '"Black voters are not going to sit this one out," said Charlie King, a prominent '
            "New York Democrat.",
            "Charlie King",
        ),
        (
            "''We feel like democracy has been stolen,'' said Laurie Cestnick, the founder of a "
            "Facebook group called Occupy DNC Convention.",
            "Laurie Cestnick",
        ),
        (
            "Alixandria Lapp, executive director of the House Majority PAC, a Democratic super "
            "PAC, said she thinks Republicans will be dragged down.",
            "Alixandria Lapp",
        ),
        (
            "Despite costly defeats, Sen. Bernie Sanders remains committed to the race, his top "
            "aide, Tad Devine, told The Huffington Post.",
            "Tad Devine",
        ),
        # Adverbs, auxiliaries and time phrases between the source and the verb.
        ("The IMF this week said growth would slow to 3.1 percent.", "IMF"),
        ("Clinton on Tuesday repeatedly told donors that she raised $143 million.", "Clinton"),
        ("Gore's close friends have in the past said he was staying quiet.",
         "Gore's close friends"),
        ("The senator is expected to say that taxes rose 10 percent.", "senator"),
        # Organisations and institutions.
        ("The Trump campaign has said it raised $80 million in July.", "Trump campaign"),
        ("The bank had warned that 5,000 jobs would go.", "bank"),
        # Polls and reports.
        (
            "Clinton leads by 5 points, according to a New York Times/CBS News poll.",
            "New York Times/CBS News poll",
        ),
        ("For the first time, a poll shows Sanders leading Clinton nationally.", "a poll"),
        (
            "In an NBC News/Wall Street Journal poll released Monday, 50 percent chose Clinton.",
            "an NBC News/Wall Street Journal poll",
        ),
        # Descriptive sources, kept as written.
        ("A senior official said the talks had stalled.", "A senior official"),
        ("Current and former officials said the conviction is casting a shadow.",
         "Current and former officials"),
        # Reporting verbs beyond speech.
        ("Trump accused Clinton of lying about 33,000 emails.", "Trump"),
        ("Mrs. Warren praised the plan for cutting child poverty by 40 percent.", "Warren"),
        ("The agency detailed 1,200 violations in its filing.", "agency"),
        ("Analysts estimated the deficit at $590 billion.", "Analysts"),
        ("Sanders tweeted that 2 million people had donated.", "Sanders"),
        ("Republicans insisted the bill would cost $1 trillion.", "Republicans"),
        ("The governor acknowledged that unemployment rose to 6 percent.", "governor"),
        ("The company announced 3,000 layoffs on Friday.", "company"),
        (
            "Donald Trump on Thursday ratcheted up his attacks on Rubio, saying he is weak on "
            "illegal immigration.",
            "Donald Trump",
        ),
        (
            "The Republican nominee also outlined his cybersecurity plan and vowed to punish "
            "those who violate classification rules.",
            "Republican nominee",
        ),
        # A source is never picked from inside the quotation.
        ('"The Patriot Act must be renewed in full," said Patrick McGinley.', "Patrick McGinley"),
        (
            '"Trump is clueless about the struggles of minorities," Ann Jones told reporters.',
            "Ann Jones",
        ),
        # Titles, party tags and trailing punctuation are not part of the name.
        ("Del. Ann Jones said 40 percent of voters agree.", "Ann Jones"),
        ("Rep. Bobby Scott, D-Va., said he fully supports the compromise.", "Bobby Scott"),
        (
            "Sen. Claire McCaskill (D-Mo.) scolded him for calling the products miracles.",
            "Claire McCaskill",
        ),
        ('"It was a disgrace," said Ann Jones.', "Ann Jones"),
    ],
)  # fmt: skip
def test_news_style_attribution(sentence, name):
    attribution = find_attribution(sentence)
    assert attribution is not None
    assert attribution.name == name


@pytest.mark.parametrize(
    "sentence",
    [
        "The company added 5,000 jobs in May.",
        "Voters were told to bring identification.",
        "The claims were dismissed by a federal judge in 2014.",
    ],
)
def test_verbs_that_report_nothing_here_name_no_source(sentence):
    found = find_attribution(sentence)
    assert found is None or not found.name


def test_he_points_back_to_the_subject_of_the_previous_sentence():
    body = (
        "Mayor Tom Bell met union leaders on Monday.\n\nHe said the city would hire 200 teachers."
    )
    assert [name for _, name in resolve_all(body)][1] == "Tom Bell"


def test_a_quotation_cut_into_sentences_keeps_its_speaker():
    sentence = "We will build 400 schools and hire 2,000 teachers before the next election. "
    body = (
        'Governor Eduardo Lima said on Friday: "' + sentence * 6 + '"\n\n'
        "Unemployment stands at 7 percent."
    )
    names = [name for _, name in resolve_all(body)]
    assert names[:6] == ["Eduardo Lima"] * 6
    assert names[-1] == ""


def test_a_quotation_is_spoken_by_who_the_end_of_it_names():
    opening = "We will build 400 schools and hire 2,000 teachers before the next election. "
    body = '"' + opening * 5 + 'It is the largest plan in 20 years," Governor Eduardo Lima said.'
    assert {name for _, name in resolve_all(body)} == {"Eduardo Lima"}


# --- Measured on real news: a PolNeAR dev sample -----------------------------------------------

POLNEAR_SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "polnear_dev_sample"
# Seven PolNeAR dev articles, one per publisher. Measured with the rules of this module:
# strict 0.65 over 95 queued claims inside a non-pronoun attribution, 0.81 over the 43 whose
# cue is said/told/according to; the rules before news-style attribution reached 0.47 and 0.76
# on the same claims. One claim moves the figures by about one and two points.
MIN_STRICT = 0.57
MIN_STRICT_SAID = 0.77


@pytest.fixture(scope="module")
def polnear_sample_figures():
    from articles.extraction.scorer import load_scorer

    spec = importlib.util.spec_from_file_location(
        "eval_attribution", ROOT / "training" / "eval_attribution.py"
    )
    evaluation = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_attribution", evaluation)
    spec.loader.exec_module(evaluation)
    articles = evaluation.read_split(POLNEAR_SAMPLE)
    report = evaluation.evaluate(articles, load_scorer(), settings.CLAIM_QUEUE_THRESHOLD)
    return {group["group"].strip(): group for group in evaluation.summary(report)["groups"]}


def test_claimants_of_queued_claims_match_polnear_sources(polnear_sample_figures):
    named = polnear_sample_figures["non-pronoun sources (target)"]
    said = polnear_sample_figures["cue said/told/according to"]
    assert named["claims"] >= 60
    assert named["strict"] >= MIN_STRICT
    assert said["strict"] >= MIN_STRICT_SAID
