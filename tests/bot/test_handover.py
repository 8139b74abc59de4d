import pytest

from relais.bot.handover import asks_for_a_person


@pytest.mark.parametrize(
    "message",
    [
        "Je veux parler à un conseiller",
        "je voudrais parler a quelqu'un",
        "Passez-moi un humain !",
        "je veux un conseiller",
        "est-il possible de discuter avec un être humain ?",
        "transférez-moi au service client",
        "un conseiller svp",
        "CONSEILLER",
        "je ne veux pas parler à un robot",
        "est-ce que je peux avoir un vrai humain",
        "mettez-moi en relation avec le service client, joindre un opérateur",
        "I want to speak to an agent",
        "talk to a human please",
        "agent",
        "Is there a real person I can chat with?",
    ],
)
def test_requests_for_a_person_in_french_and_english(message):
    assert asks_for_a_person(message)


@pytest.mark.parametrize(
    "message",
    [
        "Mon colis n'est pas arrivé",
        "Mon conseiller m'a dit que le remboursement était fait",
        "I need to update my personal details",
        "Can an agent top up my card?",
        "Can I get a spare card for someone else to use?",
        "get me an uber for 3 people uptown",
        "how much does it cost to send money to a person abroad",
        "my check engine light is on, i need someone to look at it",
        "le robot aspirateur ne marche pas",
        "where is my card",
        "mettre à jour mon adresse",
    ],
)
def test_ordinary_questions_are_not_requests_for_a_person(message):
    assert not asks_for_a_person(message)
