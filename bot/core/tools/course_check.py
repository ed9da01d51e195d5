"""Course check: what a course offers against what the credential it prepares for needs.

The code sets a course must teach are the credential's own (its record in credentials.yaml); the
contact hours and the other items come from the moderators' checklist (`course_check` in
knowledge/). A course missing anything essential looks introductory; otherwise complete.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot.core.knowledge.model import CODE_SETS, COURSE_ITEMS, CourseCriteria, Credential
from bot.core.knowledge.templates import money
from bot.core.tools import ToolInputError

HOURS_MAX = 10_000.0  # a bachelor's degree is under 2,000 contact hours: more is a typo
PRICE_MAX = 100_000.0
HOURS_CHECK = "contact-hours"
Verdict = Literal["complete", "introductory"]

# How students write the code sets, squeezed to letters and digits -> the code set.
_CODE_SET_NAMES: dict[str, str] = {
    "icd10cm": "ICD-10-CM",
    "icd10pcs": "ICD-10-PCS",
    "pcs": "ICD-10-PCS",
    "cpt": "CPT",
    "hcpcs": "HCPCS Level II",
    "hcpcs2": "HCPCS Level II",
    "hcpcsii": "HCPCS Level II",
    "hcpcslevel2": "HCPCS Level II",
    "hcpcslevelii": "HCPCS Level II",
}


class CourseInputError(ToolInputError):
    """Something about the course the check cannot read; the message says what to give instead."""


def read_code_sets(names: str | Iterable[str]) -> tuple[str, ...]:
    """'ICD-10-CM, cpt, hcpcs' -> ('ICD-10-CM', 'CPT', 'HCPCS Level II'), in the order given, each once."""
    parts = re.split(r"[,;]", names) if isinstance(names, str) else list(names)
    found: list[str] = []
    for part in (p.strip() for p in parts):
        if not part:
            continue
        key = re.sub(r"[^a-z0-9]", "", part.casefold())
        if key.startswith("icd9"):
            raise CourseInputError(
                f"{part!r}: ICD-9-CM was replaced by ICD-10-CM and ICD-10-PCS on 1 Oct 2015, "
                "so a course still teaching it is out of date"
            )
        if key == "icd10":
            raise CourseInputError(f"{part!r} is two code sets: name ICD-10-CM and/or ICD-10-PCS")
        code_set = _CODE_SET_NAMES.get(key)
        if code_set is None:
            raise CourseInputError(f"unknown code set {part!r}: use {', '.join(CODE_SETS)}")
        if code_set not in found:
            found.append(code_set)
    return tuple(found)


def read_items(names: Iterable[str]) -> frozenset[str]:
    """Course items by id (practice-exams, anatomy, billing-cycle, externship)."""
    items = frozenset(n.strip() for n in names if n.strip())
    unknown = sorted(items - set(COURSE_ITEMS))
    if unknown:
        raise CourseInputError(f"unknown course item(s) {', '.join(unknown)}: use {', '.join(COURSE_ITEMS)}")
    return items


def read_amount(value: float | str | None, name: str, high: float, *, allow_zero: bool) -> float | None:
    """A number as typed in a form ('80', '80 hours', '$1,999') or given; None when left empty."""
    if isinstance(value, str):
        text = re.sub(r"(?i)(contact\s*)?(hours?|hrs?|h)\b|[$,\s]|usd", "", value.strip())
        if not text:
            return None
        try:
            value = float(text)
        except ValueError:
            raise CourseInputError(f"{name} must be a number, got {value!r}") from None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise CourseInputError(f"{name} must be a number, got {value!r}")
    if value < 0 or (value == 0 and not allow_zero) or value > high:
        low = "0" if allow_zero else "more than 0"
        raise CourseInputError(f"{name} must be from {low} to {high:,.0f}, got {value:g}")
    return float(value)


@dataclass(frozen=True)
class CourseOffer:
    """What a course offers, as a student describes it: hours and price may be typed text ('80 hours')."""

    credential: str  # an id, name or alias: 'cpc', 'CCS-P'
    hours: float | str
    teaches: str | Iterable[str] = ()  # code-set names as students write them
    offers: Iterable[str] = ()  # course item ids: practice-exams, anatomy, billing-cycle, externship
    price: float | str | None = None


@dataclass(frozen=True)
class Check:
    """One item of the course checklist: whether the course has it, and why it matters."""

    id: str
    label: str
    present: bool
    essential: bool
    reason: str


@dataclass(frozen=True)
class CourseVerdict:
    """A course checked against what its credential needs."""

    credential: str  # the credential's id
    credential_name: str
    hours: float
    price: float | None
    verdict: Verdict
    checks: tuple[Check, ...]
    notes: tuple[str, ...]

    @property
    def present(self) -> list[str]:
        """The ids of the checks the course passes."""
        return [c.id for c in self.checks if c.present]

    @property
    def missing(self) -> list[str]:
        """The ids of the checks the course misses."""
        return [c.id for c in self.checks if not c.present]

    @property
    def essential_missing(self) -> list[Check]:
        """The essential checks the course misses: why it is introductory."""
        return [c for c in self.checks if c.essential and not c.present]

    def as_dict(self) -> dict[str, object]:
        """What `course-check --json` prints."""
        return {
            "credential": self.credential,
            "hours": self.hours,
            "price": self.price,
            "verdict": self.verdict,
            "present": self.present,
            "missing": self.missing,
            "checks": [
                {
                    "id": c.id,
                    "label": c.label,
                    "present": c.present,
                    "essential": c.essential,
                    "reason": c.reason,
                }
                for c in self.checks
            ],
            "notes": list(self.notes),
        }


def check_course(criteria: CourseCriteria, credential: Credential, offer: CourseOffer) -> CourseVerdict:
    """The checklist for a course preparing for `credential` (the offer's, already looked up);
    raises CourseInputError for anything in the offer it cannot read."""
    contact_hours = read_amount(offer.hours, "contact hours", HOURS_MAX, allow_zero=False)
    if contact_hours is None:
        raise CourseInputError("contact hours are missing: give the course's contact hours, e.g. 80")
    cost = read_amount(offer.price, "price", PRICE_MAX, allow_zero=True)
    taught = read_code_sets(offer.teaches)
    offered = read_items(offer.offers)

    checks = [
        Check(code_set, code_set, code_set in taught, True, criteria.code_sets_reason)
        for code_set in credential.code_sets
    ]
    checks.append(
        Check(
            HOURS_CHECK,
            f"At least {criteria.min_hours:g} contact hours",
            contact_hours >= criteria.min_hours,
            True,
            criteria.hours_reason,
        )
    )
    for item in criteria.items:
        essential = item.essential or credential.id in item.essential_for
        checks.append(Check(item.id, item.label, item.id in offered, essential, item.reason))

    notes = [n.note for n in criteria.credential_notes if n.credential == credential.id]
    extra = [c for c in taught if c not in credential.code_sets]
    if extra:
        notes.append(f"It also teaches {', '.join(extra)}, which the {credential.name} does not test.")
    if cost is not None and cost > 0:
        fee = credential.fee
        exam_fee = money(fee.min) if fee.min == fee.max else f"{money(fee.min)}–{money(fee.max)}"
        notes.append(
            f"{money(cost)} for {contact_hours:g} contact hours is {money(cost / contact_hours)} an hour. "
            f"Ask whether the {credential.name} exam ({exam_fee} in {fee.year}), code books and membership are included."
        )
    verdict: Verdict = "complete" if all(c.present for c in checks if c.essential) else "introductory"
    return CourseVerdict(
        credential=credential.id,
        credential_name=credential.name,
        hours=contact_hours,
        price=cost,
        verdict=verdict,
        checks=tuple(checks),
        notes=tuple(notes),
    )
