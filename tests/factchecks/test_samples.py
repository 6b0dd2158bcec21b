"""The ten real ClaimReview samples (tests/fixtures/claimreview, see SOURCES.json there) import
with the right publisher, claim, rating on our scale and language, whatever wrapper and
quirks each publisher's markup has."""

import pytest

from .conftest import CLAIMREVIEW, run_import

pytestmark = pytest.mark.django_db

SAMPLES = [
    # file, publisher, start of the claim, canonical rating, language
    (
        "afp_factcheck_en.json",  # inside an @graph; "2020-06-24 00:03"
        "AFP Fact Check",
        "The US Centers for Disease Control and Prevention lied",
        "false",
        "en",
    ),
    (
        "africacheck_en_2020.json",  # the writer named as author, a 6-point scale
        "Africa Check",
        "Interferon alpha-2b a Covid-19",
        "false",
        "en",
    ),
    (
        "africacheck_en_2020_ramaphosa.json",  # "Incorrect \r", numbers as numbers
        "Africa Check",
        "As many as “51% of South African women",
        "false",
        "en",
    ),
    (
        "boomlive_en.json",  # "False" as 1 of 5 with no worstRating; a person as author
        "BOOM",
        "In Karnataka, teacher is teaching Namaz to Hindu Students",
        "false",
        "en",
    ),
    (
        "datacommons_feeditem_dpa_de.json",  # a Data Commons DataFeedItem; a sentence as rating
        "dpa Faktencheck",
        "Im Netz sorgt ein angebliches Zitat",
        "other",
        "de",
    ),
    (
        "factcheckzw_en.json",  # a top-level list; a sentence as rating; ratingValue ""
        "FactCheckZW",
        "7% don't have T-cells",
        "other",
        "en",
    ),
    (
        "indiatoday_en.json",
        "India Today",
        "Amid “Boycott China” calls",
        "mostly_false",
        "en",
    ),
    (
        "lupa_pt.json",  # @type as a list; "Falso" published as 4 of 6
        "Agência Lupa",
        "“BR 277 Foz do Iguaçu. Mais uma obra de Bolsonaro”",
        "false",
        "pt",
    ),
    (
        "tfc_taiwan_zh.json",  # no ratingValue; a Chinese label
        "Taiwan FactCheck Center",
        "網傳影片稱「緬甸水庫潰堤，全村死了」？",  # noqa: RUF001
        "false",
        "zh",
    ),
    (
        "vishvasnews_hi.json",  # "+5:30" offsets
        "Vishvas News",
        "लद्दाख के गलवान घाटी में हुई झड़प का वीडियो",
        "false",
        "hi",
    ),
]


@pytest.mark.parametrize(("name", "publisher", "claim", "rating", "language"), SAMPLES)
def test_each_real_sample_imports_with_its_publisher_claim_rating_and_language(
    name, publisher, claim, rating, language, factchecks_of
):
    out, _err = run_import(str(CLAIMREVIEW / name))

    assert "1 imported, 0 updated, 0 unchanged, 0 skipped" in out
    (item,) = factchecks_of()
    assert item["publisher"]["name"] == publisher
    assert item["claim_text"].startswith(claim)
    assert item["rating"]["canonical"] == rating
    assert item["language"] == language
    assert item["review_url"].startswith("https://")
    assert item["review_date"] is not None


def test_the_published_rating_is_kept_as_published(factchecks_of):
    run_import(str(CLAIMREVIEW / "lupa_pt.json"))

    (item,) = factchecks_of()

    assert item["rating"] == {
        "canonical": "false",
        "text": "Falso",
        "value": "4",
        "best": "6",
        "worst": "",
        "conflict": False,
        "note": 'Read from the text "Falso".',
    }


def test_a_sentence_as_rating_counts_as_other_and_keeps_its_text(factchecks_of):
    run_import(str(CLAIMREVIEW / "datacommons_feeditem_dpa_de.json"))

    (item,) = factchecks_of()

    assert item["rating"]["canonical"] == "other"
    assert item["rating"]["text"].startswith("Reker hat diesen Satz nie gesagt.")


def test_dates_are_read_leniently_as_the_publisher_wrote_them(api_as, newsbot):
    run_import(str(CLAIMREVIEW / "afp_factcheck_en.json"))
    run_import(str(CLAIMREVIEW / "vishvasnews_hi.json"))

    items = {
        i["publisher"]["name"]: i
        for i in api_as(newsbot).get("/api/v1/factchecks/").json()["results"]
    }

    assert items["AFP Fact Check"]["review_date"] == "2020-06-24"  # "2020-06-24 00:03"
    assert items["AFP Fact Check"]["claim_date"] == "2020-05-14"
    assert items["Vishvas News"]["review_date"] == "2020-06-22"  # "2020-06-22T12:26:08+5:30"


def test_markup_in_published_fields_is_stripped(api_as, newsbot):
    run_import(str(CLAIMREVIEW / "africacheck_en_2020.json"))
    (item,) = api_as(newsbot).get("/api/v1/factchecks/").json()["results"]

    detail = api_as(newsbot).get(f"/api/v1/factchecks/{item['id']}/").json()

    assert item["claimant"] == "Mzwandile Masina, mayor of Ekurhuleni"
    assert "<br />" in detail["raw"]["description"]  # kept as published in the raw JSON


def test_importing_every_sample_twice_adds_nothing_the_second_time(api_as, newsbot):
    paths = sorted(str(path) for path in CLAIMREVIEW.glob("*_*.json"))
    run_import(*paths)

    out, _err = run_import(*paths)

    assert out.count("0 imported, 0 updated, 1 unchanged, 0 skipped") == 10
    assert api_as(newsbot).get("/api/v1/factchecks/").json()["count"] == 10
