"""How a published rating lands on our scale: the textual rating first, through a
multilingual lexicon and per-publisher overrides; numbers only where the publisher is known
to order them by truth and gives both ends; a disagreement flagged, never guessed away."""

import pytest

from .conftest import IMPORTS, claimreview

pytestmark = pytest.mark.django_db


def imported(api_as, erin, review: dict) -> dict:
    """Import `review` as an editor; the fact-check as the API then shows it."""
    response = api_as(erin).post(IMPORTS, {"document": review}, format="json")
    assert response.status_code == 201, response.content
    (item,) = api_as(erin).get("/api/v1/factchecks/").json()["results"]
    return item


@pytest.mark.parametrize(
    ("label", "rating"),
    [
        ("Falso", "false"),
        ("錯誤", "false"),
        ("Pants on Fire", "false"),
        ("Pants on Fire!", "false"),
        ("Mostly False", "mostly_false"),
        ("Fake", "false"),
        ("Misleading", "misleading"),
        ("Half True", "mixed"),
        ("Sátira", "satire"),
        ("Unproven", "unproven"),
        ("Falsch", "false"),
        ("गलत", "false"),
        ("MOSTLY TRUE", "mostly_true"),
        ("  Correct\r\n", "true"),
        ("Engañoso", "misleading"),
        ("Plutôt faux", "mostly_false"),
        ("Fehlender Kontext", "misleading"),
        ("部分錯誤", "mixed"),
        ("False: the photo was taken in 2015, not last week", "false"),
        ("Missing context.", "misleading"),
    ],
)
def test_textual_ratings_in_many_languages_land_on_our_scale(api_as, erin, label, rating):
    item = imported(api_as, erin, claimreview(reviewRating={"alternateName": label}))

    assert item["rating"]["canonical"] == rating
    assert item["rating"]["text"] == label.strip()
    assert item["rating"]["conflict"] is False


def test_a_publisher_override_reads_a_label_its_own_way(api_as, erin):
    # PolitiFact's "Barely True" was its old name for "Mostly False".
    review = claimreview(
        url="https://www.politifact.com/factchecks/2011/jan/05/x/y/",
        reviewRating={"alternateName": "Barely True"},
    )

    item = imported(api_as, erin, review)

    assert item["publisher"]["name"] == "PolitiFact"
    assert item["rating"]["canonical"] == "mostly_false"


def test_the_flip_o_meter_is_not_a_truth_rating(api_as, erin):
    review = claimreview(
        url="https://www.politifact.com/truth-o-meter/statements/2012/x/",
        reviewRating={"alternateName": "Full Flop"},
    )

    assert imported(api_as, erin, review)["rating"]["canonical"] == "other"


def test_numbers_read_only_when_the_publisher_orders_them_by_truth_and_gives_both_ends(
    api_as, erin
):
    # AFP runs 1 (false) to 5 (true): an unknown label is read from the number.
    review = claimreview(
        url="https://factcheck.afp.com/some-review",
        reviewRating={
            "alternateName": "Needs a closer look",
            "ratingValue": "4",
            "bestRating": "5",
            "worstRating": "1",
        },
    )

    item = imported(api_as, erin, review)

    assert item["rating"]["canonical"] == "mostly_true"
    assert "Read from the number" in item["rating"]["note"]


@pytest.mark.parametrize(
    ("rating", "why"),
    [
        # Lupa publishes "Falso" as 4 of 6: the number would say mostly true.
        ({"alternateName": "Falso", "ratingValue": 4, "bestRating": 6}, "Lupa"),
        # BOOM publishes "False" as 1 of 5 with no worst: numbers alone mislead.
        ({"alternateName": "False", "ratingValue": "1", "bestRating": 5}, "no worst"),
    ],
)
def test_text_decides_where_numbers_cannot_be_trusted(api_as, erin, rating, why):
    item = imported(api_as, erin, claimreview(reviewRating=rating))

    assert item["rating"]["canonical"] == "false", why
    assert item["rating"]["conflict"] is False


def test_text_and_number_that_disagree_are_flagged_and_the_text_kept(api_as, erin):
    review = claimreview(
        url="https://factcheck.afp.com/contradiction",
        reviewRating={
            "alternateName": "False",
            "ratingValue": "5",
            "bestRating": "5",
            "worstRating": "1",
        },
    )

    item = imported(api_as, erin, review)

    assert item["rating"]["canonical"] == "false"
    assert item["rating"]["conflict"] is True
    assert (
        "reads as false but the number (5 on 1 (worst) to 5 (best)) as true"
        in (item["rating"]["note"])
    )
    conflicts = api_as(erin).get("/api/v1/factchecks/", {"rating_conflict": "true"}).json()
    assert conflicts["count"] == 1


def test_an_unknown_short_label_keeps_its_text_as_other(api_as, erin):
    item = imported(api_as, erin, claimreview(reviewRating={"alternateName": "Zombie claim"}))

    assert item["rating"]["canonical"] == "other"
    assert "not a rating the lexicon knows" in item["rating"]["note"]


def test_a_review_without_any_rating_is_kept_unrated(api_as, erin):
    review = claimreview()
    del review["reviewRating"]

    item = imported(api_as, erin, review)

    assert item["rating"]["canonical"] == ""


def test_an_unknown_rating_scale_is_refused_with_a_reason_and_nothing_is_written(api_as, erin):
    # Numbers only, from a publisher nobody told us orders its numbers by truth.
    review = claimreview(reviewRating={"ratingValue": "3", "bestRating": "7", "worstRating": "1"})

    response = api_as(erin).post(IMPORTS, {"document": review}, format="json")

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "nothing_imported"
    assert "Unknown rating scale" in error["message"]
    (skipped,) = error["details"]["import"]["skipped_items"]
    assert skipped["position"] == 1
    assert "factchecks/publishers.py" in skipped["reason"]
    assert api_as(erin).get("/api/v1/factchecks/").json()["count"] == 0
