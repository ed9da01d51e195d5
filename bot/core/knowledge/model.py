"""The knowledge model: what moderators write in knowledge/*.yaml, checked field by field.

Every model forbids unknown keys, so a typo such as `reviwed:` is an error with a line number
rather than a silently ignored field. Discord's limits that can be checked on the raw text are
checked here; limits that depend on rendering (templates) are checked by the loader.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    model_validator,
)

from bot.core.limits import (
    BUTTON_LABEL_MAX,
    BUTTONS_PER_ROW,
    CHOICE_NAME_MAX,
    EMBED_DESCRIPTION_MAX,
    EMBED_FIELD_NAME_MAX,
    EMBED_FIELD_VALUE_MAX,
    EMBED_FIELDS_MAX,
    EMBED_TITLE_MAX,
)

# The code sets in use in the US today. ICD-9-CM was retired on 2015-10-01 and is refused on purpose.
CodeSet = Literal["ICD-10-CM", "ICD-10-PCS", "CPT", "HCPCS Level II"]
CODE_SETS: tuple[str, ...] = get_args(CodeSet)

# The /which-credential quiz's answers. Fixed here because the CLI's --setting and --goal offer them;
# what each one recommends, and why, is moderators' data (credential_fit in knowledge/).
FitSetting = Literal[
    "physician-office", "inpatient", "outpatient-facility", "risk-adjustment", "payer", "billing"
]
FIT_SETTINGS: tuple[str, ...] = get_args(FitSetting)
FitGoal = Literal["remote"]
FIT_GOALS: tuple[str, ...] = get_args(FitGoal)

# What a course can offer besides code sets and hours: the /course-check form and the CLI flags.
CourseItem = Literal["practice-exams", "anatomy", "billing-cycle", "externship"]
COURSE_ITEMS: tuple[str, ...] = get_args(CourseItem)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def _slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(
            f"{value!r} is not a valid id: use lower-case letters, digits and single hyphens, like 'cpc-vs-ccs'"
        )
    return value


def _http_url(value: str) -> str:
    if not re.match(r"^https?://[^\s/$.?#][^\s]*\.[^\s]+$", value):
        raise ValueError(f"{value!r} is not a web address: it must start with https:// (or http://)")
    return value


def _not_in_future(value: dt.date, info: ValidationInfo) -> dt.date:
    # The loader passes its clock as the validation context {"today": date}; tests pass fixed dates.
    today = (info.context or {}).get("today") or dt.date.today()
    # A day of grace: a moderator a time zone ahead of the server writes their own today.
    if value > today + dt.timedelta(days=1):
        raise ValueError(f"{value.isoformat()} is in the future: write the date the entry was last reviewed")
    return value


# Ids travel inside Discord custom_ids (at most 100 characters), hence the length cap.
Slug = Annotated[str, StringConstraints(max_length=60), AfterValidator(_slug)]
Url = Annotated[str, AfterValidator(_http_url)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ReviewedDate = Annotated[dt.date, AfterValidator(_not_in_future)]
Year = Annotated[int, Field(ge=1990, le=2100)]


class Strict(BaseModel):
    # defer_build: validators are built when a file is first validated, not on import; a knowledge
    # base read back from the cache (bot/core/cache.py) never validates, so never builds them.
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


class Source(Strict):
    """Where a fact comes from. Prefer the issuer's own page (aapc.com, ahima.org, cms.gov, irs.gov)."""

    title: Annotated[Text, Field(max_length=256)]
    url: Url


class EmbedField(Strict):
    """A short name/value pair shown beside the answer (an embed field on Discord)."""

    name: Annotated[Text, Field(max_length=EMBED_FIELD_NAME_MAX)]
    value: Annotated[Text, Field(max_length=EMBED_FIELD_VALUE_MAX)]
    inline: bool = True


class Category(Strict):
    """A group of topics, offered in /topics. At most 25 (one select menu)."""

    id: Slug
    title: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    description: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    emoji: str | None = None


class Topic(Strict):
    """One question students keep asking, and the answer the server agrees on."""

    id: Slug
    title: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    category: Slug
    questions: Annotated[list[Text], Field(min_length=1)]
    aliases: list[Text] = []
    answer: Text
    key_facts: list[Text] = Field(
        default=[],
        description="Short phrases the rendered answer must contain (the facts its questions ask for), "
        "e.g. '100 multiple-choice questions'; checked by `coding-advisor validate`.",
    )
    fields: Annotated[list[EmbedField], Field(max_length=EMBED_FIELDS_MAX)] = []
    related: list[Slug] = []
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class Exam(Strict):
    questions: Annotated[int, Field(gt=0, le=1000)] | None = None
    minutes: Annotated[int, Field(gt=0, le=1000)]
    passing: Text
    open_book: Text
    delivery: Text
    note: Text | None = None
    approximate: bool = Field(
        default=False,
        description="true when the question count comes from third-party guides: shown as 'about N'",
    )


class _Range(Strict):
    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> _Range:
        if self.min > self.max:
            raise ValueError(f"min ({self.min:g}) is larger than max ({self.max:g})")
        return self


class MoneyRange(_Range):
    """A US-dollar range with the year it speaks for, because fees and rates drift every year."""

    min: Annotated[float, Field(ge=0)]
    max: Annotated[float, Field(ge=0)]
    year: Year
    note: Text | None = None


class Credential(Strict):
    """A credential as data, so /compare is generated rather than written by hand."""

    id: Slug
    name: Annotated[Text, Field(max_length=32)]
    full_name: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    issuer: Literal["AAPC", "AHIMA"]
    setting: Text
    code_sets: Annotated[list[CodeSet], Field(min_length=1)]
    exam: Exam
    fee: MoneyRange
    membership: Text
    eligibility: Text
    renewal: Text
    best_for: Text
    aliases: list[Text] = []
    url: Url
    topic: Slug | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class NumberRange(_Range):
    min: Annotated[float, Field(gt=0)]
    max: Annotated[float, Field(gt=0)]


class EarningsPreset(Strict):
    """Typical production figures for one kind of chart, for the earnings calculator."""

    id: Slug
    specialty: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    charts_per_hour: NumberRange
    pay_per_chart: MoneyRange
    accuracy_percent: Annotated[float, Field(gt=50, le=100)]
    note: Text | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class SelfEmploymentTax(Strict):
    """US self-employment tax (Schedule SE); the wage base changes every year, so it is data."""

    social_security_rate: Annotated[float, Field(gt=0, lt=1)]
    medicare_rate: Annotated[float, Field(gt=0, lt=1)]
    net_earnings_factor: Annotated[float, Field(gt=0, le=1)]
    minimum_net_earnings: Annotated[float, Field(ge=0)]
    social_security_wage_base: Annotated[dict[Year, Annotated[float, Field(gt=0)]], Field(min_length=1)]
    # Form 1040-ES's quarterly due dates, in words: the answers and the figures' quarterly payments
    # say them from here. Optional: without it a reply names no dates.
    estimated_payments_due: Text | None = None
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class RoadmapStep(Strict):
    """One step of the career path shown by /roadmap, one page each."""

    title: Annotated[Text, Field(max_length=EMBED_TITLE_MAX)]
    body: Annotated[Text, Field(max_length=EMBED_DESCRIPTION_MAX)]
    topics: list[Slug] = []


def _discord_id(value: object) -> object:
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)  # quoting an id as text is fine
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(
            f"{value!r} is not a Discord id: ids are numbers (in Discord, turn on Developer Mode, then "
            "right-click the channel, category or role > Copy ID)"
        )
    return value


# Discord ids (snowflakes) are numbers, as in `discord.guild_ids`.
DiscordId = Annotated[int, Field(gt=0, lt=1 << 64), BeforeValidator(_discord_id)]


class ChapterLink(Strict):
    title: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    url: Url


class ExamSitting(Strict):
    """A date a chapter proctors an exam, so templates can say when the next one is."""

    date: dt.date
    credential: Annotated[Text, Field(description="a credential id or name from credentials.yaml, e.g. cpc")]
    place: Text


class Chapter(Strict):
    """A local chapter and the Discord channels that belong to it (a category covers its channels)."""

    id: Slug
    name: Annotated[Text, Field(max_length=EMBED_TITLE_MAX)]
    channels: Annotated[
        list[DiscordId],
        Field(
            min_length=1, description="channel or category ids; a channel in a listed category belongs here"
        ),
    ]
    city: Text | None = None
    meetings: Annotated[Text, Field(max_length=EMBED_FIELD_VALUE_MAX)] | None = None
    contact: Annotated[Text, Field(max_length=EMBED_FIELD_VALUE_MAX)] | None = None
    links: list[ChapterLink] = []
    exam_sittings: list[ExamSitting] = []
    lead_role_ids: Annotated[
        list[DiscordId], Field(description="roles that may pin FAQs in this chapter's channels")
    ] = []


Reason = Annotated[Text, Field(max_length=300)]  # several are shown together in one embed field
Years = Annotated[float, Field(ge=0, le=60)]


class FitCondition(Strict):
    """When a rule applies; every condition left out always holds."""

    min_years: Years | None = Field(
        default=None, description="applies from this many years of coding experience"
    )
    below_years: Years | None = Field(default=None, description="applies below this many years of experience")
    goal: FitGoal | None = Field(default=None, description="applies only when the student names this goal")

    @model_validator(mode="after")
    def _ordered(self) -> FitCondition:
        if self.min_years is not None and self.below_years is not None and self.min_years >= self.below_years:
            raise ValueError(
                f"min_years ({self.min_years:g}) must be below below_years ({self.below_years:g}), or no answer matches"
            )
        return self

    @property
    def conditional(self) -> bool:
        """True when the rule depends on experience or a goal."""
        return self.min_years is not None or self.below_years is not None or self.goal is not None

    def holds(self, years: float, goal: str | None) -> bool:
        """True when the rule applies to these years of experience and this goal."""
        return (
            (self.min_years is None or years >= self.min_years)
            and (self.below_years is None or years < self.below_years)
            and (self.goal is None or self.goal == goal)
        )


class FitPick(FitCondition):
    """One credential offered for a setting, and why (several picks of one credential add reasons)."""

    credential: Slug
    reason: Reason


class FitSettingRules(Strict):
    """What the quiz recommends for one answer to 'where do you want to work?'."""

    id: FitSetting
    label: Annotated[Text, Field(max_length=BUTTON_LABEL_MAX)]
    recommend: Annotated[list[FitPick], Field(min_length=1)]
    also_consider: list[FitPick] = []
    topic: Slug | None = Field(
        default=None, description="a topic to read next, e.g. for a credential not in credentials.yaml"
    )


class FitNote(FitCondition):
    """Advice shown with a recommendation, e.g. what remote employers expect."""

    text: Reason
    settings: list[FitSetting] = Field(
        default=[], description="the settings it applies to (empty: every setting)"
    )
    topic: Slug | None = None


class ExperienceChoice(Strict):
    """One answer to 'how much coding experience do you have?' (a button)."""

    years: Years
    label: Annotated[Text, Field(max_length=BUTTON_LABEL_MAX)]


class CredentialFit(Strict):
    """The /which-credential quiz: its answers and the rules that turn them into recommendations."""

    settings: Annotated[list[FitSettingRules], Field(min_length=1)]
    experience: Annotated[list[ExperienceChoice], Field(min_length=2, max_length=BUTTONS_PER_ROW)]
    notes: list[FitNote] = []
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class CourseCheckItem(Strict):
    """Something a course may offer, and whether a credential's preparation needs it."""

    id: CourseItem
    label: Annotated[Text, Field(max_length=CHOICE_NAME_MAX)]
    essential: bool = Field(default=True, description="missing it makes a course look introductory")
    essential_for: list[Slug] = Field(default=[], description="credentials for which it is essential anyway")
    reason: Reason


class CourseCredentialNote(Strict):
    credential: Slug
    note: Reason


class CourseCriteria(Strict):
    """The /course-check checklist: the credential's code sets (from its record), hours and these items."""

    min_hours: Annotated[float, Field(gt=0, le=10_000)]
    hours_reason: Reason
    code_sets_reason: Reason
    items: Annotated[list[CourseCheckItem], Field(min_length=1)]
    credential_notes: list[CourseCredentialNote] = []
    sources: Annotated[list[Source], Field(min_length=1)]
    reviewed: ReviewedDate


class KnowledgeFile(Strict):
    """One YAML file under knowledge/. Every section is optional; the loader merges all files."""

    categories: list[Category] = []
    topics: list[Topic] = []
    credentials: list[Credential] = []
    earnings_presets: list[EarningsPreset] = []
    self_employment_tax: SelfEmploymentTax | None = None
    roadmap: Annotated[list[RoadmapStep], Field(max_length=EMBED_FIELDS_MAX)] = []
    synonyms: dict[Text, Text] = Field(
        default={},
        description="How students write a term -> the words the knowledge base uses, e.g. 'pro-fee': 'professional'.",
    )
    out_of_scope: list[Text] = Field(
        default=[],
        description="Words and phrases that mean a question is about something else (nursing, programming).",
    )
    chapters: list[Chapter] = Field(
        default=[],
        description="Local chapters (knowledge/chapters.yaml): shown by /chapter and in templates.",
    )
    credential_fit: CredentialFit | None = None
    course_check: CourseCriteria | None = None
