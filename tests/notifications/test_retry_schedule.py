"""The retry schedule: exponential, jittered, and always longer than a day."""

from datetime import timedelta

import pytest

from stratadesk.notifications import webhooks


def test_it_keeps_retrying_for_more_than_a_day_even_with_every_wait_cut_short():
    shortest = sum(webhooks.RETRY_DELAYS, timedelta()) * (1 - webhooks.JITTER)

    assert shortest > timedelta(hours=24)


def test_it_waits_longer_after_each_failure():
    delays = list(webhooks.RETRY_DELAYS)

    assert delays == sorted(delays)
    assert delays[0] == timedelta(seconds=5)


@pytest.mark.parametrize("attempts", range(1, len(webhooks.RETRY_DELAYS) + 1))
def test_it_jitters_each_wait_by_at_most_a_fifth(attempts):
    base = webhooks.RETRY_DELAYS[attempts - 1]

    waits = [webhooks.retry_delay(attempts) for _ in range(200)]

    assert all(base * 0.8 <= wait <= base * 1.2 for wait in waits)
    assert len(set(waits)) > 1
