"""The bot's choices as Send API quick replies (pure)."""

from relais.bot.dialogue import Choice
from relais.connectors.meta.quick_replies import (
    MAX_QUICK_REPLIES,
    MAX_TITLE,
    message_with_choices,
    short_title,
)

YES_NO = [Choice("yes", "Yes"), Choice("no", "No"), Choice("handover", "Talk to a person")]


def test_labels_that_fit_are_the_buttons_and_the_text_is_untouched():
    message = message_with_choices("Did this answer your question?", YES_NO, 2000)
    assert message == {
        "text": "Did this answer your question?",
        "quick_replies": [
            {"content_type": "text", "title": "Yes", "payload": "yes"},
            {"content_type": "text", "title": "No", "payload": "no"},
            {"content_type": "text", "title": "Talk to a person", "payload": "handover"},
        ],
    }


def test_a_label_too_long_for_a_button_is_listed_in_full_and_numbered():
    choices = [
        Choice("article:1", "Suivre ma commande et sa livraison"),
        Choice("handover", "None of these — talk to a person"),
    ]
    message = message_with_choices("Which of these?", choices, 2000)
    assert message["text"].splitlines() == [
        "Which of these?",
        "1. Suivre ma commande et sa livraison",
        "2. None of these — talk to a person",
    ]
    titles = [button["title"] for button in message["quick_replies"]]
    assert titles == ["1. Suivre ma…", "2. None of these…"]
    assert all(len(title) <= MAX_TITLE for title in titles)


def test_the_list_is_left_out_when_it_would_overflow_the_channel():
    choices = [Choice("article:1", "A title far longer than twenty characters")]
    message = message_with_choices("x" * 990, choices, 1000)
    assert message["text"] == "x" * 990
    assert len(message["quick_replies"][0]["title"]) <= MAX_TITLE


def test_no_choices_is_plain_text_and_at_most_thirteen_buttons():
    assert message_with_choices("Glad I could help!", [], 2000) == {"text": "Glad I could help!"}
    many = [Choice(f"c{n}", f"Choice {n}") for n in range(20)]
    assert len(message_with_choices("Pick", many, 2000)["quick_replies"]) == MAX_QUICK_REPLIES


def test_a_choice_without_a_usable_payload_gets_no_button():
    choices = [Choice("", "Empty"), Choice("p" * 1001, "Too long"), Choice("ok", "Fine")]
    buttons = message_with_choices("Pick", choices, 2000)["quick_replies"]
    assert [button["payload"] for button in buttons] == ["ok"]


def test_short_titles_cut_at_a_word_unless_that_loses_most_of_it():
    assert short_title("Parler à une personne") == "Parler à une…"
    assert short_title("Anticonstitutionnellement") == "Anticonstitutionnel…"
    assert short_title("  Oui  ") == "Oui"
    assert short_title("") == "?"
