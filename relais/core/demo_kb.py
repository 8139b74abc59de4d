"""The demo's knowledge base: the French public articles of demo_kb_fr.json
(the bot's test corpus: `{"slug", "title", "category", "body", "questions",
"locale", "visibility"}` per article), the internal articles agents rely on,
and English translations of a few public ones. Loaded through the actions,
so versions and Events are the real ones."""

from __future__ import annotations

import json
from pathlib import Path

from relais.knowledge.actions import create_article, create_category, link_translation
from relais.knowledge.models import Article

DEMO_KB_FILE = Path(__file__).with_name("demo_kb_fr.json")

INTERNAL = [
    {
        "slug": "politique-gestes-commerciaux",
        "title": "Politique des gestes commerciaux",
        "category": "Procédures internes",
        "body": "Un geste commercial répare un désagrément, il ne récompense pas "
        "une réclamation.\n\n"
        "| Situation | Geste possible | Validation |\n| --- | --- | --- |\n"
        "| Retard de livraison de plus de 3 jours | Frais de port remboursés | Aucune |\n"
        "| Article abîmé, client gardant l'article | Bon d'achat jusqu'à 20 € | Aucune |\n"
        "| Deuxième incident sur une même commande | Bon d'achat jusqu'à 50 € | Superviseur |\n\n"
        "Notez toujours le geste accordé dans une **note interne** de la conversation.",
        "questions": ["quel geste commercial accorder", "bon d'achat après un retard"],
    },
    {
        "slug": "validation-remboursements",
        "title": "Processus de validation des remboursements",
        "category": "Procédures internes",
        "body": "1. Vérifiez que le retour est réceptionné (statut *Reçu* dans le back-office).\n"
        "2. Jusqu'à **100 €**, l'agent rembourse lui-même.\n"
        "3. Au-delà, assignez la conversation à un superviseur avec une note : montant, "
        "motif, numéro de commande.\n"
        "4. Le remboursement part sous 48 h ouvrées sur le moyen de paiement d'origine.",
        "questions": ["qui valide un remboursement", "remboursement de plus de 100 euros"],
    },
    {
        "slug": "contacts-escalade-transporteurs",
        "title": "Contacts d'escalade des transporteurs",
        "category": "Procédures internes",
        "body": "Pour un colis bloqué plus de 5 jours ouvrés :\n\n"
        "- **Colissimo** : espace pro, rubrique *Réclamation*, délai de réponse 48 h.\n"
        "- **Chronopost** : service entreprises, avec le numéro de suivi et l'adresse.\n"
        "- **Mondial Relay** : formulaire partenaire ; le point relais garde le colis 14 jours.\n\n"
        "Prévenez le client du délai avant d'ouvrir l'enquête.",
        "questions": ["colis bloqué chez le transporteur", "ouvrir une enquête transporteur"],
    },
    {
        "slug": "ton-et-signature",
        "title": "Ton et signature des réponses",
        "category": "Procédures internes",
        "body": "Vouvoiement, phrases courtes, une solution par message. Signez de votre prénom "
        "suivi de « Service client ». Jamais de promesse de date que le transporteur "
        "n'a pas confirmée.",
        "questions": ["comment signer une réponse"],
    },
]

# English versions of public French articles, by the French article's slug.
ENGLISH = {
    "annuler-commande": {
        "slug": "cancel-an-order",
        "title": "Cancel an order",
        "category": "Orders",
        "body": "You can cancel an order from **My account › Orders** as long as it has "
        "not been shipped. Once shipped, refuse the parcel or return it: the refund "
        "follows the return.",
        "questions": ["how do I cancel my order", "cancel order"],
    },
    "suivre-colis": {
        "slug": "track-a-parcel",
        "title": "Track a parcel",
        "category": "Delivery",
        "body": "The tracking link is in the shipping e-mail and in **My account › Orders**. "
        "Tracking can take 24 hours to show the first step.",
        "questions": ["where is my parcel", "track my order"],
    },
    "retourner-article": {
        "slug": "return-an-item",
        "title": "Return an item",
        "category": "Returns and refunds",
        "body": "You have 30 days to return an item. Print the prepaid label from "
        "**My account › Returns**; the refund reaches you within 5 working days "
        "after we receive the parcel.",
        "questions": ["how do I return an item", "return policy"],
    },
}


def load_demo_kb(source: Path = DEMO_KB_FILE, author=None) -> int:
    """Create the demo's articles (all published); returns how many."""
    public = json.loads(source.read_text(encoding="utf-8")) if source.exists() else []
    count = 0
    for spec in public:
        _create(spec, locale=spec.get("locale", "fr"), visibility=spec.get("visibility", "public"),
                author=author)  # fmt: skip
        count += 1
    for spec in INTERNAL:
        _create(spec, locale="fr", visibility="internal", author=author)
        count += 1
    for french_slug, spec in ENGLISH.items():
        english = _create(spec, locale="en", visibility="public", author=author)
        french = Article.objects.filter(slug=french_slug, locale="fr").first()
        if french is not None:
            link_translation(french, english, actor=author)
        count += 1
    return count


def _create(spec: dict, *, locale: str, visibility: str, author) -> Article:
    category = (
        create_category(name=spec["category"], locale=locale) if spec.get("category") else None
    )
    return create_article(
        title=spec["title"], body=spec["body"], locale=locale, visibility=visibility,
        status="published", questions=spec.get("questions", ()), author=author,
        category=category, tags=spec.get("tags", ()), slug=spec.get("slug"),
    )  # fmt: skip
