"""The advisor: one loaded knowledge base and its search index, answering every face's requests.

An Advisor is immutable; a knowledge reload builds a new one and swaps it in whole, so a request
never sees half of an update and a bad edit never replaces what is being served.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from bot.core import cache, earnings, replies
from bot.core.autocomplete import Suggester, category_entries, credential_entries, topic_entries
from bot.core.decline import DeclineModel
from bot.core.earnings import EarningsAnswer, EarningsCurve, EarningsQuestion
from bot.core.figures import Computed, compute, read_figures
from bot.core.knowledge import KnowledgeBase, load_knowledge
from bot.core.knowledge.loader import content_version
from bot.core.knowledge.paths import default_knowledge_dir
from bot.core.knowledge.templates import Place
from bot.core.limits import CHOICES_MAX
from bot.core.search import Match, SearchIndex, SearchResult, build_index
from bot.core.text import clean_message, credential_names, is_greeting, is_thanks, question_part
from bot.core.tools import audit_risk, course_check, credential_fit
from bot.core.tools.course_check import CourseInputError, CourseOffer, CourseVerdict
from bot.core.tools.credential_fit import Fit, FitInputError

CATEGORY_MATCH = 0.6  # /topics: below this autocomplete score, a word names no category
# From this many topics a question or a keystroke of autocomplete can take milliseconds (see
# benchmarks/scale.py): a face serving many people at once runs them in a worker thread.
THREAD_MIN = 1_000


@dataclass(frozen=True)
class Answer:
    """What the advisor says to one message: the search result, the reply, and any figures computed."""

    result: SearchResult
    reply: replies.Reply
    figures: Computed | None = None  # when the message asked for arithmetic

    @property
    def answered(self) -> bool:
        """An answer was given: a topic or computed figures, not a decline, a greeting or an error."""
        return self.reply.kind in ("answer", "figures")


class Advisor:
    """One knowledge base with its search index and autocomplete, answering every face's requests."""

    def __init__(self, kb: KnowledgeBase, decline: DeclineModel | None = None):
        self.kb = kb
        self.index: SearchIndex = build_index(kb, decline=decline)

    # Autocomplete for every box that completes as you type, on Discord and in the console alike:
    # built when first used (a one-question `ask` never does).
    @cached_property
    def topic_suggester(self) -> Suggester:
        return Suggester(topic_entries(self.kb))

    @cached_property
    def credential_suggester(self) -> Suggester:
        return Suggester(credential_entries(self.kb))

    @cached_property
    def category_suggester(self) -> Suggester:
        return Suggester(category_entries(self.kb))

    @cached_property
    def _topic_names(self) -> dict[str, str]:
        """Topic id and lower-cased title -> topic id; the first topic wins, as in the knowledge."""
        names: dict[str, str] = {}
        for topic in self.kb.topics.values():
            names.setdefault(topic.id, topic.id)
            names.setdefault(topic.title.casefold(), topic.id)
        return names

    def __getstate__(self) -> dict[str, Any]:
        # A cached advisor keeps the knowledge and its index; the suggesters are rebuilt on use.
        return {name: value for name, value in self.__dict__.items() if name in ("kb", "index")}

    @property
    def worth_a_thread(self) -> bool:
        """Whether searching and completing here take long enough (milliseconds: THREAD_MIN topics
        or more) that a face serving many people at once should run them in a worker thread."""
        return len(self.kb.topics) >= THREAD_MIN

    def warm(self) -> Advisor:
        """Build now what is otherwise built on first use (autocomplete) or not at all (the decline
        model's compiled trees): before serving, so the first keystroke does not wait for it.
        Returns itself."""
        for built_on_use in ("topic_suggester", "credential_suggester", "category_suggester", "_topic_names"):
            getattr(self, built_on_use)
        self.index.decline.warm()  # its trees compiled: every question reads them
        return self

    @classmethod
    def from_directory(cls, directory: Path | None = None, cache_dir: Path | None = None) -> Advisor:
        """The advisor of a knowledge directory (default: the shipped one). With `cache_dir`, it is
        kept there and read back while neither the knowledge nor the code has changed (see cache.py)."""
        directory = directory or default_knowledge_dir()
        version = content_version(directory) if cache_dir is not None else None
        if cache_dir is None or version is None:  # None: a file cannot be read, as the loader will say
            return cls(load_knowledge(directory))
        return cache.cached(
            cache.cache_file(cache_dir, directory),
            f"{version}:{cache.code_version()}",
            lambda: cls(load_knowledge(directory)),
            keep=lambda advisor: advisor.kb.version == version,  # not edited while it was loaded
        )

    def ask(self, question: str, place: Place | None = None) -> Answer:
        """Answer a student's message: a greeting, figures it asks to compute, or the best topic."""
        text = clean_message(question)
        if is_greeting(text):
            return Answer(SearchResult(text, (), 0.0, False), replies.greeting_reply(is_thanks(text)))
        figures = read_figures(text)
        if figures is not None:
            computed = compute(figures, self.kb.se_tax)
            if computed.incomplete:
                # "1099 at 65c a chart, is that normal?": a topic answers it; the pace is asked for.
                result = self.index.search(text)
                if result.answered:
                    reply = replies.ask_reply(self.kb, result, place)
                    return Answer(result, replies.with_figures_asked(reply, computed))
            return Answer(
                SearchResult(text, (), 1.0, True), replies.figures_reply(computed, self.kb.se_tax), computed
            )
        unknown = [name for name in credential_names(text) if self.index.is_unknown_name(name.casefold())]
        if unknown:
            # Never answer a credential it does not describe with another one.
            result = SearchResult(text, (), 0.0, False)
            return Answer(result, replies.unknown_credential_reply(self.kb, unknown[0]))
        result = self.index.search(text)
        focus = question_part(text)
        if focus and not result.answered:
            # A story before the question: the question alone may be clearer than the whole message,
            # if it picks a topic the whole message was near ("do i have to pay it?" after a patient's
            # story about a hospital bill is not about pay).
            focused = self.index.search(focus)
            near = {match.id for match in result.matches}
            if focused.answered and focused.best is not None and focused.best.id in near:
                result = focused
        return Answer(result, replies.ask_reply(self.kb, result, place))

    def faq(self, text: str, place: Place | None = None) -> replies.Reply:
        """A topic by id or title (what autocomplete sends), a category's list by its id or title,
        else whatever /ask would answer."""
        topic_id = self.topic_id(text)
        if topic_id is not None:
            return replies.topic_reply(self.kb, topic_id, place)
        wanted = text.strip().casefold()
        for category in self.kb.categories.values():
            if wanted in (category.id, category.title.casefold()):
                return replies.topics_reply(self.kb, category.id)
        return self.ask(text, place).reply

    def topic_id(self, text: str) -> str | None:
        """The topic named by its id or title, in any case (what autocomplete sends), if any."""
        return self._topic_names.get(text.strip().casefold())

    def suggest(
        self, text: str, limit: int = CHOICES_MAX, asked: Mapping[str, int] | None = None
    ) -> list[Match]:
        """Topics completing what is typed so far; `asked` (topic id -> times asked) orders an empty box."""
        return self.topic_suggester.suggest(text, limit, asked)

    def suggest_credentials(self, text: str, limit: int = CHOICES_MAX) -> list[Match]:
        """Credentials completing what is typed so far ("cpa" offers the CPC first)."""
        return self.credential_suggester.suggest(text, limit)

    def suggest_categories(self, text: str, limit: int = CHOICES_MAX) -> list[Match]:
        """Categories completing what is typed so far."""
        return self.category_suggester.suggest(text, limit)

    def category(self, text: str) -> str | None:
        """The category meant by an id, a title or a word of it ("pay", "Credentials"), if any."""
        wanted = text.strip().casefold()
        for category in self.kb.categories.values():
            if wanted in (category.id, category.title.casefold()):
                return category.id
        found = self.category_suggester.suggest(text, 1)
        return found[0].id if found and found[0].score >= CATEGORY_MATCH else None

    def compare(self, first: str, second: str) -> replies.Reply:
        """Two credentials side by side; for a name it does not know, the closest it does."""
        closest = {
            name: found[0].id
            for name in (first, second)
            if self.kb.credential(name) is None and (found := self.suggest_credentials(name, 1))
        }
        return replies.compare_reply(self.kb, first, second, closest)

    def earnings(self, question: EarningsQuestion, labels: Mapping[str, str] | None = None) -> EarningsAnswer:
        """The figures for an earnings question, with this knowledge base's tax rules.

        Raises earnings.EarningsInputError with a readable message for bad input (named by `labels`,
        input -> label, when given)."""
        return earnings.answer(question, self.kb.se_tax, labels=labels)

    def earnings_reply(self, question: EarningsQuestion) -> replies.Reply:
        """The figures as a reply; bad input as an error reply that says which input and why."""
        try:
            answered = self.earnings(question)
        except earnings.EarningsInputError as error:
            return replies.error_reply(f"{error}.")
        return replies.earnings_reply(answered)

    def earnings_curve(self, answered: EarningsAnswer) -> EarningsCurve:
        """The earnings chart's numbers around the figures earnings() gave."""
        return earnings.curve(answered, self.kb.se_tax)

    def topics(self, category: str | None = None) -> replies.Reply:
        """Every category, or one category's topics: named by id, title or a word of it, any case."""
        if category is None or not category.strip():
            return replies.topics_reply(self.kb)
        return replies.topics_reply(self.kb, self.category(category) or category.strip())

    def roadmap(self, step: int = 0) -> replies.Reply:
        """One step of the career path (Discord's buttons page through them)."""
        return replies.roadmap_reply(self.kb, step)

    def roadmap_pages(self) -> replies.Reply:
        """The whole career path, one page per step (the console pages through it)."""
        return replies.roadmap_pages_reply(self.kb)

    # --- decision tools ---------------------------------------------------------------------

    def which_credential(self, setting: str, experience_years: float, goal: str | None = None) -> Fit:
        """Raises FitInputError with a readable message for an answer the quiz does not offer."""
        if self.kb.credential_fit is None:
            raise FitInputError(
                "the knowledge base has no `credential_fit:` rules: ask a moderator to add them"
            )
        return credential_fit.recommend(
            self.kb.credential_fit, self.kb.credentials, setting, experience_years, goal
        )

    def which_credential_reply(
        self,
        setting: str,
        experience_years: float,
        goal: str | None = None,
    ) -> replies.Reply:
        """The quiz's recommendation as a reply; an answer the quiz does not offer as an error reply."""
        try:
            fit = self.which_credential(setting, experience_years, goal)
        except FitInputError as error:
            return replies.error_reply(f"{error}.")
        return replies.credential_fit_reply(self.kb, fit)

    def course_check(self, offer: CourseOffer) -> CourseVerdict:
        """Raises CourseInputError with a readable message for bad input, an unknown credential included."""
        if self.kb.course_criteria is None:
            raise CourseInputError(
                "the knowledge base has no `course_check:` checklist: ask a moderator to add it"
            )
        found = self.kb.credential(offer.credential)
        if found is None:
            known = ", ".join(c.id for c in self.kb.credentials.values())
            raise CourseInputError(f"unknown credential {offer.credential!r}: use one of {known}")
        return course_check.check_course(self.kb.course_criteria, found, offer)

    def course_check_reply(self, offer: CourseOffer) -> replies.Reply:
        """The course checklist as a reply; bad input as an error reply that says what to give."""
        try:
            result = self.course_check(offer)
        except CourseInputError as error:
            return replies.error_reply(f"{error}.")
        return replies.course_check_reply(self.kb, result)

    def audit_risk_reply(self, accuracy: float, required: float, sample_size: float) -> replies.Reply:
        """The audit maths as a reply; bad input as an error reply that says what to give."""
        try:
            risk = audit_risk.audit_risk(accuracy, required, sample_size)
        except audit_risk.AuditInputError as error:
            return replies.error_reply(f"{error}.")
        return replies.audit_risk_reply(self.kb, risk)
