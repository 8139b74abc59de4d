"""Settings for the test suite: fast hasher, immediate tasks, a throwaway data dir."""

import os
import tempfile

os.environ.setdefault("RELAIS_TESTING", "1")
os.environ.setdefault("RELAIS_DATA_DIR", tempfile.mkdtemp(prefix="relais-test-"))
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")

from relais.settings import *  # noqa: E402, F403
