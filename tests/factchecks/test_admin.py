"""The admin: the collection and imports to read, subscriptions to configure, and an import
page (a URL or a file) that goes through the same service as the API and the command."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_upsert
from factchecks.models import FactCheck, FeedSubscription, ImportRun

from .conftest import CLAIMREVIEW, FIXTURES, claimreview

pytestmark = pytest.mark.django_db

IMPORT_PAGE = "/admin/factchecks/importrun/import/"


def upload(path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes())


def test_an_editor_imports_a_file_and_sees_the_report(admin_client):
    response = admin_client.post(
        IMPORT_PAGE,
        {"file": upload(FIXTURES / "clef_2021_2b_vclaims.tsv"), "format": "auto"},
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/factchecks/importrun/{run.pk}/change/"
    page = admin_client.get(response["Location"])
    assert "10 imported, 0 updated, 0 unchanged, 0 skipped" in page.content.decode()
    assert FactCheck.objects.count() == 10


def test_the_add_button_leads_to_the_import_page(admin_client):
    response = admin_client.get("/admin/factchecks/importrun/add/")

    assert response.status_code == 302 and response["Location"] == IMPORT_PAGE
    page = admin_client.get(IMPORT_PAGE)
    assert page.status_code == 200
    assert b'enctype="multipart/form-data"' in page.content


def test_the_import_page_asks_for_a_url_or_a_file(admin_client):
    neither = admin_client.post(IMPORT_PAGE, {"format": "auto"})
    both = admin_client.post(
        IMPORT_PAGE,
        {
            "url": "https://factcheck.example.org/feed.json",
            "file": upload(CLAIMREVIEW / "lupa_pt.json"),
            "format": "auto",
        },
    )

    for response in (neither, both):
        assert response.status_code == 200
        assert "Give a URL or a file, one of the two." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_refused_import_is_shown_as_a_message(admin_client, tmp_path):
    document = tmp_path / "article.json"
    document.write_text(json.dumps({"@type": "NewsArticle"}), encoding="utf-8")

    response = admin_client.post(
        IMPORT_PAGE, {"file": upload(document), "format": "auto"}, follow=True
    )

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Nothing was imported: article.json holds NewsArticle but no ClaimReview. Give "
        "ClaimReview JSON-LD: one ClaimReview, a list of them, an @graph, or a schema.org "
        "DataFeed whose items are ClaimReviews."
    ]
    assert not FactCheck.objects.exists()


def test_staff_who_are_not_editors_may_not_import(client):
    checker, _created = user_upsert(username="carol", role=Role.FACT_CHECKER, password="x" * 20)
    checker.is_staff = True
    checker.save()
    client.force_login(checker)

    response = client.post(
        IMPORT_PAGE, {"file": upload(CLAIMREVIEW / "lupa_pt.json"), "format": "auto"}, follow=True
    )

    assert "Only editors may import fact-checks." in [
        str(message) for message in response.context["messages"]
    ]
    assert not ImportRun.objects.exists()


def test_fact_checks_are_read_only_in_the_admin(admin_client, api_as, erin):
    api_as(erin).post("/api/v1/factchecks/imports/", {"document": claimreview()}, format="json")
    factcheck = FactCheck.objects.get()

    page = admin_client.get(f"/admin/factchecks/factcheck/{factcheck.pk}/change/")

    assert page.status_code == 200
    assert "Raw (as published)" in page.content.decode()
    assert admin_client.get("/admin/factchecks/factcheck/add/").status_code == 403
    assert (
        admin_client.post(f"/admin/factchecks/factcheck/{factcheck.pk}/delete/").status_code == 403
    )


def test_a_subscription_to_a_private_address_is_refused(admin_client, settings):
    settings.FETCH_ALLOWED_NETWORKS = []

    response = admin_client.post(
        "/admin/factchecks/feedsubscription/add/",
        {
            "name": "Intranet",
            "url": "http://127.0.0.1/feed.json",
            "is_active": "on",
            "refresh_every_minutes": "60",
        },
    )

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["url"]
    assert "a loopback address (this machine)" in errors[0]
    assert not FeedSubscription.objects.exists()


def test_a_subscription_is_refreshed_now_from_the_admin(admin_client, local_web):
    local_web.expect_request("/feed.json").respond_with_data(
        json.dumps([claimreview()]), content_type="application/json"
    )
    subscription = FeedSubscription.objects.create(
        name="Example", url=local_web.url_for("/feed.json")
    )

    response = admin_client.post(
        "/admin/factchecks/feedsubscription/",
        {"action": "refresh_now", "_selected_action": [subscription.pk]},
        follow=True,
    )

    (message,) = [str(message) for message in response.context["messages"]]
    assert message.startswith("Example: import #")
    assert message.endswith("1 imported, 0 updated, 0 unchanged, 0 skipped.")
    subscription.refresh_from_db()
    assert subscription.last_outcome == "succeeded"
    assert FactCheck.objects.get().subscription == subscription


def test_the_admin_refuses_what_the_subscription_api_refuses_beside_the_field(
    admin_client, local_web
):
    taken = FeedSubscription.objects.create(name="Taken", url=local_web.url_for("/feed.json"))
    form = {"name": "Example", "is_active": "on", "publisher_name": ""}

    too_rare = admin_client.post(
        "/admin/factchecks/feedsubscription/add/",
        {**form, "url": local_web.url_for("/other.json"), "refresh_every_minutes": "50000"},
    )
    twice = admin_client.post(
        "/admin/factchecks/feedsubscription/add/",
        {**form, "url": taken.url, "refresh_every_minutes": "60"},
    )

    assert too_rare.status_code == 200
    assert (
        "5 to 43,200 minutes"
        in too_rare.context["adminform"].form.errors["refresh_every_minutes"][0]
    )
    assert twice.status_code == 200
    assert "is subscribed already" in twice.context["adminform"].form.errors["url"][0]
    assert list(FeedSubscription.objects.values_list("name", flat=True)) == ["Taken"]


def test_a_subscription_added_and_changed_in_the_admin_goes_through_the_services(
    admin_client, local_web
):
    added = admin_client.post(
        "/admin/factchecks/feedsubscription/add/",
        {
            "name": "Example",
            "url": local_web.url_for("/feed.json"),
            "is_active": "on",
            "refresh_every_minutes": "60",
        },
    )
    assert added.status_code == 302
    subscription = FeedSubscription.objects.get()
    assert subscription.name == "Example"
    FeedSubscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=3, next_refresh_at=timezone.now()
    )

    changed = admin_client.post(
        f"/admin/factchecks/feedsubscription/{subscription.pk}/change/",
        {
            "name": "Example",
            "url": local_web.url_for("/other.json"),
            "is_active": "on",
            "refresh_every_minutes": "60",
        },
    )

    assert changed.status_code == 302
    subscription.refresh_from_db()
    # A new URL is a new feed: read at the next sweep, its failures from none.
    assert subscription.url.endswith("/other.json")
    assert subscription.consecutive_failures == 0
    assert subscription.next_refresh_at is None
