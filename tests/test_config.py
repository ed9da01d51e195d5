"""Settings: the file, the environment over it, paths relative to the file, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, console_state_dir, load_settings
from bot.core.knowledge.paths import default_knowledge_dir


def test_no_file_gives_the_defaults() -> None:
    settings = load_settings(None, {})
    assert settings.discord.token is None and settings.discord.guild_ids == []
    assert settings.cooldown.rate == 5 and settings.duplicate_window_seconds == 60
    assert (settings.knowledge_dir / "categories.yaml").is_file()


def test_the_example_config_is_valid_and_paths_are_relative_to_it() -> None:
    example = Path(__file__).parents[1] / "config.example.yaml"
    settings = load_settings(example, {})
    assert settings.knowledge_dir == default_knowledge_dir()
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
    ("text", "line", "words"),
    [
        ("discord:\n  tokn: x\n", 2, "unknown key `tokn` in `discord`: did you mean `token`?"),
        ("log_levl: DEBUG\n", 1, "unknown key `log_levl` at the top of the file: did you mean `log_level`?"),
        ("discord: [1, 2\n", 2, "not valid YAML"),
        ("- a list\n", 1, "expected keys such as `discord:`"),
        ("cooldown:\n  rate: 0\n", 2, "`cooldown.rate`: Input should be greater than or equal to 1"),
        ("discord:\n  api_base_url: localhost:8080\n", 2, "must be a full URL"),
        ("log_level: loud\n", 1, "`log_level`: use DEBUG, INFO, WARNING or ERROR"),
        ("discord:\n  guild_ids: [abc]\n", 2, "`discord.guild_ids`: 'abc' is not a server id"),
        ("log_level: INFO\nlog_level: DEBUG\n", 2, "`log_level` is written twice: keep one"),
        ("discord:\n  token: a\n  token: b\n", 3, "`discord.token` is written twice"),
        ("discord: 5\n", 1, "`discord`: must be a section of `key: value` lines indented under it, not 5"),
    ],
)
def test_mistakes_are_one_clear_line_with_file_and_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:{line}: "), problem
    assert words in problem, problem
    assert "\n" not in problem


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    path.write_text(
        "discord:\n  tokn: x\n  guild_ids: [12, x]\ncooldown:\n  rate: 0\n  per_second: 3\nlog_level: loud\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    lines = [p.removeprefix(f"{path}:") for p in caught.value.problems]
    assert [line.split(":")[0] for line in lines] == ["2", "3", "5", "6", "7"]
    assert "did you mean `per_seconds`?" in lines[3]
    assert str(caught.value).splitlines() == caught.value.problems


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("DISCORD_GUILD_IDS", "abc", "'abc' is not a server id"),
        ("DISCORD_GUILD_IDS", "123, 4x5", "'4x5' is not a server id"),
        ("DISCORD_API_BASE_URL", "localhost:8080", "must be a full URL"),
        ("CODING_ADVISOR_LOG_LEVEL", "loud", "use DEBUG, INFO, WARNING or ERROR"),
    ],
)
def test_a_bad_environment_value_names_the_variable_not_the_file(
    tmp_path: Path, variable: str, value: str, words: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("discord:\n  guild_ids: [1]\nlog_level: INFO\n")
    for config in (path, None):
        with pytest.raises(ConfigError) as caught:
            load_settings(config, {variable: value})
        [problem] = caught.value.problems
        assert problem.startswith(f"environment variable {variable}={value!r}: "), problem
        assert words in problem and "c.yaml" not in problem


def test_sharding_settings_are_checked_when_the_config_loads(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    cases = {
        "discord:\n  shard_count: 2\n  shard_ids: [5]\n": (
            3,
            "`discord.shard_ids`: shard 5 does not exist: with shard_count 2 the ids are 0 to 1",
        ),
        "discord:\n  shard_ids: [0]\n": (2, "`discord.shard_ids` needs `shard_count`"),
        "discord:\n  shard_count: 3\n  shard_ids: [1, 1]\n": (3, "shard 1 is listed twice"),
        "discord:\n  shard_count: 3\n  shard_ids: []\n": (3, "list at least one shard id"),
        "discord:\n  shard_count: 0\n": (
            2,
            "`discord.shard_count`: Input should be greater than or equal to 1",
        ),
    }
    for text, (line, words) in cases.items():
        path.write_text(text)
        with pytest.raises(ConfigError) as caught:
            load_settings(path, {})
        [problem] = caught.value.problems
        assert problem.startswith(f"{path}:{line}: ") and words in problem, (text, problem)
    path.write_text("discord:\n  shard_count: 4\n  shard_ids: [2, 3]\n")
    assert load_settings(path, {}).discord.shard_ids == [2, 3]


def test_a_copied_example_config_uses_the_shipped_knowledge(tmp_path: Path) -> None:
    example = Path(__file__).parents[1] / "config.example.yaml"
    copy = tmp_path / "config.yaml"
    copy.write_text(example.read_text(encoding="utf-8"), encoding="utf-8")
    settings = load_settings(copy, {})
    assert settings.knowledge_dir == default_knowledge_dir()
    assert settings.state_dir == tmp_path / ".coding-advisor"


def test_a_missing_knowledge_dir_names_the_setting_and_the_file(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text("log_level: INFO\nknowledge_dir: knowledge\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {})
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}:2: `knowledge_dir`: {tmp_path / 'knowledge'} not found"), problem
    assert "remove the key to use the shipped knowledge base" in problem
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {"CODING_ADVISOR_KNOWLEDGE_DIR": str(tmp_path / "kb")})
    [problem] = caught.value.problems
    assert problem.startswith(f"environment variable CODING_ADVISOR_KNOWLEDGE_DIR='{tmp_path / 'kb'}': ")
    assert "not found" in problem
    (tmp_path / "knowledge").mkdir()
    assert load_settings(path, {}).knowledge_dir == tmp_path / "knowledge"


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
