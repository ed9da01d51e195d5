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
