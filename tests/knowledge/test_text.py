from relais.knowledge.retrieval.text import fold_accents, language_of, normalise, tokenize


def test_french_plurals_and_verb_forms_share_a_stem():
    assert tokenize("remboursements", "fr") == tokenize("rembourser", "fr")
    assert tokenize("livrée", "fr") == tokenize("livraison", "fr") == tokenize("livrer", "fr")
    assert tokenize("commandes", "fr") == tokenize("commandé", "fr")


def test_accents_are_folded_after_stemming():
    assert tokenize("reçu", "fr") == tokenize("recu", "fr") == ["recu"]
    assert fold_accents("Œuvre éTé à") == "OEuvre eTe a"


def test_elisions_are_split_off_with_any_apostrophe():
    assert tokenize("l'article", "fr") == tokenize("article", "fr")
    assert tokenize("qu’il m’envoie", "fr") == tokenize("il envoie", "fr")
    assert "j" not in normalise("j'ai", "fr").split()


def test_stop_words_are_dropped_but_a_text_of_stop_words_keeps_its_words():
    assert tokenize("Je n'ai pas reçu ma commande", "fr") == ["recu", "command"]
    assert tokenize("est-ce que c'est", "fr") != []


def test_informal_french_matches_the_written_form():
    assert tokenize("jai pas recu ma cmd", "fr") == tokenize("Je n'ai pas reçu ma commande", "fr")
    assert tokenize("mdp oublié stp", "fr") == tokenize("mot de passe oublié", "fr")
    assert tokenize("pk", "fr") == tokenize("pourquoi", "fr")


def test_english_uses_the_english_stemmer_and_stop_words():
    assert tokenize("I didn't receive my cards", "en") == ["receiv", "card"]
    assert tokenize("refunds", "en") == tokenize("refund", "en")


def test_unknown_or_regional_locales_fall_back_sensibly():
    assert language_of("fr-CA") == "fr"
    assert language_of("en_GB") == "en"
    assert language_of("de") == "fr"
    assert language_of(None) == "fr"


def test_punctuation_and_empty_text_give_no_terms():
    assert tokenize("?!... ", "fr") == []
    assert tokenize("", "en") == []


def test_question_words_carry_intent_and_are_kept():
    assert tokenize("Où est mon colis ?", "fr") == ["ou", "colis"]
    for word in ("quand", "combien", "comment", "pourquoi"):
        assert tokenize(f"{word} ma commande", "fr")[0] == word
    assert tokenize("qd", "fr") == tokenize("quand", "fr")
    assert tokenize("where is my parcel", "en") == ["where", "parcel"]
    assert tokenize("how much is it", "en") == ["how", "much"]
    assert tokenize("why", "en") and tokenize("when", "en") == ["when"]


def test_unaccented_ou_means_where_beside_its_verb_and_or_elsewhere():
    assert tokenize("ou est mon colis", "fr") == tokenize("où est mon colis", "fr")
    assert tokenize("elle est ou ma commande", "fr") == ["ou", "command"]
    assert tokenize("ou en est ma cmd", "fr") == ["ou", "command"]
    assert tokenize("échanger ou rembourser", "fr") == tokenize("échanger rembourser", "fr")


def test_without_fallback_a_text_of_stop_words_gives_no_terms():
    assert tokenize("est-ce que c'est", "fr", fallback=False) == []
    assert tokenize("je n'ai pas reçu ma commande", "fr", fallback=False) == ["recu", "command"]
