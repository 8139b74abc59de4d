"""Graph API errors: retry or fail, in plain words."""

import pytest

from relais.connectors.meta.errors import error_from_response, error_from_status


def graph_error(code, message="", details="", subcode=None):
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "Az8or"}
    if details:
        error["error_data"] = {"messaging_product": "whatsapp", "details": details}
    if subcode:
        error["error_subcode"] = subcode
    return {"error": error}


@pytest.mark.parametrize("code", [4, 80007, 130429, 131056, 2, 613])
def test_rate_limits_and_outages_are_temporary(code):
    assert error_from_response(400, graph_error(code, "(#130429) Rate limit hit")).temporary


@pytest.mark.parametrize("code", [131047, 131026, 190, 100, 132001, 551])
def test_refusals_are_permanent(code):
    assert not error_from_response(400, graph_error(code, "refused")).temporary


def test_re_engagement_error_tells_the_agent_to_send_a_template():
    error = error_from_response(
        400,
        graph_error(131047, "(#131047) Re-engagement message", "more than 24 hours have passed"),
    )
    words = error.plain_words()
    assert "24" in words and "template" in words
    assert "Re-engagement message" in words  # Meta's own words follow ours


def test_messenger_outside_window_subcode_is_explained_like_whatsapp():
    error = error_from_response(
        400, graph_error(10, "This message is sent outside of allowed window.", subcode=2018278)
    )
    assert "24" in error.plain_words()


def test_unknown_code_shows_metas_message():
    error = error_from_response(400, graph_error(999999, "Something odd", "details here"))
    assert not error.temporary
    assert error.plain_words() == "Something odd — details here"


def test_a_non_json_5xx_is_temporary():
    error = error_from_response(502, "<html>Bad gateway</html>")
    assert error.temporary and "502" in error.plain_words()


def test_failed_status_error_carries_title_and_details():
    error = error_from_status(
        [{"code": 131026, "title": "Message undeliverable", "error_data": {"details": "x"}}]
    )
    assert error.code == 131026
    assert "Message undeliverable" in error.plain_words()


@pytest.mark.parametrize("errors", [None, [], "oops", [1]])
def test_failed_status_without_usable_errors_gives_none(errors):
    assert error_from_status(errors) is None
