import pytest

from relais.connectors.sms.keywords import consent_change
from relais.connectors.sms.segments import count_segments
from relais.connectors.sms.signature import twilio_signature


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("", "GSM-7", 0),
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # extension characters count twice
        ("€" * 81, "GSM-7", 2),
        ("Bonjour, votre colis est arrivé à l'agence", "GSM-7", 1),
        ("ç" * 70, "UCS-2", 1),  # lower-case ç is not in GSM 03.38
        ("œ" * 71, "UCS-2", 2),
        ("😀" * 35, "UCS-2", 1),  # two UTF-16 units each
        ("😀" * 36, "UCS-2", 2),
    ],
)
def test_segments_follow_gsm7_and_ucs2_limits(text, encoding, count):
    segments = count_segments(text)
    assert (segments.encoding, segments.count) == (encoding, count)


@pytest.mark.parametrize(
    ("text", "change"),
    [("STOP", True), (" stop. ", True), ("Arrêt", True), ("ARRET", True), ("START", False),
     ("unstop", False), ("stop ça", None), ("Bonjour", None)],
)  # fmt: skip
def test_opt_out_keywords_in_english_and_french(text, change):
    assert consent_change(text) == change


def test_signature_matches_twilios_documented_example():
    # The vector of Twilio's own SDKs' RequestValidator tests.
    params = [
        ("To", "+18005551212"),
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", "+14158675309"),
        ("Digits", "1234"),
        ("From", "+14158675309"),
    ]
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    assert twilio_signature("12345", url, params) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
