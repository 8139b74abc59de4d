"""Settings for the test suite: fast hasher, immediate tasks, a throwaway data dir."""

import os
import tempfile

os.environ.setdefault("RELAIS_TESTING", "1")
os.environ.setdefault("RELAIS_DATA_DIR", tempfile.mkdtemp(prefix="relais-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
# A file, not SQLite's shared in-memory database: the browser tests' server
# threads write while the test reads, and shared-cache memory databases lock
# whole tables ("database table is locked") where a WAL file does not.
os.environ.setdefault("RELAIS_TEST_DB", os.path.join(os.environ["RELAIS_DATA_DIR"], "test.sqlite3"))

from relais.settings import *  # noqa: E402, F403

# The scale-out pass (tests.servers) runs the tests on PostgreSQL and Redis.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":  # noqa: F405
    # Close connections after each request or database_sync_to_async call, so
    # that none is left open when pytest-django drops the test database.
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
if REDIS_URL:  # noqa: F405
    # Parallel workers share one Redis and their databases hand out the same
    # ids: keep their groups (conversation.<id>…) apart.
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = f"relais-test-{worker}:"  # noqa: F405
