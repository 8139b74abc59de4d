import time

import pytest

from relais.connectors.webform import spam
from tests.factories import make_email_inbox


@pytest.fixture
def inbox(db):
    return make_email_inbox(name="Boutique Lumière")


@pytest.fixture
def filled(inbox):
    """A valid submission of the inbox's form, shown a minute ago."""
    return {
        "name": "Chloé Dubois",
        "email": "Chloe@Client.example",
        "phone": "",
        "reason": "delivery",
        "subject": "Commande 1234",
        "message": "Bonjour, ma commande n'est pas arrivée.",
        "website": "",
        "form_token": spam.form_token(inbox, shown_at=time.time() - 60),
    }
