"""Replies as plain data: what the advisor says, before any face (Discord embed, terminal) draws it.

One builder per command. A Reply carries a title, a Markdown body, short fields, sources and the
related topics to offer; the Discord layer turns it into an embed with buttons, the console into
text. Nothing here knows Discord beyond the documented size limits the model already names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

from bot.core.earnings import Earnings, EarningsAnswer
from bot.core.figures import Computed, per
from bot.core.knowledge import KnowledgeBase
from bot.core.knowledge.model import Credential, SelfEmploymentTax
from bot.core.knowledge.templates import Link, Place, money, number, percent
from bot.core.limits import EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX
from bot.core.search import SearchResult
from bot.core.tools.audit_risk import AuditRisk, chance
from bot.core.tools.course_check import Check, CourseVerdict
from bot.core.tools.credential_fit import GOAL_LABELS, NO_GOAL_LABEL, Fit

ReplyKind = Literal["answer", "decline", "figures", "greeting", "info", "error"]


@dataclass(frozen=True)
class Field:
    """A short labelled value: an embed field on Discord, a row in the console."""

    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True)
class TopicRef:
    """A topic to offer: a button on Discord, a /faq hint in the console."""

    id: str
    title: str


@dataclass(frozen=True)
class Table:
    """The same facts as a reply's fields, as a grid, for a face that can draw one (the console)."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Reply:
    """What the advisor says, before any face draws it."""

    title: str
    body: str = ""
    fields: tuple[Field, ...] = ()
    sources: tuple[Link, ...] = ()
    footer: str | None = None
    related: tuple[TopicRef, ...] = ()  # offered as buttons on Discord, as /faq hints in the console
    kind: ReplyKind = "info"
    topic_id: str | None = None
    pages: tuple[str, ...] = field(default=())  # a body too long for one message, split at word boundaries
    table: Table | None = None

    @property
    def all_pages(self) -> tuple[str, ...]:
        """The pages every face shows: the reply's own, else its body split to Discord's page size."""
        return self.pages or split_pages(self.body) or ("",)

    def plain_text(self) -> str:
        """Everything the reply says, as one text: title, every page and every field."""
        fields = (f"{f.name}: {f.value}" for f in self.fields)
        return "\n".join([self.title, *self.all_pages, *fields])


def split_pages(text: str, limit: int = EMBED_DESCRIPTION_MAX) -> tuple[str, ...]:
    """Split text into pages of at most `limit` characters, at a paragraph, line or word boundary."""
    pages: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        # The latest paragraph break in the second half of the page, else line break, else space.
        cut = next(
            (c for separator in ("\n\n", "\n") if (c := window.rfind(separator)) > limit // 2),
            window.rfind(" "),
        )
        if cut <= 0:
            cut = limit  # a single "word" longer than a page: nothing better to do
        pages.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pages.append(rest)
    return tuple(pages)


def topic_reply(kb: KnowledgeBase, topic_id: str, place: Place | None = None) -> Reply:
    """One topic: its answer rendered for `place`, its fields, sources and related topics."""
    topic = kb.topics[topic_id]
    category = kb.categories[topic.category]
    return Reply(
        title=topic.title,
        body=kb.render_answer(topic_id, place),
        fields=tuple(Field(f.name, f.value, f.inline) for f in topic.fields),
        sources=tuple(Link(s.title, s.url) for s in topic.sources),
        footer=f"{category.title} · reviewed {topic.reviewed.isoformat()}",
        related=tuple(TopicRef(r, kb.topics[r].title) for r in topic.related),
        kind="answer",
        topic_id=topic_id,
    )


def ask_reply(kb: KnowledgeBase, result: SearchResult, place: Place | None = None) -> Reply:
    """The best topic for a search result, or a decline offering the closest topics."""
    if result.best is not None:
        return topic_reply(kb, result.best.id, place)
    closest = tuple(TopicRef(m.id, m.title) for m in result.matches[:3])
    if closest:
        body = "I'm not confident I have an answer to that. Is it one of these?\n" + "\n".join(
            f"- **{ref.title}** (`/faq {ref.id}`)" for ref in closest
        )
    else:
        body = "That doesn't look like something I know about."
    body += "\n\nI answer questions about medical-coding careers: credentials, exams, courses, first jobs, "
    body += "remote work and pay. Try `/topics` to browse, or ask a moderator."
    return Reply(title="I'm not sure about that one", body=body, related=closest, kind="decline")


def unknown_credential_reply(kb: KnowledgeBase, name: str) -> Reply:
    """Declining a credential the knowledge base does not describe, and saying which it does."""
    known = ", ".join(c.name for c in kb.credentials.values())
    return Reply(
        title=f"I don't have an entry for {name.upper()}",
        body=f"I won't guess about {name.upper()}: the moderators haven't written it up yet, so check with its "
        f"issuer or ask a moderator. Credentials I can tell you about: {known}. `/compare` puts two side by side.",
        kind="decline",
    )


def greeting_reply(thanks: bool = False) -> Reply:
    """A hello, or a you're welcome to a thank-you."""
    return Reply(
        title="You're welcome! 😊" if thanks else "Hi! 👋",
        body="Ask me anything about a medical-coding career: credentials (CPC or CCS?), exams, courses, "
        "first jobs, remote work or pay. Type `/help` to see everything I can do.",
        kind="greeting",
    )


def _ask_for_the_rest(computed: Computed) -> str:
    f = computed.figures
    read = "I read: " + "; ".join(f.read) + "." if f.read else ""
    return f"{read} To work it out, tell me {' and '.join(f.missing)}, or use `/earnings`."


WHOLE_DOLLARS_FROM = 1000  # headlines round to the dollar from here ("$2,364 a month"); fields keep cents


def _about(amount: float) -> str:
    """Money as a headline says it: whole dollars from WHOLE_DOLLARS_FROM, cents below."""
    return money(amount, whole=amount >= WHOLE_DOLLARS_FROM)


def _assumed(assumptions: list[str]) -> str:
    return " I assumed: " + "; ".join(assumptions) + "." if assumptions else ""


def _offer_line(e: Earnings) -> str:
    return f"{money(e.hourly)} an hour, {money(e.weekly)} a week, {_about(e.annual)} a year"


def _offers_compared(first: Earnings, second: Earnings) -> str:
    """ "Which pays more?": the two offers' hourly pay, and by how much one beats the other."""

    def offer(e: Earnings) -> str:
        return f"**{money(e.hourly)} an hour** at {number(e.charts_per_hour)} charts an hour × {money(e.pay_per_chart)}"

    gap = round(first.hourly - second.hourly, 2)
    if not gap:
        verdict = "the same pay."
    else:
        which = "the first" if gap > 0 else "the second"
        verdict = (
            f"{which} pays {money(abs(gap))} more an hour "
            f"({money(abs(first.weekly - second.weekly))} a week at {first.hours_per_week:g} hours)."
        )
    return f"{offer(first)}, against {offer(second)}: {verdict} "


def with_figures_asked(reply: Reply, computed: Computed) -> Reply:
    """A topic's reply to a message that also gave some numbers, asking for the ones still missing."""
    return replace(reply, body=f"{reply.body}\n\n**Your figures:** {_ask_for_the_rest(computed)}")


TAX_HELP = "For your own situation, ask a tax professional (free help: IRS VITA)."


def se_tax_rule(rates: tuple[float, float, float]) -> str:
    """How SE tax is worked out, from the knowledge's rates: "15.3% on 92.35% of net"."""
    social_security, medicare, factor = rates
    return f"{percent(social_security + medicare)} on {percent(factor)} of net"


def contract_note(rates: tuple[float, float, float]) -> str:
    """What a 1099 pay figure leaves out, said whenever a message's figures are a contractor's."""
    return (
        f"On a 1099 nothing is withheld: you pay self-employment tax ({se_tax_rule(rates)}) and income "
        "tax yourself, usually in quarterly estimated payments (Form 1040-ES, required if you expect to "
        "owe $1,000 or more), and there are no employer benefits (health insurance, paid time off, "
        "retirement match), so compare a per-chart offer with a W-2 wage after taxes and benefits."
    )


def figures_reply(computed: Computed, tax: SelfEmploymentTax) -> Reply:
    """The arithmetic a message asked for, saying which numbers were read and which were assumed
    (`tax`: the knowledge's SE tax rates, for what a contractor's figures leave out)."""
    f = computed.figures
    read = "I read: " + "; ".join(f.read) + "." if f.read else ""
    assumptions = list(f.assumed)
    if computed.problem:
        return Reply(
            title="Those numbers don't add up",
            body=f"{read} But {computed.problem}: check the numbers and ask again, or use `/earnings`.",
            kind="error",
        )
    if computed.contractor is not None:
        c = computed.contractor
        body = (
            f"{read}{_assumed(assumptions)} On {money(f.se_tax_on or 0)} of net self-employment profit a year, self-employment tax "
            f"is **{money(c.se_tax)}**: {percent(c.rates[0] + c.rates[1])} ({percent(c.rates[0])} Social "
            f"Security + {percent(c.rates[1])} Medicare) on {percent(c.rates[2])} of net "
            f"({money(c.taxable_earnings)}). Half of it ({money(c.se_tax_deduction)}) is deductible. "
            f"Income tax comes on top. Figures use the {c.year} Social Security wage base "
            f"({money(c.wage_base)}). {c.year_note}\n\nNo SE tax is due when net earnings from self-employment "
            f"are under {money(c.minimum)} for the year (Schedule SE).\n\n{TAX_HELP}"
        )
        rounded = c.se_tax >= WHOLE_DOLLARS_FROM and round(c.se_tax, 2) != round(c.se_tax)
        about = "about " if rounded else ""  # the body has it to the cent
        return Reply(
            title=f"Self-employment tax: {about}{_about(c.se_tax)} a year", body=body, kind="figures"
        )
    e = computed.earnings
    if computed.incomplete:
        return Reply(title="I need one more number", body=_ask_for_the_rest(computed), kind="figures")
    fields: list[Field] = []
    headline = ""
    if e is not None:
        # A day: the hours a day the message gave, else a fifth of the week (said among the assumptions).
        values: dict[str, float] = {
            "hour": e.hourly,
            "day": e.hourly * f.hours_per_day if f.hours_per_day else e.weekly / 5,
            "week": e.weekly,
            "month": e.monthly,
            "year": e.annual,
        }
        asked: list[str] = [p for p in values if p in f.asked]
        asked = asked or [*(["day"] if f.hours_per_day else []), "week", "year"]
        if "day" in asked and not f.hours_per_day:
            assumptions.append("a 5-day week")
        # The headline in whole dollars from $1,000 ("$2,364 a month"), the fields to the cent.
        headline = "**" + ", ".join(f"{_about(values[p])} {per(p)}" for p in asked) + "** gross. "
        if f.target is not None and f.target.period in values and not f.asks_needed:
            said = values[f.target.period]
            headline += (
                f"You mentioned {money(f.target.amount)} {per(f.target.period)}: at these numbers it is "
                f"**{_about(said)}** {per(f.target.period)}. "
            )
        if computed.other_offer is not None:
            headline = _offers_compared(e, computed.other_offer)
            fields.append(Field("The other offer", _offer_line(computed.other_offer)))
        if f.contract and computed.other_offer is None:  # compared offers: whose SE tax is unclear
            headline += (
                f"Self-employment tax as a 1099 contractor: **{_about(e.contractor.se_tax)} a year** "
                f"({se_tax_rule(e.contractor.rates)}, {e.contractor.year}). "
            )
        fields.extend(earnings_fields(e))
    if computed.needed and (f.asks_needed or e is None):
        headline = "; ".join(f"{what}: **{value}**" for what, value in computed.needed) + ". " + headline
    fields = [*(Field(what, value, True) for what, value in computed.needed), *fields]
    command = (
        f"`/earnings charts_per_hour:{number(e.charts_per_hour)} rate:{e.pay_per_chart:g} "
        f"hours_per_week:{e.hours_per_week:g}`"
        if e is not None
        else "`/earnings`"
    )
    if f.owed is not None:
        tail = (
            "Four equal payments of the tax you expect for the year; a date on a weekend or holiday moves to "
            f"the next business day. {TAX_HELP}"
        )
    else:
        tail = f"Gross pay before tax; a month is a year ÷ 12. Change any number with {command}."
        if f.contract:
            rates = (tax.social_security_rate, tax.medicare_rate, tax.net_earnings_factor)
            tail = f"{contract_note(rates)}\n\n{tail}\n\n{TAX_HELP}"
    body = f"{headline}{read}{_assumed(assumptions)}\n\n{tail}"
    return Reply(
        title="Your figures",
        body=body,
        fields=tuple(fields),
        footer="Figures computed, not quoted",
        kind="figures",
    )


_COMPARE_ROWS: tuple[tuple[str, str], ...] = (
    ("Issuer", "issuer"),
    ("Setting", "setting"),
    ("Code sets", "code_sets"),
    ("Exam", "exam"),
    ("Books allowed", "open_book"),
    ("Where you sit it", "delivery"),
    ("Exam fee", "fee"),
    ("Membership", "membership"),
    ("Eligibility", "eligibility"),
    ("Renewal", "renewal"),
    ("Best for", "best_for"),
)


def _credential_cell(credential: Credential, attribute: str) -> str:
    if attribute == "code_sets":
        return ", ".join(credential.code_sets)
    if attribute == "exam":
        exam = credential.exam
        about = "about " if exam.approximate else ""
        count = f"{about}{exam.questions} questions in " if exam.questions else ""
        return f"{count}{exam.minutes / 60:g} h; to pass: {exam.passing}"
    if attribute in ("open_book", "delivery"):
        return str(getattr(credential.exam, attribute))
    if attribute == "fee":
        fee = credential.fee
        amount = money(fee.min) if fee.min == fee.max else f"{money(fee.min)}–{money(fee.max)}"
        return f"{amount} in {fee.year}." + (f" {fee.note}" if fee.note else "")
    return str(getattr(credential, attribute))


def compare_reply(
    kb: KnowledgeBase, first: str, second: str, closest: Mapping[str, str] | None = None
) -> Reply:
    """Two credentials side by side; `closest` maps a name it does not know to a credential id to offer."""
    found = [kb.credential(first), kb.credential(second)]
    missing = [name for name, c in zip((first, second), found, strict=True) if c is None]
    if missing:
        known = ", ".join(c.name for c in kb.credentials.values())

        def unknown(name: str) -> str:
            guess = kb.credentials.get((closest or {}).get(name, ""))
            return f"{name!r} (did you mean {guess.name}?)" if guess else repr(name)

        return Reply(
            title="Unknown credential",
            body=f"I don't know {' or '.join(unknown(m) for m in missing)}. I can compare: {known}.",
            kind="error",
        )
    a, b = found
    assert a is not None and b is not None
    if a.id == b.id:
        return Reply(
            title="Same credential",
            body=f"Pick two different credentials to compare with {a.name}.",
            kind="error",
        )
    rows = tuple(
        (label, _credential_cell(a, attr), _credential_cell(b, attr)) for label, attr in _COMPARE_ROWS
    )
    fields = tuple(
        Field(label, f"**{a.name}:** {first_cell}\n**{b.name}:** {second_cell}"[:EMBED_FIELD_VALUE_MAX])
        for label, first_cell, second_cell in rows
    )
    related = tuple(TopicRef(c.topic, kb.topics[c.topic].title) for c in (a, b) if c.topic)
    reviewed = min(a.reviewed, b.reviewed)
    return Reply(
        title=f"{a.name} ({a.full_name}) vs {b.name} ({b.full_name})",
        body=f"Fees and exam details change: confirm on [{a.issuer}]({a.url}) and [{b.issuer}]({b.url}) before you pay.",
        fields=fields,
        table=Table(("", a.name, b.name), rows),
        sources=tuple(Link(s.title, s.url) for s in (*a.sources, *b.sources))[:6],
        footer=f"Credential data reviewed {reviewed.isoformat()}",
        related=related,
        kind="answer",
    )


def earnings_reply(answered: EarningsAnswer) -> Reply:
    """The figures of an earnings question: pay by period, the contractor's view, the compared pace
    and the hours a target takes, when asked."""
    result, compare = answered.earnings, answered.compared
    fields = list(earnings_fields(result))
    if compare is not None:
        diff = compare.annual - result.annual
        fields.append(
            Field(
                f"At {number(compare.charts_per_hour)} charts/h instead",
                f"{money(compare.weekly)}/week, {money(compare.monthly)}/month, {money(compare.annual)}/year, "
                f"{money(compare.hourly)}/h ({'+' if diff >= 0 else '−'}{money(abs(diff))} a year)",
            )
        )
    target = answered.question.target_annual
    if target is not None and answered.hours_for_target is not None:
        fields.append(
            Field(
                f"To gross {money(target)} a year at this pace",
                f"{answered.hours_for_target:.1f} hours a week",
            )
        )
    body = (
        "Gross pay before taxes and expenses. Most employers set production standards and expect "
        "about 95% audited accuracy, so check that the pace is realistic for the chart type."
    )
    title = f"{number(result.charts_per_hour)} charts/h × {money(result.pay_per_chart)} × {number(result.hours_per_week)} h/week"
    return Reply(
        title=title, body=body, fields=tuple(fields), footer="Figures computed, not quoted", kind="info"
    )


def earnings_fields(result: Earnings) -> tuple[Field, ...]:
    """Pay by period at one pace, and what a 1099 contractor keeps of it."""
    c = result.contractor
    return (
        Field("Charts per week", number(result.charts_per_week), True),
        Field("Weekly", money(result.weekly), True),
        Field("Bi-weekly", money(result.biweekly), True),
        Field("Monthly", f"{money(result.monthly)} (annual ÷ 12)", True),
        Field(f"Annual ({number(result.weeks_per_year)} weeks)", money(result.annual), True),
        Field("Effective hourly", money(result.hourly), True),
        Field(
            f"As a 1099 contractor ({c.year})",
            f"Self-employment tax {money(c.se_tax)} a year "
            f"({percent(c.effective_rate)} of gross: {se_tax_rule(c.rates)})\n"
            f"Net before income tax: **{money(c.net)}** a year, {money(c.net / 12)} a month\n"
            f"Half the SE tax ({money(c.se_tax_deduction)}) is deductible; no benefits, no paid time off."
            + (f"\n{c.year_note}" if c.year_note else ""),
        ),
    )


def topics_reply(kb: KnowledgeBase, category_id: str | None = None) -> Reply:
    """Every category, or one category's topics (an unknown category: the list of them)."""
    if category_id is not None:
        category = kb.categories.get(category_id)
        if category is None:
            return Reply(
                title="Unknown category",
                body="Categories: " + ", ".join(f"`{c}`" for c in kb.categories),
                kind="error",
            )
        topics = [t for t in kb.topics.values() if t.category == category_id]
        body = "\n".join(f"- **{t.title}** — `/faq {t.id}`" for t in topics)
        return Reply(title=f"{category.emoji or ''} {category.title}".strip(), body=body)
    lines = []
    for category in kb.categories.values():
        count = sum(1 for t in kb.topics.values() if t.category == category.id)
        lines.append(
            f"{category.emoji or '•'} **{category.title}** (`{category.id}`, {count} topics) — {category.description}"
        )
    return Reply(title="Topics", body="\n".join(lines), footer=f"{len(kb.topics)} topics in all")


def roadmap_reply(kb: KnowledgeBase, step: int = 0) -> Reply:
    """One step of the career path; the Discord face pages through them with buttons."""
    steps = kb.roadmap
    if not steps:
        return Reply(
            title="Career roadmap", body="The moderators have not written the roadmap yet.", kind="info"
        )
    step = max(0, min(step, len(steps) - 1))
    current = steps[step]
    return Reply(
        title=current.title,
        body=current.body,
        footer=f"Career roadmap · step {step + 1} of {len(steps)}",
        related=tuple(TopicRef(t, kb.topics[t].title) for t in current.topics),
        kind="info",
    )


def roadmap_pages_reply(kb: KnowledgeBase) -> Reply:
    """The whole career path, one page per step, for a face that pages through one reply (the console)."""
    steps = [roadmap_reply(kb, step) for step in range(max(len(kb.roadmap), 1))]
    pages = tuple(f"**{s.title}**\n{s.body}" for s in steps)
    return Reply(title="Career roadmap", body="\n\n".join(pages), pages=pages, kind="info")


QUIZ_TITLE = "Which credential fits you?"
QUIZ_QUESTIONS = (
    "Where do you want to work?",
    "How much coding experience do you have?",
    "Any goal for your first years?",
)
AUDIT_TOPIC = "accuracy-and-audits"


def quiz_reply(kb: KnowledgeBase, step: int, answers: Sequence[str] = ()) -> Reply:
    """One question of the /which-credential quiz; the face offers the choices (buttons, or a usage line)."""
    if kb.credential_fit is None:
        return error_reply("The moderators have not set up the credential quiz yet.")
    step = max(0, min(step, len(QUIZ_QUESTIONS) - 1))
    so_far = " · ".join(answers)
    return Reply(
        title=f"{QUIZ_TITLE} ({step + 1}/{len(QUIZ_QUESTIONS)})",
        body=f"**{QUIZ_QUESTIONS[step]}**" + (f"\n\nSo far: {so_far}" if so_far else ""),
        footer="Pick one below; the recommendation comes from the server's credential rules",
        kind="info",
    )


def _pick_lines(reasons: Sequence[str]) -> str:
    return "\n".join(f"- {reason}" for reason in reasons)


def experience_label(kb: KnowledgeBase, years: float) -> str:
    """The quiz button's words for these years, else the years spelled out."""
    choices = kb.credential_fit.experience if kb.credential_fit else []
    label = next((c.label for c in choices if c.years == years), None)
    return label or f"{years:g} year{'' if years == 1 else 's'} of experience"


def credential_fit_reply(kb: KnowledgeBase, fit: Fit) -> Reply:
    """The quiz's result: each recommended credential with its reasons, what else to consider, advice."""
    names = " or ".join(p.name for p in fit.recommended) or "no credential"
    body = "\n\n".join(f"**{p.name} ({p.title})**\n{_pick_lines(p.reasons)}" for p in fit.recommended)
    fields: list[Field] = []
    if fit.also_consider:
        value = "\n".join(f"**{p.name}** ({p.title}): {' '.join(p.reasons)}" for p in fit.also_consider)
        fields.append(Field("Also consider", value[:EMBED_FIELD_VALUE_MAX]))
    if fit.notes:
        fields.append(Field("Good to know", _pick_lines(fit.notes)[:EMBED_FIELD_VALUE_MAX]))
    compare = [p.id for p in (*fit.recommended, *fit.also_consider)][:2]
    if len(compare) == 2:
        body += f"\n\nSide by side: `/compare {compare[0]} {compare[1]}`."
    topic_ids = [*fit.topics, *(p.topic for p in fit.recommended if p.topic)]
    related = tuple(TopicRef(t, kb.topics[t].title) for t in dict.fromkeys(topic_ids) if t in kb.topics)
    experience = experience_label(kb, fit.experience_years)
    goal = GOAL_LABELS.get(fit.goal, fit.goal) if fit.goal else NO_GOAL_LABEL
    rules = kb.credential_fit
    return Reply(
        title=f"{fit.setting_label}: {names}",
        body=body,
        fields=tuple(fields),
        # The issuers' pages of the credentials shown; the related topics carry the rest of the sourcing.
        sources=tuple(
            Link(f"{c.issuer} — {c.name} ({c.full_name})", c.url)
            for p in (*fit.recommended, *fit.also_consider)
            if (c := kb.credentials.get(p.id)) is not None
        ),
        footer=f"Your answers: {fit.setting_label} · {experience} · {goal}"
        + (f" · rules reviewed {rules.reviewed.isoformat()}" if rules else ""),
        related=related,
        kind="info",
    )


def course_check_reply(kb: KnowledgeBase, result: CourseVerdict) -> Reply:
    """The course checklist: what is there, what is missing (and why it matters), and the verdict."""

    def line(check: Check) -> str:
        if check.present:
            return f"✅ {check.label}"
        mark = "❌" if check.essential else "➖"
        optional = "" if check.essential else " (nice to have)"
        return f"{mark} **{check.label}**{optional}: {check.reason}"

    missing = result.essential_missing
    if result.verdict == "complete":
        headline = f"It covers everything the {result.credential_name} needs from a course."
    else:
        headline = f"Missing for the {result.credential_name}: " + ", ".join(c.label for c in missing) + "."
    body = f"**{headline}**\n" + "\n".join(line(c) for c in result.checks)
    criteria = kb.course_criteria
    fields = (
        (Field("Good to know", _pick_lines(result.notes)[:EMBED_FIELD_VALUE_MAX]),) if result.notes else ()
    )
    credential = kb.credentials.get(result.credential)
    related = [
        TopicRef(t, kb.topics[t].title) for t in ("choosing-a-course", "course-red-flags") if t in kb.topics
    ]
    if credential is not None and credential.topic in kb.topics:
        related.insert(0, TopicRef(credential.topic, kb.topics[credential.topic].title))
    return Reply(
        title=f"Looks {result.verdict} for the {result.credential_name}",
        body=body,
        fields=fields,
        sources=tuple(Link(s.title, s.url) for s in criteria.sources) if criteria else (),
        footer=f"{result.hours:g} contact hours checked against the server's course checklist",
        related=tuple(related),
        kind="info",
    )


def audit_risk_reply(kb: KnowledgeBase, risk: AuditRisk) -> Reply:
    """The audit maths in words, with the figures beside them."""
    fields = (
        Field("Chance of failing", chance(risk.fail_probability), True),
        Field("Chance of passing", chance(risk.pass_probability), True),
        Field("Charts right to pass", f"{risk.min_correct:,} of {risk.sample_size:,}", True),
        Field("True accuracy for a 95% pass", f"{risk.accuracy_for_95_percent_pass:.1%}", True),
    )
    related = (TopicRef(AUDIT_TOPIC, kb.topics[AUDIT_TOPIC].title),) if AUDIT_TOPIC in kb.topics else ()
    return Reply(
        title=f"A {risk.sample_size:,}-chart audit at {round(risk.accuracy * 100, 2):g}% accuracy",
        body=risk.reading()
        + "\n\nEach chart is taken as right or wrong on its own, with your true accuracy as the chance; "
        "real audits may weigh errors differently (claim-level or financial-impact accuracy).",
        fields=fields,
        footer="Exact binomial probabilities, computed not quoted",
        related=related,
        kind="figures",
    )


@dataclass(frozen=True)
class Command:
    """A student's command, as /help lists it, the console runs it and Discord describes it."""

    name: str
    arguments: str  # as /help shows them: `[...]` is optional
    about: str  # what it does, in a few words (Discord shows it capitalised, at most 100 characters)

    @property
    def usage(self) -> str:
        """The command with its arguments, as /help shows it."""
        return f"/{self.name} {self.arguments}".rstrip()

    @property
    def description(self) -> str:
        """The slash command's description."""
        return self.about[0].upper() + self.about[1:]


# The one list: /help shows it, the console runs (and completes) each of these, and the Discord
# commands take their descriptions from it.
COMMANDS: tuple[Command, ...] = (
    Command("ask", "question", "ask anything about a medical-coding career"),
    Command("faq", "topic", "open one topic of the FAQ (autocomplete helps)"),
    Command("compare", "first second", "compare two credentials side by side, e.g. /compare cpc ccs"),
    Command(
        "earnings",
        "charts_per_hour rate hours_per_week [weeks_per_year] [compare_charts_per_hour]",
        "pay calculator: charts per hour x pay per chart, with a chart of weekly pay by pace",
    ),
    Command("which-credential", "", "a three-question quiz: which credential fits where you want to work"),
    Command(
        "course-check", "", "check a course against what its credential needs: complete or introductory?"
    ),
    Command(
        "audit-risk",
        "accuracy required sample_size",
        "how often an accuracy audit fails you, and the accuracy that passes",
    ),
    Command("topics", "[category]", "browse every topic by category"),
    Command("roadmap", "", "the career path, step by step: credential to remote work"),
    Command("chapter", "", "your local chapter: meetings, contacts and exam sittings"),
    Command("help", "", "what I can do and how to ask"),
)


def command(name: str) -> Command:
    """The command of that name in COMMANDS."""
    return next(c for c in COMMANDS if c.name == name)


def help_reply(extra: Sequence[tuple[str, str]] = ()) -> Reply:
    """The list of commands, and a face's own (`extra`: usage, what it does)."""
    lines = [*((c.usage, c.about) for c in COMMANDS), *extra]
    body = "\n".join(f"`{usage}` — {what}" for usage, what in lines)
    return Reply(
        title="How I can help",
        body=body
        + "\n\nAnswers come from a knowledge base the moderators keep; every answer lists its sources.",
    )


def error_reply(message: str) -> Reply:
    """A problem to show only to whoever caused it; the message says what to do."""
    return Reply(title="That didn't work", body=message, kind="error")
