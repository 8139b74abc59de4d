"""Stop words for matching, accents already folded (the tokeniser folds first).

Short hand-made lists rather than a library's, so that they stay in step with
the informal spellings of ``text.py`` and keep the words that tell help
articles apart.
Question words are not stop words: in a help desk's questions they carry the
intent ("où est mon colis" asks where it is, not what befell it; "combien"
asks a price or a delay). They are listed in ``QUESTION_WORDS``, accents kept,
because "où" (where) and "ou" (or) fold to the same letters.
Negations ("pas", "not", "never") are stop words: they rarely tell two help
articles apart ("je n'ai pas reçu" and "j'ai reçu" ask about the same parcel).
"""

_FRENCH = """
    a ai aie aient aies ait alors as au aucun aucune aupres aussi autre autres aux avais avait
    avant avec avez aviez avoir avons ayant c ca ce ceci cela celle celles celui cependant ces cet
    cette ceux chaque chez ci comme d dans de des deja depuis donc dont du elle elles en
    encore es est et etaient etais etait etant ete etes etre eu eux fait faire fais fois font
    ici il ils j je jusqu l la le les leur leurs lui m ma mais me meme mes moi mon n ne ni nos
    notre nous on ont ou par parce pas peu peut peux plus pour puis puisque qu que
    quel quelle quelles quels qui quoi s sa sans se sera ses si sien son sont sous suis sur t ta
    te tes toi ton tous tout toute toutes tres tu un une unes uns v va vais vers voila vont vos
    votre vous y bonjour bonsoir merci svp stp please hello salut madame monsieur
    rien jamais toujours beaucoup bien aussi quoi voudrais veux voudrai souhaite souhaiterais
    aimerais faut possible savoir dire plait plaît serai serais serez seront etes
"""

_ENGLISH = """
    a about above after again against all am an and any are aren as at be because been before
    being below between both but by can cannot could couldn did didn do does doesn doing don
    down during each few for from further had hadn has hasn have haven having he her here hers
    herself him himself his i if in into is isn it its itself just let me more most my
    myself no nor not of off on once only or other our ours ourselves out over own same she
    should shouldn so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was wasn we were weren what
    which while who whom will with won would wouldn you your yours yourself yourselves
    ll ve re s t d m hi hello hey please thanks thank im ive id
"""

# Kept however common: matched before the accents are folded.
QUESTION_WORDS = {
    "fr": frozenset({"où", "quand", "combien", "comment", "pourquoi"}),
    "en": frozenset({"where", "when", "how", "why"}),
}

FRENCH = frozenset(_FRENCH.split())
ENGLISH = frozenset(_ENGLISH.split())
BY_LANGUAGE = {"fr": FRENCH, "en": ENGLISH}
