"""Rate limits hold across processes through a shared cache: Redis when configured."""

import socket

import pytest
from django.core.cache.backends.redis import RedisCache


def _redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


def test_it_uses_the_database_cache_by_default(settings):
    backend = settings.CACHES["default"]["BACKEND"]

    assert backend == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_it_counts_in_redis_when_given_a_redis_url():
    cache = RedisCache("redis://127.0.0.1:6379/15", {"KEY_PREFIX": "sd-test"})
    cache.delete("throttle:api:probe")

    cache.set("throttle:api:probe", [1.0, 2.0], 60)

    assert cache.get("throttle:api:probe") == [1.0, 2.0]
    cache.delete("throttle:api:probe")
