"""Settings helpers: secrets from files, flags, the generated secret key kept across runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from accountplan.config.env import env, env_bool, env_list, persistent_secret_key


def test_env_reads_a_secret_from_the_file_named_by_name_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "db_url"
    secret.write_text("postgres://example/db\n", encoding="utf-8")
    monkeypatch.setenv("SOME_SECRET_FILE", str(secret))
    monkeypatch.setenv("SOME_SECRET", "ignored when the file is given")
    assert env("SOME_SECRET") == "postgres://example/db"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("TRUE", True), ("yes", True), ("0", False), ("off", False)]
)
def test_env_bool_understands_common_spellings(
    raw: str, expected: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("A_FLAG", raw)
    assert env_bool("A_FLAG") is expected


def test_env_bool_falls_back_to_its_default_when_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("A_FLAG", raising=False)
    assert env_bool("A_FLAG", True) is True


def test_env_list_drops_blanks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOSTS", " a.example, ,b.example ")
    assert env_list("HOSTS") == ["a.example", "b.example"]


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    first = persistent_secret_key(tmp_path / "data")
    second = persistent_secret_key(tmp_path / "data")
    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0


def test_two_data_folders_get_different_keys(tmp_path: Path) -> None:
    assert persistent_secret_key(tmp_path / "a") != persistent_secret_key(tmp_path / "b")
