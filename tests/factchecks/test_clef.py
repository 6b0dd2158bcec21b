"""The CLEF claim-matching collections (vclaims.tsv) through `manage.py import_factchecks`:
columns read by name, ratings mapped, re-imports that add nothing, and broken rows skipped
alone with their reason."""

import pytest

from factchecks.models import FactCheck

from .conftest import FIXTURES, run_failing_import, run_import

pytestmark = pytest.mark.django_db

POLITIFACT = str(FIXTURES / "clef_2021_2b_vclaims.tsv")
SNOPES_2021 = str(FIXTURES / "clef_2021_2a_vclaims.tsv")
SNOPES_2020 = str(FIXTURES / "clef_2020_vclaims.tsv")


def test_a_politifact_collection_imports_claims_speakers_ratings_dates_and_urls(factchecks_of):
    out, err = run_import(POLITIFACT)

    assert "10 imported, 0 updated, 0 unchanged, 0 skipped (of 10 items" in out
    assert "10/10" in err  # the progress bar
    item = next(i for i in factchecks_of(page_size=50) if i["external_id"] == "vclaim-pol-00001")
    assert item["publisher"] == {
        "id": item["publisher"]["id"],
        "name": "PolitiFact",
        "site": "politifact.com",
    }
    assert item["claim_text"].startswith('"Over the last two years, the number of murders')
    assert item["headline"] == "Trump ‘dead wrong’ about the change in murders in Chicago"  # noqa: RUF001
    assert item["claimant"] == "Donald Trump"
    assert item["claim_date"] == "2019-10-28"  # "stated on October 28, 2019 in a speech:"
    assert item["review_date"] == "2019-10-29"  # from the review's URL
    assert item["review_url"] == (
        "https://www.politifact.com/factchecks/2019/oct/29/donald-trump/"
        "trump-dead-wrong-about-change-murders-chicago/"
    )
    assert item["rating"]["text"] == "pants-fire"
    assert item["rating"]["canonical"] == "false"
    assert item["language"] == "en"
    assert item["source"] == "upload"


def test_every_truth_label_of_the_politifact_collection_is_mapped(factchecks_of):
    run_import(POLITIFACT)

    ratings = {i["rating"]["text"]: i["rating"]["canonical"] for i in factchecks_of(page_size=50)}

    assert ratings == {
        "true": "true",
        "mostly-true": "mostly_true",
        "half-true": "mixed",
        "barely-true": "mostly_false",
        "false": "false",
        "pants-fire": "false",
        "full-flop": "other",
        "half-flip": "other",
        "no-flip": "other",
    }


def test_snopes_collections_keep_the_id_headline_and_review_date(factchecks_of):
    run_import(SNOPES_2021, SNOPES_2020)

    items = {i["external_id"]: i for i in factchecks_of(page_size=50)}

    first = items["vclaim-sno-1-mcdonald39s-any-size-fries"]
    assert first["publisher"]["name"] == "Snopes"
    assert first["claim_text"] == (
        "McDonald’s restaurants are offering $1 Any Size Fries between May 18 and 31."  # noqa: RUF001
    )
    assert first["headline"] == "$1 McDonald's Any Size Fries"
    assert first["review_date"] == "2015-05-26"  # "26 May 2015"
    assert first["rating"]["canonical"] == ""  # the collection gives no rating
    assert first["review_url"] == ""
    assert items["0"]["publisher"]["name"] == "Snopes"  # the 2020 collection, numbered only
    assert len(items) == 10


def test_importing_a_collection_again_adds_nothing_and_updates_what_changed(tmp_path):
    run_import(POLITIFACT)
    lines = (FIXTURES / "clef_2021_2b_vclaims.tsv").read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("\tfalse\t", "\tpants-fire\t")
    changed = tmp_path / "vclaims.tsv"
    changed.write_text("\n".join(lines) + "\n", encoding="utf-8")

    out, _err = run_import(str(changed))

    assert "0 imported, 1 updated, 9 unchanged, 0 skipped" in out
    assert FactCheck.objects.count() == 10
    assert FactCheck.objects.get(external_id="vclaim-pol-00000").rating_text == "pants-fire"


def test_a_broken_row_is_skipped_with_its_reason_and_the_others_imported(tmp_path):
    text = (FIXTURES / "clef_2021_2b_vclaims.tsv").read_text(encoding="utf-8")
    broken = tmp_path / "vclaims.tsv"
    broken.write_text(
        text
        + "vclaim-pol-99998\tonly three\tfields\n"
        + "vclaim-pol-99999\t \tNo claim here\tSomeone\tfalse\tstated on May 1, 2020:\t/x/\n",
        encoding="utf-8",
    )

    out, _err = run_import(str(broken))

    assert "10 imported, 0 updated, 0 unchanged, 2 skipped (of 12 items" in out
    assert "skipped item 12: Line 12 has 3 tab-separated fields where the header has 7." in out
    assert "skipped item 13: Line 13 (vclaim-pol-99999) has no claim (vclaim)." in out
    assert not FactCheck.objects.filter(external_id__in=["vclaim-pol-99998", "vclaim-pol-99999"])


def test_a_collection_naming_no_publisher_needs_one(tmp_path, factchecks_of):
    unnamed = tmp_path / "claims.tsv"
    unnamed.write_text(
        "vclaim_id\tvclaim\ttitle\tdate\n7\tThe moon is made of cheese.\tCheese moon\t2020-01-02\n",
        encoding="utf-8",
    )

    refused = run_failing_import(str(unnamed))
    out, _err = run_import(str(unnamed), "--publisher", "Cheese Checkers", "--language", "en")

    assert "does not say who published it" in refused
    assert "1 imported" in out
    (item,) = factchecks_of()
    assert item["publisher"]["name"] == "Cheese Checkers"
    assert item["language"] == "en"
    assert item["language_detected"] is False


def test_a_file_that_is_not_a_collection_is_refused_saying_what_it_lacks(tmp_path):
    other = tmp_path / "other.tsv"
    other.write_text("id\ttext\n1\tSomething\n", encoding="utf-8")

    err = run_failing_import(str(other), "--format", "clef-tsv")

    assert "not a CLEF claim-matching collection" in err
    assert "missing: vclaim_id, vclaim" in err
    assert FactCheck.objects.count() == 0


def test_a_missing_file_is_reported_and_the_other_inputs_imported(tmp_path):
    err = run_failing_import(str(tmp_path / "missing.tsv"), SNOPES_2020)

    assert "missing.tsv: cannot be read (No such file or directory)" in err
    assert FactCheck.objects.count() == 5
