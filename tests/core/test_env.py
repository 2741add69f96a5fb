import pytest

from stratadesk.env import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_timezone,
)


def test_it_uses_the_default_when_a_variable_is_unset_or_empty(monkeypatch):
    monkeypatch.delenv("SD_TEST", raising=False)
    assert env_int("SD_TEST", 7) == 7

    monkeypatch.setenv("SD_TEST", "")
    assert env_int("SD_TEST", 7) == 7
    assert env_str("SD_TEST", "x") == "x"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("yes", True), ("OFF", False), ("0", False)]
)
def test_it_reads_booleans(monkeypatch, raw, expected):
    monkeypatch.setenv("SD_TEST", raw)
    assert env_bool("SD_TEST", not expected) is expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        (lambda: env_bool("SD_TEST", False), "maybe"),
        (lambda: env_int("SD_TEST", 1), "ten"),
        (lambda: env_int("SD_TEST", 1, minimum=1), "0"),
        (lambda: env_choice("SD_TEST", "a", {"a", "b"}), "c"),
        (lambda: env_timezone("SD_TEST", "UTC"), "Australia/Gotham"),
    ],
)
def test_it_rejects_bad_values_naming_the_variable(monkeypatch, reader, raw):
    monkeypatch.setenv("SD_TEST", raw)

    with pytest.raises(ConfigError, match="SD_TEST"):
        reader()


def test_it_splits_lists_on_commas(monkeypatch):
    monkeypatch.setenv("SD_TEST", "a.example, b.example,,")
    assert env_list("SD_TEST", []) == ["a.example", "b.example"]
