"""The signature a receiver checks."""

import hashlib
import hmac

from webhooks.signing import signature, signature_is_valid

SECRET = "a-shared-secret-of-enough-length"
BODY = b'{"event":"verdict.published"}'


def test_the_signature_is_the_hmac_of_timestamp_dot_body():
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()

    assert signature(secret=SECRET, timestamp=1700000000, body=BODY) == f"sha256={expected}"


def test_a_receiver_accepts_a_fresh_signed_body_only():
    signed = signature(secret=SECRET, timestamp=1700000000, body=BODY)

    def valid(body=BODY, timestamp="1700000000", sig=signed, now=1700000060, secret=SECRET):
        return signature_is_valid(
            secret=secret, body=body, timestamp_header=timestamp, signature_header=sig, now=now
        )

    assert valid()
    assert not valid(body=BODY + b" ")
    assert not valid(timestamp="1700000001")
    assert not valid(secret="another-secret-of-enough-length")
    assert not valid(now=1700000000 + 301)  # a replay after the window
    assert not valid(timestamp=None)
    assert not valid(sig="sha256=" + "0" * 64)
