"""The evaluation sets of benchmarks/bot_eval.py, as knowledge bases and queries.

Knowledge bases come from training data only: one article per intent, titled
with the intent's name, its training queries as question variants.
"""

import csv
import json
import os
from collections import defaultdict
from pathlib import Path

from relais.knowledge.retrieval import Document

EVAL = Path(os.environ.get("RELAIS_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared/eval"))
if not EVAL.exists():
    EVAL = Path("/work/shared/eval")
HERE = Path(__file__).resolve().parent
DEMO_KB = HERE.parent / "relais/core/demo_kb_fr.json"
FRENCH_QUERIES = HERE / "data/french_queries.json"

Query = tuple[str, str | None]  # text, expected article (None: out of scope)


def intent_documents(rows: list[tuple[str, str]], locale: str = "en") -> list[Document]:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for text, intent in rows:
        by_intent[intent].append(text)
    return [
        Document(intent, locale, intent.replace("_", " "), "", questions)
        for intent, questions in sorted(by_intent.items())
    ]


def _banking77_rows(name: str) -> list[tuple[str, str]]:
    with open(EVAL / "banking77" / name, newline="") as handle:
        return [(row["text"], row["category"]) for row in csv.DictReader(handle)]


def banking77_knowledge_base() -> list[Document]:
    """The articles of BANKING77's training part (its test part left unread)."""
    return intent_documents(_banking77_rows("train.csv"))


def banking77() -> tuple[list[Document], list[Query]]:
    return banking77_knowledge_base(), _banking77_rows("test.csv")


def clinc150() -> tuple[list[Document], list[Query], list[Query], list[str]]:
    """KB from in-scope train; in-scope test; oos_test; oos_train + oos_val
    (out-of-scope questions known beforehand, for calibration only)."""
    data = json.loads((EVAL / "clinc150" / "data_full.json").read_text())
    documents = intent_documents([(text, intent) for text, intent in data["train"]])
    in_scope = [(text, intent) for text, intent in data["test"]]
    outside = [(text, None) for text, _ in data["oos_test"]]
    known_outside = [text for text, _ in data["oos_train"] + data["oos_val"]]
    return documents, in_scope, outside, known_outside


def french_knowledge_base() -> list[Document]:
    """The demo knowledge base's articles (the held-out queries left unread)."""
    articles = json.loads(DEMO_KB.read_text())
    return [
        Document(a["slug"], a["locale"], a["title"], a["body"], a["questions"], a["visibility"])
        for a in articles
    ]


def french() -> tuple[list[Document], list[Query], list[Query]]:
    documents = french_knowledge_base()
    queries = json.loads(FRENCH_QUERIES.read_text())
    in_scope = [(q["text"], q["expected"]) for q in queries["in_scope"]]
    outside = [(text, None) for text in queries["out_of_scope"]]
    return documents, in_scope, outside
