import os

import pytest
from hypothesis import settings as hypothesis_settings

from tests.fixtures import World


@pytest.fixture
def world(db):
    return World()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is deliberately slow; tests sign in hundreds of times.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# Property tests explore new examples on every local run, but CI must not fail on a
# run of luck: there the examples are derived from each test's name, the same every
# time. A failure found locally is kept in .hypothesis/ and tried first next time.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")
