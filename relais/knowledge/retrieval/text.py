"""Text normalisation and tokenising for matching, French first, English too.

The pipeline, for one locale: lower-case; informal spellings rewritten
("jai" -> "j ai", "cmd" -> "commande"); elisions split off (l' d' qu' j' n'
s' c' m' t'); words cut on anything that is not a letter or a digit; stop
words dropped; Snowball stem; accents folded. Stemming runs before the fold
because the French Snowball rules read accents ("livrée" -> "livr"), and the
fold after it makes "reçu" and "recu" the same term.
"""

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

from relais.knowledge.retrieval.stopwords import BY_LANGUAGE, QUESTION_WORDS

LANGUAGES = {"fr": "french", "en": "english"}
DEFAULT_LANGUAGE = "fr"

# Elided articles and pronouns, folded or not, with a straight or curly apostrophe
# (and the "jai" of hurried typing, handled in INFORMAL below).
ELISION = re.compile(r"\b(?:l|d|qu|j|n|s|c|m|t|jusqu|lorsqu|puisqu)['’`´]", re.IGNORECASE)
WORD = re.compile(r"[^\W_]+", re.UNICODE)

# Informal spellings of chat and SMS, after lower-casing and accent folding.
# Keys are whole words; values replace them before elisions are split off.
INFORMAL = {
    "fr": {
        "jai": "j'ai",
        "jsuis": "je suis",
        "chui": "je suis",
        "jsais": "je sais",
        "jveux": "je veux",
        "jpeux": "je peux",
        "jarrive": "j'arrive",
        "narrive": "n'arrive",
        "cest": "c'est",
        "ya": "il y a",
        "nai": "n'ai",
        "jme": "je me",
        "pk": "pourquoi",
        "pq": "pourquoi",
        "pkoi": "pourquoi",
        "qd": "quand",
        "ds": "dans",
        "bcp": "beaucoup",
        "tjr": "toujours",
        "tjrs": "toujours",
        "svp": "s'il vous plait",
        "stp": "s'il te plait",
        "cmd": "commande",
        "cde": "commande",
        "comande": "commande",
        "komande": "commande",
        "rembourssement": "remboursement",
        "remboursment": "remboursement",
        "livraisson": "livraison",
        "mdp": "mot de passe",
        "pwd": "mot de passe",
        "cb": "carte bancaire",
        "tel": "telephone",
        "num": "numero",
        "infos": "informations",
        "info": "information",
        "dsl": "desole",
        "mtn": "maintenant",
        "auj": "aujourd'hui",
        "ajd": "aujourd'hui",
        "rdv": "rendez-vous",
        "sav": "service apres vente",
        "pb": "probleme",
        "pbm": "probleme",
        "prob": "probleme",
        "oki": "ok",
        "koi": "quoi",
        "kan": "quand",
        "ki": "qui",
        "ke": "que",
        # One word for the e-mail, however it is written.
        "e-mail": "mail",
        "e-mails": "mails",
        "email": "mail",
        "emails": "mails",
        "courriel": "mail",
        "courriels": "mails",
        "dispo": "disponible",
    },
    "en": {
        "pls": "please",
        "plz": "please",
        "u": "you",
        "ur": "your",
        "r": "are",
        "cant": "can not",
        "wont": "will not",
        "dont": "do not",
        "didnt": "did not",
        "doesnt": "does not",
        "isnt": "is not",
        "havent": "have not",
        "hasnt": "has not",
        "im": "i am",
        "ive": "i have",
        "pwd": "password",
        "acct": "account",
        "thx": "thanks",
        "info": "information",
    },
}


def language_of(locale: str | None) -> str:
    """'fr-CA', 'fr_FR', 'FR' -> 'fr'; anything unknown -> the default language."""
    code = (locale or DEFAULT_LANGUAGE).replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def fold_accents(text: str) -> str:
    """'Reçu, éTé, œuvre' -> 'Recu, eTe, oeuvre' (combining marks dropped)."""
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


# The same few thousand words come back in every text: folding each once
# makes tokenizing a forum or a knowledge base several times faster.
_fold_word = lru_cache(maxsize=200_000)(fold_accents)


def normalise(text: str, locale: str | None = None) -> str:
    """Lower-cased text with informal spellings rewritten and elisions split off.

    Accents are kept (the stemmer reads them); ``tokenize`` folds them after.
    """
    language = language_of(locale)
    informal = INFORMAL[language]
    words = []
    for word in re.split(r"(\s+)", unicodedata.normalize("NFC", text.lower())):
        bare = word.strip('.,;:!?()"«»')
        replacement = informal.get(_fold_word(bare))
        words.append(word.replace(bare, replacement) if replacement and bare else word)
    text = "".join(words)
    return ELISION.sub(" ", text) if language == "fr" else text.replace("'", " ")


@lru_cache(maxsize=2)
def _stemmer(language: str):
    return snowballstemmer.stemmer(LANGUAGES[language])


# Snowball leaves French nouns in -aison whole; customers write the verb as
# often as the noun ("livraison", "livré", "livrer"), so the noun loses it too.
FRENCH_NOUN_SUFFIX = "aison"

# Snowball cuts some verb and noun of one family to different stems; customers
# use either ("je veux retourner" / "retour", "pas reçu" / "recevoir"), so the
# stems of the families a help desk hears most are joined. Keys and values are
# stems, accents folded.
FRENCH_STEM_FAMILIES = {
    "retourn": "retour",
    "recevoir": "recu",
    "recevr": "recu",
    "recois": "recu",
    "recoit": "recu",
    "recus": "recu",
    "expedit": "expedi",
    "inscript": "inscrir",
    "inscrit": "inscrir",
    "desinscript": "desinscrir",
    "connexion": "connect",
    "suppress": "supprim",
    "modif": "modifi",
    "pay": "pai",
    "deb": "debit",
    "rendu": "rendr",
    "suivr": "suiv",
    "livreur": "livr",
}


@lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    """One word's matching form: Snowball stem, then accents folded."""
    stemmed = fold_accents(_stemmer(language).stemWord(word))
    if language != "fr":
        return stemmed
    if stemmed.endswith(FRENCH_NOUN_SUFFIX) and len(stemmed) > 7:
        return stemmed[: -len(FRENCH_NOUN_SUFFIX)]
    return FRENCH_STEM_FAMILIES.get(stemmed, stemmed)


# "ou" typed without its accent is "où" (where) at either end of a question or
# next to its verb ("ou est mon colis", "elle est ou", "ou en est ma commande",
# "ou puis-je"); elsewhere it is "or" ("échanger ou rembourser"), a stop word.
WHERE_NEIGHBOURS = frozenset({"est", "es", "sont", "en", "se", "etait", "sera", "ca", "puis"})


def _accent_where(found: list[str]) -> list[str]:
    last = len(found) - 1

    def where(position: int) -> bool:
        if position in (0, last):
            return True
        return bool({found[position - 1], found[position + 1]} & WHERE_NEIGHBOURS)

    return ["où" if word == "ou" and where(i) else word for i, word in enumerate(found)]


def words(text: str, locale: str | None = None) -> list[str]:
    """The normalised words of a text, stop words included, accents kept."""
    found = WORD.findall(normalise(text, locale))
    return _accent_where(found) if language_of(locale) == "fr" else found


def tokenize(text: str, locale: str | None = None, *, fallback: bool = True) -> list[str]:
    """The terms a text is matched on: stems, accents folded, stop words out.

    A text made only of stop words ("est-ce que c'est possible ?") keeps its
    words (unless ``fallback`` is False), so that it still matches something
    rather than nothing. Question
    words are kept ("où" but not "ou", see ``stopwords``).
    """
    language = language_of(locale)
    stop, question = BY_LANGUAGE[language], QUESTION_WORDS[language]
    all_words = words(text, language)
    kept = [word for word in all_words if word in question or _fold_word(word) not in stop]
    return [stem(word, language) for word in (kept or (all_words if fallback else []))]
