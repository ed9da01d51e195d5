"""The moderator-owned knowledge base: model, loader and validator, templates, schema."""

from bot.core.knowledge.loader import (
    KnowledgeBase,
    KnowledgeError,
    Problem,
    load_knowledge,
    validate_directory,
)

__all__ = ["KnowledgeBase", "KnowledgeError", "Problem", "load_knowledge", "validate_directory"]
