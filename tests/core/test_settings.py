import os
import subprocess
import sys

from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from stratadesk.settings import _database


def _import_settings(**env):
    return subprocess.run(
        [sys.executable, "-c", "import stratadesk.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_to_start_in_production_without_a_secret_key():
    result = _import_settings(STRATADESK_MODE="production", STRATADESK_SECRET_KEY="")

    assert result.returncode != 0
    assert "STRATADESK_SECRET_KEY" in result.stderr


def test_it_refuses_a_malformed_setting_naming_the_variable():
    result = _import_settings(STRATADESK_ATTACHMENT_MAX_BYTES="lots")

    assert result.returncode != 0
    assert "STRATADESK_ATTACHMENT_MAX_BYTES" in result.stderr


def test_it_starts_in_production_with_a_proper_secret_key():
    result = _import_settings(
        STRATADESK_MODE="production", STRATADESK_SECRET_KEY="k" * 60
    )

    assert result.returncode == 0, result.stderr


def test_it_opens_the_embedded_sqlite_database_in_wal_mode(
    monkeypatch, tmp_path, django_db_blocker
):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("STRATADESK_VAR_DIR", str(tmp_path))
    monkeypatch.setattr("stratadesk.settings.VAR_DIR", tmp_path)
    config = _database()
    django_db_blocker.unblock()
    wrapper = DatabaseWrapper({**connection.settings_dict, **config}, alias="wal")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            mode = cursor.fetchone()[0]
            cursor.execute("PRAGMA busy_timeout")
            timeout_ms = cursor.fetchone()[0]
    finally:
        wrapper.close()
        django_db_blocker.restore()

    assert mode == "wal"
    assert timeout_ms == 20_000
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
