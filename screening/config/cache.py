"""Django's Redis cache, answering as a cache miss while Redis is unreachable.

Every API request reads the cache (the throttles count there; the login lockout too, with
REDIS_URL), so with Django's RedisCache a Redis restart turned every request into a 500 for
as long as it lasted (420 of them in 5 s of downtime, bench/bench_faults.py). What the cache
holds can be lost: a count restarts, an upload's progress bar shows nothing. So while Redis
cannot be reached, reads miss, writes are dropped and a warning is logged; the request goes
on. The price is that rates and lockouts are not counted during the outage (they fail open);
the sign-in itself still needs the right password.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
# How long a cache operation may wait for Redis (connecting, then each reply), in seconds.
SOCKET_TIMEOUT = 1.0


def _missing(key: Any, delta: int = 1) -> int:
    raise ValueError(f"Key {key!r} not found.")  # what incr says of a key it does not hold


class FailOpenRedisCacheClient(RedisCacheClient):
    """RedisCacheClient whose operations answer like an empty cache when Redis is down."""

    def __init__(self, servers: Any, **options: Any) -> None:
        options.setdefault("socket_connect_timeout", SOCKET_TIMEOUT)
        options.setdefault("socket_timeout", SOCKET_TIMEOUT)
        super().__init__(servers, **options)

    def _guarded(self, name: str, args: tuple[Any, ...], fallback: Callable[..., Any]) -> Any:
        try:
            return getattr(super(), name)(*args)
        except UNREACHABLE as exc:
            log.warning("Cache unreachable (%s): %s answered as a miss.", exc, name)
            return fallback(*args)

    def add(self, key: Any, value: Any, timeout: Any) -> bool:
        return bool(self._guarded("add", (key, value, timeout), lambda *a: False))

    def get(self, key: Any, default: Any) -> Any:
        return self._guarded("get", (key, default), lambda key, default: default)

    def set(self, key: Any, value: Any, timeout: Any) -> None:
        self._guarded("set", (key, value, timeout), lambda *a: None)

    def touch(self, key: Any, timeout: Any) -> bool:
        return bool(self._guarded("touch", (key, timeout), lambda *a: False))

    def delete(self, key: Any) -> bool:
        return bool(self._guarded("delete", (key,), lambda *a: False))

    def get_many(self, keys: Any) -> dict[Any, Any]:
        found: dict[Any, Any] = self._guarded("get_many", (keys,), lambda *a: {})
        return found

    def has_key(self, key: Any) -> bool:
        return bool(self._guarded("has_key", (key,), lambda *a: False))

    def incr(self, key: Any, delta: int) -> int:
        return int(self._guarded("incr", (key, delta), _missing))

    def set_many(self, data: Any, timeout: Any) -> None:
        self._guarded("set_many", (data, timeout), lambda *a: None)

    def delete_many(self, keys: Any) -> None:
        self._guarded("delete_many", (keys,), lambda *a: None)

    def clear(self) -> bool:
        return bool(self._guarded("clear", (), lambda: False))


class FailOpenRedisCache(RedisCache):
    """settings.CACHES backend: Django's RedisCache with FailOpenRedisCacheClient."""

    def __init__(self, server: Any, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = FailOpenRedisCacheClient
