"""Where the shipped knowledge base lives: the repository's knowledge/ in a checkout, else the copy
installed inside the package (pyproject maps knowledge/ to `bot/knowledge_defaults`)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[2]  # .../bot
_CHECKOUT = _PACKAGE.parent / "knowledge"
_INSTALLED = _PACKAGE / "knowledge_defaults"


def default_knowledge_dir() -> Path:
    """The shipped knowledge base: the checkout's knowledge/, else the installed copy."""
    return _CHECKOUT if _CHECKOUT.is_dir() else _INSTALLED
