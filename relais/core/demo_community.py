"""The demo's community forum and saved replies, written through the real
actions: members sign in with their own one-time links, ask, answer, vote and
accept; agents answer as staff; saved replies in French and English with
their chat and e-mail variants."""

from __future__ import annotations

from relais.accounts.models import Agent, Team
from relais.community.actions import Poster, accept_answer, answer_question, ask_question, vote
from relais.community.members import sign_in, sign_in_token
from relais.community.models import Topic
from relais.replies.actions import SavedReplyFields, create_saved_reply
from relais.replies.models import Scope

TOPICS = (
    ("livraison", "Livraison", "Suivi de colis, délais, points relais"),
    ("retours", "Retours et remboursements", "Échanger, renvoyer, être remboursé"),
    ("compte", "Mon compte", "Connexion, adresses, cartes cadeaux"),
)
MEMBERS = {
    "marie": ("marie.lefebvre@example.com", "Marie L."),
    "thomas": ("thomas.r@example.com", "Thomas"),
    "nadia": ("nadia.b@example.com", "Nadia"),
}
# (topic, asker, title, body, [(author, answer)], index of the accepted answer)
THREADS = (
    (
        "livraison",
        "thomas",
        "Mon colis est marqué livré mais je ne l'ai pas reçu",
        "Le suivi indique **livré** depuis hier, rien dans la boîte aux lettres. Que faire ?",
        [
            (
                "nadia",
                "Regardez chez les voisins ou au point relais le plus proche, ça m'est arrivé.",
            ),
            (
                "agent:lea",
                "Si rien après 48 h, écrivez-nous avec le numéro de commande : nous "
                "ouvrons une enquête auprès du transporteur et renvoyons le colis si besoin.",
            ),
        ],
        1,
    ),
    (
        "retours",
        "marie",
        "Combien de temps pour être remboursée après un retour ?",
        "J'ai renvoyé une parka la semaine dernière. Le remboursement arrive quand ?",
        [
            (
                "agent:karim",
                "Sous 5 jours ouvrés après réception de l'article à l'entrepôt, "
                "sur le moyen de paiement utilisé.",
            )
        ],
        0,
    ),
    (
        "compte",
        "nadia",
        "Peut-on cumuler deux cartes cadeaux sur une commande ?",
        "J'ai deux cartes cadeaux de 25 €, le site n'en accepte qu'une.",
        [],
        None,
    ),
)
SAVED_REPLIES = (
    # (owner, scope, language, shortcut, title, body, short, e-mail)
    (
        "supervisor", Scope.EVERYONE, "fr", "bonjour", "Accueil",
        "Bonjour {{ contact.first_name }}, je suis {{ agent.first_name }}. Je m'en occupe.",
        "Bonjour {{ contact.first_name }} 👋 Je regarde ça tout de suite !",
        "Bonjour {{ contact.name }},\n\nJe vous remercie pour votre message, que j'ai bien "
        "reçu. Je reviens vers vous dans les meilleurs délais.\n\nBien cordialement,\n"
        "{{ agent.name }}",
    ),
    (
        "supervisor", Scope.EVERYONE, "fr", "suivi", "Suivi de colis",
        "Vous pouvez suivre votre colis depuis « Mes commandes ». Référence : "
        "{{ conversation.reference }}.",
        "Le suivi est dans « Mes commandes » 📦",
        "Bonjour {{ contact.name }},\n\nVous pouvez suivre votre colis à tout moment depuis "
        "la rubrique « Mes commandes » de votre compte. Pour toute question, répondez à ce "
        "message en conservant la référence {{ conversation.reference }}.\n\nBien "
        "cordialement,\n{{ agent.name }}",
    ),
    (
        "supervisor", Scope.TEAM, "fr", "remboursement", "Délai de remboursement",
        "Le remboursement est fait sous 5 jours ouvrés après réception du retour.",
        "Remboursé sous 5 jours ouvrés après réception du retour 👍",
        "",
    ),
    (
        "supervisor", Scope.EVERYONE, "en", "hello", "Greeting",
        "Hello {{ contact.first_name }}, this is {{ agent.first_name }}. Let me look into it.",
        "Hi {{ contact.first_name }} 👋 Looking into it now!",
        "Dear {{ contact.name }},\n\nThank you for your message. I will get back to you as "
        "soon as possible.\n\nKind regards,\n{{ agent.name }}",
    ),
    (
        "lea", Scope.PERSONAL, "fr", "merci", "Remerciement",
        "Merci {{ contact.first_name }}, bonne journée !",
        "",
        "",
    ),
)  # fmt: skip


def seed_community(agents: dict[str, Agent], service_team: Team | None) -> None:
    """Topics, members, threads and saved replies. Call inside the seed's
    transaction, after the agents exist."""
    topics = {
        slug: Topic.objects.create(slug=slug, name=name, description=description, position=n)
        for n, (slug, name, description) in enumerate(TOPICS)
    }
    members = {key: sign_in(sign_in_token(email, name)) for key, (email, name) in MEMBERS.items()}

    def poster(key: str) -> Poster:
        if key.startswith("agent:"):
            return Poster(agent=agents[key.split(":", 1)[1]])
        return Poster(member=members[key], trusted=True)

    for slug, asker, title, body, answers, accepted in THREADS:
        thread = ask_question(
            poster(asker), topic_id=topics[slug].pk, title=title, body=body, language="fr"
        )
        posts = [answer_question(poster(author), thread, text) for author, text in answers]
        for key in members:
            if key != asker:
                vote(poster(key), thread.posts.get(is_question=True), 1)
        if accepted is not None:
            accept_answer(poster(asker), posts[accepted])
    supervisor = next(agent for agent in agents.values() if agent.role == "supervisor")
    for owner, scope, language, shortcut, title, body, short, formal in SAVED_REPLIES:
        create_saved_reply(
            supervisor if owner == "supervisor" else agents[owner],
            SavedReplyFields(
                title=title,
                shortcut=shortcut,
                body=body,
                body_short=short,
                body_email=formal,
                scope=scope,
                team_id=service_team.pk if scope == Scope.TEAM and service_team else None,
                language=language,
            ),
        )
