import pytest

from tests.factories import make_agent, make_inbox, make_team


@pytest.fixture(autouse=True)
def fresh_routing_config():
    """The routing configuration is cached per process: a test's rules and
    policies, rolled back with its transaction, must not leak into the next."""
    from relais.routing.config import forget_config

    forget_config()
    yield
    forget_config()


@pytest.fixture(autouse=True)
def fresh_knowledge_index():
    """The search index is cached per process and keyed on the articles' count
    and latest update, which a rolled-back test can repeat."""
    from relais.bot.thresholds import forget_thresholds
    from relais.knowledge.index import forget_indexes

    forget_indexes()
    forget_thresholds()
    yield
    forget_indexes()
    forget_thresholds()


@pytest.fixture(autouse=True)
def fresh_webhook_inboxes():
    """Webhook inboxes are cached per process; a rolled-back test's rows are not."""
    from relais.connectors.webhook_inboxes import forget_webhook_inboxes

    forget_webhook_inboxes()
    yield
    forget_webhook_inboxes()


@pytest.fixture
def inbox(db):
    return make_inbox("webchat", name="Chat boutique")


@pytest.fixture
def team(inbox):
    return make_team("Support", inboxes=[inbox])


@pytest.fixture
def agent(team):
    return make_agent(teams=[team], name="Alice Martin", email="alice@example.com")


@pytest.fixture
def outsider(db):
    """An agent whose team serves another inbox."""
    other = make_inbox("webchat", name="Autre boutique")
    return make_agent(teams=[make_team("Autre équipe", inboxes=[other])], name="Oscar")
