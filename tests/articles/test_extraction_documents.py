"""Normalised documents from text, Markdown and HTML: body, metadata, cited links, boilerplate."""

# News text uses typographic quotes and apostrophes, so this file must too.
# ruff: noqa: RUF001

import datetime
import unicodedata
from pathlib import Path

import pytest

from articles.extraction.documents import (
    NoMainTextError,
    detect_format,
    document_from_content,
    document_from_html,
    document_from_markdown,
    document_from_text,
    parse_date,
)

ARTICLES = Path(__file__).resolve().parent.parent / "fixtures" / "articles"
EXAMPLE = ARTICLES / "global-research-2015-10-09-russia-syria-offensive.md"


@pytest.fixture(scope="module")
def example():
    return document_from_markdown(EXAMPLE.read_text(encoding="utf-8"))


def test_example_header_becomes_metadata_not_body(example):
    assert example.title.startswith("Russia and Syria on the Offensive Against ISIS.")
    assert example.byline == "Stephen Lendman"
    assert example.publisher == "Global Research"
    assert example.published == datetime.date(2015, 10, 9)
    assert example.language == "en"
    for header_line in ("By Stephen Lendman", "Global Research, October 09", "Region:", "Theme:"):
        assert header_line not in example.body
    assert "In-depth Report" not in example.body


def test_example_body_starts_with_the_standfirst_and_ends_with_the_last_paragraph(example):
    assert example.body.startswith("Russian air power together with Syrian ground forces")
    assert example.body.endswith(
        "Defeating ISIS and other terrorist groups in Syria and Iraq takes on greater importance."
    )


@pytest.mark.parametrize(
    "boilerplate",
    [
        "lives in Chicago",
        "His new book",
        "Visit his blog site",
        "The original source of this article is Global Research",
        "Copyright",
        "Become a Member",
        "Comment on Global Research Articles",
        "Disclaimer",
        "fair use",
        "lendmanstephen@sbcglobal.net",
    ],
)
def test_example_author_bio_and_footer_are_stripped(example, boilerplate):
    assert boilerplate not in example.body


def test_example_keeps_the_sentence_broken_by_a_blank_line_as_written(example):
    assert "Russia's aerospace\n\nforces against the IS positions" in example.body


def test_body_is_normalised():
    document = document_from_text(
        "Cafe\u0301 prices  rose\u00a0 5%\r\nlast year,\tofficials said.\r\n\r\n\r\n"
        "Second   paragraph\u200b here, with enough words to count as prose."
    )
    assert unicodedata.is_normalized("NFC", document.body)
    assert document.body == (
        "Café prices rose 5% last year, officials said.\n\n"
        "Second paragraph here, with enough words to count as prose."
    )


def test_text_title_is_a_short_first_line_without_closing_punctuation():
    document = document_from_text(
        "Council approves budget\n\nBy Jane Doe\n\n"
        "The council approved a budget of £12 million on Tuesday, its leader said."
    )
    assert document.title == "Council approves budget"
    assert document.byline == "Jane Doe"
    assert document.body == (
        "The council approved a budget of £12 million on Tuesday, its leader said."
    )


def test_text_without_blank_lines_has_one_paragraph_per_line():
    document = document_from_text("First line is a sentence.\nSecond line is another one.")
    assert document.body == "First line is a sentence.\n\nSecond line is another one."


def test_markdown_links_become_cited_links_at_their_anchor_text():
    document = document_from_markdown(
        "# Title\n\nThe [ministry said](https://gov.example/report) that 40 people died, "
        "citing a [hospital](#) and a [*second* source](http://news.example/a).\n\n"
        "Write to [the editor](mailto:editor@news.example) or read [more](/relative)."
    )
    assert [(link.url, link.anchor_text) for link in document.links] == [
        ("https://gov.example/report", "ministry said"),
        ("http://news.example/a", "second source"),
    ]
    for link in document.links:
        assert document.body[link.position : link.position + len(link.anchor_text)] == (
            link.anchor_text
        )
    assert "](" not in document.body and "*" not in document.body


def test_markdown_tables_and_code_are_left_out():
    document = document_from_markdown(
        "Unemployment rose to 4.4% in May, the statistics office said on Tuesday.\n\n"
        "| Measure | Latest |\n|---|---|\n| Rate | 4.4% |\n\n```\nprint('x')\n```\n"
    )
    assert document.body == (
        "Unemployment rose to 4.4% in May, the statistics office said on Tuesday."
    )


def test_html_page_keeps_the_article_and_drops_navigation_and_footer():
    html = (ARTICLES / "html-council-bridge.html").read_text(encoding="utf-8")
    document = document_from_html(html, url="https://www.millbrookcourier.example/x")
    assert document.title == "Council votes to close Elm Street bridge to cars for two years"
    assert document.byline == "Sarah Whitcombe"
    assert document.publisher == "Millbrook Courier"
    assert document.published == datetime.date(2024, 2, 7)
    assert document.language == "en-GB"  # as the page declares it
    assert document.canonical_url.endswith("/news/2024/02/07/elm-street-bridge-closure")
    assert document.body.startswith("Millbrook's Elm Street bridge will close")
    for furniture in ("Most read", "cookies", "Share", "Join the conversation", "© 2024"):
        assert furniture not in document.body
    (link,) = document.links
    assert link.anchor_text == "2023 inspection report"
    assert link.url.endswith("elm-street-bridge-inspection-2023.pdf")
    assert document.body[link.position :].startswith("2023 inspection report")


def test_html_with_only_navigation_raises_a_clear_error():
    html = (
        "<html><body><nav><ul><li><a href='/'>Home</a></li><li><a href='/news'>News</a></li>"
        "</ul></nav><footer>© 2024 Example Ltd</footer></body></html>"
    )
    with pytest.raises(NoMainTextError, match="No article text found"):
        document_from_html(html)


def test_empty_text_raises_the_same_error():
    with pytest.raises(NoMainTextError):
        document_from_text("   \n\n  ")


def test_press_release_stops_at_its_about_section():
    path = ARTICLES / "press-release-northwind-rail.md"
    document = document_from_content(path.read_text(encoding="utf-8"), filename=path.name)
    assert "About Northwind Rail" not in document.body
    assert "21,000 people" not in document.body
    assert "Media contact" not in document.body
    assert document.body.endswith("investor relations website.")


def test_wire_credit_line_and_column_prompts_are_stripped():
    wire = ARTICLES / "wire-floods-santa-aurora.txt"
    column = ARTICLES / "opinion-housing-column.txt"
    wire_body = document_from_content(wire.read_text(encoding="utf-8"), filename=wire.name).body
    column_body = document_from_content(
        column.read_text(encoding="utf-8"), filename=column.name
    ).body
    assert "Reporting by" not in wire_body
    assert "Marcus Hale is a contributing writer" not in column_body
    assert "Share this article" not in column_body
    assert "Comments are moderated" not in column_body


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        ("anything", "a.HTML", "html"),
        ("anything", "a.md", "markdown"),
        ("# Looks like Markdown", "a.txt", "text"),
        ("<!DOCTYPE html><html><body><p>x</p></body></html>", "", "html"),
        ("See [the report](https://x.example).", "", "markdown"),
        ("Just words on a line.", "", "text"),
    ],
)
def test_format_is_detected_from_extension_then_content(content, filename, expected):
    assert detect_format(content, filename) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Global Research, October 09, 2015", datetime.date(2015, 10, 9)),
        ("Published 9 Oct 2015", datetime.date(2015, 10, 9)),
        ("2024-02-07T18:30:00", datetime.date(2024, 2, 7)),
        ("February 30, 2024", None),
        ("no date here", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


# --- Noise: prompts, embedded posts, credits and captions --------------------------------------

STORY = (
    "Russian warplanes struck 40 targets in Syria over the past day, the Defense Ministry said "
    "on Thursday, in the most intense day of bombing since the campaign began.\n\n"
    "Western officials disputed the account, saying most of the strikes had hit opposition "
    "groups rather than the Islamic State."
)


@pytest.mark.parametrize(
    "noise",
    [
        # Contact, tip lines and social prompts.
        "Email any tips about the investigation to scoops@news.example.",
        "Follow Neil MacFarquhar @NeilMacFarquhar on Twitter.",
        "Follow Pam Key on Twitter @pamkeyNEN.",
        "Have a tip? Send it to tips@news.example or call us on 0800 555 0100.",
        "You can reach the reporter at jdoe@news.example or on Twitter at @jdoe.",
        "Like us on Facebook and follow us on Instagram for more stories like this.",
        # Newsletter sign-ups.
        "For more, sign up for the What’s Working newsletter.",
        "Want to receive this in your inbox? Sign up by entering your email and clicking the "
        '"subscribe" button:',
        "Sign up to get an email from reporter Ryan Grim when he publishes a new story.",
        "Get the Morning Briefing delivered to your inbox every weekday.",
        # Embedded posts, as their markup or as the text a scraper leaves of them.
        "Wearing “Make Mexico Great Again Also” hats at Trump’s AZ rally. "
        "pic.twitter.com/mzvFqiR3zt\n— C-SPAN (@cspan) September 1, 2016",
        # A post's own text in a paragraph of its own, above its signature.
        "We just opened our 40th field office in Ohio. Come say hi!\n\n"
        "— Hillary Clinton (@HillaryClinton) March 3, 2016",
        '<blockquote class="twitter-tweet"><p lang="en">Crowd in Hialeah going wild for '
        "@marcorubio as he arrives! pic.twitter.com/OBEB0X7RKD</p>&mdash; Rubio (@marcorubio) "
        '<a href="https://twitter.com/marcorubio/status/1">March 9, 2016</a></blockquote>',
        '<tweet pic="pic.twitter.com/" author="carlquintanilla">The blue arrow is Warren.'
        "$WFC(via @JohnMelloy) PfASkm7vah</tweet>.",
        "A post shared by Donald J. Trump (@realdonaldtrump) on Mar 3, 2016 at 9:14am PST",
        # Photo credits and captions.
        "Photo: Alexander Kots/Associated Press",
        "A Syrian soldier stands guard at a checkpoint in Aleppo on Thursday. "
        "(AP Photo/Hassan Ammar)",
        "Scott Olson via Getty Images.",
        "John Moore/Getty Images.",
        "FILE PHOTO: Wells Fargo CEO John Stumpf testifies before the Senate Banking Committee "
        "in Washington, September 20, 2016. REUTERS/Gary Cameron/File Photo",
        "Credit: Doug Mills/The New York Times",
        "Image copyright Getty Images",
    ],
)
def test_prompts_embedded_posts_and_photo_credits_never_reach_the_body(noise):
    first, second = STORY.split("\n\n")
    document = document_from_text(f"{first}\n\n{noise}\n\n{second}")
    assert document.body == STORY


def test_embedded_post_markup_in_markdown_is_left_out():
    tweet = (
        '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">64 sorties flown in the last '
        "day, 40 targets hit. pic.twitter.com/AbCdEf123</p>&mdash; Neil MacFarquhar "
        '(@NeilMacFarquhar) <a href="https://twitter.com/x/status/1">March 3, 2016</a>'
        "</blockquote>"
    )
    first, second = STORY.split("\n\n")
    document = document_from_markdown(f"{first}\n\n{tweet}\n\n{second}")
    assert document.body == STORY


@pytest.mark.parametrize(
    "sentence",
    [
        "Sanders said on Twitter on Thursday that the comment was inappropriate and insensitive.",
        "At Boca West, where it costs new members $70,000 to sign up, the club's president "
        "suggested a compromise.",
        "The photo, taken by an Associated Press photographer, showed 40 people on the pier.",
        "Trump has posted more than 5,000 times since June, mostly on Twitter, according to "
        "CrowdTangle.",
        "The newsletter, which has 40,000 subscribers, said the company had been fined twice.",
        "Share prices fell 5% after the company said on Twitter that it would cut 300 jobs.",
        "Like many on Twitter, the senator mocked the plan as a giveaway to donors.",
        "Clinton leads Trump by 5 points among likely voters, according to a Reuters/Ipsos poll.",
        "Email records show the aide wrote to press@campaign.example twice that week.",
    ],
)
def test_reporting_about_social_media_and_photos_stays_in_the_body(sentence):
    first, second = STORY.split("\n\n")
    document = document_from_text(f"{first}\n\n{sentence}\n\n{second}")
    assert sentence in document.body


@pytest.fixture(scope="module")
def warren_page():
    html = (ARTICLES / "html-huffpost-2016-09-20-warren-wells-fargo.html").read_text("utf-8")
    return document_from_html(html, url="https://www.huffingtonpost.example/entry/warren")


def test_html_page_drops_embedded_tweet_credits_and_prompts(warren_page):
    body = warren_page.body
    for noise in (
        "The blue arrow is Warren",
        "pic.twitter.com",
        "@carlquintanilla",
        "Getty Images",
        "during a Senate Banking Committee hearing on Tuesday",  # the caption
        "newsletter",
        "Follow HuffPost Business",
        "Have a tip",
        "This post has been updated",
    ):
        assert noise not in body
    assert body.startswith("Massachusetts Sen. Elizabeth Warren grilled Wells Fargo CEO")
    assert body.endswith("“If any bank can’t be managed effectively, it should be broken up.”")


def test_html_page_metadata_comes_from_the_page_head_and_byline(warren_page):
    assert warren_page.title.startswith("Elizabeth Warren Hammers Wells Fargo CEO")
    assert warren_page.byline == "Emily Peck"
    assert warren_page.publisher == "HuffPost"
    assert warren_page.published == datetime.date(2016, 9, 20)
    assert warren_page.title not in warren_page.body


# --- Headings never run into the text ---------------------------------------------------------


def test_text_title_directly_above_the_first_paragraph_is_the_title():
    document = document_from_text(
        "Russia Says Its Jets Hit 40 Targets in Syria\n"
        "MOSCOW — Russian warplanes struck 40 targets in Syria over the past day, the Defense\n"
        "Ministry said on Thursday.\n\n"
        "Western officials disputed the account, saying most strikes hit opposition groups."
    )
    assert document.title == "Russia Says Its Jets Hit 40 Targets in Syria"
    assert document.body.startswith("MOSCOW — Russian warplanes struck 40 targets")
    assert "the Defense Ministry said on Thursday." in document.body


def test_text_title_in_title_case_is_the_title_even_with_a_full_stop():
    path = ARTICLES / "breitbart-2016-09-29-politifact-chicago-shootings.txt"
    document = document_from_text(path.read_text(encoding="utf-8"))
    assert document.title.startswith("Politifact: Donald Trump Is Right")
    assert document.body.startswith("Following Monday’s presidential debate Politifact")
    sentence_case = "The council approved a budget of £12 million on Tuesday.\n\n" + STORY
    assert document_from_text(sentence_case).body == sentence_case


def test_text_subheading_directly_above_a_paragraph_is_a_block_of_its_own():
    document = document_from_text(
        "The council approved a budget of £12 million on Tuesday, its leader said.\n\n"
        "What happens next\n"
        "Work on the bridge starts in April and will take two years, the council said."
    )
    assert document.body.split("\n\n") == [
        "The council approved a budget of £12 million on Tuesday, its leader said.",
        "What happens next",
        "Work on the bridge starts in April and will take two years, the council said.",
    ]


def test_html_headline_never_reaches_the_body_even_when_the_page_title_differs():
    html = (
        "<html><head><title>Jets hit 40 targets - World News</title>"
        "<meta property='og:title' content='Jets hit 40 targets'></head><body><article>"
        "<h1>Russia says its jets hit 40 targets in Syria</h1>"
        "<p>Russian warplanes struck 40 targets in Syria over the past day, the Defense "
        "Ministry said on Thursday.</p><p>Western officials disputed the account, saying most "
        "strikes hit opposition groups rather than the Islamic State.</p></article></body></html>"
    )
    document = document_from_html(html)
    assert "Russia says its jets" not in document.body
    assert document.body.startswith("Russian warplanes struck 40 targets")


def test_html_text_written_straight_after_a_headline_is_kept_apart_from_it():
    html = (
        "<html><head><title>Jets</title></head><body><div class='article'>"
        "<h1>Russia says its jets hit 40 targets in Syria</h1>"
        "Russian warplanes struck 40 targets in Syria over the past day, the Defense Ministry "
        "said on Thursday.<br><br>Western officials disputed the account, saying most strikes "
        "hit opposition groups rather than the Islamic State.</div></body></html>"
    )
    document = document_from_html(html)
    assert document.title == "Russia says its jets hit 40 targets in Syria"
    assert document.body.startswith("Russian warplanes struck 40 targets in Syria")
    assert "the Islamic State." in document.body


# --- A published date comes from metadata only --------------------------------------------------

_UNDATED_PAGE = (
    "<html><head><title>Bridge repairs to start</title>{head}</head><body><article>"
    "<h1>Bridge repairs to start</h1>{byline}"
    "<p>The bridge was inspected in 2023 and engineers found corrosion in 11 of its 16 girders, "
    "the council said on Tuesday, March 5, 2024.</p>"
    "<p>Repairs will cost £14 million, according to the council report published this week."
    "</p></article></body></html>"
)


def test_html_date_is_never_guessed_from_the_body():
    document = document_from_html(_UNDATED_PAGE.format(head="", byline=""))
    assert document.published is None


@pytest.mark.parametrize(
    ("head", "byline", "expected"),
    [
        (
            '<meta property="article:published_time" content="2024-03-06T08:00:00Z">',
            "",
            datetime.date(2024, 3, 6),
        ),
        (
            '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": '
            '[{"@type": "NewsArticle", "headline": "Bridge", "datePublished": "2024-03-07"}]}'
            "</script>",
            "",
            datetime.date(2024, 3, 7),
        ),
        (
            "",
            '<p class="byline">By Jane Doe <time datetime="2024-03-08T09:00">8 March</time></p>',
            datetime.date(2024, 3, 8),
        ),
    ],
    ids=["meta tag", "JSON-LD", "byline time"],
)
def test_html_date_comes_from_meta_tags_json_ld_or_the_byline(head, byline, expected):
    document = document_from_html(_UNDATED_PAGE.format(head=head, byline=byline))
    assert document.published == expected


def test_text_date_comes_from_a_header_line_never_from_the_body():
    text = (
        "Bridge repairs to start\n\n"
        "The bridge was inspected on March 3, 2023 and engineers found corrosion in 11 of its "
        "16 girders, the council said.\n\n"
        "Repairs will cost £14 million, according to the council report published in 2024."
    )
    assert document_from_text(text).published is None
    dated = text.replace("\n\n", "\n\nPublished March 5, 2024\n\n", 1)
    assert document_from_text(dated).published == datetime.date(2024, 3, 5)


def test_front_matter_gives_title_author_and_date_and_stays_out_of_the_body():
    markdown = (
        "---\ntitle: Bridge repairs to start\nauthor: Jane Doe\ndate: 2024-03-05\n---\n\n"
        "The bridge was inspected in 2023 and engineers found corrosion in 11 of its 16 "
        "girders, the council said on Tuesday."
    )
    for document in (document_from_markdown(markdown), document_from_text(markdown)):
        assert (document.title, document.byline) == ("Bridge repairs to start", "Jane Doe")
        assert document.published == datetime.date(2024, 3, 5)
        assert document.body.startswith("The bridge was inspected in 2023")
