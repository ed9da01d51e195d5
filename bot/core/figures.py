"""Numbers in a student's message -> an earnings question, with what was read and what was assumed.

"i do 28 an hour at 55 cents, whats my hourly", "how many charts a week at 80 cents to clear $900?",
"a chart takes me 4 min and pays 65c, what's that a month": these ask for arithmetic, not for a topic.
`read_figures` finds the pace (charts an hour, a day, or minutes a chart), the rate (cents or dollars a
chart), hours a week ("full time" is 40), weeks a year, a target (an amount an hour, week, month or
year), or a net amount whose self-employment tax is asked. It returns None when the message gives
nothing to compute, so the question goes to the search instead.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.core.earnings import (
    DEFAULT_WEEKS_PER_YEAR,
    FULL_TIME_HOURS,
    LIMITS,
    ContractorView,
    Earnings,
    EarningsInputError,
    EarningsQuestion,
    answer,
    check_input,
    contractor_dict,
    self_employment,
)
from bot.core.knowledge.model import SelfEmploymentTax
from bot.core.knowledge.templates import money, number

Period = Literal["hour", "day", "week", "month", "year"]

HOURS_PER_DAY = 8  # a charts-a-day figure is read as an 8-hour day, and the reply says so
PART_TIME_HOURS = 20

_AMOUNT = re.compile(
    r"(?P<dollar>\$\s*)?(?:(?<![\w.])|(?<=(?<![a-z])x)|(?<=\bat)(?=\.\d)|(?<=\bfor)(?=\.\d))(?<![a-z]-)(?P<num>\d+(?:,\d{3})*(?:\.\d+)?|\.\d+)(?:\s*(?P<k>k)\b)?\s*"
    r"(?P<cents>cents?\b|c\b|¢)?(?P<dollars>\s*(?:dollars?|bucks?|usd)\b)?"
)
_PER = r"\s*(?:an?|per|/|each|every|for\s+(?:an?|each|one)|in\s+(?:an?|one|1|the|each))\s*"
_CHART = r"(?:charts?|records?|encounters?|notes?|cases?|reports?|visits?)"
_PERIOD_WORDS: dict[str, Period] = {
    "hour": "hour", "hr": "hour", "hrs": "hour", "h": "hour", "hourly": "hour",
    "day": "day", "daily": "day",
    "week": "week", "wk": "week", "weekly": "week",
    "month": "month", "mo": "month", "monthly": "month",
    "year": "year", "yr": "year", "annual": "year", "annually": "year", "yearly": "year",
}  # fmt: skip
_PERIOD = r"\b(?P<period>hourly|hour|hrs?|h|daily|day|weekly|week|wk|monthly|month|mo|yearly|year|yr|annually|annual)\b"

# What follows a number says what it is.
_AFTER_TIME = re.compile(
    r"\s*(?P<unit>min|mins|minutes?|sec|secs|seconds?)\b"
    rf"(?P<tail>{_PER}{_CHART}\b|\s+(?:each(?!\s+way)|apiece|a piece|a pop)\b|\s+to code\s+(?:an?|one|each)\s*{_CHART}|\s+{_CHART}\b)?"
)
_AFTER_PER_CHART = re.compile(rf"{_PER}{_CHART}\b")
# "50 radiology reports an hour": the kind of chart may stand before the word.
_KIND = r"(?:(?:radiology|ed|er|pro[\s-]?fee|outpatient|inpatient|office|clinic|e/m|em|simple|short)\s+)?"
_NAMES_CHARTS = re.compile(rf"\s*{_KIND}{_CHART}\b")  # "20 charts an hour", not "20 an hour"
_AFTER_PACE = re.compile(
    rf"\s*(?:{_KIND}{_CHART}\s*(?:(?:done|coded|completed)\s*)?(?:{_PER}|\s*)|(?:(?:done|coded|completed)\s*)?{_PER}|\s*(?=hourly|daily))(?P<unit>hourly|hour|hr|h|daily|day)\b"
    rf"|\s*{_KIND}{_CHART}\s*(?:(?:done|coded|completed)\s*)?(?:{_PER}|\s*)(?P<week>week|wk)\b"
)
_RATE_BEFORE = re.compile(r"(?:\bat|\bx|@|\bpays?|\bpaid|\bfor|\bof)\s*$")
_SCAM = re.compile(r"\bscam|too good to be true|\blegit\b|\bfake\b")
_AFTER_HOURS = re.compile(
    r"[\s-]*(?:(?:real|actual|billable|productive|working|paid|coding|work)\s+){0,2}(?:hours?|hrs?|h)\b(?:\s*(?:an?|per|/|each|every|in\s+(?:an?|the|one))?\s*(?P<unit>week|wk|day|month|mo)\b)?"
)
_HOURS_WORD = re.compile(r"\s*(?:hours?|hrs?|h)\b")
# Hours that are not work: "100 questions in 4 hours", "the exam is 4 hours long", "i study 10 hours a week".
_NOT_WORK = (
    re.compile(
        r"\b(?:questions?|qs?|items)\s+in\s+$|\b(?:stud(?:y|ied|ying)|commut\w*|driv(?:e|ing)|sleep\w*|lectures?"
        r"|(?:exam|test|course|class)\s+(?:is|was|takes?|took|lasts?)|took)(?:\s+(?!and\b|but\b|now\b|so\b|then\b|i\b|code\b|coding\b|work\w*)[\w']+){0,3}\s+$"
    ),  # said before the hours
    re.compile(
        r"[\s-]*(?:hours?|hrs?|h)\b[\s-]*(?:long\b|exam|test|course|class|drive|commute|of (?:sleep|study))"
    ),
)
# Weeks said of something else: "30 weeks pregnant", "28 weeks into my program", "a 36 week course".
_WEEKS_WORD = re.compile(
    r"[\s-]*(?:weeks?|wks?)\b(?!\s+(?:pregnant|into|program|course|class|old|left|ago|along|until|till))"
)
# The weeks a student works, said before ("work 48 weeks", "runs 8 weeks", "full time for 10 weeks")
# or after the number ("a 13 week contract", "24 weeks out of the year", "10 weeks this summer"):
# the year's figure is then the total over them.
_WEEKS_WORKED = (
    re.compile(
        r"\b(?:work(?:s|ing|ed)?|cod(?:e|ing)|runs?|lasts?|(?:time|coding|work(?:ing)?|gig|contract) for)"
        r"\s+(?:about\s+|around\s+|only\s+)?$"
    ),
    re.compile(
        r"[\s-]*(?:weeks?|wks?)\b(?:\s+(?:contract|assignment|gig|job|project)\b|\s+(?:out\s+)?of\s+the\s+year\b"
        r"|\s+this\s+(?:year|summer|fall|winter|spring)\b|\s+at\s+\d)"
    ),
)
_YEAR_OF_WEEKS_MIN = 26  # "only 48 weeks" is a working year; "in 2 weeks", "every 2 weeks" are not
# Weeks are a year's only when said so ("48 weeks a year", "work 48 weeks") or taken off ("2 weeks
# vacation"): "i start in 2 weeks" and "the course took 16 weeks" are not.
_AFTER_WEEKS = re.compile(
    r"\s*(?:weeks?|wks?)\b'?\s*(?:(?P<off>off\b|unpaid\b|(?:of\s+)?(?!paid\b)(?:\w+\s+)?(?:vacation|holidays?|pto|leave)\b)"
    r"|(?:a|per|/|each|every|in\s+a)\s*(?:year|yr)\b)"
)
_AFTER_PERIOD = re.compile(rf"(?:{_PER}|\s*)(?:{_PERIOD})")
_CHART_TAKES = re.compile(
    rf"(?:{_CHART}|\beach(?: one)?|\bone)\s+(?:(?:should|would|will|can|usually|typically|normally)\s+)?takes?\s+"
    r"(?:me\s+)?(?:about\s+|around\s+|like\s+|roughly\s+|~\s*)?$"
    # "each chart is 6 minutes", "a chart=5 min": said of a chart only ("the closer one is 10 minutes
    # away" and "each visit is 15 minutes" are not a pace)
    r"|\b(?:charts?|records?|encounters?|notes?|cases?|reports?)\s*(?:(?:is|are|averages?)\s+|=\s*)"
    r"(?:usually\s+|typically\s+|normally\s+)?(?:about\s+|around\s+|like\s+|roughly\s+|~\s*)?$"
    rf"|{_CHART}\s+(?:every|each)\s+$"  # "one chart every 2 minutes"
)
# "100 charts in a 7.5-hour day": a pace over a working day of a given length.
_AFTER_PACE_IN_DAY = re.compile(
    rf"\s*{_CHART}\s+(?:(?:done|coded|completed)\s+)?(?:in|per|over|during|a|an|each)\s+(?:an?\s+)?"
    r"(?P<hours>\d+(?:\.\d+)?)[\s-]*(?:hours?|hrs?|h)\s+(?:day|shift|workday)\b"
)
# "i want 4000 a month": a bare number after a word of earning, before a period, is an amount.
_ABOUT = r"\s+(?:about\s+|around\s+|roughly\s+|at least\s+)?$"
_EARN_BEFORE = re.compile(
    r"\b(?:want|wanna|make|makes|making|earn|earning|need|clear|hit|reach|gross|net|take home|bring in|get"
    # "the w2 job pays 19/hr", "w2 at 22 an hour": a wage, not a pace ("i'm at 15 an hour" stays a
    # pace unless a pace named in charts follows: see bare_pace)
    r"|pays|pays me|paid|paying|pay is|pay of|they pay|pay me|pay you|wage|wage is|salary is|w-?2 at"
    r"|beat|match|matching|equal"
    r"|goal is|goal of|target is|target of|aiming for|aim for|shooting for)" + _ABOUT
)
# "to make 3000 at 80 cents": an amount whose period is said elsewhere, after words of a goal only
# ("i hit 120 yesterday" is a count of charts, not money).
_GOAL_BEFORE = re.compile(
    r"\b(?:make|making|earn|earning|clear|gross|take home|bring in|goal is|goal of|target is|target of"
    r"|aiming for|aim for|shooting for)" + _ABOUT
)
# "i'll owe 6000 for the year": a year's tax, asked as four quarterly payments.
_OWED_BEFORE = re.compile(r"\bowe" + _ABOUT)
_NET_BEFORE = re.compile(
    r"\bnet(?:ted|s|ting)?(?:\s+(?:profit|income|earnings))?(?:\s+(?:is|was|of)|\s*[=:])?" + _ABOUT
)
_NET_AFTER = re.compile(r"\s*(?:in\s+|of\s+)?net\b")  # "60k gross and 45k net after expenses"
_OTHER_PEOPLE = r"husband|wife|spouse|partner|boyfriend|girlfriend|bf|gf|dad|mom|father|mother|he|she|they"
# Not the student's net: a wish ("wanna net 35k"), another person's ("my husband nets 120k").
_NET_NOT_MINE = re.compile(
    r"\b(?:want|wanna|need|needs|hope|hoping|still|to|would|could|will|should|can)\s+(?:i\s+|still\s+|to\s+)*net\w*"
    + _ABOUT
    + rf"|\b(?:{_OTHER_PEOPLE})\s+(?:\w+\s+)?nets?\w*"
    + _ABOUT
)
_AFTER_TAX = re.compile(r"\s*(?:a\s+\w+\s+)?after\s+(?:\w+\s+)?tax")
_OWED_AFTER = re.compile(r"\s*(?:total\s+)?(?:in|of)\s+(?:federal\s+|income\s+)?tax")
_ASKS_NEEDED = re.compile(
    r"how many (?:charts?|records?|encounters?|hours?|hrs?)|how (?:long|fast)|what pace|\b(?:to|i) (?:need|want)|\bgoal\b|\btarget\b|\bto (?:make|clear|hit|reach|earn|gross)\b"
)
# "a dollar each", "one buck a chart" (not "half a dollar", "a dollar fifty"): a rate of $1.
_ONE_DOLLAR = re.compile(
    r"(?<!half )(?<!quarter )\b(?:a|one)\s+(?:dollar|buck)\b"
    r"(?=\s*(?:each|apiece|a\s+chart|per\s+chart|/\s*chart|an?\s+(?:record|note|encounter)))"
)
_RETIREMENT_PLAN = re.compile(r"\b(?:401|403|457)\s*\(?\s*[kb]\s*\)?(?![a-z])")
_AFTER_CHARTS = re.compile(rf"\s*{_CHART}\b")  # "1000 charts at 68 cents": a count, no pace
# "13 charts/hr at $1.75 or 30 at 70 cents, which pays more?": two offers side by side.
_COMPARE = re.compile(r"\bor\b|\bvs\.?(?!\w)|\bversus\b|\bcompar|\bwhich\b|\bbetter\b")
_A_QUARTER = r"(?:\b(?:each|every|per|a)\s+quarter\b|\bquarterly\b|\bper\s+(?:quarterly\s+)?payment\b)"
_QUARTERLY = re.compile(_A_QUARTER)
_A_QUARTER_AFTER = re.compile(rf"\s*(?:(?:in\s+)?(?:se\s+|income\s+|federal\s+)?tax(?:es)?\s+)?{_A_QUARTER}")
# "each quarter i owe about 2000" is one payment; "pay quarterly if i owe 8000" a year's tax.
_A_QUARTER_BEFORE = re.compile(r"\b(?:each|every|per|a)\s+quarter\b[^.?!]*\bowe" + _ABOUT)
_OWED_TAX_AFTER = re.compile(
    r"\s*(?:total\b|\(\s*(?:se|self|income|federal)\b|in\s+(?:(?:se|income|federal|self[\s-]?employment)\s+)?tax"
    rf"|(?:for|this)\s+(?:the\s+)?year\b|{_A_QUARTER})"
)
_YEAR = re.compile(r"(?:199|20[1-3])\d")  # "se tax in 2024": a year, not an amount ("netted 2030": one)
_DATED_BEFORE = re.compile(r"\b(?:in|for|since|during|of|year|the|my|this|next|last)\s*$")
_FORM_NUMBERS = {1040, 1099, 1096, 941, 940}  # "1099 self employment tax" names a form, not an amount
_FULL_TIME = re.compile(r"\bfull[\s-]?time\b|\bft\b")
_PART_TIME = re.compile(r"\bpart[\s-]?time\b")
_SE_TAX_WORDS = re.compile(r"\b(?:se|self[\s-]?employ(?:ment|ed)?)\s*tax|\bschedule se\b")
# Paid as a contractor, by the words a message uses (see _is_contract).
_PAY_STATUS = {
    # "a 1099 gig", "1099-NEC" (not a 1099-INT, "$1099 a month" or "paid 1099 for the course")
    "1099": re.compile(
        r"(?<![$.,\d])\b1099(?:-(?:nec|misc|k)|s)?(?![-\w])"
        r"(?!\s*(?:dollars?|bucks|for\b)|\s*(?:a|an|per|/|each)\s*(?:hour|hr|day|week|wk|month|mo|year|yr)\b)"
    ),
    # "freelance", "contract work" (not an employment contract or a general contractor)
    "contract": re.compile(
        r"\bfreelanc\w*|\bself[\s-]?employed\b|(?<!general )\bcontractors?\b"
        r"|\bcontract\s+(?:job|position|role|work|gig|coder|coding)\b|\bon (?:a )?contract\b"
    ),
    "denied": re.compile(  # "not 1099", "used to freelance", "from 1099 to w2"
        r"\b(?:not|no|never|isn'?t|wasn'?t|aren'?t)\s+(?:a\s+|an\s+|on\s+(?:a\s+)?)?(?:1099|self[\s-]?employed|freelanc\w*|contractor)\b"
        r"|\bused to (?:freelance|be (?:self|a contractor|on))|\bfrom 1099 to w[\s-]?2\b|\bwas 1099\b"
    ),
    "w2": re.compile(r"\bw[\s-]?2\b(?! kids)|(?<!not an )(?<!not a )\bemployee\b"),
    "w2 now": re.compile(  # "i'm a w2 employee", "it's w2", "pays me on a w2"
        r"\b(?:i'?m|i am)\s+(?:a\s+|an\s+)?(?:[\w-]+\s+)?(?:w[\s-]?2|employee)\b(?! benefits)"
        r"|\bw[\s-]?2\s+(?:job|employee|position|role|now)\b|\bcurrently\s+w[\s-]?2\b"
        r"|\b(?:job|it|it'?s|position)\s+is\s+w[\s-]?2\b|\b(?:paid|pays me)\s+on\s+(?:a\s+)?w[\s-]?2\b"
    ),
}
_SE_TAX = re.compile(rf"{_SE_TAX_WORDS.pattern}|\b15\.3\s*(?:%|percent\b|on\b)")  # "i owe 15.3% of that?"
_ASKS = re.compile(
    r"how many (?:charts?|records?|encounters?|hours?|hrs?)|\bhow much\b|\bhow fast\b|\bcalculat|\bmath\b"
    r"|\bwhat(?:'?s| is| would| will| does| do)\b.*\b(?:that|make|come|pay|earn|be|gross)\b"
    r"|\bmy (?:hourly|weekly|monthly|yearly|annual|pay|income)\b"
)
_CONVERT = re.compile(
    rf"{_ASKS.pattern}|\bequivalent\b|\bconvert|\bworks? out\b|\bcomes? (?:out )?to\b"
    r"|\bas an? (?:hourly|weekly|monthly|yearly|annual)\b"
)


_Amount = tuple[float, Period | None, tuple[int, int]]  # an amount, its period, where it was said


@dataclass(frozen=True)
class Target:
    """An amount a message wants to reach, and over which period."""

    amount: float
    period: Period
    stated: bool = True  # the message named the period ("$900 a week"), not guessed from the amount


@dataclass
class Figures:
    """What a message gives to compute with. `read` and `assumed` say so in the student's terms."""

    charts_per_hour: float | None = None
    pay_per_chart: float | None = None
    hours_per_week: float | None = None
    hours_per_day: float | None = None  # when the message counts in days ("an 8 hr day")
    weeks_per_year: float = DEFAULT_WEEKS_PER_YEAR
    target: Target | None = None
    se_tax_on: float | None = None  # a net amount whose self-employment tax is asked
    owed: float | None = None  # a year's tax, to be paid in quarterly estimated payments
    charts: float | None = None  # a count of charts ("1000 charts at 68 cents"), not a pace
    other_offer: tuple[float, float] | None = None  # a second (pace, rate) to compare with the first
    read: list[str] = field(default_factory=list)
    assumed: list[str] = field(default_factory=list)
    asked: set[Period] = field(default_factory=set)
    asks_needed: bool = False  # "how many hours...": the amount is a goal, not a figure to check
    asks_se_tax: bool = False  # "what do i owe in se tax": the reply leads with it
    contract: bool = False  # "a 1099 gig at 70c a chart": paid as a contractor, not an employee

    @property
    def counts_charts(self) -> bool:
        """ "1000 charts at 68 cents": a count of charts and a rate, no pace: what the count pays."""
        return self.charts is not None and self.pay_per_chart is not None and self.charts_per_hour is None

    @property
    def missing(self) -> list[str]:
        """The inputs still needed to answer, as the student would name them."""
        if self.se_tax_on is not None or self.owed is not None or self.counts_charts:
            return []
        if self.target is not None and self.pay_per_chart is not None:
            return []
        needed = []
        if self.charts_per_hour is None and self.charts is None:
            needed.append("how many charts you code an hour (or minutes a chart)")
        if self.pay_per_chart is None:
            needed.append("what you are paid per chart")
        return needed


def read_figures(message: str) -> Figures | None:
    """The earnings question in a message, or None when it gives nothing to compute."""
    # "at a dollar each" is a rate of $1; "401k" and "403(b)" are retirement plans, not amounts.
    text = _RETIREMENT_PLAN.sub(" ", _ONE_DOLLAR.sub("$1", message.casefold().replace("’", "'")))
    if not re.search(r"\d", text):
        return None
    if _SCAM.search(text):
        return None  # "40 charts an hour at $1, legit?" asks about a scam, not for arithmetic
    figures = Figures()
    charts_per_week: float | None = None
    bare_hours: float | None = None  # "in 8 hours", no "a week": with a count of charts, a pace
    rates: list[float] = []  # every rate read; the first is the pay, a second may be another offer's
    second_pace: float | None = None
    bare_pace: tuple[float, tuple[int, int]] | None = None  # "20 an hour", no chart word: maybe a wage
    spans: list[tuple[int, int]] = []
    amounts: list[_Amount] = []
    for match in _AMOUNT.finditer(text):
        number_text = match.group("num")
        value = float(number_text.replace(",", "")) * (1000 if match.group("k") else 1)
        end, after = match.end(), text[match.end() :]
        if match.group("cents") and not match.group("k"):
            _set_rate(figures, value / 100, spans, match.span(), rates)
        elif found := _AFTER_TIME.match(after):
            if (found.group("tail") or _CHART_TAKES.search(text[: match.start()])) and value:
                minutes = value / 60 if found.group("unit").startswith("s") else value
                if figures.charts_per_hour is None:
                    figures.charts_per_hour = 60 / minutes
                    figures.read.append(
                        f"{value:g} {found.group('unit')} a chart ({60 / minutes:.3g} charts an hour)"
                    )
                spans.append((match.start(), end + found.end()))
        elif (
            "." in number_text
            and value < 5
            and (
                _RATE_BEFORE.search(text[: match.start()])
                or re.match(r"\s*(?:each|apiece)", after)
                or _AFTER_PER_CHART.match(after)
            )
        ):
            _set_rate(figures, value, spans, match.span(), rates)
        elif (
            match.group("dollar")
            or match.group("dollars")
            or match.group("k")
            or number_text.startswith(".")
            or (
                value >= 400
                and value not in _FORM_NUMBERS
                and not (
                    _YEAR.fullmatch(number_text)
                    and not _AFTER_PERIOD.match(after)
                    and _DATED_BEFORE.search(text[: match.start()])
                )
                and _SE_TAX_WORDS.search(text)
            )
        ):
            if _AFTER_PER_CHART.match(after) or (
                not _AFTER_PERIOD.match(after) and value < 5 and not match.group("k")
            ):
                _set_rate(figures, value, spans, match.span(), rates)
            else:
                period_match = _AFTER_PERIOD.match(after)
                period = _PERIOD_WORDS[period_match.group("period")] if period_match else None
                amounts.append(
                    (value, period, (match.start(), end + (period_match.end() if period_match else 0)))
                )
        elif (found := _AFTER_PACE_IN_DAY.match(after)) and figures.charts_per_hour is None:
            day = float(found.group("hours"))
            if day:
                figures.charts_per_hour = value / day
                figures.read.append(
                    f"{value:g} charts in a {day:g}-hour day ({value / day:.3g} charts an hour)"
                )
                if figures.hours_per_week is None:
                    figures.hours_per_day = day
                    figures.hours_per_week = day * 5
                    figures.assumed.append(f"5 days a week ({day * 5:g} hours)")
            spans.append((match.start(), end + found.end()))
        elif (
            _EARN_BEFORE.search(text[: match.start()])
            and not _HOURS_WORD.match(after)  # "they want 32 hrs a week" is hours, not $32 an hour
            and (period_match := _AFTER_PERIOD.match(after))
            and value >= (5 if (period := _PERIOD_WORDS[period_match.group("period")]) == "hour" else 100)
        ):
            amounts.append((value, period, (match.start(), end + period_match.end())))
        elif (found := _AFTER_HOURS.match(after)) and _work_hours(text[: match.start()], after):
            if figures.hours_per_week is None:
                if found.group("unit") == "day":
                    figures.hours_per_day = value
                    figures.hours_per_week = value * 5
                    figures.read.append(f"{value:g} hours a day")
                    figures.assumed.append(f"5 days a week ({value * 5:g} hours)")
                elif found.group("unit") in ("month", "mo"):
                    figures.hours_per_week = value * 12 / DEFAULT_WEEKS_PER_YEAR
                    figures.read.append(f"{value:g} hours a month ({figures.hours_per_week:.3g} a week)")
                else:
                    figures.hours_per_week = value
                    figures.read.append(f"{value:g} hours a week")
                    bare_hours = None if found.group("unit") else value
            spans.append((match.start(), end + found.end()))
        elif (
            (found := _AFTER_WEEKS.match(after))
            or (found := _WEEKS_WORKED[1].match(after))
            or (
                (
                    _WEEKS_WORKED[0].search(text[: match.start()])
                    or _YEAR_OF_WEEKS_MIN <= value <= DEFAULT_WEEKS_PER_YEAR
                )
                and (found := _WEEKS_WORD.match(after))
            )
        ) and 0 < value <= DEFAULT_WEEKS_PER_YEAR:
            off = found.groupdict().get("off")
            figures.weeks_per_year = DEFAULT_WEEKS_PER_YEAR - value if off else value
            figures.read.append(f"{value:g} weeks off" if off else f"{value:g} weeks a year")
            spans.append((match.start(), end + found.end()))
        elif (found := _AFTER_PACE.match(after)) and (
            figures.charts_per_hour is None
            or (
                bare_pace is not None
                and _NAMES_CHARTS.match(after)
                and _was_a_wage(text, bare_pace[1], match.start())
            )
        ):
            if bare_pace is not None and figures.charts_per_hour is not None:
                # "i'm w2 at 17 an hour ... 20 charts an hour": the bare one was a wage, for comparison
                _as_wage(figures, bare_pace, amounts)
                bare_pace = None
            if found.group("week"):
                charts_per_week = value
                figures.read.append(f"{value:,g} charts a week")
            elif found.group("unit") in ("day", "daily"):
                figures.charts_per_hour = value / HOURS_PER_DAY
                figures.read.append(f"{value:g} charts a day")
                figures.assumed.append(
                    f"an {HOURS_PER_DAY}-hour day ({value / HOURS_PER_DAY:.3g} charts an hour)"
                )
            else:
                figures.charts_per_hour = value
                figures.read.append(f"{value:g} charts an hour")
                if not _NAMES_CHARTS.match(after) and not _CODES_BEFORE.search(text[: match.start()]):
                    bare_pace = (value, (match.start(), end + found.end()))
            spans.append((match.start(), end + found.end()))
        elif (
            (found := _AFTER_PACE.match(after))
            and found.group("unit") in ("hourly", "hour", "hr", "h")
            and second_pace is None
        ):
            second_pace = value
            spans.append((match.start(), end + found.end()))
        elif (found := _AFTER_CHARTS.match(after)) and figures.charts is None:
            figures.charts = value
            figures.read.append(f"{value:,g} charts")
            spans.append((match.start(), end + found.end()))
        elif value >= 100 and (
            _GOAL_BEFORE.search(text[: match.start()])
            or _OWED_BEFORE.search(text[: match.start()])
            or _OWED_AFTER.match(after)
        ):
            amounts.append((value, None, match.span()))
    if figures.charts is not None and figures.charts_per_hour is None and bare_hours:
        # "120 charts yesterday in 8 hours at 70 cents": the count over those hours is the pace.
        figures.read.remove(f"{bare_hours:g} hours a week")
        figures.read.remove(f"{figures.charts:,g} charts")
        figures.charts_per_hour = figures.charts / bare_hours
        figures.read.append(
            f"{figures.charts:,g} charts in {bare_hours:g} hours ({figures.charts_per_hour:.3g} an hour)"
        )
        figures.charts = figures.hours_per_week = None
    if figures.hours_per_week is None:
        if _FULL_TIME.search(text):
            figures.hours_per_week = FULL_TIME_HOURS
            figures.read.append(f"full time ({FULL_TIME_HOURS:g} hours a week)")
        elif _PART_TIME.search(text):
            figures.hours_per_week = PART_TIME_HOURS
            figures.assumed.append(f"part time as {PART_TIME_HOURS} hours a week")
    if charts_per_week is not None and figures.charts_per_hour is None:
        if figures.hours_per_week is None:
            figures.hours_per_week = FULL_TIME_HOURS
            figures.assumed.append(f"full time, {FULL_TIME_HOURS:g} hours a week")
        figures.charts_per_hour = charts_per_week / figures.hours_per_week
    if figures.pay_per_chart is None and figures.charts_per_hour is not None:
        # "40 charts/h at $0.60 hourly?": a small amount beside a pace is the rate, whatever follows it.
        small = [m for m in amounts if m[0] < 5]
        if small:
            amounts.remove(small[0])
            _set_rate(figures, small[0][0], spans, small[0][2], rates)
    if second_pace is not None and len(rates) > 1 and _COMPARE.search(text):
        figures.other_offer = (second_pace, rates[1])
        figures.read.append(f"against {second_pace:g} charts an hour at ${rates[1]:.2f} a chart")
    figures.asks_se_tax = _SE_TAX.search(text) is not None
    figures.contract = figures.asks_se_tax or _is_contract(text)
    if (
        bare_pace is not None
        and figures.pay_per_chart is None
        and _HOURLY_OFFER.search(text[: bare_pace[1][0]])
    ):
        # "w2 at 22 an hour or 1099 at 28 an hour": no rate a chart anywhere, so hourly pay, not a pace
        _as_wage(figures, bare_pace, amounts)
    earns = figures.charts_per_hour is not None and figures.pay_per_chart is not None
    amounts = _the_students(text, amounts, for_se_tax=figures.asks_se_tax)
    before, after = (text[: amounts[0][2][0]], text[amounts[0][2][1] :]) if amounts else ("", "")
    if amounts and figures.asks_se_tax and earns and not _is_my_net(text, amounts[0][2]):
        # "20 an hour ... 20 charts at $1 each, what's my se tax": the pace and rate say the income
        # (unless the amount is the net: "i net 900 a week, 20 charts an hour...").
        spans.append(amounts[0][2])
    elif amounts:
        value, period, span = amounts[0]
        spans.append(span)
        # "i'll owe about 8000 (se tax + income tax)": the tax owed, even where SE tax is named, when
        # the words after it say so ("owe around 45000 net" is an income whose SE tax is asked).
        owed = (
            _OWED_BEFORE.search(before) and (not figures.asks_se_tax or _OWED_TAX_AFTER.match(after))
        ) or (_OWED_AFTER.match(after) and not figures.asks_se_tax)
        if _QUARTERLY.search(text) and owed and period in (None, "year"):
            if _A_QUARTER_AFTER.match(after) or _A_QUARTER_BEFORE.search(before):  # "owe 2000 each quarter"
                figures.owed = value * 4
                figures.read.append(f"{money(value)} of tax a quarter")
            else:
                figures.owed = value
                figures.read.append(f"{money(value)} of tax for the year")
        elif figures.asks_se_tax:
            hours, weeks = figures.hours_per_week or FULL_TIME_HOURS, figures.weeks_per_year
            factor = {
                "hour": hours * weeks,
                "day": hours / (figures.hours_per_day or HOURS_PER_DAY) * weeks,
                "week": weeks,
                "month": 12,
            }.get(period or "year", 1)
            figures.se_tax_on = value * factor
            figures.read.append(f"{money(value)} net {per(period or 'year')}")
            if period in ("hour", "day"):
                if figures.hours_per_week is None:
                    figures.assumed.append(f"full time, {FULL_TIME_HOURS:g} hours a week")
                figures.assumed.append(f"{weeks:g} weeks a year ({money(value * factor)} net)")
            else:
                figures.assumed.clear()  # no hours enter a net a week, month or year ("part time": moot)
        else:
            named = period or _period_named(_outside(text, spans))
            period = named or ("year" if value >= 10000 else "week")
            figures.target = Target(value, period, stated=named is not None)
            figures.read.append(f"{money(value)} {per(period)}")
    figures.asks_needed = _ASKS_NEEDED.search(text) is not None
    figures.asked = {_PERIOD_WORDS[m.group("period")] for m in re.finditer(_PERIOD, _outside(text, spans))}
    return figures if _worth_computing(figures, text) else None


def _set_rate(
    figures: Figures, value: float, spans: list[tuple[int, int]], span: tuple[int, int], rates: list[float]
) -> None:
    if figures.pay_per_chart is None:
        figures.pay_per_chart = value
        figures.read.append(f"${value:.2f} a chart")
    rates.append(value)
    spans.append(span)


def _period_named(text: str) -> Period | None:
    """The period an amount is over, said elsewhere in the message ("50k ... a year"); not the unit
    of what is asked ("how many hours a week", "charts an hour")."""
    for found in re.finditer(rf"(?:an?|per|/|each|every)\s*{_PERIOD}", text):
        if not re.search(rf"(?:hours?|hrs?|{_CHART})\s*$", text[: found.start()]):
            return _PERIOD_WORDS[found.group("period")]
    return None


def _outside(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    return text


def _worth_computing(figures: Figures, text: str) -> bool:
    """Compute only when the message asks for arithmetic; "is 15 charts an hour good?" is a topic."""
    if figures.se_tax_on is not None or figures.owed is not None:
        return True
    if figures.counts_charts:
        return True
    pace, rate = figures.charts_per_hour is not None, figures.pay_per_chart is not None
    if pace and rate:
        return True
    if figures.target is not None and (pace or rate):
        return True
    target = figures.target
    if target is not None and target.stated and figures.asked - {target.period} and _CONVERT.search(text):
        return True  # "what is $900 a week monthly?": the same amount over another period
    return bool((pace or rate) and _ASKS.search(text))


@dataclass(frozen=True)
class Computed:
    """The arithmetic a message asked for: full earnings when pace and rate are known, and what a target needs."""

    figures: Figures
    earnings: Earnings | None = None
    contractor: ContractorView | None = None  # the self-employment tax on a net amount that was given
    needed: tuple[tuple[str, str], ...] = ()  # (what, how much) to reach the target
    other_offer: Earnings | None = None  # the second offer's earnings, on the same hours and weeks
    problem: str | None = None  # an impossible input, in the student's terms

    @property
    def incomplete(self) -> bool:
        """Nothing could be worked out: the pace or the rate is still missing (see Figures.missing)."""
        return self.earnings is None and not self.needed and self.contractor is None and self.problem is None

    def as_dict(self) -> dict[str, Any]:
        """`ask --json`'s `figures`: the keys of `earnings --json`, plus what was read, assumed and needed."""
        data: dict[str, Any] = self.earnings.as_dict() if self.earnings else {}
        if self.contractor is not None:
            data["contractor"] = contractor_dict(self.contractor)
        if self.figures.target is not None:
            data["target"] = {"amount": self.figures.target.amount, "period": self.figures.target.period}
        data["needed"] = dict(self.needed)
        data["read"] = list(self.figures.read)
        data["assumed"] = list(self.figures.assumed)
        if self.problem:
            data["problem"] = self.problem
        return data


def compute(figures: Figures, tax: SelfEmploymentTax, year: int | None = None) -> Computed:
    """Everything the figures allow: earnings at the pace and rate, and the charts or hours a target needs."""
    if figures.owed is not None:
        due = f", due {tax.estimated_payments_due}" if tax.estimated_payments_due else ""
        quarter = (f"Each quarterly payment (Form 1040-ES{due})", money(figures.owed / 4))
        return Computed(figures, needed=(quarter, ("The year's tax, four payments", money(figures.owed))))
    if figures.se_tax_on is not None:
        if figures.se_tax_on <= 0:
            return Computed(figures, problem="the net amount must be more than $0")
        return Computed(figures, contractor=self_employment(figures.se_tax_on, tax, year))
    if figures.counts_charts:
        charts, per_chart = figures.charts or 0.0, figures.pay_per_chart or 0.0
        total = (f"{number(charts)} charts at {money(per_chart)} a chart", money(charts * per_chart))
        return Computed(figures, needed=(total,))
    pace, rate = figures.charts_per_hour, figures.pay_per_chart
    if figures.hours_per_week is None and (
        (pace is not None and rate is not None) or (figures.target is not None and (pace or rate))
    ):
        figures.hours_per_week = FULL_TIME_HOURS
        figures.assumed.append(f"full time, {FULL_TIME_HOURS:g} hours a week")
    hours = figures.hours_per_week or FULL_TIME_HOURS
    weeks = figures.weeks_per_year
    try:
        other_pace, other_rate = figures.other_offer or (None, None)
        for name, value in (
            ("charts_per_hour", pace),
            ("pay_per_chart", rate),
            ("hours_per_week", hours),
            ("weeks_per_year", weeks),
            ("charts_per_hour", other_pace),
            ("pay_per_chart", other_rate),
        ):
            if value is not None:
                check_input(name, value)
        question = EarningsQuestion(pace, rate, hours, weeks) if pace and rate else None
        result = answer(question, tax, year=year).earnings if question else None
        other = None
        if result is not None and other_pace and other_rate:
            other = answer(EarningsQuestion(other_pace, other_rate, hours, weeks), tax, year=year).earnings
    except EarningsInputError as error:
        return Computed(figures, problem=str(error))
    if figures.weeks_per_year == DEFAULT_WEEKS_PER_YEAR and result is not None:
        figures.assumed.append(f"{DEFAULT_WEEKS_PER_YEAR:g} paid weeks a year")
    return Computed(figures, earnings=result, needed=_needed(figures, hours, weeks), other_offer=other)


def _needed(figures: Figures, hours: float, weeks: float) -> tuple[tuple[str, str], ...]:
    target, pace, rate = figures.target, figures.charts_per_hour, figures.pay_per_chart
    if target is None:
        return ()
    goal = f"{money(target.amount)} {per(target.period)}"
    if target.period == "hour":
        if rate:
            return ((f"Charts an hour for {goal}", _charts(target.amount / rate)),)
        if pace:
            return ((f"Pay per chart for {goal}", money(target.amount / pace)),)
        return ()
    weekly = {"day": target.amount * 5, "week": target.amount, "month": target.amount * 12 / weeks}.get(
        target.period, target.amount / weeks
    )
    out: list[tuple[str, str]] = []
    if rate:
        out.append((f"Charts a {target.period} for {goal}", _charts(target.amount / rate)))
        if target.period != "week":
            out.append(("That is, charts a week", _charts(weekly / rate)))
        if pace:
            at_pace = f"at {number(pace)} charts an hour"
            if target.period in ("day", "month"):  # "hours to make $1512 a month": a month's hours first
                month_or_day = _hours(target.amount / rate / pace, target.period)
                out.append((f"Hours a {target.period} {at_pace}", month_or_day))
            out.append((f"Hours a week {at_pace}", _hours(weekly / rate / pace, "week")))
        else:
            out.append((f"Charts an hour over {hours:g} hours a week", _charts(weekly / rate / hours)))
    elif pace:
        out.append((f"Pay per chart for {goal} at {hours:g} h/week", money(weekly / (pace * hours))))
    else:  # the amount alone: the same pay over the other periods (a month is a year / 12)
        if "hour" in figures.asked:  # "2800 a month, what's that hourly?"
            out.append((f"An hour at {goal} ({hours:g} hours a week)", money(weekly / hours)))
        for period, amount in (("week", weekly), ("month", weekly * weeks / 12), ("year", weekly * weeks)):
            if period != target.period:
                out.append((f"{per(period).capitalize()} at {goal}", money(amount)))
    return tuple(out)


_ROUNDING = 1e-6  # 30.000000000000004 charts is 30: float noise is not a need


# The most hours a goal can ask for: a day's, and the calculator's week (a month: its 52 weeks / 12).
_WEEK_MOST = LIMITS["hours_per_week"].maximum
HOURS_MOST = {"day": 24.0, "week": _WEEK_MOST, "month": _WEEK_MOST * DEFAULT_WEEKS_PER_YEAR / 12}


def _hours(needed: float, period: str) -> str:
    """Hours needed in a period, said to be out of reach above what a day or the calculator's week holds."""
    if needed > HOURS_MOST[period]:
        most = "a day has" if period == "day" else f"{_decimal(HOURS_MOST[period])} hours a {period}"
        return f"{_decimal(needed)} hours: more than {most}, so not reachable at this pace and rate"
    return f"{_decimal(needed)} hours"


# Another person's money ("my husband makes 70k", "spouse 65k"), or the student's past pay ("old w2
# job paid 38k", "40k last year"): not the amount to work on when the student gives their own.
_NOT_MINE_BEFORE = [
    re.compile(
        rf"\b(?:{_OTHER_PEOPLE})"
        r"(?:\s+(?:\w+\s+){0,2}(?:makes?|making|earns?|earning|earned|nets?|netted|brings?\s+in|gets?|got"
        r"|gross(?:es)?)|\s+(?:is|was)\s+(?:\w+\s+){0,2}at)?(?:\s+about|\s+around)?\s+$"
    ),
    re.compile(
        r"\b(?:last year|old (?:w-?2 )?job|used to|previous(?:ly)?)\b"
        r"(?:\s+(?!and\b|but\b|now\b|this\b|i\b|need\b|want\w*\b)[\w']+){0,4}\s+$"
    ),
]
_PAST_AFTER = re.compile(r"[^.,;!?]{0,20}\blast year\b")
# A cost, never pay: "an apartment that's $1,100 a month", "daycare is $900", "$1,200 a month in bills".
_COST_BEFORE = re.compile(
    r"(?<!after )(?<!of )\b(?:rent|apartment|lease|mortgage|bills?|daycare|childcare|car payment|insurance|costs?"
    r"|expenses?|tuition)\b"
    r"(?:\s+[\w']+){0,3}\s+$"
)
_COST_AFTER = re.compile(
    r"\s*(?:a\s+\w+\s+)?(?:in\s+)?(?:rent|bills|expenses|for (?:rent|daycare|the course))\b"
)
# A goal's amount is the one to reach ("i make 2500 a month now and want 3500 a month").
_GOAL_CLAUSE = re.compile(
    r"\b(?:want|wanna|need|goal|aim|aiming|target|hoping|hope)\b(?!\s+to\s+(?:know|pay|cover|spend))[^.,;!?]*$"
)
# An employee's pay (no SE tax on it): "my w2 pays 3000 a month", "i make 40k w2".
_W2_AMOUNT = (
    re.compile(r"\b(?:w-?2|salary|job pays)\b[^.,;!?]*$"),
    re.compile(r"\s*(?:a\s+\w+\s+)?(?:w-?2|salary)\b"),
)


# A bare "N an hour" is a pace after "i code" ("i code 14 an hour"); hourly pay after an offer with
# no rate a chart ("1099 at 28 an hour"); and a later pace is not the student's after someone else
# or a requirement ("my friend does 25 charts an hour", "the job requires 20 charts an hour").
_CODES_BEFORE = re.compile(r"\b(?:i\s+(?:do|code|average)|averaging|doing|coding)\s+(?:about\s+|around\s+)?$")
_HOURLY_OFFER = re.compile(r"\b(?:1099|w-?2|contract(?:or)?|offer(?:s|ed)?)\s+(?:is\s+|pays\s+)?at\s+$")
_NOT_MY_PACE_BEFORE = re.compile(
    r"\b(?:friend|team|co-?workers?|she|he|they|her|his|their|requires?|required|target|goal|minimum|standard"
    r"|expects?|quota)\b[^.,;!?]*$"
)


def _is_contract(text: str) -> bool:
    """Whether a message's pay is a contractor's: "a 1099 gig" unless the student says they are a W-2
    employee now, "freelance" or "contract work" unless W-2 work is named at all, never where it is
    denied; where offers are compared ("W-2 at $19/hr or 1099 at 75 cents"), one of them is."""
    status = _PAY_STATUS
    if status["denied"].search(text):
        return False
    compared = _COMPARE.search(text) is not None
    return bool(
        (status["1099"].search(text) and (compared or not status["w2 now"].search(text)))
        or (status["contract"].search(text) and (compared or not status["w2"].search(text)))
    )


def _as_wage(figures: Figures, bare_pace: tuple[float, tuple[int, int]], amounts: list[_Amount]) -> None:
    """Read a bare "N an hour" taken as a pace as hourly pay instead (an amount, from $5 an hour)."""
    wage, span = bare_pace
    figures.read.remove(f"{wage:g} charts an hour")
    figures.charts_per_hour = None
    if wage >= 5:
        amounts.append((wage, "hour", span))


def _was_a_wage(text: str, bare: tuple[int, int], named_at: int) -> bool:
    """Whether a bare "N an hour" was a wage, now that a pace named in charts follows at `named_at`:
    not when a per-chart rate comes between ("18 an hour at 0.70 a chart"), nor when the later pace
    is someone else's or a requirement."""
    between = text[bare[1] : named_at]
    has_rate = re.search(r"\d\s*(?:cents?\b|c\b|¢)|\$?\d*\.\d+", between)
    return not has_rate and not _NOT_MY_PACE_BEFORE.search(text[:named_at])


def _the_students(text: str, amounts: list[_Amount], for_se_tax: bool) -> list[_Amount]:
    """The amounts to work on, the likeliest first: never a cost; another person's or the student's
    past pay only when there is nothing else; a goal's before the student's current pay, except for
    SE tax, which is on what the student nets as a contractor ("i owe 20000 in student loans... if i
    net 50k"), not a wage nor what is left after the tax ("brings in 50k; wanna net 35k after se tax")."""
    amounts = [
        a for a in amounts if not (_COST_BEFORE.search(text[: a[2][0]]) or _COST_AFTER.match(text, a[2][1]))
    ]
    if len(amounts) < 2:
        return amounts

    def theirs(amount: _Amount) -> bool:
        start, end = amount[2]
        before = text[:start]
        return any(p.search(before) for p in _NOT_MINE_BEFORE) or bool(_PAST_AFTER.match(text, end))

    mine = [a for a in amounts if not theirs(a)] or amounts
    goals = [a for a in mine if _GOAL_CLAUSE.search(text[: a[2][0]])]
    if not for_se_tax:
        return goals + [a for a in mine if a not in goals]
    w2_before, w2_after = _W2_AMOUNT
    wages = [a for a in mine if w2_before.search(text[: a[2][0]]) or w2_after.match(text, a[2][1])]
    after_tax = [a for a in mine if a in goals and _AFTER_TAX.match(text, a[2][1]) and a not in wages]
    rest = [a for a in mine if a not in wages and a not in after_tax]
    netted = [a for a in rest if _is_my_net(text, a[2])]
    return netted + [a for a in rest if a not in netted] + after_tax + wages


def _work_hours(before: str, after: str) -> bool:
    """Whether hours said here are working hours, not an exam's, a course's or a commute's."""
    said_before, said_after = _NOT_WORK
    return not (said_before.search(before) or said_after.match(after))


def _is_my_net(text: str, span: tuple[int, int]) -> bool:
    """Whether the amount at `span` is said as the student's own net ("i net 45k", "net of 45k"),
    not a wish, another person's net or a net after tax."""
    before = text[: span[0]]
    said = _NET_BEFORE.search(before) or _NET_AFTER.match(text, span[1])
    return bool(said and not _NET_NOT_MINE.search(before) and not _AFTER_TAX.match(text, span[1]))


def _charts(needed: float) -> str:
    """Whole charts, rounded up: 20.8 charts is 21 to reach the goal."""
    return f"{number(math.ceil(needed - _ROUNDING))} charts"


def per(period: str) -> str:
    """ "an hour", "a week": a period as the replies say it."""
    return "an hour" if period == "hour" else f"a {period}"


def _decimal(value: float) -> str:
    """Up to two decimals, rounded up (a need rounded down falls short): 32 hours, 31.25, 54.95."""
    return f"{math.ceil(value * 100 - _ROUNDING) / 100:,.2f}".rstrip("0").rstrip(".")
