"""Registering subscribers in the admin, and reading the delivery log there."""

import pytest
from django.utils import timezone

from tests.factories import verdict_published
from webhooks.models import Delivery, Subscriber
from webhooks.services import (
    deliveries_create_for_verdict,
    delivery_claim,
    delivery_record_attempt,
)
from webhooks.transport import PostOutcome

pytestmark = pytest.mark.django_db

ADD = "/admin/webhooks/subscriber/add/"
PUBLIC_URL = "https://93.184.215.14/hooks/factcheck"


def subscriber_form(deliveries: list[Delivery] = (), **fields) -> dict:
    data = {
        "name": "Wire service",
        "url": PUBLIC_URL,
        "secret": "s" * 40,
        "is_active": "on",
        "event_types": ["verdict.published", "verdict.corrected"],
        "deliveries-TOTAL_FORMS": str(len(deliveries)),
        "deliveries-INITIAL_FORMS": str(len(deliveries)),
        "deliveries-MIN_NUM_FORMS": "0",
        "deliveries-MAX_NUM_FORMS": "1000",
    }
    for index, delivery in enumerate(deliveries):
        data[f"deliveries-{index}-id"] = str(delivery.pk)
        data[f"deliveries-{index}-subscriber"] = str(delivery.subscriber_id)
    data.update(fields)
    return data


def url_errors(response) -> list[str]:
    return response.context["adminform"].form.errors.get("url", [])


def delivery_for(
    subscriber: Subscriber, *, author, editor, refused: tuple[int, str] | None = None
) -> Delivery:
    """The delivery to `subscriber` of a verdict published now; with `refused`, after a first
    attempt the receiver answered with that status and error, to be sent again later."""
    verdict = verdict_published(author=author, editor=editor)
    (delivery,) = deliveries_create_for_verdict(verdict_id=verdict.pk)
    if refused:
        status_code, error = refused
        outcome = PostOutcome(
            started_at=timezone.now(),
            duration_ms=42,
            status_code=status_code,
            error_kind="http_error",
            error=error,
            retryable=True,
        )
        delivery = delivery_record_attempt(
            delivery=delivery_claim(delivery_id=delivery.pk), outcome=outcome
        )
    return delivery


def test_a_public_url_is_saved_with_the_generated_secret(admin_client):
    page = admin_client.get(ADD)
    generated = page.context["adminform"].form["secret"].value()

    response = admin_client.post(ADD, subscriber_form(secret=generated))

    assert response.status_code == 302, url_errors(response)
    subscriber = Subscriber.objects.get()
    assert subscriber.url == PUBLIC_URL
    assert subscriber.secret == generated and len(generated) >= 32
    assert subscriber.event_types == ["verdict.published", "verdict.corrected"]


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://10.0.0.1/hook", "10.0.0.1, which is a private network address"),
        ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
        ("http://localhost/hook", "a loopback address"),
        ("https://93.184.215.14:8443/hook", "port 8443 is not one the service connects to"),
    ],
)
def test_a_url_the_fetcher_may_not_reach_is_refused_with_a_clear_message(
    admin_client, url, message
):
    response = admin_client.post(ADD, subscriber_form(url=url))

    assert response.status_code == 200
    [error] = url_errors(response)
    assert message in error
    assert not Subscriber.objects.exists()


def test_a_short_secret_and_no_events_are_refused(admin_client):
    response = admin_client.post(ADD, subscriber_form(secret="short", event_types=[]))

    errors = response.context["adminform"].form.errors
    assert "secret" in errors and "event_types" in errors
    assert not Subscriber.objects.exists()


def test_the_change_page_shows_the_secret_and_recent_deliveries(admin_client, alice, erin):
    subscriber = Subscriber.objects.create(name="Wire service", url=PUBLIC_URL)
    delivery_for(subscriber, author=alice, editor=erin, refused=(503, "The receiver answered 503."))

    response = admin_client.get(f"/admin/webhooks/subscriber/{subscriber.pk}/change/")

    assert response.status_code == 200
    content = response.content.decode()
    assert subscriber.secret in content
    assert "Recent deliveries" in content
    assert "The receiver answered 503." in content


def test_saving_a_subscriber_leaves_its_deliveries_alone(admin_client, alice, erin):
    subscriber = Subscriber.objects.create(name="Wire service", url=PUBLIC_URL)
    delivery = delivery_for(subscriber, author=alice, editor=erin)

    response = admin_client.post(
        f"/admin/webhooks/subscriber/{subscriber.pk}/change/",
        subscriber_form([delivery], name="Wire service (paused)", is_active=""),
    )

    assert response.status_code == 302
    subscriber.refresh_from_db()
    assert subscriber.name == "Wire service (paused)" and not subscriber.is_active
    assert Delivery.objects.get() == delivery


def test_the_list_searches_and_filters(admin_client):
    Subscriber.objects.create(name="Wire service", url=PUBLIC_URL)
    Subscriber.objects.create(name="Old partner", url=PUBLIC_URL, is_active=False)

    response = admin_client.get(
        "/admin/webhooks/subscriber/", {"q": "wire", "is_active__exact": "1"}
    )

    assert response.status_code == 200
    assert [s.name for s in response.context["cl"].result_list] == ["Wire service"]


def test_deliveries_are_read_only_with_their_attempts(admin_client, alice, erin):
    subscriber = Subscriber.objects.create(name="Wire service", url=PUBLIC_URL)
    delivery = delivery_for(
        subscriber,
        author=alice,
        editor=erin,
        refused=(502, "The receiver answered 502 Bad Gateway, a problem on the receiver's side."),
    )

    listing = admin_client.get("/admin/webhooks/delivery/")
    page = admin_client.get(f"/admin/webhooks/delivery/{delivery.pk}/change/")
    add = admin_client.get("/admin/webhooks/delivery/add/")
    edit = admin_client.post(f"/admin/webhooks/delivery/{delivery.pk}/change/", {"state": "failed"})

    assert listing.status_code == 200
    assert page.status_code == 200
    content = page.content.decode()
    assert "502 Bad Gateway" in content
    assert "42" in content
    assert add.status_code == 403
    assert edit.status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == "pending"
