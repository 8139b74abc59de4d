"""The honeypot and the time trap on plain data; the rate limits (in the database)."""

import pytest

from relais.connectors.models import Inbox
from relais.connectors.webform import spam
from relais.connectors.webform.spam import Verdict

INBOX = Inbox(pk=7, kind="email")
SHOWN = 1_700_000_000.0


def posted(**fields):
    return {"website": "", "form_token": spam.form_token(INBOX, shown_at=SHOWN), **fields}


@pytest.mark.parametrize(
    ("seconds_later", "verdict"),
    [
        (0.5, (Verdict.SPAM, "too_fast")),
        (spam.MIN_FILL_SECONDS + 0.1, (Verdict.HUMAN, "")),
        (spam.MAX_TOKEN_AGE - 1, (Verdict.HUMAN, "")),
        (spam.MAX_TOKEN_AGE + 1, (Verdict.EXPIRED, "expired")),
    ],
)
def test_the_time_trap(seconds_later, verdict):
    assert spam.judge_submission(INBOX, posted(), now=SHOWN + seconds_later) == verdict


def test_a_filled_honeypot_is_spam_whatever_the_token():
    data = posted(website="hello")

    assert spam.judge_submission(INBOX, data, now=SHOWN + 60) == (Verdict.SPAM, "honeypot")


@pytest.mark.parametrize("token", ["", "garbage", "a:b:c"])
def test_a_missing_or_forged_token_is_spam(token):
    data = posted(form_token=token)

    assert spam.judge_submission(INBOX, data, now=SHOWN + 60) == (Verdict.SPAM, "bad_token")


def test_a_token_of_another_inbox_is_spam():
    data = posted(form_token=spam.form_token(Inbox(pk=8), shown_at=SHOWN))

    assert spam.judge_submission(INBOX, data, now=SHOWN + 60) == (Verdict.SPAM, "other_inbox")


@pytest.mark.django_db
def test_the_rate_limit_counts_clients_and_addresses_apart():
    for _ in range(spam.RATE_LIMIT - 1):
        spam.count_submission(INBOX, "192.0.2.1", "Chloe@client.example")
    assert not spam.is_rate_limited(INBOX, "192.0.2.1", "chloe@client.example")

    spam.count_submission(INBOX, "192.0.2.1", "chloe@client.example")

    assert spam.is_rate_limited(INBOX, "192.0.2.1", "someone@else.example")
    assert spam.is_rate_limited(INBOX, "192.0.2.2", "CHLOE@client.example")
    assert not spam.is_rate_limited(INBOX, "192.0.2.2", "someone@else.example")
    assert not spam.is_rate_limited(Inbox(pk=8), "192.0.2.1", "chloe@client.example")
