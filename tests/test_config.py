"""Settings: the file, the environment over it, paths relative to the file, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, console_state_dir, load_settings


def test_no_file_gives_the_defaults() -> None:
    settings = load_settings(None, {})
    assert settings.discord.token is None and settings.discord.guild_ids == []
    assert settings.cooldown.rate == 5 and settings.duplicate_window_seconds == 60
    assert (settings.knowledge_dir / "categories.yaml").is_file()


def test_the_example_config_is_valid_and_paths_are_relative_to_it() -> None:
    example = Path(__file__).parents[1] / "config.example.yaml"
    settings = load_settings(example, {})
    assert settings.knowledge_dir == example.parent / "knowledge"
    assert settings.state_dir == example.parent / ".coding-advisor"


def test_the_environment_overrides_the_file(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text("discord:\n  token: from-file\n  guild_ids: [1]\nlog_level: debug\n")
    settings = load_settings(
        path,
        {
            "DISCORD_TOKEN": "from-env",
            "DISCORD_GUILD_IDS": "10, 20",
            "DISCORD_API_BASE_URL": "http://127.0.0.1:9/api/v10/",
        },
    )
    assert settings.discord.token == "from-env"
    assert settings.discord.guild_ids == [10, 20]
    assert settings.discord.api_base_url == "http://127.0.0.1:9/api/v10"
    assert settings.log_level == "DEBUG"
    assert "from-env" not in repr(settings)  # the token never shows in logs or tracebacks


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("discord:\n  tokn: x\n", "`discord.tokn`: Extra inputs are not permitted"),
        ("discord: [1, 2\n", "not valid YAML"),
        ("- a list\n", "expected keys such as `discord:`"),
        ("cooldown:\n  rate: 0\n", "`cooldown.rate`"),
        ("discord:\n  api_base_url: localhost:8080\n", "must be a full URL"),
        ("log_level: loud\n", "use DEBUG, INFO, WARNING or ERROR"),
        ("discord:\n  guild_ids: [abc]\n", "`discord.guild_ids.0`"),
        ("moderation:\n  moderator_role_ids: [abc]\n", "`moderation.moderator_role_ids.0`"),
        ("moderation:\n  mod_log_channel_id: -5\n", "`moderation.mod_log_channel_id`"),
        ("knowledge_watch: sometimes\n", "`knowledge_watch`"),
        ("question_log:\n  retention_days: 0\n", "`question_log.retention_days`"),
        ("storage:\n  file: x.db\n", "`storage.file`: Extra inputs are not permitted"),
    ],
)
def test_mistakes_are_one_clear_message(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=None) as caught:
        load_settings(path, {})
    assert words in str(caught.value)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(tmp_path / "nope.yaml", {})


def test_moderation_storage_and_question_log_settings(tmp_path: Path) -> None:
    defaults = load_settings(None, {})
    assert defaults.moderation.moderator_role_ids == [] and defaults.moderation.mod_log_channel_id is None
    assert defaults.knowledge_watch is True and defaults.question_log.retention_days == 90
    assert defaults.storage_path == defaults.state_dir / "coding-advisor.sqlite3"

    path = tmp_path / "config.yaml"
    path.write_text(
        "moderation:\n  moderator_role_ids: [11, 12]\n  mod_log_channel_id: 13\n"
        "knowledge_watch: false\nstorage:\n  path: data/log.sqlite3\nquestion_log:\n  retention_days: 30\n"
    )
    settings = load_settings(path, {})
    assert settings.moderation.moderator_role_ids == [11, 12] and settings.moderation.mod_log_channel_id == 13
    assert settings.knowledge_watch is False and settings.question_log.retention_days == 30
    assert settings.storage_path == tmp_path / "data" / "log.sqlite3"  # relative to the file

    overridden = load_settings(
        path,
        {
            "CODING_ADVISOR_MODERATOR_ROLE_IDS": "21, 22",
            "CODING_ADVISOR_MOD_LOG_CHANNEL_ID": "23",
            "CODING_ADVISOR_KNOWLEDGE_WATCH": "true",
            "CODING_ADVISOR_STORAGE_PATH": str(tmp_path / "elsewhere.sqlite3"),
            "CODING_ADVISOR_QUESTION_LOG_RETENTION_DAYS": "7",
        },
    )
    assert overridden.moderation.moderator_role_ids == [21, 22]
    assert overridden.moderation.mod_log_channel_id == 23 and overridden.knowledge_watch is True
    assert overridden.storage_path == tmp_path / "elsewhere.sqlite3"
    assert overridden.question_log.retention_days == 7


def test_the_console_keeps_its_history_per_user_unless_told_otherwise(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    monkeypatch.chdir(tmp_path)
    default = console_state_dir(None, {})
    assert default.is_absolute() and default.name == "coding-advisor"
    assert default != tmp_path / ".coding-advisor"  # not wherever the console happens to start
    assert console_state_dir(None, {"CODING_ADVISOR_STATE_DIR": str(tmp_path / "env")}) == tmp_path / "env"
    config = tmp_path / "conf" / "config.yaml"
    config.parent.mkdir()
    config.write_text("state_dir: here\n", encoding="utf-8")
    assert console_state_dir(config, {}) == tmp_path / "conf" / "here"
