"""Settings: config.yaml (every key documented in config.example.yaml) with environment overrides.

Paths in the file are relative to the file itself, so the bot runs the same from any directory.
Problems are reported in one message naming the key, never as a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import platformdirs
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.core.knowledge.paths import default_knowledge_dir

# Environment variable -> (section, key). The environment wins over the file.
ENVIRONMENT = {
    "DISCORD_TOKEN": ("discord", "token"),
    "DISCORD_API_BASE_URL": ("discord", "api_base_url"),
    "DISCORD_GATEWAY_URL": ("discord", "gateway_url"),
    "DISCORD_GUILD_IDS": ("discord", "guild_ids"),
    "CODING_ADVISOR_KNOWLEDGE_DIR": ("", "knowledge_dir"),
    "CODING_ADVISOR_STATE_DIR": ("", "state_dir"),
    "CODING_ADVISOR_LOG_LEVEL": ("", "log_level"),
}


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why."""


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
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
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


class Settings(_Section):
    discord: DiscordSettings = DiscordSettings()
    knowledge_dir: Path = Field(default_factory=default_knowledge_dir)
    state_dir: Path = Path(".coding-advisor")
    cooldown: CooldownSettings = CooldownSettings()
    duplicate_window_seconds: Annotated[float, Field(ge=0)] = 60.0
    log_level: str = "INFO"

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        if value.upper() not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("use DEBUG, INFO, WARNING or ERROR")
        return value.upper()


def load_settings(path: Path | None = None, environ: dict[str, str] | None = None) -> Settings:
    environ = dict(os.environ if environ is None else environ)
    data: dict[str, object] = {}
    base = Path.cwd()
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{path}{where}: not valid YAML ({getattr(error, 'problem', error)})") from None
        if loaded is not None and not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected keys such as `discord:`, found {type(loaded).__name__}")
        data = loaded or {}
        base = path.resolve().parent
    for variable, (section, key) in ENVIRONMENT.items():
        if environ.get(variable):
            target = data.setdefault(section, {}) if section else data
            if not isinstance(target, dict):
                raise ConfigError(f"{path}: `{section}` must be a section of keys")
            target[key] = environ[variable]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        source = f"{path}: " if path else ""
        raise ConfigError(f"{source}`{key}`: {first['msg'].removeprefix('Value error, ')}") from None
    # Relative paths are relative to the config file, not to wherever the bot was started.
    for name in ("knowledge_dir", "state_dir"):
        value: Path = getattr(settings, name)
        if not value.is_absolute():
            settings = settings.model_copy(update={name: base / value})
    return settings


def console_state_dir(path: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where the console keeps its history: the config's `state_dir` when a config file or
    CODING_ADVISOR_STATE_DIR names one, else the user's own state directory (on Linux
    ~/.local/state/coding-advisor), so the history follows the user, not the working directory."""
    environ = os.environ if environ is None else environ
    if path is None and not environ.get("CODING_ADVISOR_STATE_DIR"):
        return Path(platformdirs.user_state_dir("coding-advisor", appauthor=False))
    return load_settings(path, dict(environ)).state_dir
