"""Scale-out tests: the real code on PostgreSQL and Redis.

They run in the second pass of `make test`, under
`python -m tests.servers run -- pytest tests/conversations tests/scaleout`, which
starts throwaway servers and sets DATABASE_URL and REDIS_URL; on the default
SQLite pass they are skipped.
"""

import pytest
from django.conf import settings

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
ON_REDIS = settings.CHANNEL_LAYERS["default"]["BACKEND"] == "channels_redis.core.RedisChannelLayer"

HOW_TO_RUN = "run under `python -m tests.servers run -- pytest tests/scaleout`"
needs_postgres = pytest.mark.skipif(not ON_POSTGRES, reason=f"needs PostgreSQL: {HOW_TO_RUN}")
needs_redis = pytest.mark.skipif(not ON_REDIS, reason=f"needs Redis: {HOW_TO_RUN}")
