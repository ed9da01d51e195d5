"""Check request (and optionally response) bodies against Discord's official OpenAPI 3.1 spec.

The spec lives next to the project, outside the repository: `../shared/discord-openapi.json` from
the repository root (or the file DISCORD_OPENAPI_SPEC names). Without it the checks cannot run:
in CI (CI=true) that is an error, elsewhere a loud warning. It is parsed once per process, and a
validator is built once per (path, method, direction).
"""

from __future__ import annotations

import functools
import json
import os
import re
import warnings
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SPEC_URI = "urn:discord-openapi"
REPO_ROOT = Path(__file__).resolve().parents[2]
CANDIDATES = (REPO_ROOT.parent / "shared" / "discord-openapi.json",)


class SpecMissingError(RuntimeError):
    """CI without the spec: request bodies would go unchecked, so the run fails."""


class SpecMissingWarning(UserWarning):
    """No spec outside CI: the tests run, but request bodies are not checked against it."""


def _wanted() -> list[Path]:
    override = os.environ.get("DISCORD_OPENAPI_SPEC")
    return [Path(override)] if override else list(CANDIDATES)


def find_spec() -> Path | None:
    """The spec file: DISCORD_OPENAPI_SPEC if set, else ../shared/discord-openapi.json; None if absent."""
    return next((candidate for candidate in _wanted() if candidate.is_file()), None)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def _pointer(*parts: str) -> str:
    return "#/" + "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


def _registry(document: dict[str, Any]) -> Registry:
    return Registry().with_resource(SPEC_URI, Resource(contents=document, specification=DRAFT202012))


class OpenAPISpec:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        # The spec types snowflakes as strings; Discord also accepts JSON integers in requests, and
        # discord.py sends some that way (message_reference ids, allowed_mentions users/roles).
        schemas = document["components"]["schemas"]
        snowflake = {"anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]}
        lenient = document | {
            "components": document["components"] | {"schemas": schemas | {"SnowflakeType": snowflake}}
        }
        self._registries = {"request": _registry(lenient), "response": _registry(document)}
        self._routes: list[tuple[re.Pattern[str], str]] = []
        for template in document["paths"]:
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            self._routes.append((re.compile(pattern), template))
        # Literal segments win over parameters: /messages/@original before /messages/{message_id}.
        self._routes.sort(key=lambda route: route[1].count("{"))
        self._validators: dict[tuple[str, str, str], Draft202012Validator | None] = {}

    def match(self, path: str) -> str | None:
        for pattern, template in self._routes:
            if pattern.fullmatch(path):
                return template
        return None

    def _validator(self, template: str, method: str, status: str | None) -> Draft202012Validator | None:
        key = (template, method, status or "request")
        if key not in self._validators:
            where = ("requestBody",) if status is None else ("responses", status)
            node = self.document["paths"][template].get(method.lower(), {})
            for part in where:
                node = node.get(part, {})
            validator = None
            if "application/json" in node.get("content", {}):
                pointer = _pointer(
                    "paths", template, method.lower(), *where, "content", "application/json", "schema"
                )
                registry = self._registries["request" if status is None else "response"]
                validator = Draft202012Validator({"$ref": SPEC_URI + pointer}, registry=registry)
            self._validators[key] = validator
        return self._validators[key]

    def check(self, method: str, path: str, body: Any, *, status: int | None = None) -> list[str]:
        """Violations of the spec by a request body (or, with `status`, a response body)."""
        template = self.match(path)
        if template is None:
            return [f"{method} {path}: no such path in the OpenAPI spec"]
        if method.lower() not in self.document["paths"][template]:
            return [f"{method} {template}: no such operation in the OpenAPI spec"]
        validator = self._validator(template, method, None if status is None else str(status))
        if validator is None:
            return []
        error = best_match(validator.iter_errors(body))
        if error is None:
            return []
        while error.context:  # oneOf/anyOf: follow the branch that got furthest into the body
            error = max(error.context, key=lambda e: len(e.absolute_path))
        where = "/".join(str(p) for p in error.absolute_path) or "<body>"
        side = "request" if status is None else f"{status} response"
        return [f"{method} {template} {side}: at {where}: {error.message[:300]}"]


@functools.cache
def _load(path: str) -> OpenAPISpec:
    with open(path, encoding="utf-8") as file:
        return OpenAPISpec(json.load(file))


def load_spec() -> OpenAPISpec | None:
    """The parsed spec; if it is missing, SpecMissingError in CI, else a SpecMissingWarning and None."""
    path = find_spec()
    if path is not None:
        return _load(str(path))
    if in_ci():
        raise SpecMissingError(missing_message())
    warnings.warn(missing_message(), SpecMissingWarning, stacklevel=2)
    return None


def missing_message() -> str:
    wanted = " or ".join(str(candidate) for candidate in _wanted())
    return (
        f"Discord's OpenAPI spec is missing ({wanted}): request bodies are NOT checked against it. "
        "Put discord-openapi.json there, or set DISCORD_OPENAPI_SPEC to its path"
    )
