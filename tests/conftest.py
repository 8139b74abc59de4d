import pytest
import pytest_asyncio
from channels.layers import DEFAULT_CHANNEL_LAYER, channel_layers
from hypothesis import settings as hypothesis_settings

from tests.factories import make_agent, make_inbox, make_team

# Hypothesis fails an example slower than 200 ms ("deadline"): a timed
# assertion, which a loaded machine trips (a mail parsed in 0.8 ms once took
# 667 ms). The suite asserts outcomes only.
hypothesis_settings.register_profile("relais", deadline=None)
hypothesis_settings.load_profile("relais")


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language, whatever the last one left
    active on its thread."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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


@pytest_asyncio.fixture
async def fresh_channel_layer():
    """A channel layer of the test's own, emptied in the test's event loop.

    The layer is cached per process, and channels_redis' layer keeps asyncio
    locks, queues and connection pools from the loop that used it: a layer
    shared with the previous test (whose loop is closed), or flushed through
    async_to_sync (another loop), fails with "is bound to a different event
    loop". Consumers and broadcast() look the layer up when they start, so
    they all get this one."""
    layer = channel_layers.make_backend(DEFAULT_CHANNEL_LAYER)
    channel_layers.set(DEFAULT_CHANNEL_LAYER, layer)
    # Redis outlives tests: this worker's keys from an earlier test must go.
    await layer.flush()
    try:
        yield layer
    finally:
        await layer.flush()
        # Not the previous layer back: tests that follow start on a new one too.
        channel_layers.backends.pop(DEFAULT_CHANNEL_LAYER, None)


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
