"""Where the shipped knowledge base lives: the repository's knowledge/ in a checkout, else the copy
installed inside the package (pyproject maps knowledge/ to `bot.knowledge_defaults`)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[3] / "knowledge"


def default_knowledge_dir() -> Path:
    if _CHECKOUT.is_dir():
        return _CHECKOUT
    return Path(str(resources.files("bot.knowledge_defaults")))
