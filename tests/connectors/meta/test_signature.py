"""X-Hub-Signature-256 and the subscription handshake."""

import pytest

from relais.connectors.meta.signature import (
    HandshakeRefused,
    SignatureMismatch,
    check_handshake,
    sign,
    verify_signature,
)

SECRET = "app-secret"
BODY = b'{"object":"page","entry":[]}'


def test_signature_made_with_the_app_secret_verifies():
    verify_signature(SECRET, BODY, sign(SECRET, BODY))


def test_signature_is_hmac_sha256_of_the_raw_body_in_lowercase_hex():
    # Reference value computed independently with `openssl dgst -sha256 -hmac`.
    assert sign("secret", b"hello") == (
        "sha256=88aab3ede8d3adf94d26ab90d3bafd4a2083070c3bcce9c014ee04a443847c0b"
    )


def test_uppercase_hex_digest_is_accepted():
    signature = sign(SECRET, BODY)
    verify_signature(SECRET, BODY, "sha256=" + signature[7:].upper())


@pytest.mark.parametrize(
    "signature",
    [
        None,
        "",
        sign("other-secret", BODY),
        sign(SECRET, BODY + b" "),
        sign(SECRET, BODY).replace("sha256=", "sha1="),
        "sha256=",
        "sha256=zz",
    ],
)
def test_missing_or_wrong_signature_is_refused(signature):
    with pytest.raises(SignatureMismatch):
        verify_signature(SECRET, BODY, signature)


def test_an_inbox_without_app_secret_refuses_everything():
    with pytest.raises(SignatureMismatch):
        verify_signature("", BODY, sign("", BODY))


def test_handshake_echoes_the_challenge_for_our_token():
    params = {"hub.mode": "subscribe", "hub.verify_token": "tok-123", "hub.challenge": "1158201444"}
    assert check_handshake(params, "tok-123") == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": "tok-123", "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.verify_token": "tok-123"},
        {},
    ],
)
def test_handshake_with_wrong_token_mode_or_no_challenge_is_refused(params):
    with pytest.raises(HandshakeRefused):
        check_handshake(params, "tok-123")


def test_handshake_is_refused_when_the_inbox_has_no_token():
    with pytest.raises(HandshakeRefused):
        check_handshake({"hub.mode": "subscribe", "hub.verify_token": "", "hub.challenge": "1"}, "")
