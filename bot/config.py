"""Settings: config.yaml (every key documented in config.example.yaml) with environment overrides.

Paths in the file are relative to the file itself, so the bot runs the same from any directory.
Problems are reported in one message naming the key, never as a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Annotated, Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.knowledge.yaml_lines import Location, ParsedYaml, error_text, parse

# Environment variable -> (section, key). The environment wins over the file.
ENVIRONMENT = {
    "DISCORD_TOKEN": ("discord", "token"),
    "DISCORD_API_BASE_URL": ("discord", "api_base_url"),
    "DISCORD_GATEWAY_URL": ("discord", "gateway_url"),
    "DISCORD_GUILD_IDS": ("discord", "guild_ids"),
    "CODING_ADVISOR_KNOWLEDGE_DIR": ("", "knowledge_dir"),
    "CODING_ADVISOR_STATE_DIR": ("", "state_dir"),
    "CODING_ADVISOR_LOG_LEVEL": ("", "log_level"),
    "CODING_ADVISOR_MODERATOR_ROLE_IDS": ("moderation", "moderator_role_ids"),
    "CODING_ADVISOR_MOD_LOG_CHANNEL_ID": ("moderation", "mod_log_channel_id"),
    "CODING_ADVISOR_KNOWLEDGE_WATCH": ("", "knowledge_watch"),
    "CODING_ADVISOR_STORAGE_PATH": ("storage", "path"),
    "CODING_ADVISOR_QUESTION_LOG_RETENTION_DAYS": ("question_log", "retention_days"),
}
STORAGE_FILE = "coding-advisor.sqlite3"  # in state_dir unless storage.path says otherwise


def _split_ids(value: object, kind: str, where: str) -> object:
    """'123, 456' (as the environment gives it) -> ['123', '456']; a word is refused, saying where
    in Discord such an id is copied."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    for part in value if isinstance(value, list) else []:
        if isinstance(part, bool) or not str(part).isdigit():
            raise ValueError(
                f"{part!r} is not a {kind} id: {kind} ids are numbers, copy one in Discord with "
                f"right-click on {where} > Copy {kind.title()} ID (turn on Developer Mode first)"
            )
    return value


class ConfigError(Exception):
    """The configuration cannot be used; one line per problem, each naming the file:line or setting."""

    def __init__(self, problems: str | Iterable[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DiscordSettings(_Section):
    token: str | None = Field(default=None, repr=False)
    guild_ids: list[int] = []
    api_base_url: str | None = None
    gateway_url: str | None = None
    shard_count: Annotated[int, Field(ge=1)] | None = None
    shard_ids: list[Annotated[int, Field(ge=0)]] | None = None

    @field_validator("guild_ids", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return _split_ids(value, "server", "the server")

    @field_validator("shard_ids")
    @classmethod
    def _shards(cls, value: list[int] | None, info: ValidationInfo) -> list[int] | None:
        if value is None:
            return value
        if "shard_count" not in info.data:
            return value  # shard_count itself is wrong, and reported
        count = info.data["shard_count"]
        if count is None:
            raise ValueError(
                "`discord.shard_ids` needs `shard_count` (the total number of shards): set "
                "discord.shard_count, or remove shard_ids"
            )
        if not value:
            raise ValueError("list at least one shard id, or leave shard_ids null to run every shard")
        for shard in value:
            if shard >= count:
                raise ValueError(
                    f"shard {shard} does not exist: with shard_count {count} the ids are 0 to {count - 1}"
                )
        for shard in set(value):
            if value.count(shard) > 1:
                raise ValueError(f"shard {shard} is listed twice: list each shard once")
        return value

    @field_validator("api_base_url", "gateway_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://", "ws://", "wss://")):
            raise ValueError(f"{value!r} must be a full URL such as http://127.0.0.1:8080/api/v10")
        return value.rstrip("/") if value else value


class CooldownSettings(_Section):
    rate: Annotated[int, Field(ge=1)] = 5
    per_seconds: Annotated[float, Field(gt=0)] = 30.0


class ModerationSettings(_Section):
    moderator_role_ids: list[Annotated[int, Field(gt=0)]] = []
    mod_log_channel_id: Annotated[int, Field(gt=0)] | None = None

    @field_validator("moderator_role_ids", mode="before")
    @classmethod
    def _split(cls, value: object) -> object:
        return _split_ids(value, "role", "the role in Server Settings > Roles")


class StorageSettings(_Section):
    path: Path | None = None  # None: <state_dir>/coding-advisor.sqlite3


class QuestionLogSettings(_Section):
    retention_days: Annotated[int, Field(ge=1, le=3650)] = 90


class Settings(_Section):
    discord: DiscordSettings = DiscordSettings()
    knowledge_dir: Path = Field(default_factory=default_knowledge_dir)
    state_dir: Path = Path(".coding-advisor")
    cooldown: CooldownSettings = CooldownSettings()
    duplicate_window_seconds: Annotated[float, Field(ge=0)] = 60.0
    log_level: str = "INFO"
    moderation: ModerationSettings = ModerationSettings()
    knowledge_watch: bool = True
    storage: StorageSettings = StorageSettings()
    question_log: QuestionLogSettings = QuestionLogSettings()

    @property
    def storage_path(self) -> Path:
        """The database file: storage.path, else coding-advisor.sqlite3 in state_dir."""
        return self.storage.path or Path(self.state_dir) / STORAGE_FILE

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value.upper()


def load_settings(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings from `path` (if any) with the environment over it; ConfigError lists every problem.

    Each problem names where the bad value came from: `file:line:` for the file, the variable for
    the environment.
    """
    environ = dict(os.environ if environ is None else environ)
    parsed = ParsedYaml(data={})
    base = Path.cwd()
    problems: list[tuple[int, str]] = []  # (line, message): reported in the order of the file
    if path is not None:
        parsed = _read(path)
        base = path.resolve().parent
        problems += [
            (line, f"{path}:{line}: `{parsed.describe(loc)}` is written twice: keep one")
            for loc, line in parsed.duplicates
        ]
    data: dict[str, Any] = parsed.data if isinstance(parsed.data, dict) else {}
    if parsed.data is not None and not isinstance(parsed.data, dict):
        problems.append(
            (1, f"{path}:1: expected keys such as `discord:`, found {type(parsed.data).__name__}")
        )

    from_environment: dict[Location, str] = {}
    for variable, (section, key) in ENVIRONMENT.items():
        if not environ.get(variable):
            continue
        target = data.setdefault(section, {}) if section else data
        if not isinstance(target, dict):
            continue  # the file's `section:` is not a section; validation says so at its line
        target[key] = environ[variable]
        from_environment[(section, key) if section else (key,)] = variable

    def variable_for(location: Location) -> str | None:
        return next(
            (
                from_environment[location[:end]]
                for end in range(len(location), 0, -1)
                if location[:end] in from_environment
            ),
            None,
        )

    def problem(location: Location, text: str) -> tuple[int, str]:
        variable = variable_for(location)
        if variable is not None:
            return 0, f"environment variable {variable}={environ[variable]!r}: {text}"
        line = parsed.line_of(location)
        return line, f"{path}:{line}: {text}"

    settings: Settings | None
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        for detail in error.errors():
            location: Location = tuple(detail["loc"])
            text = error_text(detail) if variable_for(location) else parsed.explain(detail, Settings)
            problems.append(problem(location, text))
        settings = None
    if settings is not None:
        settings = _resolve_paths(settings, base, from_environment)
        if "knowledge_dir" in data and not settings.knowledge_dir.is_dir():
            named = "" if variable_for(("knowledge_dir",)) else "`knowledge_dir`: "
            problems.append(
                problem(
                    ("knowledge_dir",),
                    f"{named}{settings.knowledge_dir} not found: point it at your knowledge directory, "
                    "or remove the key to use the shipped knowledge base",
                )
            )
    if problems or settings is None:
        raise ConfigError(text for _, text in sorted(problems, key=lambda problem: problem[0]))
    return settings


def _resolve_paths(settings: Settings, base: Path, from_environment: Mapping[Location, str]) -> Settings:
    """Relative paths in the file are relative to the file, not to wherever the bot was started;
    relative paths in the environment are relative to the working directory, as in a shell."""
    for name in ("knowledge_dir", "state_dir"):
        value: Path = getattr(settings, name)
        if not value.is_absolute():
            relative_to = Path.cwd() if (name,) in from_environment else base
            settings = settings.model_copy(update={name: relative_to / value})
    if settings.storage.path is not None and not settings.storage.path.is_absolute():
        relative_to = Path.cwd() if ("storage", "path") in from_environment else base
        storage = settings.storage.model_copy(update={"path": relative_to / settings.storage.path})
        settings = settings.model_copy(update={"storage": storage})
    return settings


def console_state_dir(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where the console keeps its history: the config's `state_dir` when a config file or
    CODING_ADVISOR_STATE_DIR names one, else the user's own state directory (on Linux
    ~/.local/state/coding-advisor), so the history follows the user, not the working directory."""
    environ = os.environ if environ is None else environ
    if path is None and not environ.get("CODING_ADVISOR_STATE_DIR"):
        return Path(platformdirs.user_state_dir("coding-advisor", appauthor=False))
    return load_settings(path, dict(environ)).state_dir


def offline_storage_path(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The question log `ask`, the console and `report` use: storage.path from the config or the
    environment, else coding-advisor.sqlite3 in the console's state directory (so, without a
    config, the same file wherever they are started; with one, the bot's own database)."""
    environ = os.environ if environ is None else environ
    settings = load_settings(path, dict(environ))
    if settings.storage.path is not None:
        return settings.storage.path
    return console_state_dir(path, environ) / STORAGE_FILE


def _read(path: Path) -> ParsedYaml:
    import yaml  # what parse() raises; imported when a config file is read at all

    if not path.is_file():
        raise ConfigError(f"config file not found: {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"{path}: cannot read the file: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: not UTF-8 text ({error.reason}): save the file as UTF-8") from None
    try:
        return parse(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        what = " ".join(filter(None, [error.context, error.problem]))
        raise ConfigError(
            f"{path}:{mark.line + 1 if mark else 1}: not valid YAML: {what} (check indentation, colons and quotes)"
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path}:1: not valid YAML: {error}") from None
