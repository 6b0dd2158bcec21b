"""Normalised documents from text, Markdown and HTML: body, metadata, cited links, boilerplate."""

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
    assert document.language == "en"
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
