"""Figures from a message: the numbers a student gives are read, the rest is said to be assumed."""

from __future__ import annotations

import pytest

from bot.core.advisor import Advisor
from bot.core.figures import compute, read_figures
from bot.core.replies import figures_reply


@pytest.fixture(scope="module")
def advisor() -> Advisor:
    return Advisor.from_directory()


# (message, pace, rate, hours a week or None when not given)
READINGS = [
    ("i do 28 an hour at 55 cents, whats my hourly", 28, 0.55, None),
    ("a chart takes me 4 min and pays 65c, what's that a month", 15, 0.65, None),
    ("90 seconds per chart at 45 cents, hourly??", 40, 0.45, None),
    ("if i code 25 charts/hr at $0.75 full time what do i make a year", 25, 0.75, 40),
    ("i get 27 charts done per hr and they pay 0.72, whats my hourly", 27, 0.72, None),
    ("24 charts/h x 0.70, 32 hours a week, weekly?", 24, 0.70, 32),
    ("I get paid $1.10 per chart and do 120 charts a day. monthly?", 15, 1.10, None),
    ("6 min each at $2 per chart, 6 hours a day - what's monthly", 10, 2.0, 30),
    ("each note should take about 5 minutes and pays 90 cents, full time, yearly?", 12, 0.90, 40),
    ("we do 120 charts in an 8-hour shift at $0.55 a chart, hourly?", 15, 0.55, 40),  # the day x 5
    ("90 charts in a 7.5 hr day at 70c, whats my hourly", 12, 0.70, 37.5),
    ("25 charts an hour at a dollar each, 30 hours a week, weekly?", 25, 1.0, 30),
]


@pytest.mark.parametrize(("message", "pace", "rate", "hours"), READINGS)
def test_pace_rate_and_hours_are_read(message: str, pace: float, rate: float, hours: float | None) -> None:
    figures = read_figures(message)
    assert figures is not None
    assert figures.charts_per_hour == pytest.approx(pace)
    assert figures.pay_per_chart == pytest.approx(rate)
    assert figures.hours_per_week == (pytest.approx(hours) if hours else None)


@pytest.mark.parametrize(
    "message",
    [
        "is 15 charts an hour good?",
        "is $0.75 a chart good pay",
        "cpc exam is 100 questions in 4 hours",
        "1099 self employment tax",
        "they promised 40 charts an hour at $1 each, too good to be true?",
        "what is icd-10-cm",
        "is $900 a week good for a new coder?",
        "i need 3000 a month to live on, is coding enough?",
        "70 cents a chart but i'd lose my 401k match, worth it?",  # a retirement plan, not $401,000
        "i make 60000 a year, how much tax should i send each quarter",  # earnings, not the tax owed
        "half a dollar a chart at 30 an hour, weekly?",  # not a $1 rate: the topic answers
        "What is the 2026 Social Security wage base for self-employment tax?",  # a year, no amount
        "two offers, w2 at 22 an hour or 1099 at 28 an hour, which is better after taxes",  # hourly pay
        "my apartment is $1,100 a month, what does a new coder make?",  # a cost, not pay to convert
    ],
)
def test_messages_that_ask_no_arithmetic_go_to_the_search(message: str) -> None:
    assert read_figures(message) is None


# (message, text the reply must contain), each figure worked out by hand here
ANSWERS = [
    ("i do 28 an hour at 55 cents, whats my hourly", "$15.40 an hour"),  # 28 x 0.55
    ("a chart takes me 4 min and pays 65c, what's that a month", "$1,690 a month"),  # 15 x .65 x 40 x 52 / 12
    ("how many charts a week at 80 cents to clear $900?", "1,125"),  # 900 / 0.80
    ("Is it accurate that 1,000 charts per week at $0.75 per chart yields $3,000 per month?", "$3,250"),
    ("article says 40 charts an hour at 0.75 is $1600 a week?? math seems off", "$1,200"),  # 40 x .75 x 40
    ("how much se tax on $39,000 net", "$5,510.52"),  # 39000 x .9235 x .153
    # the title in whole dollars: 45000 x .9235 x .153 = 6358.30
    ("netted 45k on 1099 coding this yr, how much se tax", "about $6,358 a year"),
    ("how much self employment tax on net earnings of $30,000?", "$4,238.87"),  # 4238.865, half-cent up
    ("i wanna make 3500 a month at 80 cents a chart, how many charts is that", "4,375"),  # 3500 / 0.80
    ("how much is $750 a week per month?", "$3,250"),  # 750 x 52 / 12
    ("i need 18 an hour, they pay 60 cents a chart. how many charts an hour?", "30 charts"),  # 18 / 0.60
    ("target is $25 an hour, pay is 1.20 per chart, how many charts per hour", "21 charts"),  # 20.8 up
    ("30 charts/hr, $0.60 each, but only 35 real hours a week. monthly?", "$2,730 a month"),  # x 52 / 12
    ("i code 15 an hour at 95c, what do i make in an 8 hr day", "$114 a day"),  # 15 x .95 x 8
    ("se tax if i net 25 an hour full time?", "$7,347.37"),  # 25 x 40 x 52 x .9235 x .153
    ("se tax if i net 25 an hour?", "I assumed: full time, 40 hours a week; 52 weeks a year ($52,000 net)"),
    ("i think ill owe about 6000 total for the year, what do i send each quarter", "$1,500"),  # / 4
    ("ill owe around 10000 this year (income + se tax), what is each quarterly payment", "$2,500"),  # / 4
    ("how much se tax will i owe around 45000 net, quarterly payments?", "$6,358.30"),  # an income, not tax
    ("i owe about 2000 each quarter in se tax, whats that for the year?", "$8,000"),  # one payment x 4
    ("i owe 20000 in student loans, on a 1099 what se tax do i pay if i net 50k a year", "$7,064.78"),
    ("each chart is 6 minutes for me, pays $1.05. 40 hr week = how much per week", "$420 a week"),  # 10/h
    # times and nets that are not the student's pace or profit (the reviewer's finds)
    (
        "the closer daycare is 10 minutes away, i code 20 charts an hour at 70c, whats that a week",
        "$560 a week",
    ),
    (
        "each visit is 15 minutes at the clinic, i get 70 cents a chart and code 20 an hour, weekly?",
        "$560 a week",
    ),
    ("i gross 30k freelance coding, my husband nets 120k on his w2, whats my se tax", "$4,238.87"),
    ("my commute is 45 minutes each way, i code 20 charts an hour at 70 cents, yearly?", "$29,120 a year"),
    (
        "the cpc is 100 questions in 4 hours, if i get 70 cents a chart at 20 an hour whats that a year",
        "$29,120",
    ),
    ("the w2 job pays 19/hr, the 1099 one is 70 cents a chart at 25 charts an hour", "$17.50"),  # 25 x .70
    ("each quarter i owe about 2000, whats the total for the year", "$8,000"),  # one payment x 4
    ("how much should i pay quarterly if i owe 8000 in federal tax for the year", "$2,000"),  # / 4
    ("i made 60k gross and 45k net after expenses on 1099, whats my se tax", "$6,358.30"),  # on the net
    ("gross 70k, net profit 40k, se tax?", "$5,651.82"),  # 40000 x .9235 x .153
    # the third review: weeks, hours and amounts that are not the student's work or pay
    ("i get 2 weeks vacation, 20 charts an hour at 80 cents, 40 hrs, yearly?", "$32,000 a year"),  # 50 weeks
    ("i start in 2 weeks! 22 charts an hour at 70 cents full time, whats a year?", "$32,032 a year"),
    ("i have a w2 day job, side gig 20 charts an hour at 80c, weekly?", "$640 a week"),  # not "2 a day"
    ("what was the se tax in 2024 on 40k of 1099 income", "$5,651.82"),  # 2024 is a year
    ("the cpc exam is 4 hours long. i code 18 charts an hour at 90 cents, weekly", "$648 a week"),
    ("i study 10 hours a week. 20 charts an hour at 75 cents full time, annual?", "$31,200 a year"),
    ("i'm at 17 an hour now. if i code 20 charts an hour at 90 cents whats my yearly", "$37,440 a year"),
    ("they pay 19/hr on a w2. how many charts an hour at 75 cents would match that?", "26 charts"),
    ("my husband makes 70k w2 and i make 30k on 1099, whats my se tax?", "$4,238.87"),  # on the 30k
    ("made 40k last year and 45k this year on 1099, se tax this year?", "$6,358.30"),  # on the 45k
    ("i make 2500 a month now and want 3500 a month at 85 cents, 20 an hour, hours a week?", "47.52 hours"),
    # and what those rules must not catch (the regression review)
    ("25 charts/hr x.70 x40 hrs, weekly?", "$700 a week"),  # "x.70" is a rate
    ("i netted 2030 on 1099 side coding, self employment tax?", "$286.83"),  # an amount, not a year
    ("since passing my cpc exam i code 32 hours a week, 22/h at 68c, monthly", "$2,074 a month"),
    ("whats my weekly pay 22 an hour at 70 cents 40 hrs", "$616 a week"),  # 22 an hour is the pace here
    ("to make 4000 a month how many charts at 80 cents, i need to pay 1200 a month rent", "5,000 charts"),
    ("i do 18 an hour at 0.70 a chart, whats my weekly? my friend does 25 charts an hour", "$504 a week"),
    (
        "i want to make 1500 a month freelancing, i have a 40k w2 job too, se tax on the freelance?",
        "$2,543.32",
    ),
    ("it's a 13 week contract, 25/h at 70c, 40 hrs, total over the contract?", "$9,100"),  # 13 x 700
    ("i'm 30 weeks pregnant, 20 charts an hour at 75 cents full time, yearly?", "$31,200 a year"),
    ("22 charts/hr x 90c, 40h weeks, but only 48 weeks (taking 4 off). yearly gross?", "$38,016 a year"),
    ("taking 6 weeks maternity leave, 20 charts an hour at 85 cents, 40 hrs, this year?", "$31,280 a year"),
    ("i get 2 weeks of paid vacation, 22 charts an hour at 75 cents full time, yearly?", "$34,320 a year"),
    ("now coding i make 2800 a month, whats that hourly?", "$16.15"),  # 2800 x 12 / 52 / 40
    ("my side gig brings in 50k; i wanna net at least 35k after se tax, what's the se tax", "$7,064.78"),
    ("15 charts an hour at $1.20, how many hours to make 1800 a month", "100 hours"),  # 1800 / 18
    ("1000 charts at 68 cents = ?", "$680"),  # 1000 x .68
    ("how many charts a month to make 3000 at 80 cents", "3,750 charts"),  # 3000 / .80
    ("my goal is 3000 a month. they pay 90 cents a chart. charts per week?", "770 charts"),  # x12/52/.9
    ("35 charts hourly at 60 cents full time = how much per year", "$43,680 a year"),  # 35x.6x40x52
    ("15 charts per hour, $1.20 per chart, weekly pay for a 37.5-hour week?", "$675 a week"),
    ("hours a week to make $600 at 24 charts an hour and 80 cents?", "31.25 hours"),  # 600 / .8 / 24
    ("i net 900 a week, 20 charts an hour at 80 cents, what's my se tax", "$6,612.63"),  # on 900 x 52
    ("i coded 120 charts yesterday in 8 hours at 70 cents, hourly?", "$10.50 an hour"),  # 15/h x .70
    ("i get 150 done a day at 80 cents, what's that a week", "$600 a week"),  # 150 x .80 x 5
    ("20 charts an hour at 70c, 32 hours a week, daily pay?", "a 5-day week"),  # said, not hidden
    ("120 billable hours a month at 20 charts an hour and 70 cents, monthly?", "$1,680 a month"),
    # "they want 32 hrs a week" is hours, not a $32-an-hour goal: 12 x 1.40 x 32 x 52 / 12 = 2329.60
    ("$1.40 a chart, i can do 12 an hour and they want 32 hrs a week. monthly?", "$2,329.60"),
    ("50 radiology reports an hour at 40 cents each. weekly at 40 hrs?", "$800 a week"),  # 50 x .4 x 40
    # two offers: 13 x 1.75 = 22.75 an hour against 30 x .70 = 21: $1.75 an hour, $70 a week, more
    (
        "which pays more per hour: 13 charts/hr at $1.75 or 30 charts/hr at 70 cents?",
        "the first pays $1.75 more",
    ),
    ("20 charts an hour at $1 or 35 charts an hour at $0.60, full time?", "the second pays $1.00 more"),
    # 50k is a year's goal, not a week's ("hours a week" is what is asked): 50000 / 52 / .9 / 25
    ("my goal is 50k, at 90 cents a chart and 25 charts an hour, how many hours a week?", "42.74 hours"),
    ("27 charts an hour, 1.15 per chart, 35 real productive hrs a week. weekly?", "$1,086.75"),
    ("25 charts/h at $0.80, what's my se tax for the year", "$5,877.89"),  # 41,600 x .9235 x .153
    ("150 charts in a 7.5-hour day at $0.60 each, what's the hourly?", "$12 an hour"),  # 20/h x 0.60
    ("each one takes me about 6 minutes and pays 90 cents, what's that a week full time", "$360 a week"),
    (
        "one chart every 3 minutes at $0.50 per chart, full time, yearly?",
        "$20,800 a year",
    ),  # 20 x .5 x 40 x 52
]


@pytest.mark.parametrize(("message", "expected"), ANSWERS)
def test_ask_answers_with_computed_figures(advisor: Advisor, message: str, expected: str) -> None:
    answer = advisor.ask(message)
    assert answer.reply.kind == "figures" and answer.answered
    assert expected in answer.reply.plain_text()


def test_the_reply_says_what_it_read_and_what_it_assumed(advisor: Advisor) -> None:
    text = advisor.ask("i do 28 an hour at 55 cents, whats my hourly").reply.plain_text()
    assert "I read: 28 charts an hour; $0.55 a chart." in text
    assert "I assumed: full time, 40 hours a week" in text
    assert "/earnings charts_per_hour:28 rate:0.55 hours_per_week:40" in text
    full_time = advisor.ask("25 charts an hour at 75 cents full time, yearly?").reply.plain_text()
    assert "full time (40 hours a week)" in full_time and "$39,000 a year" in full_time


def test_a_missing_input_is_asked_for_under_the_topic_that_answers(advisor: Advisor) -> None:
    answer = advisor.ask("how much would i make at 70 cents a chart working 40 hours a week?")
    assert answer.answered and answer.reply.kind == "answer"  # the per-chart maths, then the question
    assert answer.reply.body.endswith(
        "**Your figures:** I read: $0.70 a chart; 40 hours a week. To work it out, tell me how many "
        "charts you code an hour (or minutes a chart), or use `/earnings`."
    )
    alone = advisor.ask("what do i make at 45c").reply  # no topic answers it: the question alone
    assert alone.kind == "figures" and "how many charts you code an hour" in alone.body


def test_an_impossible_pace_gets_a_clear_message(advisor: Advisor) -> None:
    reply = advisor.ask("whats 500 charts an hour at $1 a chart").reply
    assert reply.kind == "error"
    assert "charts per hour must be at most 200, got 500" in reply.body


def test_a_target_gives_the_charts_and_hours_it_needs(advisor: Advisor) -> None:
    figures = read_figures(
        "i want 50k a year at 70 cents a chart and 25 charts an hour, how many hours a week?"
    )
    assert figures is not None
    computed = compute(figures, advisor.kb.se_tax, year=2026)
    needed = dict(computed.needed)
    assert needed["Charts a year for $50,000 a year"] == "71,429 charts"  # 50000 / 0.70, rounded up
    assert (
        needed["Hours a week at 25 charts an hour"] == "54.95 hours"
    )  # 50000 / 52 / 0.70 / 25 = 54.945, rounded up


def test_a_contractors_figures_say_what_a_1099_leaves_out(advisor: Advisor) -> None:
    reply = advisor.ask("1099 gig, 25 charts an hour at 80 cents full time, whats my yearly").reply
    text = reply.plain_text()
    assert "$41,600 a year" in text  # 25 x .80 x 40 x 52
    assert "$5,878 a year" in text  # SE tax: 41600 x .9235 x .153 = 5878.02
    assert "no employer benefits (health insurance, paid time off" in text
    assert reply.body.endswith("ask a tax professional (free help: IRS VITA).")
    employee = advisor.ask("25 charts an hour at 80 cents full time, whats my yearly").reply.plain_text()
    assert "$41,600 a year" in employee and "self-employment" not in employee
    past = advisor.ask(
        "my first 1099 gig, 25 charts an hour at 80 cents full time, ive only ever been w2. yearly?"
    )
    assert "$5,878 a year" in past.reply.body  # a W-2 past does not make this 1099 offer a W-2 job
    nec = advisor.ask("got a 1099-NEC offer, 25 charts an hour at 80 cents full time, yearly?").reply
    assert "$5,878 a year" in nec.body  # the form contractors get (a 1099-INT is interest, not pay)
    agency = advisor.ask(
        "w2 contract job, 25 charts an hour at 80 cents full time, yearly?"
    ).reply.plain_text()
    assert "$41,600 a year" in agency and "self-employment" not in agency  # a W-2 contract withholds


@pytest.mark.parametrize(
    "message",
    [
        "w2 job, not 1099. 25 charts an hour at 80 cents full time, whats my yearly",
        "where do i enter my 1099-int interest? i code 25 charts an hour at 80 cents, yearly?",
        "my dad is a general contractor, he says 25 charts an hour at 80 cents is bad. whats that a year",
        "my employment contract says 40 hours, 25 charts an hour at 80 cents, yearly?",
        "im a w2 employee, 25 charts an hour at 80 cents full time, do i get a 1099 at the end of the year? yearly?",
        "my husband is self-employed, my coding job is w2 at 25 charts an hour at 80 cents, whats my monthly",
        "i used to freelance as a writer, now a hospital coder doing 25 charts an hour at 80 cents, yearly?",
        "i got switched from 1099 to w2 last month, 25 charts an hour at 80 cents, whats my yearly now",
        "hospital pays me on a w2, no 1099, 25 charts an hour at 80 cents, yearly?",
        # two offers: whose SE tax it would be is not clear, so none is given
        "w2 offer 30 charts an hour at 70 cents or 1099 at 13 charts an hour at $1.75, which pays more?",
    ],
)
def test_no_self_employment_tax_where_the_pay_is_not_a_contractors(advisor: Advisor, message: str) -> None:
    reply = advisor.ask(message).reply
    # the body (the fields always show a contractor's view beside the pay, labelled as such)
    assert reply.kind == "figures" and "Self-employment tax as a 1099" not in reply.body


def test_hours_a_period_cannot_hold_are_said_to_be_out_of_reach(advisor: Advisor) -> None:
    text = advisor.ask(
        "10 charts an hour at 50 cents, how many hours to make 5000 a month"
    ).reply.plain_text()
    # 5000 / 0.50 / 10; a month holds at most the calculator's 80 hours a week x 52 / 12
    assert "1,000 hours: more than 346.67 hours a month, so not reachable" in text
    reachable = advisor.ask("15 charts an hour at $1.20, how many hours to make 1800 a month").reply
    assert "not reachable" not in reachable.plain_text()


def test_quarterly_payments_name_the_due_dates_the_knowledge_base_gives(advisor: Advisor) -> None:
    figures = read_figures("ill owe about 6000 for the year, what do i pay each quarter")
    assert figures is not None
    tax = advisor.kb.se_tax
    assert tax.estimated_payments_due  # the shipped data says them
    payment = compute(figures, tax, year=2026).needed[0]
    assert payment == (f"Each quarterly payment (Form 1040-ES, due {tax.estimated_payments_due})", "$1,500")
    undated = compute(figures, tax.model_copy(update={"estimated_payments_due": None}), year=2026)
    assert undated.needed[0] == ("Each quarterly payment (Form 1040-ES)", "$1,500")


def test_the_se_tax_rule_is_said_from_the_knowledge_rates(advisor: Advisor) -> None:
    figures = read_figures("1099 gig, 25 charts an hour at 80 cents full time, yearly?")
    assert figures is not None
    tax = advisor.kb.se_tax.model_copy(update={"medicare_rate": 0.03})  # a changed law, in the data
    body = figures_reply(compute(figures, tax, year=2026), tax).body
    assert "15.4% on 92.35% of net" in body and "15.3%" not in body


def test_an_amount_alone_is_given_over_the_other_periods(advisor: Advisor) -> None:
    figures = read_figures("what's $1,200 a month as a yearly salary?")
    assert figures is not None and figures.target is not None
    needed = dict(compute(figures, advisor.kb.se_tax, year=2026).needed)
    assert needed == {"A week at $1,200 a month": "$276.92", "A year at $1,200 a month": "$14,400"}
    assert figures.assumed == []  # no pace, no hours: nothing to assume


def test_a_year_without_its_wage_base_says_which_year_was_used(advisor: Advisor) -> None:
    figures = read_figures("how much se tax on $39,000")
    assert figures is not None
    contractor = compute(figures, advisor.kb.se_tax, year=2031).contractor
    assert contractor is not None and contractor.year == 2026
    assert "Uses the 2026 Social Security wage base ($184,500): the 2031 figure" in contractor.year_note
    assert compute(figures, advisor.kb.se_tax, year=2026).contractor.year_note == ""  # type: ignore[union-attr]
