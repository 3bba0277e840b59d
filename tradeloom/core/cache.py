"""Django's Redis cache, starting the embedded server on first use when there is no ``REDIS_URL``.

On first use, not when the cache object is made: Django's system checks make one for every command (``migrate``,
``check``), which need no Redis."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.utils.functional import cached_property


class RedisCache(DjangoRedisCache):
    @cached_property
    def _cache(self) -> Any:
        embedded = getattr(settings, "EMBEDDED_REDIS_DIR", None)
        if embedded is not None:
            from tradeloom.core.embedded_redis import ensure_server

            ensure_server(embedded)
        return DjangoRedisCache._cache.func(self)  # type: ignore[attr-defined]
