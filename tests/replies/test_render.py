from hypothesis import given
from hypothesis import strategies as st

from relais.replies.render import ReplyText, choose_variant, fill_variables, first_name

VALUES = {
    "contact.first_name": "Claire",
    "agent.first_name": "Alice",
    "conversation.reference": "[#42]",
}


def test_known_variables_are_filled_with_or_without_spaces():
    text = (
        "Bonjour {{ contact.first_name }}, ici {{agent.first_name}} ({{  conversation.reference}})"
    )
    assert fill_variables(text, VALUES) == "Bonjour Claire, ici Alice ([#42])"


def test_unknown_variables_stay_visible():
    text = "Bonjour {{ contact.nickname }} {{ contact.first_name|upper }} {{ }}"
    assert fill_variables(text, VALUES) == text


def test_template_code_is_never_executed():
    text = (
        "{% load static %}{% for x in y %}{{ x }}{% endfor %}"
        "{{ settings.SECRET_KEY }}{{ agent.first_name.__class__ }}"
    )
    assert fill_variables(text, VALUES) == text


def test_values_are_inserted_verbatim_not_re_expanded():
    values = {"contact.first_name": "{{ agent.first_name }}<b>"}
    assert (
        fill_variables("Hi {{ contact.first_name }}", VALUES | values)
        == "Hi {{ agent.first_name }}<b>"
    )


@given(st.text())
def test_text_without_braces_is_unchanged(text):
    if "{{" not in text:
        assert fill_variables(text, VALUES) == text


def test_each_channel_class_takes_its_variant():
    reply = ReplyText(body="default", body_short="short", body_email="formal")
    assert choose_variant(reply, "chat") == "short"
    assert choose_variant(reply, "messaging") == "short"
    assert choose_variant(reply, "email") == "formal"
    assert choose_variant(reply, "call") == "default"


def test_missing_variant_falls_back_to_the_default_text():
    reply = ReplyText(body="default", body_short="  ", body_email="")
    assert choose_variant(reply, "chat") == "default"
    assert choose_variant(reply, "email") == "default"


def test_first_name():
    assert first_name("Claire  Dubois") == "Claire"
    assert first_name("") == ""
