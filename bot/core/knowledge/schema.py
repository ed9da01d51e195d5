"""The JSON Schema of a knowledge file, generated from the model so it can never drift from it.

Each YAML file points at it (`# yaml-language-server: $schema=schema.json`), so editors such as
VS Code with the YAML extension check and autocomplete while moderators type.
"""

from __future__ import annotations

import json
from typing import Any

from bot.core.knowledge.model import KnowledgeFile

SCHEMA_FILE = "schema.json"


def knowledge_schema() -> dict[str, Any]:
    """The JSON Schema of a knowledge file, for editors and `coding-advisor schema`."""
    schema = KnowledgeFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "coding-advisor knowledge file"
    return schema


def schema_text() -> str:
    """The JSON Schema as the text written to knowledge/schema.json."""
    return json.dumps(knowledge_schema(), indent=2, ensure_ascii=False) + "\n"
