"""Django's Redis cache, starting the embedded server on first use when there is no ``REDIS_URL``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        embedded = getattr(settings, "EMBEDDED_REDIS_DIR", None)
        if embedded is not None:
            from tradeloom.core.embedded_redis import ensure_server

            ensure_server(embedded)
