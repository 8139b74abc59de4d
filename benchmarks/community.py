"""The community forum's pages on a large forum, and saved-reply rendering.

    .venv/bin/python -m benchmarks.community [--threads 20000] [--answers 5] [--repeats 30]

Seeds a fresh SQLite database with `--threads` threads of `--answers`
answers each (bulk inserts, Markdown rendered once), then times through
Django's test client (middleware, session, template):
  - the list page /community/ sorted newest, most voted, unanswered, by
    topic, on page 1 and page 50, and a two-word ranked search (after one
    cold search, timed apart: the build of the forum's search index);
  - a thread page of 50 answers, read by a signed-in member (their votes
    loaded);
and, without the database, replies.render: one saved reply's variant chosen
and its variables filled, per call. The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import time

from benchmarks.setup import percentile, start_django

WORDS = tuple(
    [
        "colis",
        "commande",
        "livraison",
        "retour",
        "remboursement",
        "carte",
        "cadeau",
        "adresse",
        "compte",
        "parka",
        "pull",
        "taille",
        "échange",
        "facture",
        "point",
        "relais",
        "suivi",
        "délai",
        "transporteur",
    ]
)


def seed(threads: int, answers: int) -> dict:
    from django.utils import timezone

    from relais.community.markdown import render_markdown
    from relais.community.models import Member, Post, Thread, Topic, Vote
    from relais.contacts.models import Contact

    rng = random.Random(7)
    topics = [Topic.objects.create(name=f"Thème {n}", slug=f"theme-{n}") for n in range(8)]
    contacts = Contact.objects.bulk_create(
        [Contact(name=f"Membre {n}", email=f"m{n}@example.com") for n in range(500)]
    )
    members = Member.objects.bulk_create(
        [
            Member(email=c.email, display_name=c.name, contact=c, last_sign_in_at=timezone.now())
            for c in contacts
        ]
    )
    body = "Bonjour, **ma commande** n'est pas arrivée. Voici le [suivi](https://example.com)."
    html = render_markdown(body)
    now = timezone.now()
    batch = 2000
    for start in range(0, threads, batch):
        rows = [
            Thread(
                topic=rng.choice(topics),
                title=" ".join(rng.choices(WORDS, k=6)).capitalize(),
                author_member=rng.choice(members),
                last_activity_at=now,
                score=rng.randint(-2, 30),
                answer_count=0 if n % 5 == 0 else answers,
            )
            for n in range(start, min(start + batch, threads))
        ]
        created = Thread.objects.bulk_create(rows)
        posts = []
        for thread in created:
            text = " ".join(rng.choices(WORDS, k=20))
            posts.append(
                Post(
                    thread=thread,
                    is_question=True,
                    body=text,
                    body_html=html,
                    member=thread.author_member,
                )
            )
            for _ in range(thread.answer_count):
                posts.append(
                    Post(thread=thread, body=body, body_html=html, member=rng.choice(members))
                )
        Post.objects.bulk_create(posts)
    big = Thread.objects.create(
        topic=topics[0], title="Un fil de 50 réponses", last_activity_at=now, answer_count=50
    )
    Post.objects.create(thread=big, is_question=True, body=body, body_html=html, member=members[0])
    answers_of_big = Post.objects.bulk_create(
        [Post(thread=big, body=body, body_html=html, member=members[n + 1]) for n in range(50)]
    )
    reader = members[-1]
    Vote.objects.bulk_create([Vote(post=p, member=reader, value=1) for p in answers_of_big[::2]])
    return {"big_thread": big.pk, "reader": reader.pk, "topic": topics[3].slug}


def time_get(client, path: str, repeats: int) -> dict:
    durations = []
    for _ in range(repeats + 3):
        before = time.perf_counter()
        response = client.get(path)
        durations.append((time.perf_counter() - before) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    durations = sorted(durations[3:])
    return {
        "p50_ms": round(percentile(durations, 0.5), 2),
        "p95_ms": round(percentile(durations, 0.95), 2),
    }


def time_render(calls: int) -> float:
    from relais.replies.render import ReplyText, choose_variant, fill_variables

    reply = ReplyText(
        body=(
            "Bonjour {{ contact.first_name }}, je suis {{ agent.first_name }}. "
            "{{ conversation.reference }}"
        ),
        body_short="Salut {{ contact.first_name }} 👋 {{ unknown.thing }}",
        body_email="Bonjour {{ contact.name }},\n\n"
        + "Texte formel. " * 40
        + "\n\n{{ agent.name }}",
    )
    values = {
        "contact.first_name": "Claire",
        "contact.name": "Claire Dubois",
        "agent.first_name": "Léa",
        "agent.name": "Léa Dubois",
        "conversation.reference": "[#4242]",
    }
    classes = ("chat", "email", "messaging", "call")
    before = time.perf_counter()
    for n in range(calls):
        fill_variables(choose_variant(reply, classes[n % 4]), values)
    return (time.perf_counter() - before) / calls * 1e6


def time_index_build(query: str) -> float:
    """One cold search: the readers' index built from every visible post."""
    from relais.community.search import forget_indexes, search_thread_ids

    forget_indexes()
    before = time.perf_counter()
    search_thread_ids(query, include_hidden=False)
    return (time.perf_counter() - before) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=20_000)
    parser.add_argument("--answers", type=int, default=5)
    parser.add_argument("--repeats", type=int, default=30)
    options = parser.parse_args()
    data_dir = start_django()
    try:
        from django.test import Client

        from relais.community.sessions import MEMBER_SESSION_KEY

        started = time.perf_counter()
        ids = seed(options.threads, options.answers)
        print(f"seeded {options.threads} threads in {time.perf_counter() - started:.1f} s")
        client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="localhost")
        pages = {
            "newest": "/community/",
            "votes": "/community/?sort=votes",
            "unanswered": "/community/?sort=unanswered",
            "topic": f"/community/?topic={ids['topic']}",
            "newest_page_50": "/community/?page=50",
            "search": "/community/?q=parka+remboursement",
        }
        index_build_ms = time_index_build("parka remboursement")
        print(f"search index built in {index_build_ms:.0f} ms (the first search after a change)")
        results = {name: time_get(client, path, options.repeats) for name, path in pages.items()}
        member = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="localhost")
        session = member.session
        session[MEMBER_SESSION_KEY] = ids["reader"]
        session.save()
        results["thread_50_answers"] = time_get(
            member, f"/community/q/{ids['big_thread']}/", options.repeats
        )
        for name, figures in results.items():
            print(f"{name:<20} p50 {figures['p50_ms']:>8.2f} ms   p95 {figures['p95_ms']:>8.2f} ms")
        render_us = time_render(50_000)
        print(f"saved reply render    {render_us:.2f} µs per call")
        print(
            json.dumps(
                {
                    "benchmark": "community",
                    "threads": options.threads,
                    "answers_per_thread": options.answers,
                    "search_index_build_ms": round(index_build_ms, 1),
                    "pages": results,
                    "saved_reply_render_us": round(render_us, 2),
                }
            )
        )
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
