"""Routing rules (pure): which rules match a new conversation, what they decide."""

import pytest

from relais.routing.rules import ArrivalFacts, Rule, check_conditions, check_skills, decide

CANCELLATIONS = Rule(
    id=1,
    conditions={"keywords": ["résiliation", "résilier", "litige", "remboursement"]},
    team_id=10,
    priority=2,
    tags=("cancellation",),
)
PRODUCT_CHAT = Rule(
    id=2,
    conditions={"channels": ["chat"], "reasons": ["Question produit"]},
    team_id=20,
    skills={"topic:product": 1},
)


def facts(**fields) -> ArrivalFacts:
    return ArrivalFacts(**{"channel": "email", "inbox_id": 1, **fields})


def test_keywords_match_whole_words_without_case_or_accents():
    decision = decide([CANCELLATIONS], facts(text="Je veux RESILIER mon abonnement"))
    assert decision.team_id == 10 and decision.priority == 2 and decision.matched == [1]
    # "litiges" is another word; "résiliation" inside a longer word does not count.
    assert decide([CANCELLATIONS], facts(text="Pré-résiliationnaire litiges")).matched == []


def test_a_phrase_keyword_matches_as_a_phrase():
    rule = Rule(id=3, conditions={"keywords": ["pas reçu"]}, priority=2)
    assert decide([rule], facts(text="J'ai PAS RECU ma commande")).priority == 2
    assert decide([rule], facts(text="reçu, pas de souci")).priority is None


def test_every_condition_must_hold():
    chat = facts(channel="chat", reason="question produit")
    assert decide([PRODUCT_CHAT], chat).team_id == 20
    assert decide([PRODUCT_CHAT], facts(channel="email", reason="Question produit")).matched == []
    assert decide([PRODUCT_CHAT], facts(channel="chat", reason="Livraison")).matched == []


def test_later_rules_win_team_and_priority_and_add_tags_and_skills():
    vip = Rule(
        id=4, conditions={"segments": ["vip"]}, priority=3, tags=("vip",), skills={"lang:fr": 2}
    )
    decision = decide(
        [CANCELLATIONS, vip, PRODUCT_CHAT], facts(text="litige", segment="vip", channel="chat")
    )
    assert decision.matched == [1, 4]
    assert (decision.team_id, decision.priority) == (10, 3)
    assert decision.tags == ["cancellation", "vip"]
    assert decision.skills == {"lang:fr": 2}


def test_stop_ends_the_evaluation():
    stopping = Rule(id=5, conditions={"public": True}, priority=2, stop=True)
    decision = decide([stopping, CANCELLATIONS], facts(public=True, text="litige"))
    assert decision.matched == [5] and decision.team_id is None


def test_language_conditions_use_the_primary_language():
    rule = Rule(id=6, conditions={"languages": ["en"]}, skills={"lang:en": 1})
    assert decide([rule], facts(language="en-GB")).skills == {"lang:en": 1}
    assert decide([rule], facts(language="fr")).skills == {}


def test_an_empty_rule_matches_everything():
    assert decide([Rule(id=7, conditions={}, priority=0)], facts()).priority == 0


@pytest.mark.parametrize(
    "conditions, message",
    [
        ([], "must be an object"),
        ({"colour": ["red"]}, "unknown condition: colour"),
        ({"channels": "chat"}, "channels must be a list"),
        ({"public": "yes"}, "public must be true or false"),
        ({"inboxes": ["support"]}, "inboxes must be inbox ids"),
    ],
)
def test_malformed_conditions_are_refused_clearly(conditions, message):
    with pytest.raises(ValueError, match=message):
        check_conditions(conditions)


@pytest.mark.parametrize(
    "skills, message",
    [
        (["lang:fr"], "must be an object"),
        ({"French": 1}, 'must look like "lang:fr"'),
        ({"lang:fr": 9}, "from 1 to 5"),
        ({"lang:fr": "high"}, "from 1 to 5"),
    ],
)
def test_malformed_skills_are_refused_clearly(skills, message):
    with pytest.raises(ValueError, match=message):
        check_skills(skills)
