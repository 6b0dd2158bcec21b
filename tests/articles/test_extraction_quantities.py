"""Quantities in sentences: value, unit, comparator, approximation and exact offsets."""

import pytest

from articles.extraction.quantities import find_quantities


def single(text: str) -> dict:
    (quantity,) = find_quantities(text)
    return {
        "text": quantity.text,
        "value": quantity.value,
        "unit": quantity.unit,
        "comparator": quantity.comparator,
        "approximate": quantity.approximate,
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Greater than 90% of the strikes",
            {"text": "Greater than 90%", "value": 90, "unit": "percent", "comparator": ">",
             "approximate": False},
        ),
        (
            "around 3,500 militants in Afghanistan",
            {"text": "around 3,500 militants", "value": 3500, "unit": "militants",
             "comparator": "=", "approximate": True},
        ),
        (
            "belonging to over 4,000 militant groups",
            {"text": "over 4,000 militant groups", "value": 4000, "unit": "militant groups",
             "comparator": ">", "approximate": False},
        ),
        (
            "more than 60 strikes hit the city",
            {"text": "more than 60 strikes", "value": 60, "unit": "strikes", "comparator": ">",
             "approximate": False},
        ),
        (
            "2.5 million people fled",
            {"text": "2.5 million people", "value": 2_500_000, "unit": "people",
             "comparator": "=", "approximate": False},
        ),
        (
            "operations killed hundreds of terrorists",
            {"text": "hundreds of terrorists", "value": 200, "unit": "terrorists",
             "comparator": ">=", "approximate": True},
        ),
        (
            "dozens of villages were flooded",
            {"text": "dozens of villages", "value": 24, "unit": "villages", "comparator": ">=",
             "approximate": True},
        ),
        (
            "a budget of €2.31 billion",
            {"text": "€2.31 billion", "value": 2_310_000_000, "unit": "EUR", "comparator": "=",
             "approximate": False},
        ),
        (
            "slowed to 5.7 per cent",
            {"text": "5.7 per cent", "value": 5.7, "unit": "percent", "comparator": "=",
             "approximate": False},
        ),
        (
            "up to 15 minutes",
            {"text": "up to 15 minutes", "value": 15, "unit": "minutes", "comparator": "<=",
             "approximate": False},
        ),
        (
            "at least 43 people",
            {"text": "at least 43 people", "value": 43, "unit": "people", "comparator": ">=",
             "approximate": False},
        ),
        (
            "About a third of the patients",
            {"text": "About a third", "value": 0.3333, "unit": "share", "comparator": "=",
             "approximate": True},
        ),
        (
            "nearly two million people",
            {"text": "nearly two million people", "value": 2_000_000, "unit": "people",
             "comparator": "<", "approximate": True},
        ),
    ],
)  # fmt: skip
def test_quantity(text, expected):
    assert single(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "since Obama launched proxy war in March 2011",
        "in the 1960s and early 70s",
        "live on Sundays at 1PM Central time",
        "Global Research, October 09, 2015",
        "work starts on 2 April",
        "F-16 jets and COVID-19 cases",
        "It is No. 5 on the list and Resolution 2254 says so",
        "in the first half of the year",
        "the two countries",
    ],
)
def test_years_dates_times_and_labels_are_not_quantities(text):
    assert find_quantities(text) == []


def test_offsets_point_into_the_body():
    body = "Intro. Gerasimov estimates around 50,000 fighters and over 4,000 militant groups."
    offset = body.index("Gerasimov")
    quantities = find_quantities(body[offset:], offset=offset)
    assert [body[q.start : q.end] for q in quantities] == [
        "around 50,000 fighters",
        "over 4,000 militant groups",
    ]
    assert quantities[0].as_dict()["start"] == quantities[0].start
