"""Which credential fits: a setting, years of experience and a goal -> recommendations with reasons.

Nothing here names a credential: the recommendations come from the moderators' rules
(`credential_fit` in knowledge/) over the credential records (credentials.yaml), so a moderator
changes the advice by editing YAML, and `coding-advisor validate` checks every id it uses.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.knowledge.model import FIT_GOALS, FIT_SETTINGS, Credential, CredentialFit, FitPick
from bot.core.tools import ToolInputError

YEARS_MAX = 60.0
GOAL_LABELS: dict[str, str] = {"remote": "Work from home"}  # the quiz's buttons for each goal
NO_GOAL_LABEL = "No particular goal"


class FitInputError(ToolInputError):
    """An answer the quiz does not offer; the message lists what it does."""


@dataclass(frozen=True)
class Pick:
    """One credential in the result, with every reason that applied to it."""

    id: str
    name: str
    title: str
    reasons: tuple[str, ...]
    topic: str | None = None


@dataclass(frozen=True)
class Fit:
    """The quiz's answers and what they recommend."""

    setting: str
    setting_label: str
    experience_years: float
    goal: str | None
    recommended: tuple[Pick, ...]
    also_consider: tuple[Pick, ...]
    notes: tuple[str, ...] = ()
    topics: tuple[str, ...] = field(default=())  # topics to read next, in order, each once

    def as_dict(self) -> dict[str, object]:
        """What `which-credential --json` prints."""
        return {
            "setting": self.setting,
            "experience_years": self.experience_years,
            "goal": self.goal,
            "recommended": [
                {"id": p.id, "title": p.title, "reasons": list(p.reasons)} for p in self.recommended
            ],
            "also_consider": [p.id for p in self.also_consider],
            "notes": list(self.notes),
            "topics": list(self.topics),
        }


def read_years(value: float) -> float:
    """Years of coding experience, 0 to YEARS_MAX."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise FitInputError(f"experience must be a number of years, got {value!r}")
    if not 0 <= value <= YEARS_MAX:
        raise FitInputError(f"experience must be from 0 to {YEARS_MAX:g} years, got {value:g}")
    return float(value)


def _collect(picks: list[FitPick], years: float, goal: str | None) -> dict[str, list[str]]:
    """Credential id -> its reasons, in the order the rules name them, for the picks that apply."""
    found: dict[str, list[str]] = {}
    for pick in picks:
        if pick.holds(years, goal):
            reasons = found.setdefault(pick.credential, [])
            if pick.reason not in reasons:
                reasons.append(pick.reason)
    return found


def recommend(
    rules: CredentialFit,
    credentials: Mapping[str, Credential],
    setting: str,
    experience_years: float,
    goal: str | None = None,
) -> Fit:
    """The credentials the rules recommend for these answers; raises FitInputError for an answer not offered.

    A credential both recommended and offered to consider is only recommended; a rule naming a
    credential the records no longer hold is skipped (the validator reports it).
    """
    if setting not in FIT_SETTINGS:
        raise FitInputError(f"unknown setting {setting!r}: choose one of {', '.join(FIT_SETTINGS)}")
    if goal is not None and goal not in FIT_GOALS:
        raise FitInputError(f"unknown goal {goal!r}: choose {', '.join(FIT_GOALS)} or none")
    years = read_years(experience_years)
    entry = next((s for s in rules.settings if s.id == setting), None)
    if entry is None:
        raise FitInputError(f"the quiz has no rules for {setting!r} yet: ask a moderator")

    def picks(found: dict[str, list[str]], skip: set[str]) -> tuple[Pick, ...]:
        return tuple(
            Pick(c.id, c.name, c.full_name, tuple(reasons), c.topic)
            for cid, reasons in found.items()
            if cid not in skip and (c := credentials.get(cid)) is not None
        )

    recommended = picks(_collect(entry.recommend, years, goal), set())
    considered = picks(_collect(entry.also_consider, years, goal), {p.id for p in recommended})
    notes = [
        note
        for note in rules.notes
        if note.holds(years, goal) and (not note.settings or setting in note.settings)
    ]
    topics = [entry.topic, *(n.topic for n in notes)]
    return Fit(
        setting=setting,
        setting_label=entry.label,
        experience_years=years,
        goal=goal,
        recommended=recommended,
        also_consider=considered,
        notes=tuple(n.text for n in notes),
        topics=tuple(dict.fromkeys(t for t in topics if t is not None)),
    )
