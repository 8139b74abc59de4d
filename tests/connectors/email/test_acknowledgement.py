"""The acknowledgement's texts: built-in in French and English, per-inbox
templates, and placeholders that are only ever substituted, never evaluated."""

import pytest

from relais.connectors.email.acknowledgement import acknowledgement, fill_template
from relais.connectors.email.config import EmailConfig

VALUES = {
    "reference": "[#42]",
    "subject": "Colis abîmé",
    "customer_name": "Chloé",
    "inbox_name": "Support Boutique",
}


def config(**fields) -> EmailConfig:
    return EmailConfig(address="support@example.com", **fields)


def test_built_in_english_text():
    subject, body = acknowledgement(config(), language="en", **VALUES)
    assert subject == "We have received your request: Colis abîmé [#42]"
    assert body.startswith("Hello Chloé,\n\n")
    assert "[#42]" in body
    assert body.endswith("\n\nSupport Boutique")


def test_built_in_french_text():
    subject, body = acknowledgement(config(), language="fr", **VALUES)
    assert subject == "Nous avons bien reçu votre demande : Colis abîmé [#42]"
    assert body.startswith("Bonjour Chloé,\n\n")
    assert "[#42]" in body


def test_unknown_language_falls_back_to_the_inbox_language():
    assert acknowledgement(config(language="en"), language="de", **VALUES) == acknowledgement(
        config(language="en"), language="en", **VALUES
    )


def test_no_name_and_no_subject():
    subject, body = acknowledgement(
        config(), language="en", **{**VALUES, "customer_name": "", "subject": ""}
    )
    assert subject == "We have received your request [#42]"
    assert body.startswith("Hello,\n\n")


def test_inbox_template_for_the_language_replaces_the_built_in_text():
    templates = {
        "fr": {
            "subject": "Demande {reference} reçue",
            "body": "Bonjour {name}, merci ({subject}).",
        },
    }
    inbox = config(acknowledgement_templates=templates)
    assert acknowledgement(inbox, language="fr", **VALUES) == (
        "Demande [#42] reçue",
        "Bonjour Chloé, merci (Colis abîmé).",
    )
    # The other language keeps the built-in text.
    assert acknowledgement(inbox, language="en", **VALUES)[0].startswith("We have received")


def test_template_config_may_be_the_stored_dict():
    stored = config(acknowledgement_templates={"en": {"body": "Thanks, {name}. {inbox}"}})
    subject, body = acknowledgement(stored.model_dump(mode="json"), language="en", **VALUES)
    assert body == "Thanks, Chloé. Support Boutique"
    assert subject.startswith("We have received your request")  # empty field: built-in


def test_template_subject_without_the_reference_gets_it_appended():
    inbox = config(acknowledgement_templates={"en": {"subject": "Thanks for writing"}})
    assert acknowledgement(inbox, language="en", **VALUES)[0] == "Thanks for writing [#42]"


@pytest.mark.parametrize(
    "template",
    [
        "{name.__class__}",
        "{name.__class__.__mro__[1].__subclasses__()}",
        "{0}",
        "{}",
        "{unknown}",
        "{{name}}",
        "{name!r}",
        "{name:>30}",
    ],
)
def test_only_the_four_placeholders_are_substituted(template):
    filled = fill_template(template, {"name": "Chloé"})
    assert filled == template.replace("{name}", "Chloé")


def test_substituted_values_are_not_substituted_again():
    values = {"name": "{subject}", "subject": "secret", "reference": "", "inbox": ""}
    assert fill_template("Hello {name}", values) == "Hello {subject}"


def test_line_breaks_in_the_customer_subject_do_not_reach_the_subject():
    subject, _ = acknowledgement(
        config(), language="en", **{**VALUES, "subject": "Hi\r\nBcc: victim@example.net"}
    )
    assert "\n" not in subject and "\r" not in subject
