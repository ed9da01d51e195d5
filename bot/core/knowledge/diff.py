"""What changed between two loaded knowledge bases, for the one-line summary after a reload."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from bot.core.knowledge.loader import KnowledgeBase

# The entries a moderator edits, by the name a summary gives them.
SECTIONS = ("topics", "credentials", "presets", "categories", "chapters")
_SINGULAR = {
    "topics": "topic",
    "credentials": "credential",
    "presets": "preset",
    "categories": "category",
    "chapters": "chapter",
}
NAMES_SHOWN = 5  # ids named per kind of change; more are counted


@dataclass(frozen=True)
class KnowledgeDiff:
    """Entries added, changed and removed, each as (section, id), in a stable order."""

    added: tuple[tuple[str, str], ...] = ()
    changed: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()
    other: tuple[str, ...] = ()  # whole sections without ids that changed: roadmap, search, tax

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.added or self.changed or self.removed or self.other)

    def summary(self) -> str:
        """'2 added (topic `a`, chapter `nyc`), 1 changed (topic `cpc`), 0 removed; also: roadmap'."""
        parts = [
            f"{len(entries)} {verb}" + _names(entries)
            for verb, entries in (("added", self.added), ("changed", self.changed), ("removed", self.removed))
        ]
        text = ", ".join(parts)
        if self.other:
            text += "; also changed: " + ", ".join(self.other)
        return text


def _names(entries: tuple[tuple[str, str], ...]) -> str:
    if not entries:
        return ""
    shown = ", ".join(f"{_SINGULAR[section]} `{entry}`" for section, entry in entries[:NAMES_SHOWN])
    more = f" and {len(entries) - NAMES_SHOWN} more" if len(entries) > NAMES_SHOWN else ""
    return f" ({shown}{more})"


def diff_knowledge(old: KnowledgeBase, new: KnowledgeBase) -> KnowledgeDiff:
    """Compare entry by entry: a changed field anywhere in an entry makes it 'changed'."""
    added: list[tuple[str, str]] = []
    changed: list[tuple[str, str]] = []
    removed: list[tuple[str, str]] = []
    for section in SECTIONS:
        before: Mapping[str, BaseModel] = getattr(old, section)
        after: Mapping[str, BaseModel] = getattr(new, section)
        added += [(section, key) for key in after if key not in before]
        removed += [(section, key) for key in before if key not in after]
        changed += [(section, key) for key in after if key in before and after[key] != before[key]]
    other = tuple(
        name
        for name, differs in (
            ("roadmap", old.roadmap != new.roadmap),
            ("search words", (old.synonyms, old.out_of_scope) != (new.synonyms, new.out_of_scope)),
            ("self-employment tax", old.se_tax != new.se_tax),
        )
        if differs
    )
    return KnowledgeDiff(tuple(added), tuple(changed), tuple(removed), other)
